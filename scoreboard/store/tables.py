"""The database tables (SQLModel), one class per table.

Words: a *row* class here shares its name with the domain object it stores
(``tables.Entry`` stores a ``competition.Entry``); modules that use both import this one as
``db``. Keys (``key``) are the organizer's names, unique within a competition; ``id`` is the
database's own number, used only for references between rows.

- ``Sheet.id`` is the server's *sequence number* (``seq``) for a sheet: the order of arrival.
  ``Sheet.uid`` is the id the tablet made, unique, so a resend is recognised.
- Sheets and audit rows are *append-only*: nothing here or elsewhere updates or deletes them;
  a correction is a new revision.
- Numbers in ``Sheet.marks`` and ``Sheet.deductions`` are exact decimal strings ("8.5"),
  never floats (see ``scoreboard.store.sheets``).
- ``Entry.code`` is the blind code, unique per event; NULL where the entry has none.
- ``Entry.withdrawn``: the entry withdrew (退赛); its sheets stay, but the competition loaded for
  ranking, judging and the public leaves it out.
- ``Entry.accepted``: the organizer accepted the entry with fewer judges than its panel (one sat
  out); its result counts as complete (``rubric.score.score_entry``).
- ``Event.frozen_seq``: while an event's visibility is ``frozen``, the public standings are those
  of the sheets with ``seq`` up to it (the moment of freezing), so every worker agrees.

Every change to these classes needs a migration in ``migrations/versions``; a test checks the
migrated schema against this metadata.
"""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from scoreboard.states import EventState

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

EVENT_STATES = tuple(EventState)
ROLES = ("judge", "chief")

KEY = 64  # the longest key, blind code or sheet uid
ATTEMPT_KEY = 200  # the longest key a sign-in attempt is counted against


def now() -> datetime:
    return datetime.now(UTC)


def _json(factory: Callable[[], Any] | None = None) -> Any:
    """A JSON column: NOT NULL with a default made by ``factory``, or nullable without one."""
    if factory is None:
        return Field(default=None, sa_type=JSON(none_as_null=True), nullable=True)
    return Field(default_factory=factory, sa_type=JSON(none_as_null=True), nullable=False)


class Competition(SQLModel, table=True):
    __tablename__ = "competition"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=KEY, unique=True)
    name_zh: str = Field(max_length=200)
    name_en: str = Field(max_length=200)
    date: str = Field(default="", max_length=32)
    venue: str = Field(default="", max_length=200)
    time_zone: str = Field(default="Asia/Shanghai", max_length=64)  # IANA: where times are shown local
    team_rule: dict[str, Any] | None = _json()
    created_at: datetime = Field(default_factory=now, sa_type=DateTime(timezone=True))


