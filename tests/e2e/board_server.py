"""A board server for browser tests: the "competition half judged" without its sheets (hot dishes
with the reveal card on), test hooks on, on 127.0.0.1 at the port given; with ``big``, also the
"big" competition of tests/test_deltas.py (24 hot dishes, blind, open).

    python -m tests.e2e.board_server DB PORT ORGANIZER_KEY [big]
"""

from __future__ import annotations

import sys

import uvicorn
from sqlmodel import select

from scoreboard.app import create_app
from scoreboard.competition import parse_competition
from scoreboard.settings import Settings
from scoreboard.store import tables
from scoreboard.store.engine import make_engine, migrate, session
from scoreboard.store.events import set_event_state
from scoreboard.store.load import save_competition
from tests.support import seed
from tests.test_deltas import big_competition


def main(db: str, port: int, key: str, big: bool = False) -> None:
    settings = Settings.from_env(env_file=None, database_url=f"sqlite:///{db}", test_hooks="1", organizer_key=key)
    engine = make_engine(settings.database_url)
    migrate(engine)
    seed(engine)
    with session(engine, write=True) as s:
        row = s.exec(select(tables.Event).where(tables.Event.key == "hot")).one()
        row.reveal = True
        s.add(row)
        if big:
            save_competition(s, parse_competition(big_competition(24), "test"))
            for event in ("hot", "cold"):
                set_event_state(s, "big", event, "open", actor="test")
        s.commit()
    uvicorn.run(create_app(settings, engine=engine), host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:] == ["big"])
