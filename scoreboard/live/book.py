"""The standings book: every event's results and ranking, kept current from accepted sheets.

On first use a competition is read from the store and every entry scored; after that each
``SheetAccepted`` rescores only its entry (from the store, the source of truth) and moves it in
the event's ``Ranking`` — the same however often a change comes, or however late: a duplicate
changes nothing. Seqs count across competitions: a *gap* (a seq above the highest heard + 1)
also rescores every loaded entry with a sheet stored in between, so a notification lost on the
bus heals with the next one. A sheet of an entry the book does not know (added by a change that
was lost) drops its competition: the next read reloads it. A
``CompetitionChanged`` or ``EventChanged`` drops the competition so the next read reloads;
``BusResumed`` (changes may have been missed) drops every competition. A *frozen*
event also keeps a second ranking, its *snapshot*: the sheets up to the event's ``frozen_seq``
only, which is what the public sees until it is published.
The book is this process's one cache of a competition: the sheet service checks sheets against
its ``lookup``; nothing else fills or drops it, it follows the changes it is given (``apply``).
A competition's *lookup* (its structure, unscored) may be loaded alone: scoring every entry, and
rescoring one for each accepted sheet, waits until someone asks for standings (or the server
warms the book at start-up, ``app.py``). Loading reads the competition's sheets in one query and
scores them without holding the book's lock: the lookup is there for the judges' sheets as soon as
the structure is read, and a sheet accepted meanwhile is rescored once the competition is in.
Methods are synchronous (they touch the database); async callers run them in a worker thread.
"""

from __future__ import annotations

import functools
import itertools
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlmodel import Session

from scoreboard.changes import BusResumed, Change, CompetitionChanged, EventChanged, SheetAccepted
from scoreboard.competition import Competition, Contestant, Entry, Event
from scoreboard.intake import Lookup, score_event
from scoreboard.rounds import ContestantStanding, round_chain, round_standings
from scoreboard.rubric.score import EntryState, Result, score_entry
from scoreboard.rubric.sheet import Sheet
from scoreboard.standings import Ranking, Standing
from scoreboard.states import Audience, Visibility, shown_of
from scoreboard.store import events as store_events
from scoreboard.store import load as store_load
from scoreboard.store import sheets as store_sheets
from scoreboard.store.engine import session


@dataclass
class Book:
    competition: Competition
    lookup: Lookup
    rankings: dict[str, Ranking]
    states: dict[str, str]  # event key → draft/open/closed/locked/published
    frozen: dict[str, Ranking]  # event key → its snapshot, for frozen events
    version: int = 0  # which load of the competition this is: a reload makes a new one

    @functools.cached_property
    def people(self) -> dict[str, Contestant]:
        return {c.key: c for c in self.competition.contestants}

    @functools.cached_property
    def carried_by(self) -> dict[str, tuple[str, ...]]:
        """Event key → the later rounds that carry it (a sheet of it may move their totals)."""
        out: dict[str, list[str]] = {}
        for later in self.competition.events:
            if later.round is not None:
                for step in round_chain(self.competition, later)[:-1]:
                    out.setdefault(step.key, []).append(later.key)
        return {k: tuple(v) for k, v in out.items()}


@dataclass(frozen=True)
class Moved:
    """What one applied change did to an event: the entries rescored, and the entries whose
    row (``Ranking.row``: the rank aside) may have changed with them."""

    rescored: frozenset[str]
    rows: frozenset[str]


Touched = dict[tuple[str, str], Moved]  # (competition, event) → what moved in it


@dataclass(frozen=True)
class Live:
    """An event as one audience sees it, for the boards: the ranking they see (a frozen
    event's snapshot, or the current one) and the load it belongs to."""

    competition: Competition
    event: Event
    state: str
    ranking: Ranking
    snapshot: bool  # the ranking is the frozen snapshot (a sheet never moves it)
    version: int


@dataclass
class _Loading:
    """A competition being read and scored outside the lock: what happened to it meanwhile."""

    done: threading.Event = field(default_factory=threading.Event)
    missed: set[str] = field(default_factory=set)  # entries with sheets accepted meanwhile: rescored after
    stale: bool = False  # the competition changed meanwhile: it is read again


