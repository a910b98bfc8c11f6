"""Aggregation methods: how several judges' values become one.

Each method is a small named object in ``METHODS``, chosen by key in the rubric file. A method
*selects* which values count (dropping the highest or lowest); the rubric's ``combine`` then
takes their mean or sum. Values are ``(judge, value)`` pairs; when values are equal, which judge
is "dropped" is decided by judge key, so the result never depends on the order sheets arrived.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from scoreboard.errors import N_
from scoreboard.rubric.model import Aggregation

Value = tuple[str, Fraction]


@dataclass(frozen=True)
class Selection:
    kept: tuple[Value, ...]
    high: tuple[Value, ...] = ()  # dropped as highest
    low: tuple[Value, ...] = ()  # dropped as lowest


@dataclass(frozen=True)
class Method:
    key: str
    label: str
    doc: str

    def needs(self, agg: Aggregation) -> int:
        """The fewest values the method can work with."""
        return 1

    def select(self, values: Sequence[Value], agg: Aggregation) -> Selection:
        return Selection(tuple(values))


def _ordered(values: Sequence[Value]) -> list[Value]:
    return sorted(values, key=lambda v: (v[1], v[0]))


class Mean(Method):
    pass


class Trimmed(Method):
    def needs(self, agg: Aggregation) -> int:
        return agg.high + agg.low + 1

    def select(self, values: Sequence[Value], agg: Aggregation) -> Selection:
        ordered = _ordered(values)
        cut = len(ordered) - agg.high
        return Selection(tuple(ordered[agg.low : cut]), tuple(ordered[cut:]), tuple(ordered[: agg.low]))


class DropLowest(Method):
    def needs(self, agg: Aggregation) -> int:
        return max(agg.low, 1) + 1

    def select(self, values: Sequence[Value], agg: Aggregation) -> Selection:
        low = max(agg.low, 1)
        ordered = _ordered(values)
        return Selection(tuple(ordered[low:]), (), tuple(ordered[:low]))


class Median(Method):
    def select(self, values: Sequence[Value], agg: Aggregation) -> Selection:
        ordered = _ordered(values)
        n = len(ordered)
        lo, hi = (n - 1) // 2, n // 2
        return Selection(tuple(ordered[lo : hi + 1]), tuple(ordered[hi + 1 :]), tuple(ordered[:lo]))


class Single(Method):
    """One agreed value (a measurement read once). If several judges enter it, the latest
    counts, and a disagreement flags the entry (see ``score``)."""

    def select(self, values: Sequence[Value], agg: Aggregation) -> Selection:
        return Selection(tuple(values[-1:]))


METHODS: dict[str, Method] = {
    m.key: m
    for m in (
        Mean("mean", N_("mean"), N_("the mean of every judge's value")),
        Trimmed(
            "trimmed",
            N_("trimmed"),
            N_("drop the k highest and k lowest values, then combine the rest (去掉最高分和最低分)"),
        ),
        Median("median", N_("median"), N_("the middle value (the mean of the middle two)")),
        DropLowest("drop_lowest", N_("drop lowest"), N_("drop the lowest value(s), combine the rest")),
        Single("single", N_("single"), N_("one agreed value, e.g. a measurement")),
    )
}

COMBINES = ("mean", "sum")


def combine(values: Sequence[Value], how: str) -> Fraction:
    total = sum((v for _, v in values), Fraction(0))
    return total / len(values) if how == "mean" else total


def apply(values: Sequence[Value], agg: Aggregation) -> tuple[Fraction | None, Selection]:
    """The aggregated value, or None when there are too few values for the method."""
    method = METHODS[agg.method]
    if len(values) < method.needs(agg):
        return None, Selection(tuple(values))
    selection = method.select(values, agg)
    how = "mean" if agg.method == "median" else agg.combine
    return combine(selection.kept, how), selection
