"""Standings: ranks, shared ranks, awards, honours and team standings (pure).

Rules, stated once:
- Entries are ordered by their total *rounded half up to the rubric's decimals* (what is
  shown), then by the rubric's tie-break chain; entries equal on all of it share a rank
  (1, 2, 2, 4). Entries without a total (no sheets yet, too few marks) and disqualified
  entries have no rank and come last, by blind code.
- Only a *complete* entry (``awardable``: every judge in, or accepted with fewer, and nothing
  flagged) gets awards and honours; a partial or flagged one keeps its rank, provisional, and
  holds its place: an award never depends on how far the others' scoring has got.
- Threshold awards: each ranked entry gets the highest tier whose minimum its rounded total
  reaches. Quota awards are counted on the *field*: the ``n`` entries entered in the event (per
  pool), scored or not — withdrawn entries are not in the competition at all. Tier ``i`` goes to
  ranks up to ``round(n × (share₁ + … + shareᵢ) / 100)`` — rounded half up unless the rule says
  floor or ceil — or up to the cumulative ``places``. A tie at a cut-off is inclusive: an entry
  sharing the last rank inside a tier gets it. ``min_total`` bars entries below it from any tier.
- Honours are tags on top: a tier or a rank, optionally only for contestants of an age or gender.
- ``Ranking`` keeps an event's order up to date one entry at a time (``bisect``), so a new
  sheet does not re-rank the world; ``rank_event`` is the full computation and both agree.
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from scoreboard.competition import Contestant, Entry, TeamRule
from scoreboard.errors import N_
from scoreboard.rubric import tiebreak
from scoreboard.rubric.model import AwardRule, AwardTier, Rubric
from scoreboard.rubric.score import EntryState, Result

SortKey = tuple[object, ...]


@dataclass(frozen=True)
class Standing:
    entry: Entry
    result: Result
    rank: int | None
    shared: bool
    awards: tuple[tuple[AwardRule, AwardTier], ...] = ()
    honours: tuple[tuple[str, str], ...] = ()  # (honour key, contestant key or "")

    def award(self, rule_key: str) -> AwardTier | None:
        return next((t for r, t in self.awards if r.key == rule_key), None)


def sort_key(rubric: Rubric, result: Result, entry: Entry) -> SortKey | None:
    """Better first; None for an entry that cannot be ranked."""
    shown = result.shown
    if shown is None or result.disqualified:
        return None
    return (-shown, *(tiebreak.sort_value(rubric, link, result, entry.attrs) for link in rubric.tie_break))


# what a shown total says of itself wherever it appears: 暂定 (not every judge yet), 待复核 (flagged)
MARKS = {EntryState.PARTIAL: N_("provisional"), EntryState.FLAGGED: N_("under review")}


def awardable(result: Result) -> bool:
    """Whether the entry may get awards and honours: complete, nothing waiting for review."""
    return result.state in (EntryState.COMPLETE, EntryState.LOCKED)


def mark_of(result: Result) -> str:
    """The mark (an untranslated message) a shown total carries: provisional, under review, or ""
    (complete, or no total to mark)."""
    return "" if result.shown is None or result.disqualified else MARKS.get(result.state, "")


def _cut(count: Fraction, rounding: str) -> int:
    if rounding == "floor":
        return math.floor(count)
    if rounding == "ceil":
        return math.ceil(count)
    return math.floor(count + Fraction(1, 2))


def quota_limits(rule: AwardRule, n: int) -> list[int]:
    """The last rank each tier reaches, cumulatively, for a field of ``n`` entries."""
    limits, share, places = [], Fraction(0), 0
    for tier in rule.tiers:
        if tier.places is not None:
            places += tier.places
            limits.append(places)
        else:
            share += tier.share or 0
            limits.append(_cut(n * share / 100, rule.rounding))
    return limits


def award_for(rule: AwardRule, shown: Fraction, rank: int, limits: Sequence[int]) -> AwardTier | None:
    if rule.min_total is not None and shown < rule.min_total:
        return None
    if rule.kind == "threshold":
        return next((t for t in rule.tiers if t.min is not None and shown >= t.min), None)
    return next((t for t, limit in zip(rule.tiers, limits, strict=True) if rank <= limit), None)


def honours_for(rubric: Rubric, standing: Standing, people: Mapping[str, Contestant]) -> tuple[tuple[str, str], ...]:
    if standing.rank is None or not awardable(standing.result):
        return ()
    tiers = {t.key for _, t in standing.awards}
    out = []
    for h in rubric.honours:
        if h.rank_max is not None and standing.rank > h.rank_max:
            continue
        if h.awards and not tiers & set(h.awards):
            continue
        if h.age_max is None and h.gender is None:
            out.append((h.key, ""))
            continue
        for key in standing.entry.contestants:
            c = people.get(key)
            if c and (h.age_max is None or (c.age is not None and c.age <= h.age_max)) and (
                    h.gender is None or c.gender == h.gender):
                out.append((h.key, key))
    return tuple(out)


def _ranked(keyed: list[tuple[SortKey, Entry, Result]]) -> list[tuple[int, bool, Entry, Result]]:
    out: list[tuple[int, bool, Entry, Result]] = []
    position = 1
    for _, group in itertools.groupby(keyed, key=lambda x: x[0]):
        members = list(group)
        out.extend((position, len(members) > 1, e, r) for _, e, r in members)
        position += len(members)
    return out


def _pool(rule: AwardRule, entry: Entry) -> str:
    return entry.tags.get(rule.pool, "") if rule.pool else ""


def rank_event(rubric: Rubric, entries: Iterable[Entry], results: Mapping[str, Result],
               people: Mapping[str, Contestant] | None = None) -> list[Standing]:
    """The full standings of one event."""
    keyed, unranked = [], []
    for e in entries:
        k = sort_key(rubric, results[e.key], e)
        if k is None:
            unranked.append(e)
        else:
            keyed.append((k, e, results[e.key]))
    keyed.sort(key=lambda x: (x[0], x[1].code, x[1].key))
    ranked = _ranked(keyed)
    awards: dict[str, list[tuple[AwardRule, AwardTier]]] = {e.key: [] for _, _, e, _ in ranked}
    for rule in rubric.awards:
        pools: dict[str, list[tuple[SortKey, Entry, Result]]] = {}
        field = Counter(_pool(rule, e) for e in [*unranked, *(e for _, e, _ in keyed)])
        for item in keyed:
            pools.setdefault(_pool(rule, item[1]), []).append(item)
        for name, pool in pools.items():
            limits = quota_limits(rule, field[name])
            for rank, _, e, r in _ranked(pool):
                assert r.shown is not None
                if not awardable(r):
                    continue
                tier = award_for(rule, r.shown, rank, limits)
                if tier is not None:
                    awards[e.key].append((rule, tier))
    standings = [Standing(e, r, rank, shared, tuple(awards[e.key])) for rank, shared, e, r in ranked]
    standings += [Standing(e, results[e.key], None, False)
                  for e in sorted(unranked, key=lambda e: (e.code, e.key))]
    people = people or {}
    return [Standing(s.entry, s.result, s.rank, s.shared, s.awards, honours_for(rubric, s, people))
            for s in standings]


class Ranking:
    """An event's order kept up to date one entry at a time: a change costs what it moves.

    ``update`` re-sorts only the changed entry (O(log n) to find, a list insert to move) and
    answers which entries' *row* may have changed with it (``row``: rank aside, whether the rank
    is shared, the awards): the entry itself, the entries it tied with before and ties with now,
    and — for each quota rule — the few entries of its pool around the rule's cut-offs (an entry
    passed by another moves down one place). The cut-offs follow from the field, the entries
    given at the start: a change of the field (an entry added or withdrawn) reloads the
    competition and makes a new ranking. Threshold awards, ``min_total`` and whether the entry is
    ``awardable`` depend on the entry alone. Ranked entries come first, best first; the unranked follow by blind code.
    ``rank_event`` is the full computation; both agree (tests/test_standings.py).
    """

    def __init__(self, rubric: Rubric, entries: Iterable[Entry]) -> None:
        self.rubric = rubric
        self.entries = {e.key: e for e in entries}
        self.results: dict[str, Result] = {}
        self._keys: list[SortKey] = []  # sort keys of ranked entries, ascending (best first)
        self._order: list[tuple[SortKey, str, str]] = []  # (key, code, entry key)
        self._of: dict[str, tuple[SortKey, str, str]] = {}
        self._unranked: list[tuple[str, str]] = []  # (code, entry key) of unranked entries, sorted
        self._states: Counter[str] = Counter()  # how many entries' results are in each state
        self._made: tuple[object, list[Standing]] | None = None  # the last full standings, and for whom
        self._quotas = [r for r in rubric.awards if r.kind == "quota"]
        self._pools: list[dict[str, list[SortKey]]] = [{} for _ in self._quotas]  # per quota rule
        # per quota rule: each pool's cut-offs, from its field (every entry entered, scored or not)
        self._limits = [{pool: quota_limits(rule, n) for pool, n in Counter(_pool(rule, e) for e in
                                                                            self.entries.values()).items()}
                        for rule in self._quotas]

    def _tied(self, key: SortKey) -> set[str]:
        lo, hi = bisect.bisect_left(self._keys, key), bisect.bisect_right(self._keys, key)
        return {item[2] for item in self._order[lo:hi]}

    def update(self, result: Result, rows: bool = True) -> set[str]:
        """Take the entry's new result; the keys of the entries whose row may have changed
        (``rows=False``: not worked out, for a ranking being built)."""
        entry = self.entries[result.entry]
        self._made = None
        before = self.results.get(entry.key)
        self._states[str(result.state)] += 1
        if before is not None:
            self._states[str(before.state)] -= 1
        affected = {entry.key}
        old = self._of.pop(entry.key, None)
        if old is not None:
            if rows:
                affected |= self._tied(old[0])
            i = bisect.bisect_left(self._order, old)
            del self._order[i]
            del self._keys[i]
        elif before is not None:
            self._unranked.remove((entry.code, entry.key))
        self.results[entry.key] = result
        key = sort_key(self.rubric, result, entry)
        if key is not None:
            item = (key, entry.code, entry.key)
            i = bisect.bisect_left(self._order, item)
            self._order.insert(i, item)
            self._keys.insert(i, key)
            self._of[entry.key] = item
            if rows:
                affected |= self._tied(key)
        else:
            bisect.insort(self._unranked, (entry.code, entry.key))
        for rule, pools, limits in zip(self._quotas, self._pools, self._limits, strict=True):
            pool = pools.setdefault(_pool(rule, entry), [])
            if old is not None:
                del pool[bisect.bisect_left(pool, old[0])]
            if key is not None:
                bisect.insort(pool, key)
            if not rows:
                continue
            for cut in set(limits[_pool(rule, entry)]):
                for k in pool[max(0, cut - 3):cut + 3]:
                    affected |= self._tied(k)
        return affected

    def rank_of(self, entry: str) -> int | None:
        item = self._of.get(entry)
        return None if item is None else bisect.bisect_left(self._keys, item[0]) + 1

    def ranked(self) -> int:
        return len(self._order)

    def scored(self) -> int:
        """How many entries have a result that is not pending."""
        return self._states.total() - self._states["pending"]

    def counted(self, state: str) -> int:
        """How many entries have a result in ``state``."""
        return self._states[state]

    def leader(self) -> tuple[Entry, Result] | None:
        """The first-placed entry and its result (rank 1, perhaps shared), or None."""
        if not self._order:
            return None
        key = self._order[0][2]
        return self.entries[key], self.results[key]

    def order(self) -> list[str]:
        """Every entry's key in the order of the standings."""
        return [item[2] for item in self._order] + [key for _code, key in self._unranked]

    def position(self, entry: str) -> int:
        """The entry's place in the standings, from 0 (the unranked follow the ranked)."""
        item = self._of.get(entry)
        if item is not None:
            return bisect.bisect_left(self._order, item)
        return len(self._order) + bisect.bisect_left(self._unranked, (self.entries[entry].code, entry))

    def before(self, entry: str) -> str | None:
        """The key of the entry just before ``entry`` in the standings (None: it is first)."""
        item = self._of.get(entry)
        if item is not None:
            i = bisect.bisect_left(self._order, item)
            return self._order[i - 1][2] if i else None
        i = bisect.bisect_left(self._unranked, (self.entries[entry].code, entry))
        if i:
            return self._unranked[i - 1][1]
        return self._order[-1][2] if self._order else None

    def row(self, key: str) -> Standing:
        """One entry's standing in O(log n) — rank, shared, awards; honours are left out
        (``standings`` has them)."""
        entry, result = self.entries[key], self.results[key]
        item = self._of.get(key)
        if item is None:
            return Standing(entry, result, None, False)
        lo, hi = bisect.bisect_left(self._keys, item[0]), bisect.bisect_right(self._keys, item[0])
        awards = []
        quotas = iter(zip(self._pools, self._limits, strict=True))
        for rule in self.rubric.awards if awardable(result) else ():
            limits: list[int] = []
            rank = lo + 1
            if rule.kind == "quota":
                pools, fields = next(quotas)
                pool = pools[_pool(rule, entry)]
                rank, limits = bisect.bisect_left(pool, item[0]) + 1, fields[_pool(rule, entry)]
            assert result.shown is not None
            tier = award_for(rule, result.shown, rank, limits)
            if tier is not None:
                awards.append((rule, tier))
        return Standing(entry, result, lo + 1, hi - lo > 1, tuple(awards))

    def standings(self, people: Mapping[str, Contestant] | None = None) -> list[Standing]:
        """The full standings (``rank_event``), made again only after a change: pages asking
        between two sheets share one ranking."""
        if self._made is None or self._made[0] is not people:
            self._made = (people, rank_event(self.rubric, self.entries.values(), self.results, people))
        return self._made[1]


