"""The console's live feed, without a server: which rows, headers and counts a change touches,
worked out by hand on the "competition half judged" (tests.support) — the pure matrix first, then
the feed (``live.console``) with the real renderer on SQLite and PostgreSQL: a sheet sends one row,
a repeat nothing, two changes in a round one frame, a new state a full frame to each account, a
device's change its header only, and a socket that fell behind a full frame.

The hot event's panel is j1–j5 and j7 (of team t1); e1 (t1) has five sheets, e2 (t2) five, e3
(t1) two, from j1 and j2. So j7's cells of e1 and e3 are ``conflict``; missing are e2–j7 and
e3–j3, j4, j5."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import Engine

from scoreboard.changes import EntryLocked, EventChanged, SheetAccepted
from scoreboard.competition import Entry
from scoreboard.live.book import StandingsBook
from scoreboard.live.bus import MemoryBus
from scoreboard.live.console import ConsoleFeed, Watch
from scoreboard.live.matrix import Cell, Device, Matrix, Row, row_of
from scoreboard.rubric.score import score_entry
from scoreboard.services.sheets import SheetService
from scoreboard.store.engine import session
from scoreboard.store.entries import set_entry_locked
from scoreboard.store.events import set_event_state
from scoreboard.store.progress import PanelJudge
from scoreboard.web.console_live import ConsoleRenderer
from scoreboard.web.templating import make_templates
from tests.support import EIGHTY, HOT, half_judged, seed, sheet

# -- the matrix, pure --------------------------------------------------------------------------

PANEL = (PanelJudge("j1", "评委1", "", False, True), PanelJudge("j7", "评委7", "t1", False, True))
PENDING = score_entry(HOT, "e1", [])


@pytest.mark.parametrize(("team", "revisions", "state", "locked", "event", "cells", "row_state"), [
    ("t2", {}, "pending", False, "open", [("missing", 0), ("missing", 0)], "pending"),
    ("t1", {"j1": 2}, "partial", False, "open", [("received", 2), ("conflict", 0)], "partial"),
    ("t1", {"j1": 1}, "flagged", False, "open", [("flagged", 1), ("conflict", 0)], "flagged"),
    ("t2", {"j1": 1}, "partial", True, "open", [("locked", 1), ("locked", 0)], "locked"),
    ("t2", {}, "pending", False, "published", [("locked", 0), ("locked", 0)], "locked"),
    ("t1", {"j9": 1}, "partial", False, "closed", [("missing", 0), ("conflict", 0)], "partial"),  # not of the panel
])
def test_a_row_says_each_judges_cell(team: str, revisions: dict[str, int], state: str, locked: bool, event: str,
                                     cells: list[tuple[str, int]], row_state: str) -> None:
    row = row_of(Entry("e1", "hot", "黄花", team, "H-1"), replace(PENDING, state=state), PANEL, revisions, locked,
                 event)
    assert [(c.status, c.revision) for c in row.cells] == cells
    assert (row.state, row.total, row.code) == (row_state, "—", "H-1")


def _row(key: str, *statuses: str) -> Row:
    return Row(key, key, "", "partial", "—", tuple(Cell(s, int(s != "missing")) for s in statuses))


def test_the_matrix_counts_by_the_difference_of_one_row() -> None:
    m = Matrix("cup", "hot", "open", PANEL, {"e1": _row("e1", "missing", "conflict"),
                                              "e2": _row("e2", "missing", "missing")})
    assert (m.counts, m.to_go) == ({"missing": 3, "received": 0, "flagged": 0, "locked": 0, "conflict": 1},
                                   {"j1": 2, "j7": 1})
    assert m.put(_row("e1", "missing", "conflict")) is None  # the same row: nothing to send
    assert m.put(_row("e9", "received", "received")) is None  # not an entry of the matrix
    assert m.put(_row("e2", "received", "missing")) == ["j1"]  # j1's count to go moved, j7's did not
    assert (m.counts["missing"], m.counts["received"], m.to_go) == (2, 1, {"j1": 1, "j7": 1})
    assert m.put(_row("e2", "flagged", "missing")) == []  # a cell changed, nobody's count to go
    assert (m.counts["received"], m.counts["flagged"]) == (0, 1)


def test_a_device_shows_when_it_was_last_seen_only_while_offline() -> None:
    t0 = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
    later = t0 + timedelta(seconds=20)
    assert Device(True, t0, 0).shown == Device(True, later, 0).shown  # heartbeats: nothing to send
    assert Device(True, t0, 0).shown != Device(True, t0, 1).shown  # the outbox moved
    assert Device(False, t0, 0).shown != Device(False, later, 0).shown
    assert Device(True, t0, 0).shown != Device(False, t0, 0).shown


# -- the feed ------------------------------------------------------------------------------------

class Recorder:
    """A socket's frames as they are sent; ``hold`` makes its sends wait (a slow client)."""

    def __init__(self) -> None:
        self.frames: list[str] = []
        self.arrived = asyncio.Event()
        self.hold = asyncio.Event()
        self.hold.set()

    async def send(self, frame: str) -> None:
        await self.hold.wait()
        self.frames.append(frame)
        self.arrived.set()

    async def next(self, timeout: float = 5.0) -> str:
        async with asyncio.timeout(timeout):
            while not self.frames:
                self.arrived.clear()
                await self.arrived.wait()
        return self.frames.pop(0)

    async def nothing(self, wait: float = 0.4) -> bool:
        await asyncio.sleep(wait)
        return not self.frames


