"""Stored data never breaks reading: once, one reading typed as ``1e20000`` was stored, and from
then on every public page of its competition answered 500, across restarts. Today such a value is
refused at the door; here rows that got into the database anyway (an older version, a hand edit)
leave the competition loading, its pages rendering, and only their entry flagged."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, update
from sqlmodel import select

from scoreboard.app import create_app
from scoreboard.settings import Settings
from scoreboard.store import tables as db
from scoreboard.store.engine import session
from tests.support import half_judged, running, seed

DAMAGE: list[tuple[str, dict[str, Any], list[Any]]] = [
    ("j1", {"taste": "1e20000"}, []),  # beyond the int digit limit when read back
    ("j2", {"taste": "not a number"}, []),
    ("j3", {"taste": ["1", "2"]}, []),  # readings for a score criterion
    ("j4", {}, [{"key": "overtime"}]),  # a deduction without its amount
]


def damage(engine: Engine) -> None:
    with session(engine, write=True) as s:
        e1 = s.exec(select(db.Entry.id).where(db.Entry.key == "e1")).one()
        for judge, marks, deductions in DAMAGE:
            j = s.exec(select(db.Judge.id).where(db.Judge.key == judge)).one()
            values: dict[str, Any] = {"marks": marks, "deductions": deductions} if deductions else {"marks": marks}
            s.execute(update(db.Sheet).where(db.Sheet.entry_id == e1, db.Sheet.judge_id == j).values(**values))
        s.commit()


async def test_unreadable_sheets_flag_their_entry_and_nothing_else(engine: Engine) -> None:
    seed(engine)
    app = create_app(Settings.from_env(env_file=None, database_url="sqlite://"), engine=engine)
    async with running(app) as (_http, state):
        for raw in half_judged():
            await state["service"].submit("cup", str(raw["judge"]), raw)
    damage(engine)
    app = create_app(Settings.from_env(env_file=None, database_url="sqlite://"), engine=engine)  # a restart
    async with running(app) as (http, state):
        for path in ("/", "/c/cup/e/hot", "/c/cup/e/hot?lang=en", "/c/cup/teams", "/c/cup/board"):
            page = await http.get(path)
            assert page.status_code == 200, path
        _event, _state, standings = state["book"].standings("cup", "hot")
        by_key = {s.entry.key: s.result for s in standings}
        e1, e2 = by_key["e1"], by_key["e2"]
        assert str(e1.state) == "flagged" and e1.total is None  # only j5's sheet is left: no total
        assert sorted(p.params["judge"] for p in e1.flags if p.code == "sheet_unreadable") == ["j1", "j2", "j3", "j4"]
        assert str(e2.state) == "complete" and e2.shown == 80  # the rest shows
        english = (await http.get("/c/cup/e/hot?lang=en")).text
        assert "80.00" in english and "under review" in english
