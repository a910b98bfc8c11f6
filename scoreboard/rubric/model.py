"""The rubric as plain, frozen data.

Words:
- A *rubric* is the scoring rule of one event: its criteria, how judges' marks are combined,
  its deductions, its tie-break chain and its awards. It is data (TOML), never code.
- A *criterion* is one line of a rubric (口味 35). Its *kind* says what a judge enters:
  ``score`` (a number in a range, on a step), ``judgement`` (a WorldSkills level 0-3, scaled to
  the criterion's maximum), ``measurement`` (readings turned into points by tolerance bands)
  or ``check`` (yes/no, worth the maximum or nothing).
- A *part* is a weighted share of the total (theory 30 %, practical 70 %).
- A criterion's *markers* say who marks it: every judge, a role of the panel, or the clerk
  (``markers``, where the roles are defined).
- A *deduction rule* says how a penalty is counted (per minute, per occurrence, fixed, or
  disqualification). Deductions are subtracted after the judges' marks are aggregated.

Numbers are kept exact (``Fraction``) everywhere in the core; only display, ranking and award
cut-offs use the total rounded half up to ``Rubric.decimals`` (see ``score.round_half_up``).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction


@dataclass(frozen=True)
class Text:
    """A user-facing name in Chinese and English."""

    zh: str
    en: str

    def get(self, locale: str) -> str:
        return self.zh if locale.startswith("zh") else self.en


class Kind(enum.StrEnum):
    SCORE = "score"
    JUDGEMENT = "judgement"
    MEASUREMENT = "measurement"
    CHECK = "check"


class Target(enum.StrEnum):
    """How a measurement reading becomes an error that tolerance bands grade."""

    NOMINAL = "nominal"  # error = |reading - value|
    MINIMUM = "minimum"  # error = shortfall below value
    MAXIMUM = "maximum"  # error = excess above value


@dataclass(frozen=True)
class Band:
    """An error within ``within`` earns ``pct`` per cent of the criterion's maximum."""

    within: Fraction
    pct: Fraction


PLAUSIBLE = Fraction(1000)  # by default a reading lies within value ± this, in the criterion's unit


@dataclass(frozen=True)
class Measure:
    target: Target
    value: Fraction
    bands: tuple[Band, ...]
    points: int = 1
    unit: str = "mm"
    # "mean": the mean of each reading's band; "count_out": readings outside the first band
    # are counted and ``count_bands`` grade that count (within = how many may be out).
    grading: str = "mean"
    count_bands: tuple[Band, ...] = ()
    low: Fraction | None = None  # the plausible readings: a reading outside is refused as mistyped
    high: Fraction | None = None  # (None: value ∓ PLAUSIBLE)

    @property
    def lowest(self) -> Fraction:
        return self.value - PLAUSIBLE if self.low is None else self.low

    @property
    def highest(self) -> Fraction:
        return self.value + PLAUSIBLE if self.high is None else self.high


@dataclass(frozen=True)
class Aggregation:
    """How one criterion's (or each judge's total) values across judges become one value.

    ``method`` is a key of ``aggregate.METHODS``; ``high``/``low`` say how many values the
    method drops from each end; ``combine`` is "mean" or "sum" of what is kept.
    """

    method: str = "mean"
    high: int = 0
    low: int = 0
    combine: str = "mean"


@dataclass(frozen=True)
class Criterion:
    key: str
    name: Text
    kind: Kind
    max: Fraction
    min: Fraction = Fraction(0)
    step: Fraction | None = None
    weight: Fraction = Fraction(1)
    part: str = ""
    levels: tuple[Text, ...] = ()  # judgement: what each level 0..3 means
    measure: Measure | None = None
    aggregation: Aggregation | None = None  # overrides the rubric's, with on = "criterion"
    panel: int | None = None  # how many judges mark it; overrides the rubric's
    spread: Fraction | None = None  # flag when judges' raw marks differ by more
    help: Text | None = None
    markers: str = "judges"  # who marks it: "judges" (every judge), a role of the panel, or "clerk"

    @property
    def points(self) -> Fraction:
        """The most this criterion adds to its part's points."""
        return self.max * self.weight


class DeductionKind(enum.StrEnum):
    PER_MINUTE = "per_minute"
    PER_OCCURRENCE = "per_occurrence"
    FIXED = "fixed"
    DISQUALIFY = "disqualify"


