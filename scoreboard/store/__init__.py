"""Persistence (SQLModel on SQLite or PostgreSQL): ``tables`` (the rows), ``engine`` (engines,
migrations, sessions), ``load`` (a competition in and out, event states, entry locks),
``sheets`` (score sheets, stored once and exactly) and ``audit`` (the audit log).
Nothing here imports the web layer, and nothing here commits: the caller does."""