class StandingsBook:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._books: dict[str, Book] = {}
        self._lookups: dict[str, Lookup] = {}  # competitions whose structure alone is loaded
        self._loading: dict[str, _Loading] = {}
        self._seq = 0  # the highest sheet seq heard of, in any competition (0: none yet)
        self._loads = itertools.count(1)  # gives each load its version
        self._lock = threading.RLock()

    def reading(self) -> threading.RLock:
        """Hold it while reading a ranking from ``live`` (a change may be applied meanwhile)."""
        return self._lock

    def book(self, competition: str) -> Book:
        """The competition, loaded first if it is not. Loading (seconds for a large competition)
        holds no lock: sheets go on being applied meanwhile (those of this competition are
        rescored once it is in) and other competitions answer; a second caller waits for it."""
        while True:
            with self._lock:
                found = self._books.get(competition)
                if found is not None:
                    return found
                loading = self._loading.get(competition)
                mine = loading is None
                if loading is None:
                    loading = self._loading[competition] = _Loading()
            if not mine:
                loading.done.wait()
                continue
            try:
                made = self._load(competition, loading)
            except BaseException:
                with self._lock:
                    self._loading.pop(competition, None)
                loading.done.set()
                raise
            with self._lock:
                self._loading.pop(competition, None)
                loading.done.set()  # its waiters go on once the lock is free: the book is in by then
                if not loading.stale:
                    self._books[competition] = made
                    self._lookups.pop(competition, None)
                    if loading.missed:
                        with session(self.engine) as s:
                            for key in sorted(loading.missed):  # a new version: boards take it whole
                                if competition in self._books:
                                    self._rescore(s, competition, key, {})

    def scored(self, competition: str) -> bool:
        """Whether the competition is read and scored (its standings answer without loading)."""
        return competition in self._books

    def loaded(self, competition: str) -> Lookup | None:
        """The competition's lookup if it is loaded; never waits (for the event loop)."""
        book = self._books.get(competition)
        return self._lookups.get(competition) if book is None else book.lookup

    def lookup(self, competition: str, judge: str | None = None) -> Lookup:
        """The competition by key; reloaded first when it lacks ``judge`` (one added elsewhere,
        by the command line or another process, since it was loaded)."""
        with self._lock:
            found = self.loaded(competition)
            if found is None or (judge is not None and judge not in found.judges):
                self._drop(competition)
                with session(self.engine) as s:
                    found = self._lookups[competition] = Lookup(store_load.load_competition(s, competition))
            return found

    def _drop(self, competition: str) -> None:
        self._books.pop(competition, None)
        self._lookups.pop(competition, None)
        if competition in self._loading:
            self._loading[competition].stale = True

    def _load(self, key: str, loading: _Loading) -> Book:
        with session(self.engine) as s:
            comp = store_load.load_competition(s, key)
            lookup = Lookup(comp)
            with self._lock:  # judges' sheets are checked against it while the rest is read and scored
                if not loading.stale:
                    self._lookups.setdefault(key, lookup)
            states = store_events.event_states(s, key)
            stored = store_sheets.sheets_of_competition(s, key)  # one query, not one per event
        by_event: dict[str, list[Sheet]] = {e.key: [] for e in comp.events}
        for sheet in stored:
            entry = lookup.entries.get(sheet.entry)
            if entry is not None:
                by_event[entry.event].append(sheet)
        rankings, frozen = {}, {}
        for event in comp.events:
            entries = comp.entries_of(event.key)
            sheets = by_event[event.key]
            rankings[event.key] = _ranking(event, entries, sheets, lookup.roles[event.key])
            if event.visibility == Visibility.FROZEN:
                upto = event.frozen_seq or 0
                frozen[event.key] = _ranking(event, entries, [x for x in sheets if (x.seq or 0) <= upto],
                                             lookup.roles[event.key])
        return Book(comp, lookup, rankings, states, frozen, next(self._loads))

    def apply(self, event: Change) -> Touched:
        """Follow one change; what it moved in each loaded event (a reload moves nothing: the
        next read loads anew, with a new version)."""
        with self._lock:
            if isinstance(event, BusResumed):  # changes may have been missed: everything reloads
                for competition in [*self._books, *self._lookups, *self._loading]:
                    self._drop(competition)
                return {}
            if isinstance(event, CompetitionChanged | EventChanged):
                self._drop(event.competition)
                return {}
            if not isinstance(event, SheetAccepted):
                return {}
            touched: dict[tuple[str, str], tuple[set[str], set[str]]] = {}
            with session(self.engine) as s:
                stored = {(event.competition, event.entry)}
                if self._seq and event.seq > self._seq + 1:  # sheets between may have been missed
                    stored |= store_sheets.entries_stored_between(s, self._seq, event.seq)
                self._seq = max(self._seq, event.seq)
                for competition, key in sorted(stored):
                    if competition in self._books:
                        self._rescore(s, competition, key, touched)
                    elif competition in self._loading:
                        self._loading[competition].missed.add(key)
            return {k: Moved(frozenset(a), frozenset(b)) for k, (a, b) in touched.items()
                    if k[0] in self._books}

    def _rescore(self, s: Session, competition: str, key: str,
                 touched: dict[tuple[str, str], tuple[set[str], set[str]]]) -> None:
        book = self._books[competition]
        entry = book.lookup.entries.get(key)
        if entry is None:  # added by a change this process never heard of: reload on the next read
            self._books.pop(competition)
            return
        sheets = store_sheets.sheets_of_entry(s, competition, key)
        rows = book.rankings[entry.event].update(score_entry(book.lookup.events[entry.event].rubric, key, sheets,
                                                             entry.attrs, book.lookup.roles[entry.event],
                                                             accepted=entry.accepted))
        rescored, moved = touched.setdefault((competition, entry.event), (set(), set()))
        rescored.add(key)
        moved |= rows
        for later in book.carried_by.get(entry.event, ()):  # the rounds that carry it: their totals may move
            touched.setdefault((competition, later), (set(), set()))

    def live(self, competition: str, event: str, audience: str) -> Live:
        """The event as ``audience`` sees it on a board; ``KeyError`` for an unknown event."""
        book = self.book(competition)
        with self._lock:
            ev, state = book.lookup.events[event], book.states[event]
            snapshot = shown_of(ev, state, audience).snapshot and event in book.frozen
            ranking = book.frozen[event] if snapshot else book.rankings[event]
            return Live(book.competition, ev, state, ranking, snapshot, book.version)

    def standings(self, competition: str, event: str,
                  audience: str = Audience.ORGANIZER) -> tuple[Event, str, list[Standing]]:
        """The event, its state and the standings ``audience`` sees (``states.shown``: a frozen
        event's snapshot, or its current standings); ``KeyError`` for an unknown event."""
        book = self.book(competition)
        with self._lock:
            people = book.people
            ev, state = book.lookup.events[event], book.states[event]
            ranking = book.rankings[event]
            if shown_of(ev, state, audience).snapshot and event in book.frozen:
                ranking = book.frozen[event]
            return ev, state, ranking.standings(people)

    def rounds(self, competition: str, event: str, audience: str = Audience.ORGANIZER) -> list[ContestantStanding]:
        """The contestant standing of an event with ``totals = "contestant"`` as ``audience`` sees
        it, its earlier rounds carried in; empty for any other event, or while the scores of the
        event or of a round it carries are not the audience's to see (``states.shown``)."""
        book = self.book(competition)
        with self._lock:
            ev = book.lookup.events[event]
            if ev.totals != "contestant":
                return []
            results = {}
            for step in round_chain(book.competition, ev):
                seen = shown_of(step, book.states[step.key], audience)
                if not seen.scores:
                    return []
                snapshot = seen.snapshot and step.key in book.frozen
                results[step.key] = (book.frozen if snapshot else book.rankings)[step.key].results
            return round_standings(book.competition, ev, results)

    def summary(self, competition: str, event: str, audience: str = Audience.ORGANIZER) -> Summary:
        """The event's card as ``audience`` sees it (a frozen event's snapshot, or current),
        without ranking anything: the rankings keep their counts and their leader."""
        book = self.book(competition)
        with self._lock:
            ev, state = book.lookup.events[event], book.states[event]
            ranking = book.rankings[event]
            if shown_of(ev, state, audience).snapshot and event in book.frozen:
                ranking = book.frozen[event]
            return Summary(ev, state, len(ranking.entries), ranking.scored(), ranking.leader(),
                           ranking.counted(EntryState.FLAGGED))


@dataclass(frozen=True)
class Summary:
    """What a card of an event shows, read without ranking anything: its state, how many
    entries it has and how many are scored, and the first-placed entry with its result."""

    event: Event
    state: str
    entries: int
    scored: int
    leader: tuple[Entry, Result] | None
    flagged: int = 0  # entries waiting for the chief judge


def _ranking(event: Event, entries: list[Entry], sheets: list[Sheet],
             roles: Mapping[str, frozenset[str]]) -> Ranking:
    ranking = Ranking(event.rubric, entries)
    for result in score_event(event, entries, sheets, roles).values():
        ranking.update(result, rows=False)
    return ranking