@dataclass(frozen=True)
class DeductionRule:
    key: str
    name: Text
    kind: DeductionKind
    value: Fraction = Fraction(0)  # per minute, per occurrence, or the fixed amount
    grace: Fraction = Fraction(0)  # per_minute: minutes free of penalty
    dq_after: Fraction | None = None  # per_minute: disqualified beyond this many minutes
    cap: Fraction | None = None  # per_occurrence: the most it can take off


@dataclass(frozen=True)
class Part:
    key: str
    name: Text
    weight: Fraction
    markers: str = "judges"  # its criteria's, unless a criterion says otherwise


@dataclass(frozen=True)
class AwardTier:
    key: str
    name: Text
    min: Fraction | None = None  # threshold: total at least this (rounded total)
    share: Fraction | None = None  # quota: this per cent of ranked entries
    places: int | None = None  # quota: this many places


@dataclass(frozen=True)
class AwardRule:
    """Thresholds give every entry at or above a cut-off its tier; quotas give tiers to the
    best places in turn (``share`` per cent, counted cumulatively, or fixed ``places``)."""

    key: str
    name: Text
    kind: str  # "threshold" | "quota"
    tiers: tuple[AwardTier, ...]
    rounding: str = "half_up"  # quota places: "half_up" | "floor" | "ceil"
    min_total: Fraction | None = None  # no tier below this total
    pool: str = ""  # quota counted separately per value of this entry tag


@dataclass(frozen=True)
class HonourRule:
    """A tag an entrant earns on top of an award: 1st place, aged <= 35 with a prize, ..."""

    key: str
    name: Text
    rank_max: int | None = None
    awards: tuple[str, ...] = ()  # any of these award tier keys
    age_max: int | None = None
    gender: str | None = None


@dataclass(frozen=True)
class GoldenCase:
    """An example in the rubric file: sheets for an entry and the total they must give."""

    name: str
    sheets: tuple[dict[str, object], ...]
    total: Fraction | None = None
    rank: int | None = None
    entry: str = ""
    attrs: Mapping[str, object] = field(default_factory=dict)
    roles: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # judge → roles; empty: no roles given


@dataclass(frozen=True)
class Rubric:
    key: str
    name: Text
    criteria: tuple[Criterion, ...]
    aggregation: Aggregation = field(default_factory=Aggregation)
    aggregate_on: str = "criterion"  # "criterion" | "total"
    panel: int = 1
    # the fewest judges an entry may be accepted with when its panel cannot be full (a judge sits
    # out for their own team); None: the whole panel, no entry is ever accepted short
    panel_min: int | None = None
    parts: tuple[Part, ...] = ()
    deductions: tuple[DeductionRule, ...] = ()
    factor: str = ""  # an entry attribute the total is multiplied by (diving: difficulty)
    multiplier: Fraction = Fraction(1)  # a constant the total is multiplied by (Sydney 2000 diving: 0.6)
    total_spread: Fraction | None = None  # flag when judges' totals differ by more
    decimals: int = 2
    tie_break: tuple[str, ...] = ()
    awards: tuple[AwardRule, ...] = ()
    honours: tuple[HonourRule, ...] = ()
    golden: tuple[GoldenCase, ...] = ()
    description: Text | None = None
    award_for: str = "work"  # what a certificate honours: "work" (the entry, quoted by title) or "event"

    def criterion(self, key: str) -> Criterion | None:
        return next((c for c in self.criteria if c.key == key), None)

    def deduction(self, key: str) -> DeductionRule | None:
        return next((d for d in self.deductions if d.key == key), None)

    def part(self, key: str) -> Part | None:
        return next((p for p in self.parts if p.key == key), None)

    def part_points(self, part: str) -> Fraction:
        return sum((c.points for c in self.criteria if c.part == part), Fraction(0))

    @property
    def max_total(self) -> Fraction:
        if self.parts:
            return sum((p.weight for p in self.parts), Fraction(0))
        return sum((c.points for c in self.criteria), Fraction(0))

    @property
    def fewest(self) -> int:
        """The fewest judges an entry may be accepted with (``panel_min``, else the panel)."""
        return self.panel if self.panel_min is None else self.panel_min

    def aggregation_of(self, criterion: Criterion) -> Aggregation:
        return criterion.aggregation or self.aggregation

    def panel_of(self, criterion: Criterion) -> int:
        if criterion.panel is not None:
            return criterion.panel
        if criterion.markers != "judges":  # one value, from a member of its role or the clerk
            return 1
        if self.aggregate_on == "criterion" and self.aggregation_of(criterion).method == "single":
            return 1
        return self.panel