def parsed(frame: str) -> BeautifulSoup:
    """A frame as the page will hold it: what its <template>s wrap (a row, a header) in place."""
    return BeautifulSoup(frame.replace("<template>", "").replace("</template>", ""), "html.parser")


def swapped(frame: str) -> list[str]:
    return [el["id"] for el in parsed(frame).find_all(attrs={"hx-swap-oob": "true"})]


def seq(frame: str) -> tuple[int, str]:
    marker = parsed(frame).select_one("#console-seq")
    assert marker is not None
    return int(str(marker["data-seq"])), str(marker["data-kind"])


@dataclass
class Devices:
    """What the judges' registry would say of each judge's device (``Console.devices``)."""

    now: dict[str, Device]

    def __call__(self, competition: str, judges: list[str]) -> Mapping[str, Device]:
        return {j: self.now.get(j, Device()) for j in judges}


@dataclass
class Fixture:
    engine: Engine
    book: StandingsBook
    service: SheetService
    feed: ConsoleFeed
    devices: Devices

    async def sheet(self, entry: str, judge: str, apply: bool = True) -> SheetAccepted:
        receipt = await self.service.submit("cup", judge, sheet(entry, judge, EIGHTY))
        change = SheetAccepted("cup", "hot", entry, judge, receipt.seq)
        self.book.apply(change)
        if apply:
            self.feed.changed(change)
        return change

    @contextlib.asynccontextmanager
    async def socket(self, watch: Watch, limit: int | None = None) -> AsyncIterator[Recorder]:
        rec = Recorder()
        async with self.feed.subscribe(watch, rec.send) as sub:
            if limit is not None:
                sub.limit = limit
            yield rec


@pytest.fixture
async def live(engine: Engine) -> AsyncIterator[Fixture]:
    seed(engine)
    book = StandingsBook(engine)
    service = SheetService(engine, MemoryBus(), book)
    for raw in half_judged():
        await service.submit("cup", str(raw["judge"]), raw)
    devices = Devices({})
    renderer = ConsoleRenderer(engine, book, make_templates().env, lambda c, e: f"/console/c/{c}/e/{e}")
    feed = ConsoleFeed(book, engine, renderer, devices, tick=0.1)
    task = asyncio.create_task(feed.run())
    try:
        yield Fixture(engine, book, service, feed, devices)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


ADMIN = Watch("cup", "hot", locale="en", organizer=True)


async def test_a_sheet_sends_its_row_once(live: Fixture) -> None:
    async with live.socket(ADMIN) as rec:
        first = await rec.next()
        assert seq(first) == (0, "full") and swapped(first) == ["console-seq", "event-state", "event-moves", "matrix"]
        change = await live.sheet("e3", "j4")
        frame = await rec.next()
        assert seq(frame) == (1, "delta") and swapped(frame) == ["console-seq", "entry-e3", "judge-j4", "legend"]
        soup = parsed(frame)
        assert [c["data-status"] for c in soup.select("#entry-e3 .cell")] == [
            "received", "received", "missing", "received", "missing", "conflict"]
        assert soup.select_one("#judge-j4 .togo").text == "0 to go"
        assert soup.select_one("#count-missing").text == "3"
        live.feed.changed(change)  # heard again (a bus's echo): the row is the same
        assert await rec.nothing()


