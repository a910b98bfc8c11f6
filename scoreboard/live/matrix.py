"""An event's progress matrix as data: what the console's progress page shows, and what its live
feed (``live.console``) keeps current one entry at a time.

Words: the *matrix* has a *row* per entry, in blind-code order, and a column per judge of the
event's *panel* (``store.progress``). A row's *cell* for a judge is ``missing`` (no sheet yet),
``received`` (with the latest revision), ``flagged`` (received, and the entry is flagged for the
chief judge), ``locked`` (the entry is locked, or the whole event) or ``conflict`` (the judge's own
team: never scored). The matrix keeps its *counts* of cells by status and, for each judge, the
cells still missing (*to go*), and changes them by the difference when one row is replaced, so a
sheet costs the work of its row, never the event's. A judge's *device* is what their tablets
last told the server (online, last frame heard, sheets waiting in the outbox); its *shown* part
is what the console's header shows and so what makes a header worth sending again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from sqlalchemy import Engine

from scoreboard.competition import Entry, Event
from scoreboard.live.book import StandingsBook
from scoreboard.rubric.numbers import fixed
from scoreboard.rubric.score import Result
from scoreboard.store import events as store_events
from scoreboard.store import progress
from scoreboard.store.engine import session
from scoreboard.store.progress import PanelJudge

STATUSES = ("missing", "received", "flagged", "locked", "conflict")
FIXED = ("locked", "published")  # event states whose every cell is locked


@dataclass(frozen=True)
class Cell:
    status: str
    revision: int


@dataclass(frozen=True)
class Row:
    key: str
    code: str
    title: str
    state: str  # the entry's: pending, partial, complete, flagged — or locked
    total: str  # the shown total, "—" while there is none
    cells: tuple[Cell, ...]  # one per judge of the panel


def row_of(entry: Entry, result: Result, panel: Sequence[PanelJudge], revisions: Mapping[str, int], locked: bool,
           event_state: str) -> Row:
    """One entry's row: ``revisions`` by judge key (the latest received), ``locked`` the entry's."""
    fixed_ = locked or event_state in FIXED
    cells = []
    for j in panel:
        rev = revisions.get(j.key, 0)
        if j.team and j.team == entry.team:
            status = "conflict"
        elif fixed_:
            status = "locked"
        elif rev:
            status = "flagged" if result.state == "flagged" else "received"
        else:
            status = "missing"
        cells.append(Cell(status, rev))
    return Row(entry.key, entry.code, entry.title, "locked" if fixed_ else str(result.state),
               "—" if result.shown is None else fixed(result.shown, result.decimals), tuple(cells))


@dataclass
class Matrix:
    competition: str
    event: str
    state: str  # the event's
    panel: tuple[PanelJudge, ...]
    rows: dict[str, Row]  # by entry key, in the order shown
    counts: dict[str, int] = field(init=False)  # cells by status
    to_go: dict[str, int] = field(init=False)  # by judge key: their cells still missing

    def __post_init__(self) -> None:
        self.counts = dict.fromkeys(STATUSES, 0)
        self.to_go = {j.key: 0 for j in self.panel}
        for row in self.rows.values():
            self._count(row, 1)

    def _count(self, row: Row, sign: int) -> None:
        for j, cell in zip(self.panel, row.cells, strict=True):
            self.counts[cell.status] += sign
            if cell.status == "missing":
                self.to_go[j.key] += sign

    def put(self, row: Row) -> list[str] | None:
        """Replace an entry's row: None if it is the same (or the entry is not in the matrix),
        else the judges whose count to go changed."""
        old = self.rows.get(row.key)
        if old is None or old == row:
            return None
        before = dict(self.to_go)
        self._count(old, -1)
        self._count(row, 1)
        self.rows[row.key] = row
        return [k for k, n in self.to_go.items() if n != before[k]]


def load_matrix(engine: Engine, book: StandingsBook, competition: str, event: str) -> Matrix:
    """The whole matrix, read once (``KeyError`` or ``UserError`` for an unknown event)."""
    _ev, _state, standings = book.standings(competition, event)
    with session(engine) as s:
        panel = progress.judges_of(s, competition, event)
        got = progress.received(s, competition, event)
        locked = progress.locked_entries(s, competition)
        state = store_events.event_state(s, competition, event)  # the store's: the book reloads after the bus
    rows = {}
    for st in sorted(standings, key=lambda x: x.entry.code or x.entry.key):
        key = st.entry.key
        revisions = {j.key: got[(key, j.key)] for j in panel if (key, j.key) in got}
        rows[key] = row_of(st.entry, st.result, panel, revisions, key in locked, state)
    return Matrix(competition, event, state, tuple(panel), rows)


def entry_row(engine: Engine, book: StandingsBook, matrix: Matrix, key: str) -> Row | None:
    """An entry's row now — its result from the book, its sheets and lock from the store, that
    entry's only — or None for an entry the matrix does not hold."""
    found = entry_result(book, matrix.competition, matrix.event, key) if key in matrix.rows else None
    if found is None:
        return None
    _event, entry, result = found
    with session(engine) as s:
        locked, revisions = progress.entry_progress(s, matrix.competition, key)
    return row_of(entry, result, matrix.panel, revisions, locked, matrix.state)


def entry_result(book: StandingsBook, competition: str, event: str, key: str) -> tuple[Event, Entry, Result] | None:
    """The event, one of its entries and that entry's result, from the book without ranking
    anything; None for an entry that is not the event's (``UserError``: no such competition)."""
    found = book.book(competition)
    ev, ranking = found.lookup.events.get(event), found.rankings.get(event)
    entry = ranking.entries.get(key) if ranking else None
    result = ranking.results.get(key) if ranking else None
    if ev is None or entry is None or result is None:
        return None
    return ev, entry, result


class DeviceLike(Protocol):
    @property
    def online(self) -> bool: ...
    @property
    def last_seen(self) -> datetime | None: ...
    @property
    def waiting(self) -> int | None: ...


ReadDevices = Callable[[str, list[str]], Mapping[str, DeviceLike]]


@dataclass(frozen=True)
class Device:
    online: bool = False
    last_seen: datetime | None = None
    waiting: int | None = None  # sheets the tablets last said wait in the outbox; None: never said

    @property
    def shown(self) -> tuple[object, ...]:
        """What a header shows: the last frame heard counts only while offline (online, it is now)."""
        return self.online, self.waiting, None if self.online else self.last_seen


def devices_of(read: ReadDevices | None, competition: str, judges: Sequence[str]) -> dict[str, Device]:
    """The judges' devices, read at once; nothing when no judges are wired in."""
    if read is None or not judges:
        return {}
    return {k: Device(d.online, d.last_seen, d.waiting) for k, d in read(competition, list(judges)).items()}
