"""Judges' roles through the store and the services: imported from the judges' file, kept on
their assignments, read back, and enforced on the one road every sheet takes (a sheet with a
plain judge's readings is refused and changes nothing; the pair's readings, the clerk's theory
and three judges' levels make the masonry total 73.78, worked in ``test_markers``)."""

from __future__ import annotations

import tomllib
from fractions import Fraction

import pytest
from sqlalchemy import Engine

from scoreboard.competition import parse_competition
from scoreboard.errors import UserError
from scoreboard.live.book import StandingsBook
from scoreboard.live.bus import MemoryBus
from scoreboard.panel import plan_judges
from scoreboard.services.announcer import Announcer
from scoreboard.services.judges import JudgeService
from scoreboard.services.sheets import SheetService
from scoreboard.store.audit import audit_log
from scoreboard.store.engine import session
from scoreboard.store.events import set_event_state
from scoreboard.store.load import load_competition, save_competition
from scoreboard.store.sheets import sheets_of_entry
from tests.test_markers import LEVELS, READINGS, THEORY

TRADES = """
[competition]
key = "trades"
name = { zh = "建筑", en = "Trades" }
[[events]]
key = "masonry"
name = { zh = "砌筑", en = "Masonry" }
rubric = "masonry"
[[entries]]
key = "w1"
event = "masonry"
[[judges]]
key = "j1"
name = "评委一"
events = ["masonry"]
"""


@pytest.fixture
def trades(engine: Engine) -> Engine:
    with session(engine, write=True) as s:
        save_competition(s, parse_competition(tomllib.loads(TRADES), "test"))
        set_event_state(s, "trades", "masonry", "open", actor="test")
        s.commit()
    return engine


async def test_roles_from_the_judges_file_decide_whose_sheets_are_taken(trades: Engine) -> None:
    bus = MemoryBus()
    judges = JudgeService(trades, Announcer(bus))
    table = [["评委编号", "姓名", "评分赛项", "分工"],
             ["j1", "评委一", "砌筑", "测量裁判"],  # j1 becomes a measuring judge
             ["j2", "评委二", "砌筑", ""], ["j3", "评委三", "砌筑", ""],
             ["clerk", "录分员王", "砌筑", "录分员"]]
    with session(trades) as s:
        plan = plan_judges(load_competition(s, "trades"), table)
    assert not plan.bad
    assert await judges.import_rows("trades", plan, "organizer:admin") == (3, 1)
    with session(trades) as s:
        comp = load_competition(s, "trades")
        [logged] = [a for a in audit_log(s, action="judge.assigned") if a.subject == "judge:clerk"]
    assert comp.roles_in("masonry") == {"j1": {"measuring"}, "j2": set(), "j3": set(), "clerk": {"clerk"}}
    assert logged.detail["roles"] == ["clerk"]

    book = StandingsBook(trades)
    sheets = SheetService(trades, bus, book)
    with pytest.raises(UserError) as caught:
        await sheets.submit("trades", "j2", {"id": "x", "entry": "w1", "marks": {**LEVELS["j2"], "level": [0] * 6}})
    assert caught.value.code == "not_marker"
    with session(trades) as s:
        assert sheets_of_entry(s, "trades", "w1") == []  # nothing stored
    j1 = {**READINGS, **LEVELS["j1"]}
    for judge, marks in (("clerk", THEORY), ("j1", j1), ("j2", LEVELS["j2"]), ("j3", LEVELS["j3"])):
        await sheets.submit("trades", judge, {"id": f"w1-{judge}", "entry": "w1", "marks": marks})
    _event, _state, [standing] = book.standings("trades", "masonry")
    assert standing.result.total == Fraction(664, 9) and standing.result.shown == Fraction("73.78")
    assert standing.result.complete


WITH_CLERK = TRADES + """
[[entries]]
key = "w2"
event = "masonry"
[[judges]]
key = "clerk"
name = "录分员王"
events = ["masonry"]
roles = { masonry = ["clerk"] }
"""


async def test_the_organizer_enters_theory_scores_as_the_clerk_s_sheets(engine: Engine) -> None:
    from scoreboard.services.clerk import ClerkService

    with session(engine, write=True) as s:
        save_competition(s, parse_competition(tomllib.loads(WITH_CLERK), "test"))
        set_event_state(s, "trades", "masonry", "open", actor="test")
        s.commit()
    book = StandingsBook(engine)
    clerk = ClerkService(engine, SheetService(engine, MemoryBus(), book))
    assert [c.key for c in clerk.read("trades", "masonry").criteria] == ["theory"]

    with pytest.raises(UserError) as caught:  # one bad value: nothing is stored
        await clerk.record("trades", "masonry", {"w1": {"theory": "80"}, "w2": {"theory": "101"}}, "organizer:admin")
    assert [p.code for p in caught.value.problems] == ["mark_range"]
    with session(engine) as s:
        assert sheets_of_entry(s, "trades", "w1") == []

    assert await clerk.record("trades", "masonry", {"w1": {"theory": "80"}, "w2": {"theory": "87.5"}},
                              "organizer:admin") == 2
    assert await clerk.record("trades", "masonry", {"w1": {"theory": "80"}, "w2": {"theory": "88"}},
                              "organizer:admin", "阅卷复核") == 1  # only w2 changed
    table = clerk.read("trades", "masonry")
    assert {e: (x.marks["theory"], x.revision, x.reason) for e, x in table.latest.items()} == {
        "w1": (Fraction(80), 1, ""), "w2": (Fraction(88), 2, "阅卷复核")}
    with session(engine) as s:
        logged = audit_log(s, action="entry.clerk")
    assert sorted((a.subject, a.detail["values"]["theory"], a.actor) for a in logged) == [
        ("entry:w1", "80", "organizer:admin"), ("entry:w2", "87.5", "organizer:admin"),
        ("entry:w2", "88", "organizer:admin")]
    _event, _state, standings = StandingsBook(engine).standings("trades", "masonry")  # as stored
    assert {x.entry.key: x.result.criteria["theory"] for x in standings} == {"w1": 80, "w2": 88}


async def test_without_a_clerk_the_values_are_refused(trades: Engine) -> None:
    from scoreboard.services.clerk import ClerkService

    clerk = ClerkService(trades, SheetService(trades, MemoryBus(), StandingsBook(trades)))
    with pytest.raises(UserError) as caught:
        await clerk.record("trades", "masonry", {"w1": {"theory": "80"}}, "organizer:admin")
    assert caught.value.code == "no_clerk"