@dataclass(frozen=True)
class TeamStanding:
    team: str
    rank: int | None
    shared: bool
    score: Fraction | None
    counted: tuple[str, ...]  # the entry keys that counted
    entries: int
    award_count: int
    state: EntryState = EntryState.COMPLETE  # flagged or partial while one of its entries is (``MARKS``)


def team_standings(rule: TeamRule, teams: Iterable[str], standings: Iterable[Standing]) -> list[TeamStanding]:
    """Teams ranked by the rule over their entries' shown totals (what was published); a team's
    ``state`` is flagged or partial while one of its entries is (or is still unscored).

    ``best_n`` with ``n = 0`` takes N as the fewest entries any team entered (scored or not), so
    one unscored or disqualified dish does not change N for every team."""
    entered: dict[str, int] = {t: 0 for t in teams}
    scored: dict[str, list[Standing]] = {t: [] for t in entered}
    states: dict[str, set[EntryState]] = {t: set() for t in entered}
    for s in standings:
        if (not rule.events or s.entry.event in rule.events) and s.entry.team in scored:
            entered[s.entry.team] += 1
            states[s.entry.team].add(s.result.state if s.result.complete or s.result.flags else EntryState.PARTIAL)
            if s.rank is not None:
                scored[s.entry.team].append(s)
    n = rule.n or min((v for v in entered.values() if v), default=0)
    rows = []
    for team, items in scored.items():
        items.sort(key=lambda s: (-(s.result.shown or 0), s.entry.key))
        kept = items[:n] if rule.method == "best_n" else items
        values = [s.result.shown or Fraction(0) for s in kept]
        total = sum(values, Fraction(0))
        score = (total if rule.method == "sum" else total / len(values)) if values else None
        awards = sum(1 for s in items for _, t in s.awards if t.key == rule.count_award) if rule.count_award else 0
        rows.append((team, score, tuple(s.entry.key for s in kept), entered[team], awards))
    rows.sort(key=lambda x: (x[1] is None, -(x[1] or 0), -x[4], x[0]))
    out, position = [], 1
    for _key, group in itertools.groupby(rows, key=lambda x: (x[1], x[4])):
        members = list(group)
        for team, score, counted, count, awards in members:
            rank = position if score is not None else None
            state = next((m for m in (EntryState.FLAGGED, EntryState.PARTIAL) if m in states[team]),
                         EntryState.COMPLETE)
            out.append(TeamStanding(team, rank, len(members) > 1 and score is not None, score, counted, count, awards,
                                    state))
        position += len(members)
    return out
