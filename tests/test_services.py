"""The services own every write: the store and the event service refuse any move outside the
state table (published → draft above all), a chief judge's deduction stores its sheet and its
audit record in one transaction (that the console handlers leave writing to the services is
``test_layers``)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from scoreboard.changes import EventChanged
from scoreboard.competition import parse_competition
from scoreboard.errors import UserError
from scoreboard.live.book import StandingsBook
from scoreboard.live.bus import MemoryBus
from scoreboard.services.announcer import Announcer
from scoreboard.services.events import EventService
from scoreboard.services.review import ReviewService
from scoreboard.services.sheets import SheetService
from scoreboard.states import MOVES, EventState
from scoreboard.store import tables as db
from scoreboard.store.audit import audit_log
from scoreboard.store.engine import session
from scoreboard.store.events import event_state, set_event_state
from scoreboard.store.load import save_competition
from tests.support import COMPETITION, EIGHTY, sheet

# how to reach each state from draft along the table (no step of these needs a reason)
PATHS = {"draft": [], "open": ["open"], "closed": ["open", "closed"], "locked": ["open", "locked"],
         "published": ["open", "locked", "published"]}


def save(engine: Engine) -> None:
    """The test competition, every event a draft; j8 is the hot dishes' chief judge."""
    chief = {"key": "j8", "name": "裁判长", "events": [], "chief_of": ["hot"]}
    data = {**COMPETITION, "judges": [*COMPETITION["judges"], chief]}
    with session(engine, write=True) as s:
        save_competition(s, parse_competition(data, "test"))
        s.commit()


def walk(engine: Engine, to: str) -> None:
    with session(engine, write=True) as s:
        for state in PATHS[to]:
            set_event_state(s, "cup", "hot", state, actor="test")
        s.commit()


def moves_audited(engine: Engine) -> int:
    with session(engine) as s:
        return len(audit_log(s, subject="event:hot", action="event.state"))


@pytest.mark.parametrize("start", list(PATHS))
def test_the_store_takes_no_move_outside_the_table(engine: Engine, start: str) -> None:
    save(engine)
    walk(engine, start)
    before = moves_audited(engine)
    refused = [to for to in EventState if (EventState(start), to) not in MOVES]
    assert ("draft" in refused) and len(refused) == 5 - sum(1 for frm, _to in MOVES if frm == start)
    for to in refused:
        with session(engine, write=True) as s, pytest.raises(UserError) as e:
            set_event_state(s, "cup", "hot", to, actor="organizer:a", reason="because")
        assert e.value.code == "move_impossible", (start, to)
    with session(engine) as s:
        assert event_state(s, "cup", "hot") == start
    assert moves_audited(engine) == before


def test_the_store_takes_every_move_of_the_table_with_a_reason(engine: Engine) -> None:
    save(engine)
    for (start, to), _move in MOVES.items():
        walk_back = PATHS[start]
        with session(engine, write=True) as s:
            row = s.exec(select(db.Event).where(db.Event.key == "hot")).one()
            row.state = "draft"  # a fresh start for each move, by hand
            s.add(row)
            for state in walk_back:
                set_event_state(s, "cup", "hot", state, actor="test")
            assert set_event_state(s, "cup", "hot", to, actor="organizer:a", reason="why") == start
            s.commit()


@pytest.fixture
def events(engine: Engine) -> EventService:
    save(engine)
    return EventService(engine, Announcer(MemoryBus()), StandingsBook(engine))


@pytest.mark.parametrize(("start", "to", "organizer", "reason", "code"), [
    ("published", "draft", True, "start again", "move_impossible"),
    ("open", "published", True, "", "move_impossible"),
    ("open", "published", False, "", "move_forbidden"),  # a chief judge never publishes
    ("open", "draft", False, "", "move_forbidden"),
    ("locked", "published", False, "", "move_forbidden"),
    ("draft", "open", False, "", "move_forbidden"),
    ("closed", "open", False, " ", "reason_missing"),
    ("published", "open", True, "", "reason_missing"),
])
async def test_the_event_service_refuses_and_announces_nothing(events: EventService, engine: Engine, start: str,
                                                               to: str, organizer: bool, reason: str,
                                                               code: str) -> None:
    walk(engine, start)
    before = moves_audited(engine)
    async with events.announce.bus.subscribe() as queue:
        with pytest.raises(UserError) as e:
            await events.set_state("cup", "hot", to, "test", reason, organizer=organizer)
        assert e.value.code == code
        assert queue.empty()
    with session(engine) as s:
        assert event_state(s, "cup", "hot") == start
    assert moves_audited(engine) == before


