"""Totals across entries and rounds (pure): a contestant's standing over their entries in an event,
what an earlier round carries into it, and who qualifies for the next.

Words: an event with ``totals = "contestant"`` ranks *contestants*: each one's *points* are the sum
of their entries' shown totals in the event (a diver's dives; a contestant's theory and
practical), each entry's total rounded to the rubric's decimals first, as published. A *round*
(``competition.Round``) comes ``after`` an earlier one and *carries* a percentage of each
contestant's points there; their *total* is points plus what is carried. The best ``qualify`` of
the round's standing *qualify* for the next round; contestants tied at the cut all qualify (the
stated rule: a tie is never broken by a draw). The next round's *start list* is who qualified,
the lowest placed first (they start first, as in diving): a qualifier with no entry in the next
round yet is in its standing all the same, unranked, in start-list order.

A contestant's total is *complete* when every entry of theirs in the round is complete; a
contestant with no scored entry has no total and no rank yet.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from scoreboard.competition import Competition, Entry, Event
from scoreboard.rubric.score import EntryState, Result


@dataclass(frozen=True)
class Part:
    """One entry in a contestant's total: its code and title, its shown total (None: not yet) and state."""

    entry: str
    code: str
    title: str
    points: Fraction | None
    state: str


@dataclass(frozen=True)
class ContestantTotal:
    contestant: str
    parts: tuple[Part, ...]
    points: Fraction | None  # the sum of the scored entries' totals; None while none is scored
    carried: Fraction  # from the round before
    complete: bool

    @property
    def total(self) -> Fraction | None:
        return None if self.points is None else self.points + self.carried


@dataclass(frozen=True)
class ContestantStanding:
    total: ContestantTotal
    rank: int | None
    shared: bool
    qualified: bool  # within the round's qualifying places (ties at the cut included)


def contestant_totals(entries: Iterable[Entry], results: Mapping[str, Result],
                      carried: Mapping[str, Fraction] | None = None) -> list[ContestantTotal]:
    """Each contestant's total over their ``entries`` (an entry of several contestants counts for
    each), with what ``carried`` brings from the round before; contestants by key."""
    carried = carried or {}
    parts: dict[str, list[Part]] = {}
    for e in entries:
        result = results.get(e.key)
        shown = result.shown if result is not None else None
        state = str(result.state) if result is not None else str(EntryState.PENDING)
        for person in e.contestants:
            parts.setdefault(person, []).append(Part(e.key, e.code, e.title, shown, state))
    out = []
    for person in sorted(parts):
        mine = tuple(sorted(parts[person], key=lambda p: (p.code, p.entry)))
        scored = [p.points for p in mine if p.points is not None]
        points = sum(scored, Fraction(0)) if scored else None
        complete = all(p.state in (EntryState.COMPLETE, EntryState.LOCKED) for p in mine)
        out.append(ContestantTotal(person, mine, points, carried.get(person, Fraction(0)), complete))
    return out


def rank_contestants(totals: Iterable[ContestantTotal], qualify: int = 0,
                     order: Sequence[str] = ()) -> list[ContestantStanding]:
    """Best total first; equal totals share a rank; the unranked (no total) follow in ``order``
    (a start list), then by key. With ``qualify``, the contestants ranked ``qualify`` or better
    qualify — all those tied at the cut."""
    totals = list(totals)
    ranked = sorted((t for t in totals if t.total is not None), key=lambda t: (-(t.total or 0), t.contestant))
    out: list[ContestantStanding] = []
    position = 1
    for _, group in itertools.groupby(ranked, key=lambda t: t.total):
        members = list(group)
        out.extend(ContestantStanding(t, position, len(members) > 1, qualify > 0 and position <= qualify)
                   for t in members)
        position += len(members)
    start = {c: n for n, c in enumerate(order)}
    out += [ContestantStanding(t, None, False, False) for t in sorted(
        (t for t in totals if t.total is None), key=lambda t: (start.get(t.contestant, len(start)), t.contestant))]
    return out


def carried_points(previous: Iterable[ContestantTotal], share: Fraction) -> dict[str, Fraction]:
    """What a round carries from the one before: ``share`` percent of each contestant's points there."""
    return {t.contestant: t.points * share / 100 for t in previous if t.points is not None and share}


def start_list(previous: Iterable[ContestantStanding]) -> list[str]:
    """The next round's start list: who qualified, the lowest placed first (ties by key, reversed)."""
    qualified = [s for s in previous if s.qualified]
    return [s.total.contestant for s in reversed(qualified)]


def round_chain(competition: Competition, event: Event) -> list[Event]:
    """The rounds leading to ``event``, first round first, ``event`` last."""
    chain = [event]
    seen = {event.key}
    while chain[0].round is not None and chain[0].round.after:
        before = competition.event(chain[0].round.after)
        if before is None or before.key in seen:  # the file's checks forbid both; never loop
            break
        chain.insert(0, before)
        seen.add(before.key)
    return chain


def round_standings(competition: Competition, event: Event,
                    results: Mapping[str, Mapping[str, Result]]) -> list[ContestantStanding]:
    """``event``'s contestant standing, its earlier rounds' points carried in; ``results`` by
    event key, then entry key (the events of the chain only are read)."""
    totals: list[ContestantTotal] = []
    starting: list[str] = []  # the start list: who qualified from the round before
    for ev in round_chain(competition, event):
        carried = carried_points(totals, ev.round.carry if ev.round is not None else Fraction(0))
        if totals:
            before = competition.event(ev.round.after) if ev.round is not None else None
            starting = start_list(rank_contestants(totals, before.round.qualify if before and before.round else 0))
        totals = contestant_totals(competition.entries_of(ev.key), results.get(ev.key, {}), carried)
        present = {t.contestant for t in totals}  # a qualifier with no entry yet is on the start list all the same
        totals += [ContestantTotal(c, (), None, carried.get(c, Fraction(0)), False) for c in starting
                   if c not in present]
    qualify = event.round.qualify if event.round is not None else 0
    return rank_contestants(totals, qualify, starting)
