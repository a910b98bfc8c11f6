"""The service: every sheet checked, stored durably, acknowledged, then announced — or refused
with a code and nothing changed. Runs on SQLite and PostgreSQL (the ``engine`` fixture)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, func
from sqlmodel import select

from scoreboard.changes import SheetAccepted
from scoreboard.errors import UserError
from scoreboard.live.book import StandingsBook
from scoreboard.live.bus import MemoryBus
from scoreboard.services.announcer import Announcer
from scoreboard.services.events import EventService
from scoreboard.services.sheets import SheetService
from scoreboard.store import tables as db
from scoreboard.store.engine import session
from scoreboard.store.entries import set_entry_locked
from scoreboard.store.events import set_event_state
from tests.support import EIGHTY, GOLDEN, half_judged, seed, sheet


def count_sheets(engine: Engine) -> int:
    with session(engine) as s:
        return int(s.exec(select(func.count()).select_from(db.Sheet)).one())


@pytest.fixture
def service(engine: Engine) -> SheetService:
    seed(engine)
    return SheetService(engine, MemoryBus(), StandingsBook(engine))


async def test_accepted_sheet_is_stored_then_announced(service: SheetService, engine: Engine) -> None:
    async with service.bus.subscribe() as queue:
        receipt = await service.submit("cup", "j1", sheet("e1", "j1", EIGHTY))
        assert receipt.created and receipt.seq > 0
        assert count_sheets(engine) == 1
        assert queue.get_nowait() == SheetAccepted("cup", "hot", "e1", "j1", receipt.seq)


async def test_resend_is_acknowledged_again_and_stored_once(service: SheetService, engine: Engine) -> None:
    async with service.bus.subscribe() as queue:
        first = await service.submit("cup", "j1", sheet("e1", "j1", EIGHTY))
        again = await service.submit("cup", "j1", sheet("e1", "j1", EIGHTY))
        assert (again.seq, again.created) == (first.seq, False)
        assert count_sheets(engine) == 1
        assert queue.qsize() == 1  # announced once


async def test_the_judge_is_who_sends_not_what_the_sheet_says(service: SheetService, engine: Engine) -> None:
    await service.submit("cup", "j2", sheet("e1", "j1", EIGHTY))
    with session(engine) as s:
        stored = s.exec(select(db.Sheet)).one()
        judge = s.get(db.Judge, stored.judge_id)
        assert judge is not None and judge.key == "j2"


@pytest.mark.parametrize(("judge", "raw", "code"), [
    ("j1", sheet("nope", "j1", EIGHTY), "entry_unknown"),
    ("j9", sheet("e1", "j9", EIGHTY), "judge_unknown"),
    ("j6", sheet("e1", "j6", EIGHTY), "not_assigned"),
    ("j7", sheet("e1", "j7", EIGHTY), "conflict"),
    ("j1", sheet("e1", "j1", {**EIGHTY, "taste": 35.5}), "mark_range"),
    ("j1", sheet("e1", "j1", {**EIGHTY, "taste": 28.3}), "mark_step"),
    ("j1", sheet("e1", "j1", {**EIGHTY, "smell": 3}), "criterion_unknown"),
    ("j1", sheet("e1", "j1", EIGHTY, revision=2), "revision_conflict"),
    ("j1", ["not", "a", "sheet"], "sheet_type"),
])
async def test_refused_sheets_change_nothing(service: SheetService, engine: Engine, judge: str, raw: Any,
                                             code: str) -> None:
    async with service.bus.subscribe() as queue:
        with pytest.raises(UserError) as refused:
            await service.submit("cup", judge, raw)
        assert refused.value.code == code
        assert count_sheets(engine) == 0
        assert queue.empty()


async def test_closed_event_and_locked_entry_are_refused(service: SheetService, engine: Engine) -> None:
    with session(engine, write=True) as s:
        set_event_state(s, "cup", "other", "closed", actor="test")
        set_entry_locked(s, "cup", "e2", True, actor="test")
        s.commit()
    with pytest.raises(UserError) as closed:
        await service.submit("cup", "j6", sheet("o1", "j6", EIGHTY))
    assert closed.value.code == "event_not_open"
    with pytest.raises(UserError) as locked:
        await service.submit("cup", "j1", sheet("e2", "j1", EIGHTY))
    assert locked.value.code == "entry_locked"
    assert count_sheets(engine) == 0


async def test_book_follows_accepted_sheets(service: SheetService, engine: Engine) -> None:
    book = StandingsBook(engine)
    book.book("cup")  # loaded before any sheet: every later sheet arrives as an event
    async with service.bus.subscribe() as queue:
        for raw in half_judged():
            await service.submit("cup", str(raw["judge"]), raw)
        while not queue.empty():
            book.apply(queue.get_nowait())
    _event, state, standings = book.standings("cup", "hot")
    assert state == "open"
    assert [(s.entry.key, s.rank, str(s.result.shown)) for s in standings] == [
        ("e1", 1, "8883/100"), ("e2", 2, "80"), ("e3", None, "None")]
    # the same standings as a book loaded afresh from the store
    fresh = StandingsBook(engine).standings("cup", "hot")[2]
    assert [(s.entry.key, s.rank, s.result.total) for s in fresh] == [
        (s.entry.key, s.rank, s.result.total) for s in standings]


async def test_a_correction_is_a_new_revision(service: SheetService, engine: Engine) -> None:
    for raw in half_judged()[:5]:
        await service.submit("cup", str(raw["judge"]), raw)
    # j5 (93, dropped as highest) corrects taste 33 → 30: totals 87, 88.5, 90, 91, 90 → drop 91 and 87;
    # mean of 88.5, 90, 90 = 89.5; overtime 2 min −1 → 88.5
    corrected = sheet("e1", "j5", {**dict(GOLDEN[4]["marks"]), "taste": 30}, sid="e1-j5-r2", revision=2,
                      reason="复核")
    await service.submit("cup", "j5", corrected)
    assert count_sheets(engine) == 6
    _e, _s, standings = StandingsBook(engine).standings("cup", "hot")
    assert str(standings[0].result.shown) == "177/2"  # 88.5


async def test_an_event_whose_golden_cases_fail_cannot_open(engine: Engine) -> None:
    from scoreboard.competition import parse_competition
    from scoreboard.rubric.load import preset_text
    from scoreboard.rubric.reader import read_toml
    from scoreboard.store.events import event_state
    from scoreboard.store.load import save_competition
    from tests.support import COMPETITION

    rubric = dict(read_toml("hot", preset_text("cooking_hot")))
    rubric["golden"] = [{**rubric["golden"][0], "total": 88.84}]  # the sheets give 88.83
    data = {**COMPETITION, "events": [{**COMPETITION["events"][0], "rubric": rubric}, COMPETITION["events"][1]]}
    with session(engine, write=True) as s:
        save_competition(s, parse_competition(data, "test"))
        s.commit()
    events = EventService(engine, Announcer(MemoryBus()), StandingsBook(engine))
    with pytest.raises(UserError) as refused:
        await events.set_state("cup", "hot", "open", actor="test")
    assert refused.value.code == "golden_total" and "expected total 88.84, got 88.83" in str(refused.value)
    with session(engine) as s:
        assert event_state(s, "cup", "hot") == "draft"


async def test_a_resend_after_the_event_closed_is_still_acknowledged(service: SheetService, engine: Engine) -> None:
    """The tablet may resend a sheet stored just before the event closed: it was stored, so it is acked."""
    first = await service.submit("cup", "j1", sheet("e1", "j1", EIGHTY))
    with session(engine, write=True) as s:
        set_event_state(s, "cup", "hot", "closed", actor="test")
        s.commit()
    again = await service.submit("cup", "j1", sheet("e1", "j1", EIGHTY))
    assert (again.seq, again.created) == (first.seq, False)
    with pytest.raises(UserError) as closed:
        await service.submit("cup", "j2", sheet("e1", "j2", EIGHTY))
    assert closed.value.code == "event_not_open"
    assert count_sheets(engine) == 1
