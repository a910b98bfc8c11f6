"""Scoring one entry: mark types, aggregation, parts, factor, deductions, flags, states, rounding.

Each expected value is worked by hand in the case id or a comment.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from scoreboard.golden import run_golden
from scoreboard.rubric.numbers import fmt, round_half_up
from scoreboard.rubric.score import EntryState, Result, score_entry
from tests.factories import COOKING, COOKING_SHEETS, F, rubric, score, sheet, sheets


def one_criterion(line: str, **top: object) -> str:
    """A rubric of one criterion ``c`` (given as an inline table body) and top-level settings."""
    head = "\n".join(f"{k} = {v}" for k, v in top.items())
    return f'key = "r"\nname = "R"\n{head}\ncriteria = [{{ key = "c", name = "C", {line} }}]\n'


def steps(r: Result) -> list[str]:
    return [s.render() for s in r.steps]


def codes(r: Result) -> list[str]:
    return [f.code for f in r.flags]


# ---- mark types ----------------------------------------------------------------------------------

SCORE = 'kind = "score", max = 10, min = 2, step = 0.5'
JUDGEMENT = 'kind = "judgement", max = 9'
CHECK = 'kind = "check", max = 4'
WEIGHTED = 'kind = "score", max = 10, step = 0.5, weight = 2'
NOMINAL = ('kind = "measurement", max = 10, target = "nominal", value = 100, points = 3, '
           'bands = [{ within = 1, pct = 100 }, { within = 2, pct = 50 }]')
MINIMUM = ('kind = "measurement", max = 10, target = "minimum", value = 20, '
           'bands = [{ within = 1, pct = 100 }, { within = 2, pct = 50 }]')
MAXIMUM = ('kind = "measurement", max = 10, target = "maximum", value = 2, '
           'bands = [{ within = 0, pct = 100 }, { within = 2, pct = 50 }]')
COUNT_OUT = ('kind = "measurement", max = 10, value = 0, points = 4, grading = "count_out", '
             'bands = [{ within = 1, pct = 100 }], '
             'count_bands = [{ within = 0, pct = 100 }, { within = 1, pct = 60 }, { within = 2, pct = 20 }]')


@pytest.mark.parametrize(("line", "mark", "want"), [
    pytest.param(SCORE, 8.5, F("8.5"), id="score 8.5 as given"),
    pytest.param(SCORE, 2, F(2), id="score at its minimum 2"),
    pytest.param(WEIGHTED, 7, F(14), id="score 7 weight 2 = 14"),
    pytest.param(JUDGEMENT, 0, F(0), id="judgement level 0 = 0"),
    pytest.param(JUDGEMENT, 1, F(3), id="judgement level 1 = 9*1/3 = 3"),
    pytest.param(JUDGEMENT, 2, F(6), id="judgement level 2 = 9*2/3 = 6"),
    pytest.param(JUDGEMENT, 3, F(9), id="judgement level 3 = max 9"),
    pytest.param(CHECK, True, F(4), id="check yes = max 4"),
    pytest.param(CHECK, False, F(0), id="check no = 0"),
    pytest.param(NOMINAL, [100.5, 99, 101], F(10), id="nominal errs .5,1,1 all within 1: 100% of 10"),
    pytest.param(NOMINAL, [100.5, 101.5, 97], F(5), id="nominal errs .5,1.5,3: (100+50+0)/3 = 50% of 10 = 5"),
    pytest.param(NOMINAL, [98.5, 98.5, 98.5], F(5), id="nominal below value by 1.5 each: 50% = 5"),
    pytest.param(NOMINAL, [101, 102, 102.01], F(5), id="nominal errs 1,2,2.01 (edges inclusive): (100+50+0)/3 = 50%"),
    pytest.param(NOMINAL, [101, 101, 102], Fraction(25, 3), id="nominal errs 1,1,2: (100+100+50)/3 % of 10 = 25/3"),
    pytest.param(MINIMUM, 25, F(10), id="minimum 20: 25 has no shortfall, 100%"),
    pytest.param(MINIMUM, 19.5, F(10), id="minimum 20: 19.5 short by .5, within 1, 100%"),
    pytest.param(MINIMUM, 18.5, F(5), id="minimum 20: 18.5 short by 1.5, within 2, 50%"),
    pytest.param(MINIMUM, 17, F(0), id="minimum 20: 17 short by 3, outside every band"),
    pytest.param(MAXIMUM, 1, F(10), id="maximum 2: 1 has no excess, within 0, 100%"),
    pytest.param(MAXIMUM, 3.5, F(5), id="maximum 2: 3.5 over by 1.5, 50%"),
    pytest.param(MAXIMUM, 4.5, F(0), id="maximum 2: 4.5 over by 2.5, 0%"),
    pytest.param(COUNT_OUT, [0.5, -1, 0, 1], F(10), id="count_out: none outside 1, count 0 -> 100%"),
    pytest.param(COUNT_OUT, [0.5, 1.5, 0, 1], F(6), id="count_out: one (1.5) outside, count 1 -> 60% = 6"),
    pytest.param(COUNT_OUT, [0.5, 1.5, -2, 1], F(2), id="count_out: 1.5 and 2 outside, count 2 -> 20% = 2"),
    pytest.param(COUNT_OUT, [3, 1.5, -2, 1], F(0), id="count_out: three outside -> 0"),
])
def test_mark_types(line: str, mark: object, want: Fraction) -> None:
    rb = rubric(one_criterion(line))
    r = score(rb, {"j1": {"c": mark}})
    assert r.criteria["c"] == want
    assert r.total == want
    assert r.state is EntryState.COMPLETE


def test_judgement_levels_are_averaged_as_points() -> None:
    # max 9, levels 1,2,2 -> points 3,6,6 -> mean 15/3 = 5
    rb = rubric(one_criterion(JUDGEMENT, panel=3))
    r = score(rb, {"j1": {"c": 1}, "j2": {"c": 2}, "j3": {"c": 2}})
    assert r.total == F(5)


# ---- aggregation across judges -------------------------------------------------------------------

TWO = """
key = "two"
name = "Two"
panel = {panel}
aggregate_on = "{on}"
aggregation = {agg}
criteria = [
  {{ key = "a", name = "A", kind = "score", max = 10, step = 0.5 }},
  {{ key = "b", name = "B", kind = "score", max = 10, step = 0.5, weight = 2 }},
]
"""


def two(on: str = "criterion", agg: str = '{ method = "mean" }', panel: int = 3) -> str:
    return TWO.format(on=on, agg=agg, panel=panel)


@pytest.mark.parametrize(("text", "marks", "a", "b", "total"), [
    pytest.param(two(), {"j1": {"a": 8, "b": 6}, "j2": {"a": 7, "b": 7}, "j3": {"a": 9, "b": 8}},
                 F(8), F(14), F(22), id="mean per criterion: a (8+7+9)/3=8; b 2*(6+7+8)/3=14; 22"),
    pytest.param(two(agg='{ method = "trimmed", high = 1, low = 1 }'),
                 {"j1": {"a": 8, "b": 6}, "j2": {"a": 7, "b": 7}, "j3": {"a": 9, "b": 8}},
                 F(8), F(14), F(22), id="trimmed per criterion: a keeps j1's 8, b keeps j2's 14; 22"),
    pytest.param(two(agg='{ method = "median" }', panel=4),
                 {"j1": {"a": 8, "b": 6}, "j2": {"a": 7, "b": 7}, "j3": {"a": 9, "b": 8}, "j4": {"a": 10, "b": 10}},
                 F("8.5"), F(15), F("23.5"), id="median per criterion: a (8+9)/2; b (14+16)/2=15; 23.5"),
    pytest.param(two(on="total", agg='{ method = "trimmed", high = 1, low = 1 }'),
                 {"j1": {"a": 8, "b": 6}, "j2": {"a": 7, "b": 7}, "j3": {"a": 9, "b": 8}},
                 F(7), F(14), F(21),
                 id="trimmed on totals j1 20, j2 21, j3 25: drop j3 and j1; kept j2: a 7 + b 14 = 21"),
    pytest.param(two(on="total", agg='{ method = "drop_lowest", low = 1, combine = "sum" }'),
                 {"j1": {"a": 8, "b": 6}, "j2": {"a": 7, "b": 7}, "j3": {"a": 9, "b": 8}},
                 F(16), F(30), F(46), id="drop_lowest sum on totals 20,21,25: drop j1 (20); a 7+9, b 14+16; 46"),
])
def test_aggregation(text: str, marks: dict[str, dict[str, object]], a: Fraction, b: Fraction, total: Fraction) -> None:
    r = score(rubric(text), marks)
    assert (r.criteria["a"], r.criteria["b"], r.total) == (a, b, total)


def test_aggregate_on_total_subtotals_add_up_over_kept_judges() -> None:
    # Judges' totals 87, 88.5, 90, 91, 93: j5 (93) dropped high, j1 (87) dropped low; kept j2, j3, j4.
    r = score(rubric(COOKING), COOKING_SHEETS)
    assert r.judge_totals == {"j1": F(87), "j2": F("88.5"), "j3": F(90), "j4": F(91), "j5": F(93)}
    assert r.kept_judges == ("j2", "j3", "j4")
    assert r.criteria == {
        "taste": F("31.5"),             # (31 + 31.5 + 32) / 3 = 94.5 / 3
        "texture": Fraction(107, 6),    # (17.5 + 18 + 18) / 3 = 53.5 / 3
        "technique": F("13.5"),         # (13 + 13.5 + 14) / 3 = 40.5 / 3
        "appearance": F(13), "hygiene": F(5), "innovation": F(9),
    }
    assert sum(v for v in r.criteria.values() if v is not None) == r.total == Fraction(539, 6)  # 269.5 / 3
    assert r.dropped == F(180)  # 93 + 87
    assert r.untrimmed == F("89.9")  # 449.5 / 5
    assert r.shown == F("89.83")
    assert r.state is EntryState.COMPLETE


def test_derivation_names_dropped_judges_and_deduction() -> None:
    rb = rubric(COOKING)
    ss = sheets(rb, COOKING_SHEETS)
    ss[2] = sheet(rb, "j3", COOKING_SHEETS["j3"], seq=3,
                  deductions=[{"key": "overtime", "minutes": 2, "reason": "超时2分钟"}])
    r = score_entry(rb, "e1", ss)
    # 539/6 - 2 × 0.5 = 533/6 = 88.8333…
    assert r.total == Fraction(533, 6)
    assert r.shown == F("88.83")
    text = steps(r)
    assert "judge j1's total: 87" in text
    assert "total: judge j5's 93 dropped as highest" in text
    assert "total: judge j1's 87 dropped as lowest" in text
    assert "total: mean of 88.5, 90, 91 = 89.8333" in text
    assert "overtime: −1 超时2分钟" in text
    assert text[-1] == "total 88.8333"


def test_derivation_per_criterion() -> None:
    rb = rubric(two(agg='{ method = "trimmed", high = 1, low = 1 }'))
    r = score(rb, {"j1": {"a": 8, "b": 6}, "j2": {"a": 7, "b": 7}, "j3": {"a": 9, "b": 8}})
    text = steps(r)
    assert "a: judge j3's 9 dropped as highest" in text
    assert "a: judge j2's 7 dropped as lowest" in text
    assert "b: judge j3's 16 dropped as highest" in text  # 8 × weight 2
    assert "b: judge j1's 12 dropped as lowest" in text
    assert "a: 8" in text and "b: 14" in text  # one kept value is shown as is


# ---- parts and factor ----------------------------------------------------------------------------

PARTS = """
key = "p"
name = "P"
parts = [
  { key = "theory", name = "Theory", weight = 30 },
  { key = "practical", name = "Practical", weight = 70 },
]
criteria = [
  { key = "exam", name = "Exam", kind = "score", max = 100, step = 0.5, part = "theory" },
  { key = "build", name = "Build", kind = "score", max = 40, step = 0.5, part = "practical" },
  { key = "finish", name = "Finish", kind = "score", max = 20, step = 0.5, part = "practical" },
]
"""


@pytest.mark.parametrize(("marks", "theory", "practical", "total"), [
    pytest.param({"exam": 80, "build": 30, "finish": 15}, F(80), F(45), F("76.5"),
                 id="30*80/100 = 24; 70*45/60 = 52.5; 76.5"),
    pytest.param({"exam": 100, "build": 40, "finish": 20}, F(100), F(60), F(100), id="full marks = 100"),
    pytest.param({"exam": 0, "build": 20, "finish": 0}, F(0), F(20), Fraction(70, 3),
                 id="0 theory; 70*20/60 = 70/3"),
])
def test_parts_weighting(marks: dict[str, object], theory: Fraction, practical: Fraction, total: Fraction) -> None:
    rb = rubric(PARTS)
    assert rb.max_total == 100
    r = score(rb, {"j1": marks})
    assert r.parts == {"theory": theory, "practical": practical}
    assert r.total == total


def test_parts_derivation() -> None:
    r = score(rubric(PARTS), {"j1": {"exam": 80, "build": 30, "finish": 15}})
    assert "theory: 80 of 100 × 30 % = 24" in steps(r)
    assert "practical: 45 of 60 × 70 % = 52.5" in steps(r)


FACTOR = one_criterion('kind = "score", max = 10, step = 0.5', factor='"difficulty"')


@pytest.mark.parametrize(("attrs", "total", "flags"), [
    pytest.param({"difficulty": 3.2}, F("25.6"), [], id="8 × 3.2 = 25.6"),
    pytest.param({"difficulty": 1}, F(8), [], id="8 × 1 = 8"),
    pytest.param({}, None, ["factor_missing"], id="no difficulty: no total, flagged"),
])
def test_factor(attrs: dict[str, object], total: Fraction | None, flags: list[str]) -> None:
    r = score(rubric(FACTOR), {"j1": {"c": 8}}, attrs=attrs)
    assert r.total == total
    assert codes(r) == flags


def test_factor_is_applied_before_deductions() -> None:
    rb = rubric(FACTOR + 'deductions = [{ key = "late", name = "Late", kind = "fixed", value = 2 }]\n')
    r = score_entry(rb, "e1", [sheet(rb, "j1", {"c": 8}, deductions=[{"key": "late"}])], {"difficulty": 2})
    assert r.total == F(14)  # 8 × 2 − 2, not (8 − 2) × 2
    assert "8 × difficulty 2 = 16" in steps(r)


# ---- deductions ----------------------------------------------------------------------------------

DEDUCTIONS = """
key = "d"
name = "D"
criteria = [{ key = "c", name = "C", kind = "score", max = 100, step = 0.5 }]
deductions = [
  { key = "overtime", name = "Overtime", kind = "per_minute", value = 0.5, grace = 2, dq_after = 30 },
  { key = "lapse", name = "Lapse", kind = "per_occurrence", value = 1.5, cap = 5 },
  { key = "dirty", name = "Dirty", kind = "fixed", value = 10 },
  { key = "veto", name = "Veto", kind = "disqualify" },
]
"""


@pytest.mark.parametrize(("deductions", "deducted", "total", "dq"), [
    pytest.param([{"key": "overtime", "minutes": 1}], F(0), F(80), False, id="1 min within 2 min grace: 0"),
    pytest.param([{"key": "overtime", "minutes": 2}], F(0), F(80), False, id="2 min = grace: 0"),
    pytest.param([{"key": "overtime", "minutes": 5}], F("1.5"), F("78.5"), False, id="5 min: (5-2)*0.5 = 1.5"),
    pytest.param([{"key": "overtime", "minutes": 30}], F(14), F(66), False,
                 id="30 min = dq_after, not beyond: 28*0.5 = 14"),
    pytest.param([{"key": "overtime", "minutes": 31}], F(0), F(0), True, id="31 min beyond dq_after 30: disqualified"),
    pytest.param([{"key": "lapse", "count": 0}], F(0), F(80), False, id="0 lapses: 0"),
    pytest.param([{"key": "lapse", "count": 3}], F("4.5"), F("75.5"), False, id="3 lapses * 1.5 = 4.5"),
    pytest.param([{"key": "lapse", "count": 4}], F(5), F(75), False, id="4 * 1.5 = 6, capped at 5"),
    pytest.param([{"key": "dirty"}], F(10), F(70), False, id="fixed 10"),
    pytest.param([{"key": "veto", "reason": "foreign matter"}], F(0), F(0), True, id="disqualify: 0"),
    pytest.param([{"key": "overtime", "minutes": 5}, {"key": "lapse", "count": 2}, {"key": "dirty"}],
                 F("14.5"), F("65.5"), False, id="1.5 + 3 + 10 = 14.5"),
])
def test_deduction_kinds(deductions: list[dict[str, object]], deducted: Fraction, total: Fraction, dq: bool) -> None:
    rb = rubric(DEDUCTIONS)
    r = score_entry(rb, "e1", [sheet(rb, "j1", {"c": 80}, deductions=deductions)])
    assert r.deductions == deducted
    assert r.total == total
    assert r.disqualified is dq


def test_disqualification_is_in_the_derivation() -> None:
    rb = rubric(DEDUCTIONS)
    r = score_entry(rb, "e1", [sheet(rb, "j1", {"c": 80}, deductions=[{"key": "veto", "reason": "spoiled"}])])
    assert "veto: disqualified spoiled" in steps(r)
    assert r.total == 0 and r.shown == 0


def test_total_is_clamped_at_zero() -> None:
    rb = rubric(DEDUCTIONS)
    r = score_entry(rb, "e1", [sheet(rb, "j1", {"c": 8}, deductions=[{"key": "dirty"}])])
    assert r.deductions == F(10)
    assert r.total == F(0)  # 8 − 10 → 0, not −2
    assert r.disqualified is False


def test_deductions_recorded_differently_take_the_largest_and_flag() -> None:
    rb = rubric(DEDUCTIONS)
    ss = [sheet(rb, "j1", {"c": 80}, seq=1, deductions=[{"key": "overtime", "minutes": 4, "reason": "4 min"}]),
          sheet(rb, "j2", {"c": 80}, seq=2, deductions=[{"key": "overtime", "minutes": 6, "reason": "6 min"}])]
    r = score_entry(rb, "e1", ss)
    assert r.deductions == F(2)  # max(4, 6) = 6 min: (6 − 2) × 0.5 = 2, once, not summed
    assert r.total == F(78)
    assert codes(r) == ["deductions_disagree"]
    assert r.state is EntryState.FLAGGED
    assert "overtime: −2 6 min" in steps(r)


def test_a_deduction_recorded_by_two_judges_alike_counts_once() -> None:
    rb = rubric(DEDUCTIONS)
    ss = [sheet(rb, j, {"c": 80}, seq=n, deductions=[{"key": "dirty"}]) for n, j in enumerate(["j1", "j2"], 1)]
    r = score_entry(rb, "e1", ss)
    assert r.deductions == F(10)
    assert r.total == F(70)
    assert r.flags == ()


# ---- flags ---------------------------------------------------------------------------------------

SPREAD_SCORE = 'kind = "score", max = 10, step = 0.5, spread = 2'
SPREAD_LEVEL = 'kind = "judgement", max = 9, spread = 1'


@pytest.mark.parametrize(("line", "marks", "flagged"), [
    pytest.param(SPREAD_SCORE, [5, 8, 6], True, id="score 5..8 differ by 3 > 2"),
    pytest.param(SPREAD_SCORE, [6, 8, 7], False, id="score 6..8 differ by 2, not more"),
    pytest.param(SPREAD_LEVEL, [1, 3, 2], True, id="judgement levels 1..3 differ by 2 > 1"),
    pytest.param(SPREAD_LEVEL, [2, 3, 2], False, id="judgement levels 2..3 differ by 1"),
])
def test_criterion_spread(line: str, marks: list[object], flagged: bool) -> None:
    rb = rubric(one_criterion(line, panel=3))
    r = score(rb, {f"j{i}": {"c": m} for i, m in enumerate(marks, 1)})
    assert codes(r) == (["spread"] if flagged else [])
    assert r.state is (EntryState.FLAGGED if flagged else EntryState.COMPLETE)
    assert r.total is not None  # a flag holds the entry for the chief judge; it still has a total


@pytest.mark.parametrize(("totals", "flagged"), [
    pytest.param([(8, 6), (7, 7), (9, 8)], False, id="totals 20,21,25 differ by 5, not more"),
    pytest.param([(8, 6), (7, 7), (10, 8.5)], True, id="totals 20,21,27 differ by 7 > 5"),
])
def test_total_spread(totals: list[tuple[object, object]], flagged: bool) -> None:
    rb = rubric(two() + "total_spread = 5\n")
    r = score(rb, {f"j{i}": {"a": a, "b": b} for i, (a, b) in enumerate(totals, 1)})
    assert codes(r) == (["spread_total"] if flagged else [])


SINGLE = ('kind = "measurement", max = 10, value = 100, bands = [{ within = 1, pct = 100 }, { within = 2, pct = 50 }], '
          'aggregation = { method = "single" }')


def test_single_value_disagreement_flags_and_the_latest_counts() -> None:
    rb = rubric(one_criterion(SINGLE, panel=3))
    assert rb.panel_of(rb.criteria[0]) == 1  # read once, by one judge
    ss = [sheet(rb, "j2", {"c": 100.5}, seq=1), sheet(rb, "j1", {"c": 101.5}, seq=2)]
    r = score_entry(rb, "e1", ss)
    assert r.criteria["c"] == F(5)  # j1's 101.5 arrived last: error 1.5 → 50 % of 10
    assert codes(r) == ["single_disagree"]


def test_single_value_agreement_does_not_flag() -> None:
    rb = rubric(one_criterion(SINGLE))
    ss = [sheet(rb, "j1", {"c": 100.5}, seq=1), sheet(rb, "j2", {"c": 99.5}, seq=2)]
    r = score_entry(rb, "e1", ss)  # readings differ, points agree (both within 1 → 10)
    assert r.criteria["c"] == F(10)
    assert r.flags == ()
    assert r.state is EntryState.COMPLETE


# ---- missing marks, revisions, states ------------------------------------------------------------

def test_missing_judge_is_never_averaged_as_zero() -> None:
    # panel 3, mean, two judges so far: a (8+6)/2 = 7, not (8+6+0)/3; b 2*(5+7)/2 = 12
    r = score(rubric(two()), {"j1": {"a": 8, "b": 5}, "j2": {"a": 6, "b": 7}})
    assert r.criteria == {"a": F(7), "b": F(12)}
    assert r.total == F(19)
    assert r.state is EntryState.PARTIAL
    assert r.complete is False


def test_missing_criterion_gives_no_total() -> None:
    r = score(rubric(two(panel=1)), {"j1": {"a": 8}})
    assert r.criteria == {"a": F(8), "b": None}
    assert r.total is None and r.shown is None
    assert r.state is EntryState.PARTIAL


def test_too_few_for_trimmed_gives_no_total() -> None:
    rb = rubric(two(agg='{ method = "trimmed", high = 1, low = 1 }'))
    r = score(rb, {"j1": {"a": 8, "b": 5}, "j2": {"a": 6, "b": 7}})
    assert r.criteria == {"a": None, "b": None}
    assert r.total is None
    assert r.state is EntryState.PARTIAL
    assert "a: 2 value(s) so far, too few for trimmed" in steps(r)


def test_on_totals_an_incomplete_sheet_is_not_a_judge_total() -> None:
    # j4 marked only a; the three complete totals are 20, 21, 25: drop 25 and 20, keep j2's 21.
    rb = rubric(two(on="total", agg='{ method = "trimmed", high = 1, low = 1 }', panel=4))
    r = score(rb, {"j1": {"a": 8, "b": 6}, "j2": {"a": 7, "b": 7}, "j3": {"a": 9, "b": 8}, "j4": {"a": 10}})
    assert set(r.judge_totals) == {"j1", "j2", "j3"}
    assert r.total == F(21)
    assert r.criteria == {"a": F(7), "b": F(14)}  # j4's 10 is not in a kept total
    assert r.state is EntryState.PARTIAL


def test_on_totals_too_few_judges_gives_no_total() -> None:
    rb = rubric(two(on="total", agg='{ method = "trimmed", high = 1, low = 1 }'))
    r = score(rb, {"j1": {"a": 8, "b": 6}, "j2": {"a": 7, "b": 7}})
    assert r.total is None
    assert r.criteria == {"a": None, "b": None}
    assert r.kept_judges == ()
    assert "total: 2 value(s) so far, too few for trimmed" in steps(r)


@pytest.mark.parametrize(("revisions", "want"), [
    pytest.param([(1, 1, 5), (2, 2, 9)], F(9), id="revision 2 replaces revision 1"),
    pytest.param([(2, 1, 9), (1, 2, 5)], F(9), id="revision 2 counts even if revision 1 arrives later"),
    pytest.param([(1, 1, 5), (2, 2, 9), (3, 3, 7)], F(7), id="three revisions: the third"),
])
def test_only_each_judges_latest_revision_counts(revisions: list[tuple[int, int, int]], want: Fraction) -> None:
    rb = rubric(one_criterion('kind = "score", max = 10, step = 0.5', panel=2))
    ss = [sheet(rb, "j1", {"c": v}, revision=rev, seq=seq) for rev, seq, v in revisions]
    ss.append(sheet(rb, "j2", {"c": 7}, seq=10))
    r = score_entry(rb, "e1", ss)
    assert r.criteria["c"] == (want + 7) / 2  # j1's latest and j2's 7; never three values
    assert r.judges == 2


def test_sheets_of_other_entries_are_ignored() -> None:
    rb = rubric(one_criterion('kind = "score", max = 10, step = 0.5'))
    r = score_entry(rb, "e1", [sheet(rb, "j1", {"c": 3}, entry="e2"), sheet(rb, "j1", {"c": 6})])
    assert r.total == F(6)


@pytest.mark.parametrize(("marks", "state"), [
    pytest.param({}, EntryState.PENDING, id="no sheets: pending"),
    pytest.param({"j1": {"c": 8}}, EntryState.PARTIAL, id="1 of 2 judges: partial"),
    pytest.param({"j1": {"c": 8}, "j2": {"c": 7}}, EntryState.COMPLETE, id="2 of 2 within spread: complete"),
    pytest.param({"j1": {"c": 8}, "j2": {"c": 2}}, EntryState.FLAGGED, id="8 vs 2 beyond spread 3: flagged"),
    pytest.param({"j1": {"c": 9}}, EntryState.PARTIAL, id="one judge cannot disagree: partial"),
])
def test_states(marks: dict[str, dict[str, object]], state: EntryState) -> None:
    rb = rubric(one_criterion('kind = "score", max = 10, step = 0.5, spread = 3', panel=2))
    r = score(rb, marks)
    assert r.state is state
    assert (r.total is None) == (state is EntryState.PENDING)


def test_pending_entry() -> None:
    r = score_entry(rubric(COOKING), "e1", [])
    assert (r.total, r.state, r.judges, r.untrimmed, r.complete) == (None, EntryState.PENDING, 0, None, False)
    assert steps(r) == ["total: 0 value(s) so far, too few for trimmed"]


# ---- rounding and display ------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "decimals", "want"), [
    pytest.param(F("8.665"), 2, "8.67", id="8.665 -> 8.67 (half up, not banker's)"),
    pytest.param(F("8.664999"), 2, "8.66", id="8.664999 -> 8.66"),
    pytest.param(F("2.5"), 0, "3", id="2.5 -> 3 at 0 decimals"),
    pytest.param(F("3.5"), 0, "4", id="3.5 -> 4 (banker's would give 4 too)"),
    pytest.param(F("4.5"), 0, "5", id="4.5 -> 5 (banker's would give 4)"),
    pytest.param(F("-2.5"), 0, "-3", id="-2.5 -> -3 (half away from zero)"),
    pytest.param(F("-8.665"), 2, "-8.67", id="-8.665 -> -8.67"),
    pytest.param(F("89.995"), 2, "90.00", id="89.995 -> 90.00"),
    pytest.param(F("89.994"), 2, "89.99", id="89.994 -> 89.99"),
    pytest.param(Fraction(539, 6), 2, "89.83", id="539/6 = 89.8333 -> 89.83"),
    pytest.param(Fraction(2, 3), 2, "0.67", id="2/3 -> 0.67"),
    pytest.param(Fraction(1, 3), 0, "0", id="1/3 -> 0"),
    pytest.param(F(7), 2, "7.00", id="7 -> 7.00 keeps its places"),
    pytest.param(F("0.0005"), 3, "0.001", id="0.0005 -> 0.001"),
])
def test_round_half_up(value: Fraction, decimals: int, want: str) -> None:
    got = round_half_up(value, decimals)
    assert isinstance(got, Decimal)
    assert str(got) == want


@pytest.mark.parametrize(("value", "want"), [
    pytest.param(Fraction(26, 3), "8.6667", id="26/3 -> 8.6667"),
    pytest.param(F("8.5"), "8.5", id="8.5 stays"),
    pytest.param(F(90), "90", id="90 without .0"),
    pytest.param(Decimal("90.00"), "90", id="Decimal 90.00 -> 90"),
    pytest.param(F("-1.5"), "-1.5", id="negative"),
    pytest.param(F("-0.00001"), "0", id="-0.00001 rounds to 0, never -0"),
    pytest.param(Fraction(1, 8), "0.125", id="1/8 exact"),
])
def test_fmt(value: Fraction | Decimal, want: str) -> None:
    assert fmt(value) == want


def test_fmt_places() -> None:
    assert fmt(Fraction(2, 3), 2) == "0.67"


@pytest.mark.parametrize(("total", "decimals", "shown"), [
    pytest.param("88.665", 2, F("88.67"), id="88.665 shown 88.67"),
    pytest.param("88.665", 1, F("88.7"), id="1 decimal: 88.7"),
    pytest.param("88.5", 0, F(89), id="0 decimals: 89"),
])
def test_shown_uses_rubric_decimals(total: str, decimals: int, shown: Fraction) -> None:
    rb = rubric(one_criterion('kind = "score", max = 100, step = 0.001', decimals=decimals))
    r = score(rb, {"j1": {"c": total}})
    assert r.total == F(total)
    assert r.shown == shown


# ---- golden cases carried in a rubric file -------------------------------------------------------

GOLDEN = one_criterion('kind = "score", max = 10, step = 0.5', panel=2, tie_break='["higher:difficulty"]') + """
[[golden]]
name = "mean of 8 and 9"
total = 8.5
rank = 2
sheets = [{ judge = "j1", marks = { c = 8 } }, { judge = "j2", marks = { c = 9 } }]

[[golden]]
name = "same total, higher difficulty"
total = 8.5
rank = 1
attrs = { difficulty = 2 }
sheets = [{ judge = "j1", marks = { c = 8.5 } }, { judge = "j2", marks = { c = 8.5 } }]
"""


def test_golden_cases_pass() -> None:
    assert run_golden(rubric(GOLDEN), "test") == ([], 2)


@pytest.mark.parametrize(("old", "new", "codes"), [
    pytest.param("total = 8.5\nrank = 2", "total = 8.4\nrank = 2", ["golden_total"], id="8.5 is not 8.4"),
    pytest.param("rank = 2", "rank = 1", ["golden_rank"], id="8.5 without difficulty is rank 2, not 1"),
    pytest.param("c = 9 }", "c = 9.3 }", ["mark_step"], id="a golden sheet that is not a valid sheet"),
])
def test_golden_cases_fail(old: str, new: str, codes: list[str]) -> None:
    problems, count = run_golden(rubric(GOLDEN.replace(old, new, 1)), "test")
    assert [p.code for p in problems] == codes
    assert problems[0].place.startswith("test: golden[0] (mean of 8 and 9)")
    assert count == 2
