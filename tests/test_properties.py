"""Laws the core keeps whatever the marks: checked with hypothesis on generated data."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoreboard.rubric import aggregate
from scoreboard.rubric.model import Aggregation, Criterion, Rubric
from scoreboard.rubric.numbers import round_half_up
from scoreboard.rubric.score import Result, score_entry
from scoreboard.rubric.sheet import Sheet
from scoreboard.standings import Ranking, rank_event
from tests.factories import COOKING, entry, result, rubric, sheet

FAST = settings(max_examples=60, deadline=None)

CRITERIA = """
key = "p"
name = "P"
panel = 5
aggregate_on = "{on}"
aggregation = {agg}
total_spread = 6
tie_break = ["criterion:a"]
criteria = [
  {{ key = "a", name = "A", kind = "score", max = 10, step = 0.5, spread = 3 }},
  {{ key = "b", name = "B", kind = "judgement", max = 9, weight = 2 }},
  {{ key = "c", name = "C", kind = "check", max = 1 }},
]
deductions = [{{ key = "late", name = "Late", kind = "per_minute", value = 0.5, grace = 1 }}]
"""

RUBRICS = {
    "cooking, trimmed on totals": rubric(COOKING),
    "trimmed per criterion": rubric(CRITERIA.format(on="criterion", agg='{ method = "trimmed", high = 1, low = 1 }')),
    "median per criterion": rubric(CRITERIA.format(on="criterion", agg='{ method = "median" }')),
    "drop lowest, sum, on totals": rubric(CRITERIA.format(
        on="total", agg='{ method = "drop_lowest", low = 1, combine = "sum" }')),
    "mean on totals": rubric(CRITERIA.format(on="total", agg='{ method = "mean" }')),
}


def marks_for(rb: Rubric) -> st.SearchStrategy[dict[str, object]]:
    """One judge's marks for some (usually all) criteria of the rubric."""
    def mark(c: Criterion) -> st.SearchStrategy[object]:
        if c.kind == "check":
            return st.booleans()
        if c.kind == "judgement":
            return st.integers(0, 3)
        return st.integers(0, int(c.max * 2)).map(lambda k: Fraction(k, 2))
    full = st.fixed_dictionaries({c.key: mark(c) for c in rb.criteria})
    return st.one_of(full, full, full, st.fixed_dictionaries({}, optional={c.key: mark(c) for c in rb.criteria}))


@st.composite
def panel(draw: st.DrawFn, rb: Rubric, entry_key: str = "e1", lo: int = 1, hi: int = 7) -> list[Sheet]:
    """Sheets of several judges for one entry, some with an overtime deduction."""
    n = draw(st.integers(lo, hi))
    judges = draw(st.lists(st.text("abcdefghij", min_size=1, max_size=3), min_size=n, max_size=n, unique=True))
    out = []
    for j in judges:
        marks = draw(marks_for(rb))
        minutes = draw(st.sampled_from([None, None, 0, 3]))
        deductions = [{"key": rb.deductions[0].key, "minutes": minutes}] if minutes is not None else []
        if marks or deductions:
            out.append(sheet(rb, j, marks, entry=entry_key, deductions=deductions, seq=draw(st.integers(0, 50))))
    return out


def same(a: Result, b: Result) -> bool:
    return (a.total, a.state, a.disqualified, a.complete, sorted(a.judge_totals.values())) == (
        b.total, b.state, b.disqualified, b.complete, sorted(b.judge_totals.values()))


@pytest.mark.parametrize("name", RUBRICS)
@FAST
@given(data=st.data())
def test_permuting_judges_changes_no_total(name: str, data: st.DataObject) -> None:
    rb = RUBRICS[name]
    sheets = data.draw(panel(rb))
    order = data.draw(st.permutations(range(len(sheets))))
    names = data.draw(st.lists(st.text("klmnopqrst", min_size=1, max_size=3), min_size=len(sheets),
                               max_size=len(sheets), unique=True))
    # New judge names, and the sheets arrive in another order (seq follows the new order).
    moved = [sheet(rb, names[i], sheets[i].marks,
                   deductions=[{"key": d.key, "minutes": d.amount} for d in sheets[i].deductions], seq=pos)
             for pos, i in enumerate(order)]
    assert same(score_entry(rb, "e1", sheets), score_entry(rb, "e1", moved))


