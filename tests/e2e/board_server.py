"""A board server for browser tests: the "competition half judged" without its sheets (hot dishes
with the reveal card on), test hooks on, on 127.0.0.1 at the port given.

    python -m tests.e2e.board_server DB PORT ORGANIZER_KEY
"""

from __future__ import annotations

import sys

import uvicorn
from sqlmodel import select

from scoreboard.app import create_app
from scoreboard.settings import Settings
from scoreboard.store import tables
from scoreboard.store.engine import make_engine, migrate, session
from tests.support import seed


def main(db: str, port: int, key: str) -> None:
    settings = Settings.from_env(env_file=None, database_url=f"sqlite:///{db}", test_hooks="1", organizer_key=key)
    engine = make_engine(settings.database_url)
    migrate(engine)
    seed(engine)
    with session(engine, write=True) as s:
        row = s.exec(select(tables.Event).where(tables.Event.key == "hot")).one()
        row.reveal = True
        s.add(row)
        s.commit()
    uvicorn.run(create_app(settings, engine=engine), host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3])
