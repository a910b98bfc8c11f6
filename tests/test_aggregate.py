"""Aggregation methods, one table of hand-worked cases per rule."""

from __future__ import annotations

import itertools
from fractions import Fraction

import pytest

from scoreboard.rubric import aggregate
from scoreboard.rubric.model import Aggregation
from tests.factories import F


def vals(*pairs: str) -> list[tuple[str, Fraction]]:
    """``vals("j1=8.5", "j2=9")`` → ``[("j1", 17/2), ("j2", 9)]``."""
    out = []
    for p in pairs:
        judge, value = p.split("=")
        out.append((judge, F(value)))
    return out


def numbered(*values: str) -> list[tuple[str, Fraction]]:
    return vals(*(f"j{i}={v}" for i, v in enumerate(values, 1)))


@pytest.mark.parametrize(("agg", "values", "want"), [
    pytest.param(Aggregation("mean"), numbered("8", "9", "10"), F(9), id="mean 8,9,10 = 27/3 = 9"),
    pytest.param(Aggregation("mean"), numbered("7", "8", "8"), Fraction(23, 3), id="mean 7,8,8 = 23/3 exactly"),
    pytest.param(Aggregation("mean"), numbered("8.5", "9"), Fraction(35, 4), id="mean 8.5,9 = 17.5/2 = 35/4"),
    pytest.param(Aggregation("mean", combine="sum"), numbered("8.5", "9"), Fraction(35, 2), id="mean+sum 8.5+9 = 17.5"),
    pytest.param(Aggregation("trimmed", 1, 1), numbered("87", "88.5", "90", "91", "93"), Fraction(539, 6),
                 id="trimmed 1/1 mean: drop 93 and 87, (88.5+90+91)/3 = 269.5/3 = 539/6"),
    pytest.param(Aggregation("trimmed", 1, 1, "sum"), numbered("87", "88.5", "90", "91", "93"), Fraction(539, 2),
                 id="trimmed 1/1 sum: 88.5+90+91 = 269.5"),
    pytest.param(Aggregation("trimmed", 2, 2, "sum"), numbered("7", "6", "9", "7.5", "6.5", "8", "7"), F("21.5"),
                 id="trimmed 2/2 sum (diving, 7 judges): drop 9,8 and 6,6.5; 7+7+7.5 = 21.5"),
    pytest.param(Aggregation("trimmed", 1, 0), numbered("5", "9", "7"), F(6),
                 id="trimmed high only: drop 9; (5+7)/2 = 6"),
    pytest.param(Aggregation("trimmed", 0, 2), numbered("5", "9", "7", "6"), F(8),
                 id="trimmed low only 2: drop 5,6; (7+9)/2 = 8"),
    pytest.param(Aggregation("median"), numbered("3", "9", "5"), F(5), id="median odd 3,5,9 = 5"),
    pytest.param(Aggregation("median"), numbered("3", "9", "5", "7"), F(6), id="median even 3,5,7,9 = (5+7)/2 = 6"),
    pytest.param(Aggregation("median", combine="sum"), numbered("3", "9", "5", "8"), F("6.5"),
                 id="median ignores combine=sum: (5+8)/2 = 6.5"),
    pytest.param(Aggregation("median"), numbered("4"), F(4), id="median of one value is that value"),
    pytest.param(Aggregation("drop_lowest", low=1, combine="sum"), numbered("9", "8", "7", "9.5", "8.5", "6"), F(42),
                 id="drop_lowest sum (KCBS): drop 6; 9+8+7+9.5+8.5 = 42"),
    pytest.param(Aggregation("drop_lowest", low=1), numbered("9", "6", "7.5"), Fraction(33, 4),
                 id="drop_lowest mean: drop 6; (9+7.5)/2 = 33/4"),
    pytest.param(Aggregation("drop_lowest", low=2, combine="sum"), numbered("9", "6", "7", "8"), F(17),
                 id="drop_lowest 2 sum: drop 6,7; 9+8 = 17"),
    pytest.param(Aggregation("drop_lowest", low=0, combine="sum"), numbered("9", "6", "7"), F(16),
                 id="drop_lowest with low=0 still drops one: 9+7 = 16"),
    pytest.param(Aggregation("single"), vals("j2=5", "j1=6"), F(6), id="single: the last value given counts"),
])
def test_value(agg: Aggregation, values: list[tuple[str, Fraction]], want: Fraction) -> None:
    got, _ = aggregate.apply(values, agg)
    assert got == want
    assert isinstance(got, Fraction)