class Event(SQLModel, table=True):
    __tablename__ = "event"
    __table_args__ = (UniqueConstraint("competition_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    competition_id: int = Field(foreign_key="competition.id")
    key: str = Field(max_length=KEY)
    name_zh: str = Field(max_length=200)
    name_en: str = Field(max_length=200)
    rubric: dict[str, Any] = _json(dict)
    rubric_source: str = Field(default="", max_length=500)
    blind: bool = False
    visibility: str = Field(default="live", max_length=16)
    state: str = Field(default="draft", max_length=16)
    position: int = 0
    reveal: bool = False  # show the score-reveal card on the projector when an entry completes
    frozen_seq: int | None = None  # frozen: the public sees the sheets up to this sequence number
    totals: str = Field(default="entry", max_length=16)  # what it ranks: entries, or contestants by their total
    round: dict[str, Any] | None = _json()  # a round of a contest: name, after, carry, qualify


class Team(SQLModel, table=True):
    __tablename__ = "team"
    __table_args__ = (UniqueConstraint("competition_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    competition_id: int = Field(foreign_key="competition.id")
    key: str = Field(max_length=KEY)
    name_zh: str = Field(max_length=200)
    name_en: str = Field(max_length=200)


class Contestant(SQLModel, table=True):
    __tablename__ = "contestant"
    __table_args__ = (UniqueConstraint("competition_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    competition_id: int = Field(foreign_key="competition.id")
    key: str = Field(max_length=KEY)
    name: str = Field(max_length=100)
    team_id: int | None = Field(default=None, foreign_key="team.id", index=True)
    age: int | None = None
    gender: str | None = Field(default=None, max_length=16)


class Entry(SQLModel, table=True):
    """``competition_id`` repeats the event's, so an entry key is unique in its competition."""

    __tablename__ = "entry"
    __table_args__ = (UniqueConstraint("competition_id", "key"), UniqueConstraint("event_id", "code"))

    id: int | None = Field(default=None, primary_key=True)
    competition_id: int = Field(foreign_key="competition.id")
    event_id: int = Field(foreign_key="event.id", index=True)
    key: str = Field(max_length=KEY)
    code: str | None = Field(default=None, max_length=KEY)
    title: str = Field(default="", max_length=200)
    team_id: int | None = Field(default=None, foreign_key="team.id", index=True)
    contestants: list[str] = _json(list)
    tags: dict[str, str] = _json(dict)
    attrs: dict[str, Any] = _json(dict)
    locked: bool = False
    withdrawn: bool = False  # 退赛: keeps its sheets, no longer ranked or shown (``load_competition`` leaves it out)
    withdrawn_reason: str = Field(default="", max_length=500)
    accepted: bool = False  # complete with fewer judges than the panel: the organizer accepted it (``Entry.accepted``)
    accepted_reason: str = Field(default="", max_length=500)


class Judge(SQLModel, table=True):
    __tablename__ = "judge"
    __table_args__ = (UniqueConstraint("competition_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    competition_id: int = Field(foreign_key="competition.id")
    key: str = Field(max_length=KEY)
    name: str = Field(max_length=100)
    team_id: int | None = Field(default=None, foreign_key="team.id", index=True)
    token_hash: str | None = Field(default=None, max_length=128, unique=True)
    revoked: bool = False


class Assignment(SQLModel, table=True):
    """A judge marks an event (role ``judge``) or is its chief judge (role ``chief``); a judge who
    marks it may have ``roles`` there: keys of ``rubric.markers.ROLES`` (measuring, clerk), by spaces."""

    __tablename__ = "assignment"
    __table_args__ = (UniqueConstraint("judge_id", "event_id", "role"),)

    id: int | None = Field(default=None, primary_key=True)
    judge_id: int = Field(foreign_key="judge.id")
    event_id: int = Field(foreign_key="event.id", index=True)
    role: str = Field(default="judge", max_length=16)
    roles: str = Field(default="", max_length=100)


class Sheet(SQLModel, table=True):
    __tablename__ = "sheet"
    __table_args__ = (
        UniqueConstraint("entry_id", "judge_id", "revision"),
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(max_length=KEY, unique=True)
    entry_id: int = Field(foreign_key="entry.id")
    judge_id: int = Field(foreign_key="judge.id", index=True)
    revision: int
    marks: dict[str, Any] = _json(dict)
    deductions: list[dict[str, str]] = _json(list)
    reason: str = Field(default="", max_length=500)
    received_at: datetime = Field(default_factory=now, sa_type=DateTime(timezone=True))


class PaperSheet(SQLModel, table=True):
    """A judge's paper sheet typed in the console twice, by two clerks, before it counts: the
    first entry, the second (blind to the first), and what became of them — ``waiting`` for the
    second, ``differs`` (waiting for someone to resolve it), ``stored`` (agreed or resolved: the
    judge's sheet with ``seq``)."""

    __tablename__ = "paper_sheet"

    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = Field(foreign_key="entry.id", index=True)
    judge_id: int = Field(foreign_key="judge.id")
    state: str = Field(default="waiting", max_length=16)
    first_by: str = Field(max_length=100)
    first: dict[str, Any] = _json(dict)  # the marks as typed: criterion → text (readings: a list)
    first_at: datetime = Field(default_factory=now, sa_type=DateTime(timezone=True))
    second_by: str = Field(default="", max_length=100)
    second: dict[str, Any] | None = _json()
    second_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    seq: int | None = None  # the sheet stored from it


class AuditLog(SQLModel, table=True):
    """Who did what, when and why; ``subject`` names what changed (``entry:E1``, ``event:hot``)."""

    __tablename__ = "audit_log"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=now, sa_type=DateTime(timezone=True))
    actor: str = Field(max_length=100)
    action: str = Field(max_length=64)
    subject: str = Field(default="", max_length=200, index=True)
    detail: dict[str, Any] = _json(dict)
    reason: str = Field(default="", max_length=500)


ACCOUNT_ROLES = ("organizer", "chief")


class Account(SQLModel, table=True):
    """An organizer console login: ``organizer`` (everything) or ``chief`` (the chief judge of the
    events in ``account_event``: resolve, lock and reopen there, nothing else). Only a salted
    scrypt hash of the password is kept (``scoreboard.store.accounts``)."""

    __tablename__ = "account"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=KEY, unique=True)
    password_hash: str = Field(max_length=256)
    role: str = Field(default="organizer", max_length=16)
    disabled: bool = False
    created_at: datetime = Field(default_factory=now, sa_type=DateTime(timezone=True))


class AccountEvent(SQLModel, table=True):
    """An event a ``chief`` account may act on."""

    __tablename__ = "account_event"
    __table_args__ = (UniqueConstraint("account_id", "event_id"),)

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    event_id: int = Field(foreign_key="event.id")


class ConsoleSession(SQLModel, table=True):
    """One console sign-in, kept on the server so that signing out ends it everywhere. The session
    cookie carries a random id; only its SHA-256 (``token_hash``) is kept here, so a database dump
    signs nobody in. ``fingerprint`` is the account's password fingerprint at sign-in: a changed
    password ends the session (``scoreboard.store.accounts``)."""

    __tablename__ = "console_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    fingerprint: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=now, sa_type=DateTime(timezone=True))
    seen_at: datetime = Field(default_factory=now, sa_type=DateTime(timezone=True))


class ServerKey(SQLModel, table=True):
    """A secret the server made for itself, by name (``session``: signs session cookies), made once
    and shared by every process using the database (``scoreboard.store.keys``)."""

    __tablename__ = "server_key"

    name: str = Field(max_length=KEY, primary_key=True)
    value: str = Field(max_length=256)
    created_at: datetime = Field(default_factory=now, sa_type=DateTime(timezone=True))


class Worker(SQLModel, table=True):
    """A running server process (one ``scoreboard serve``, or one of its ``--workers``), by the id
    it made for itself at start. ``beat_at`` moves on every few seconds while it runs; a worker
    whose beat is old is gone (stopped, or killed), and so are its judges' sockets
    (``scoreboard.store.devices``)."""

    __tablename__ = "worker"

    id: str = Field(max_length=KEY, primary_key=True)
    started_at: datetime = Field(default_factory=now, sa_type=DateTime(timezone=True))
    beat_at: datetime = Field(default_factory=now, sa_type=DateTime(timezone=True))


class JudgeDevice(SQLModel, table=True):
    """A judge's devices as one worker knows them: its open sockets of that judge, the last frame
    heard from one (``last_seen``), the sheets their tablets last said were waiting (``waiting``;
    None: never said). Written by the worker when a socket opens or closes and every few seconds
    while frames come in (``scoreboard.services.devices``)."""

    __tablename__ = "judge_device"
    __table_args__ = (Index("ix_judge_device_competition_judge", "competition", "judge"),)

    worker: str = Field(max_length=KEY, primary_key=True)
    competition: str = Field(max_length=KEY, primary_key=True)
    judge: str = Field(max_length=KEY, primary_key=True)
    sockets: int = 0
    last_seen: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    waiting: int | None = None


class SignInAttempt(SQLModel, table=True):
    """One console sign-in attempt counted against ``key`` (``ip:ADDRESS`` or ``user:NAME``) at
    ``at`` (seconds since the epoch), kept while it may still hold the key back
    (``scoreboard.store.attempts``)."""

    __tablename__ = "sign_in_attempt"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=ATTEMPT_KEY, index=True)
    at: float