async def test_locking_with_flagged_entries_needs_a_reason(events: EventService, engine: Engine) -> None:
    walk(engine, "open")
    sheets = SheetService(engine, MemoryBus(), events.book)
    await sheets.submit("cup", "j1", sheet("e2", "j1", EIGHTY))
    await sheets.submit("cup", "j2", sheet("e2", "j2", {**EIGHTY, "taste": 10, "texture": 5}))  # 80 and 51: flagged
    events.book.apply(EventChanged("cup", "hot"))
    flagged = [s.entry.code for s in events.book.standings("cup", "hot")[2] if s.result.state == "flagged"]
    assert flagged == ["H-102"]
    with pytest.raises(UserError) as e:
        await events.set_state("cup", "hot", "locked", "chief:c", organizer=False)
    assert e.value.code == "entries_flagged" and "H-102" in str(e.value)
    with pytest.raises(UserError) as e:  # a reason answers the flag, never the missing judges
        await events.set_state("cup", "hot", "locked", "chief:c", "checked by hand", organizer=False)
    assert e.value.code == "entries_incomplete" and e.value.problems[0].params["entries"] == "H-101, H-102, H-103"


# --- the deduction: one transaction ------------------------------------------------------------------

@pytest.fixture
def review(engine: Engine) -> ReviewService:
    save(engine)
    walk(engine, "open")
    bus = MemoryBus()
    return ReviewService(engine, Announcer(bus), SheetService(engine, bus, StandingsBook(engine)))


def deductions(engine: Engine) -> tuple[list[db.Sheet], list[db.AuditLog]]:
    with session(engine) as s:
        sheets = list(s.exec(select(db.Sheet).join(db.Judge).where(db.Judge.key == "j8")).all())
        return sheets, audit_log(s, action="entry.deduction")


async def test_a_deduction_stores_its_sheet_and_its_audit_record_together(review: ReviewService,
                                                                          engine: Engine) -> None:
    rule = review.sheets.book.lookup("cup").events["hot"].rubric.deductions[0].key
    receipt = await review.deduct("cup", "hot", "e1", rule, "2", "卫生", "chief:c")
    [stored], [record] = deductions(engine)
    assert (stored.id, stored.revision, stored.reason) == (receipt.seq, 1, "卫生")
    assert (record.actor, record.subject, record.reason) == ("chief:c", "entry:e1", "卫生")
    assert record.detail == {"competition": "cup", "event": "hot", "rule": rule, "amount": "2",
                             "sheet_seq": receipt.seq}


async def test_a_deduction_whose_audit_record_fails_leaves_no_sheet(review: ReviewService, engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite does not enforce the audit log's column lengths")
    rule = review.sheets.book.lookup("cup").events["hot"].rubric.deductions[0].key
    with pytest.raises(Exception, match="too long"):  # the actor is longer than the audit log's column
        await review.deduct("cup", "hot", "e1", rule, "2", "卫生", "chief:" + "c" * 120)
    assert deductions(engine) == ([], [])
    receipt = await review.deduct("cup", "hot", "e1", rule, "2", "卫生", "chief:c")  # and the next one goes in
    assert [s.id for s in deductions(engine)[0]] == [receipt.seq]


# --- one cache of a competition ---------------------------------------------------------------------

def test_the_book_reloads_for_a_judge_it_does_not_know(engine: Engine) -> None:
    save(engine)
    book = StandingsBook(engine)
    sheets = SheetService(engine, MemoryBus(), book)
    assert "j9" not in sheets.lookup("cup").judges
    with session(engine, write=True) as s:  # as the command line would, in another process
        cup = s.exec(select(db.Competition).where(db.Competition.key == "cup")).one()
        s.add(db.Judge(competition_id=cup.id, key="j9", name="评委9"))
        s.commit()
    assert "j9" not in sheets.lookup("cup").judges  # cached: nobody said the competition changed
    assert "j9" in sheets.lookup("cup", "j9").judges  # a judge signing in who is not there: reloaded
    assert book.loaded("cup") is sheets.lookup("cup")  # one cache, the book's