@pytest.mark.parametrize(("agg", "count"), [
    pytest.param(Aggregation("mean"), 0, id="mean needs 1"),
    pytest.param(Aggregation("median"), 0, id="median needs 1"),
    pytest.param(Aggregation("single"), 0, id="single needs 1"),
    pytest.param(Aggregation("trimmed", 1, 1), 2, id="trimmed 1/1 needs 3"),
    pytest.param(Aggregation("trimmed", 2, 2), 4, id="trimmed 2/2 needs 5"),
    pytest.param(Aggregation("trimmed", 1, 0), 1, id="trimmed 1/0 needs 2"),
    pytest.param(Aggregation("drop_lowest", low=1), 1, id="drop_lowest 1 needs 2"),
    pytest.param(Aggregation("drop_lowest", low=2), 2, id="drop_lowest 2 needs 3"),
])
def test_too_few_values_give_none(agg: Aggregation, count: int) -> None:
    values = numbered(*[str(7 + i) for i in range(count)])
    got, selection = aggregate.apply(values, agg)
    assert got is None
    assert selection.kept == tuple(values)  # nothing is dropped when nothing is computed
    assert selection.high == selection.low == ()
    assert aggregate.METHODS[agg.method].needs(agg) == count + 1


@pytest.mark.parametrize(("agg", "values", "kept", "high", "low"), [
    pytest.param(Aggregation("trimmed", 1, 1), vals("j3=9", "j1=9", "j2=7", "j4=9"), ["j1", "j3"], ["j4"], ["j2"],
                 id="three 9s: order (9,j1)<(9,j3)<(9,j4), so j4's 9 is dropped as highest"),
    pytest.param(Aggregation("trimmed", 1, 1), vals("j5=8", "j2=8", "j9=8"), ["j5"], ["j9"], ["j2"],
                 id="all equal: lowest judge key dropped low, highest key dropped high"),
    pytest.param(Aggregation("drop_lowest", low=1), vals("jb=6", "ja=6", "jc=9"), ["jb", "jc"], [], ["ja"],
                 id="drop_lowest tie at 6: ja's is dropped"),
    pytest.param(Aggregation("median"), vals("j4=5", "j3=5", "j2=5", "j1=1"), ["j2", "j3"], ["j4"], ["j1"],
                 id="median even with ties: middle two are j2,j3"),
])
def test_ties_dropped_by_judge_key_whatever_the_order(agg: Aggregation, values: list[tuple[str, Fraction]],
                                                      kept: list[str], high: list[str], low: list[str]) -> None:
    for order in itertools.permutations(values):
        _, selection = aggregate.apply(list(order), agg)
        assert [j for j, _ in selection.kept] == kept
        assert [j for j, _ in selection.high] == high
        assert [j for j, _ in selection.low] == low


def test_selection_names_what_was_dropped() -> None:
    # 87 (j1) is the lowest, 93 (j5) the highest; the kept are in ascending order.
    _, selection = aggregate.apply(numbered("87", "88.5", "90", "91", "93"), Aggregation("trimmed", 1, 1))
    assert selection.high == (("j5", F(93)),)
    assert selection.low == (("j1", F(87)),)
    assert selection.kept == (("j2", F("88.5")), ("j3", F(90)), ("j4", F(91)))


def test_every_method_has_a_label_and_doc() -> None:
    assert set(aggregate.METHODS) == {"mean", "trimmed", "median", "drop_lowest", "single"}
    for key, method in aggregate.METHODS.items():
        assert method.key == key and method.label and method.doc