async def test_changes_in_one_round_make_one_frame(live: Fixture) -> None:
    async with live.socket(ADMIN) as rec:
        await rec.next()
        await live.sheet("e3", "j3", apply=False)
        await live.sheet("e2", "j7", apply=False)
        with session(live.engine, write=True) as s:
            set_entry_locked(s, "cup", "e1", True, actor="test")
            s.commit()
        for change in (SheetAccepted("cup", "hot", "e3", "j3", 0), SheetAccepted("cup", "hot", "e2", "j7", 0),
                       EntryLocked("cup", "hot", "e1")):
            live.feed.changed(change)  # queued before the loop runs: one round
        frame = await rec.next()
        assert seq(frame) == (1, "delta")
        # rows in key order; j3 and j7 each have one entry less to go (j7: no missing cell is left)
        assert swapped(frame) == ["console-seq", "entry-e1", "entry-e2", "entry-e3", "judge-j3", "judge-j7", "legend"]
        soup = parsed(frame)
        assert [c["data-status"] for c in soup.select("#entry-e1 .cell")] == ["locked"] * 5 + ["conflict"]
        assert soup.select_one("#count-missing").text == "2" and soup.select_one("#count-locked").text == "5"
        assert await rec.nothing()


async def test_a_gap_in_the_seqs_sends_the_sheets_between(live: Fixture) -> None:
    async with live.socket(ADMIN) as rec:
        await rec.next()
        await live.sheet("e3", "j3")
        assert swapped(await rec.next())[1] == "entry-e3"
        await live.sheet("e2", "j7", apply=False)  # its notification is lost
        await live.sheet("e3", "j4")
        assert swapped(await rec.next())[1:3] == ["entry-e2", "entry-e3"]


async def test_a_new_state_sends_a_full_frame_to_each_account(live: Fixture) -> None:
    chief = replace(ADMIN, organizer=False)
    async with live.socket(ADMIN) as admin, live.socket(chief) as other:
        await admin.next()
        await other.next()
        with session(live.engine, write=True) as s:
            set_event_state(s, "cup", "hot", "closed", actor="test")
            s.commit()
        live.book.apply(EventChanged("cup", "hot"))
        live.feed.changed(EventChanged("cup", "hot"))
        mine, theirs = await admin.next(), await other.next()
        assert seq(mine) == seq(theirs) == (1, "full")

        def offered(frame: str) -> list[str]:
            return [str(b["value"]) for b in parsed(frame).select("#event-moves button")]

        assert offered(mine) == ["open", "locked"] and offered(theirs) == ["open", "locked"]
        assert parsed(mine).select_one("#event-state").text == "closed"
        with session(live.engine, write=True) as s:
            set_event_state(s, "cup", "hot", "locked", actor="test")
            s.commit()
        live.book.apply(EventChanged("cup", "hot"))
        live.feed.changed(EventChanged("cup", "hot"))
        assert offered(await admin.next()) == ["open", "published"]  # only an organizer publishes
        assert offered(await other.next()) == ["open"]


async def test_a_device_change_sends_its_header_only(live: Fixture) -> None:
    async with live.socket(ADMIN) as rec:
        await rec.next()
        t0 = datetime.now(UTC)
        live.devices.now["j2"] = Device(True, t0, 0)
        frame = await rec.next()
        assert swapped(frame) == ["console-seq", "judge-j2"]
        assert parsed(frame).select_one("#device-j2")["data-online"] == "yes"
        live.devices.now["j2"] = Device(True, t0 + timedelta(seconds=15), 0)  # a heartbeat
        assert await rec.nothing()
        live.devices.now["j2"] = Device(True, t0 + timedelta(seconds=15), 3)  # three sheets in the outbox
        assert "3 sheets waiting" in parsed(await rec.next()).select_one("#judge-j2 .outbox").text
        live.devices.now["j2"] = Device(False, t0 + timedelta(seconds=15), 0)
        seen = parsed(await rec.next()).select_one("#judge-j2 .seen")
        assert seen is not None and seen.text.startswith("last seen") and seen.has_attr("data-ago")


async def test_a_socket_that_fell_behind_gets_a_full_frame(live: Fixture) -> None:
    async with live.socket(ADMIN, limit=1) as slow, live.socket(ADMIN) as quick:
        await slow.next()
        await quick.next()
        slow.hold.clear()  # its client stops reading
        for judge in ("j3", "j4", "j5"):
            await live.sheet("e3", judge)
            await quick.next()
        slow.hold.set()
        kinds = [seq(await slow.next()) for _ in range(2)]
        assert kinds == [(1, "delta"), (3, "full")]  # the one in flight, then the state: 2 and 3 are in it
        assert await slow.nothing()


async def test_the_review_follows_its_entry_only(live: Fixture) -> None:
    async with live.socket(replace(ADMIN, entry="e3")) as rec:
        first = await rec.next()
        assert seq(first) == (0, "full") and "review-marks" in swapped(first)
        await live.sheet("e2", "j7")  # another entry
        assert await rec.nothing()
        await live.sheet("e3", "j3")
        frame = await rec.next()
        assert seq(frame) == (1, "full")
        history = parsed(frame).select("#review-history tr")
        assert [r.select("td")[1].text for r in history] == ["评委3", "评委2", "评委1"]  # newest first
