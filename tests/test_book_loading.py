"""Loading a competition into the standings book, and warming it at start-up.

A load reads and scores outside the book's lock, so what happens meanwhile must not be lost: a
sheet accepted while the competition loads counts once it is in, a competition changed meanwhile
is read again, and two callers at once load it once. A started server has its competitions in the
book before anyone asks; a competition that cannot be loaded is logged and the server serves on.
The test competition: e2's five sheets of 28+16+12+12+4+8 make 80.00."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine

from scoreboard.app import _warm, create_app
from scoreboard.changes import CompetitionChanged, SheetAccepted
from scoreboard.errors import UserError
from scoreboard.live.book import Book, StandingsBook, _Loading
from scoreboard.rubric.sheet import parse_sheet
from scoreboard.settings import Settings
from scoreboard.store.engine import make_engine, migrate, session
from scoreboard.store.sheets import record_sheet
from tests.support import EIGHTY, competition, running, seed, sheet


@pytest.fixture
def db(tmp_path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path / 'book.db'}")
    migrate(engine)
    seed(engine)
    return engine


def store(db: Engine, entry: str, judges: range) -> list[int]:
    """Sheets of 80 points for ``entry`` stored as the sheet service stores them: their seqs."""
    rubric = competition().events[0].rubric
    with session(db, write=True) as s:
        seqs = [record_sheet(s, "cup", parse_sheet(rubric, sheet(entry, f"j{i}", EIGHTY)), "test").seq
                for i in judges]
        s.commit()
    return seqs


def shown(book: StandingsBook, entry: str) -> object:
    _event, _state, standings = book.standings("cup", "hot")
    return next(s.result.shown for s in standings if s.entry.key == entry)


class Interrupted(StandingsBook):
    """A book whose first load is interrupted after it has read and scored the store: ``meanwhile``
    runs then, as another thread would while the load holds no lock."""

    def __init__(self, engine: Engine, meanwhile: Callable[[StandingsBook], None]) -> None:
        super().__init__(engine)
        self.meanwhile = meanwhile
        self.loads = 0

    def _load(self, key: str, loading: _Loading) -> Book:
        made = super()._load(key, loading)
        self.loads += 1
        if self.loads == 1:
            self.meanwhile(self)
        return made


def test_a_sheet_accepted_while_its_competition_loads_counts(db: Engine) -> None:
    def judged(book: StandingsBook) -> None:
        for seq in store(db, "e2", range(1, 6)):
            book.apply(SheetAccepted("cup", "hot", "e2", "j1", seq))

    book = Interrupted(db, judged)
    assert shown(book, "e2") == 80
    assert book.loads == 1  # rescored, not reloaded


def test_a_competition_changed_while_it_loads_is_read_again(db: Engine) -> None:
    def changed(book: StandingsBook) -> None:
        store(db, "e2", range(1, 6))  # written by the change nobody announced a sheet for
        book.apply(CompetitionChanged("cup"))

    book = Interrupted(db, changed)
    assert shown(book, "e2") == 80
    assert book.loads == 2


def test_two_callers_at_once_load_a_competition_once(db: Engine) -> None:
    entered, release = threading.Event(), threading.Event()

    def slow(book: StandingsBook) -> None:
        entered.set()
        release.wait(10)

    book = Interrupted(db, slow)
    first = threading.Thread(target=book.book, args=("cup",))
    first.start()
    assert entered.wait(10)
    second = threading.Thread(target=book.book, args=("cup",))
    second.start()
    assert book.lookup("cup").entries["e2"].code == "H-102"  # judges' sheets are checked meanwhile
    time.sleep(0.1)
    release.set()
    first.join(10)
    second.join(10)
    assert book.loads == 1 and book.scored("cup")


async def test_a_started_server_has_its_competitions_scored_before_anyone_asks(db: Engine) -> None:
    app = create_app(Settings.from_env(env_file=None, database_url="sqlite://"), engine=db)
    async with running(app) as (_http, state):
        for _ in range(100):
            if state["book"].scored("cup"):
                break
            await asyncio.sleep(0.05)
        assert state["book"].scored("cup")


class Broken(StandingsBook):
    def book(self, competition: str) -> Book:
        raise UserError.one("broken", "cannot be read")


async def test_a_competition_that_cannot_be_warmed_is_logged_and_the_server_serves_on(
        db: Engine, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="scoreboard.app"):
        await _warm(Broken(db), db)
    assert "could not warm the standings book with cup" in caplog.text