@FAST
@given(values=st.lists(st.fractions(0, 100, max_denominator=20), min_size=1, max_size=9),
       method=st.sampled_from(["mean", "trimmed", "median", "drop_lowest"]),
       high=st.integers(0, 3), low=st.integers(0, 3), combine=st.sampled_from(["mean", "sum"]))
def test_aggregates_lie_between_the_lowest_and_highest(values: list[Fraction], method: str, high: int, low: int,
                                                       combine: str) -> None:
    agg = Aggregation(method, high, low, "mean")
    got, selection = aggregate.apply([(f"j{i}", v) for i, v in enumerate(values)], agg)
    if got is None:
        assert len(values) < aggregate.METHODS[method].needs(agg)
        return
    assert min(values) <= got <= max(values)
    assert len(selection.kept) + len(selection.high) + len(selection.low) == len(values)
    if selection.high:
        assert min(v for _, v in selection.high) >= max(v for _, v in selection.kept)
    if selection.low:
        assert max(v for _, v in selection.low) <= min(v for _, v in selection.kept)
    summed, _ = aggregate.apply([(f"j{i}", v) for i, v in enumerate(values)], Aggregation(method, high, low, combine))
    if combine == "sum" and method != "median":
        assert summed == got * len(selection.kept)


@pytest.mark.parametrize("name", RUBRICS)
@FAST
@given(data=st.data())
def test_a_sheet_for_another_entry_never_changes_this_one(name: str, data: st.DataObject) -> None:
    rb = RUBRICS[name]
    mine = data.draw(panel(rb, "e1"))
    others = data.draw(panel(rb, "e2", 0, 4))
    extra = data.draw(panel(rb, "e2", 1, 1))
    before = score_entry(rb, "e1", mine + others)
    after = score_entry(rb, "e1", [*others[:1], *extra, *mine, *others[1:]])
    assert after == before


@FAST
@given(updates=st.lists(st.tuples(st.integers(0, 6), st.sampled_from([None, "80", "80.004", "79.996", "85", "0"]),
                                  st.integers(0, 2), st.booleans()), max_size=30),
       codes=st.lists(st.sampled_from(["A", "B", "C"]), min_size=7, max_size=7))
def test_incremental_ranking_equals_rank_event(updates: list[tuple[int, str | None, int, bool]],
                                               codes: list[str]) -> None:
    rb = RUBRICS["trimmed per criterion"]
    entries = [entry(f"e{i}", code=codes[i]) for i in range(7)]
    results: dict[str, Result] = {e.key: result(e.key, None) for e in entries}
    ranking = Ranking(rb, entries)
    for e in entries:
        ranking.update(results[e.key])
    for i, total, a, dq in updates:
        key = f"e{i}"
        results[key] = result(key, total, criteria={"a": Fraction(a)}, disqualified=dq and total == "0")
        ranking.update(results[key])
    full = rank_event(rb, entries, results)
    assert {e.key: ranking.rank_of(e.key) for e in entries} == {s.entry.key: s.rank for s in full}
    assert [(s.entry.key, s.rank, s.shared) for s in ranking.standings()] == [(s.entry.key, s.rank, s.shared)
                                                                              for s in full]


@settings(max_examples=200, deadline=None)
@given(a=st.fractions(-1000, 1000, max_denominator=10_000), b=st.fractions(-1000, 1000, max_denominator=10_000),
       decimals=st.integers(0, 4))
def test_rounding_is_monotone_and_close(a: Fraction, b: Fraction, decimals: int) -> None:
    lo, hi = sorted([a, b])
    assert round_half_up(lo, decimals) <= round_half_up(hi, decimals)
    assert abs(Fraction(round_half_up(a, decimals)) - a) <= Fraction(1, 2 * 10**decimals)
    assert round_half_up(-a, decimals) == -round_half_up(a, decimals)
