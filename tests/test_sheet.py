"""Parsing untrusted sheets: what is accepted, and every refusal with its code, all at once."""

from __future__ import annotations

from fractions import Fraction

import pytest

from scoreboard.errors import UserError
from scoreboard.rubric.sheet import DeductionMark, Limits, current, parse_sheet
from tests.factories import F, rubric

RUBRIC = rubric("""
key = "s"
name = "S"
criteria = [
  { key = "taste", name = "Taste", kind = "score", max = 10, min = 1, step = 0.5 },
  { key = "level", name = "Level", kind = "judgement", max = 9 },
  { key = "gap", name = "Gap", kind = "measurement", max = 5, points = 2, bands = [{ within = 1, pct = 100 }] },
  { key = "clean", name = "Clean", kind = "check", max = 2 },
]
deductions = [
  { key = "overtime", name = "Overtime", kind = "per_minute", value = 0.5 },
  { key = "lapse", name = "Lapse", kind = "per_occurrence", value = 1 },
  { key = "dirty", name = "Dirty", kind = "fixed", value = 10 },
  { key = "veto", name = "Veto", kind = "disqualify" },
]
""")


def raw(**over: object) -> dict[str, object]:
    base: dict[str, object] = {"id": "s1", "entry": "e1", "judge": "j1", "marks": {"taste": 8}}
    base.update(over)
    return {k: v for k, v in base.items() if v is not None}


def refused(data: object, **kw: object) -> list[str]:
    with pytest.raises(UserError) as info:
        parse_sheet(RUBRIC, data, "sheet s1", **kw)  # type: ignore[arg-type]
    assert all(p.place == "sheet s1" for p in info.value.problems)
    return [p.code for p in info.value.problems]


def test_accepts_every_mark_type_exactly() -> None:
    s = parse_sheet(RUBRIC, raw(marks={"taste": 8.5, "level": 2, "gap": [0.5, "1.25"], "clean": True},
                                deductions=[{"key": "overtime", "minutes": 3, "reason": "late"},
                                            {"key": "dirty"}], revision=2, seq=7, reason="fix"))
    assert s.marks == {"taste": F("8.5"), "level": F(2), "gap": (F("0.5"), F("1.25")), "clean": True}
    assert isinstance(s.marks["taste"], Fraction)
    assert s.deductions == (DeductionMark("overtime", F(3), "late"), DeductionMark("dirty", F(0), ""))
    assert (s.id, s.entry, s.judge, s.revision, s.seq, s.reason) == ("s1", "e1", "j1", 2, 7, "fix")


def test_a_sheet_of_deductions_only_is_accepted() -> None:
    s = parse_sheet(RUBRIC, raw(marks=None, deductions=[{"key": "lapse", "count": 2}]))
    assert s.marks == {} and s.deductions == (DeductionMark("lapse", F(2)),)


@pytest.mark.parametrize(("data", "code"), [
    pytest.param(raw(marks={"taste": 11}), "mark_range", id="score 11 above max 10"),
    pytest.param(raw(marks={"taste": 0.5}), "mark_range", id="score 0.5 below min 1"),
    pytest.param(raw(marks={"taste": 8.3}), "mark_step", id="score 8.3 off the 0.5 step"),
    pytest.param(raw(marks={"taste": 8.25}), "mark_step", id="score 8.25 off the 0.5 step"),
    pytest.param(raw(marks={"taste": "eight"}), "mark_type", id="score not a number"),
    pytest.param(raw(marks={"taste": True}), "mark_type", id="score true is not a number"),
    pytest.param(raw(marks={"taste": None}), "mark_type", id="score null"),
    pytest.param(raw(marks={"taste": "NaN"}), "mark_type", id="score NaN"),
    pytest.param(raw(marks={"level": 4}), "mark_range", id="judgement level 4"),
    pytest.param(raw(marks={"level": -1}), "mark_range", id="judgement level -1"),
    pytest.param(raw(marks={"level": 1.5}), "mark_range", id="judgement level 1.5 is not whole"),
    pytest.param(raw(marks={"clean": 1}), "mark_type", id="check 1 is not true/false"),
    pytest.param(raw(marks={"gap": [0.5]}), "mark_readings", id="measurement 1 reading of 2"),
    pytest.param(raw(marks={"gap": [0.5, 1, 2]}), "mark_readings", id="measurement 3 readings of 2"),
    pytest.param(raw(marks={"gap": 0.5}), "mark_readings", id="measurement a bare number for 2 points"),
    pytest.param(raw(marks={"gap": [0.5, "x"]}), "mark_type", id="measurement a reading not a number"),
    pytest.param(raw(marks={"colour": 5}), "criterion_unknown", id="criterion not in the rubric"),
    pytest.param(raw(deductions=[{"key": "smoking"}]), "deduction_unknown", id="deduction not in the rubric"),
    pytest.param(raw(deductions=[{"minutes": 3}]), "deduction_type", id="deduction without a key"),
    pytest.param(raw(deductions=["overtime"]), "deduction_type", id="deduction not an object"),
    pytest.param(raw(deductions=[{"key": "overtime"}]), "deduction_amount", id="per_minute without minutes"),
    pytest.param(raw(deductions=[{"key": "overtime", "minutes": -1}]), "deduction_amount", id="minutes -1"),
    pytest.param(raw(deductions=[{"key": "overtime", "minutes": 1.5}]), "deduction_amount", id="minutes 1.5"),
    pytest.param(raw(deductions=[{"key": "lapse", "count": "two"}]), "deduction_amount", id="count not a number"),
    pytest.param(raw(deductions=[{"key": "lapse", "count": 100_001}]), "deduction_amount", id="count too large"),
    pytest.param(raw(deductions=[{"key": "dirty", "reason": 5}]), "reason_type", id="reason not text"),
    pytest.param(raw(deductions=[{"key": "dirty"}, {"key": "dirty"}]), "deduction_twice", id="deduction twice"),
    pytest.param(raw(deductions={"key": "dirty"}), "sheet_field", id="deductions not a list"),
    pytest.param(raw(id=None), "sheet_field", id="no id"),
    pytest.param(raw(id=""), "sheet_field", id="empty id"),
    pytest.param(raw(id="x" * 65), "sheet_field", id="id longer than 64"),
    pytest.param(raw(entry=5), "sheet_field", id="entry not text"),
    pytest.param(raw(judge="  "), "sheet_field", id="judge blank"),
    pytest.param(raw(revision=0), "sheet_field", id="revision 0"),
    pytest.param(raw(revision=True), "sheet_field", id="revision true"),
    pytest.param(raw(revision="2"), "sheet_field", id="revision text"),
    pytest.param(raw(marks=[8]), "sheet_field", id="marks not an object"),
    pytest.param(raw(reason="x" * 501), "reason_type", id="reason longer than 500"),
    pytest.param(raw(marks={}), "sheet_empty", id="no marks and no deductions"),
    pytest.param(raw(marks=None), "sheet_empty", id="marks left out and no deductions"),
])
def test_refusals(data: dict[str, object], code: str) -> None:
    assert refused(data) == [code]


@pytest.mark.parametrize("data", [
    pytest.param("not a sheet", id="text"),
    pytest.param([{"id": "s1"}], id="list"),
    pytest.param(None, id="null"),
])
def test_a_sheet_must_be_an_object(data: object) -> None:
    assert refused(data) == ["sheet_type"]


def test_all_problems_are_listed_at_once() -> None:
    data = {"id": "", "entry": "e1", "judge": "j1", "revision": 0,
            "marks": {"taste": 11, "level": 1.5, "gap": [1], "clean": "yes", "colour": 3},
            "deductions": [{"key": "smoking"}, {"key": "overtime", "minutes": -2}]}
    assert refused(data) == ["sheet_field", "sheet_field", "mark_range", "mark_range", "mark_readings", "mark_type",
                             "criterion_unknown", "deduction_unknown", "deduction_amount"]


def test_messages_name_the_criterion_and_value() -> None:
    with pytest.raises(UserError) as info:
        parse_sheet(RUBRIC, raw(marks={"taste": 8.3, "level": 7}), "sheet s1")
    assert [p.render() for p in info.value.problems] == [
        "sheet s1: taste: 8.3 is not on a step of 0.5",
        "sheet s1: level: a judgement is a whole level from 0 to 3",
    ]
    assert info.value.code == "mark_step"


def test_require_all_lists_the_unmarked_criteria() -> None:
    with pytest.raises(UserError) as info:
        parse_sheet(RUBRIC, raw(marks={"taste": 8, "clean": False}), require_all=True)
    assert info.value.code == "marks_missing"
    assert info.value.problems[0].params == {"criteria": "level, gap"}


def test_limits_are_configurable() -> None:
    assert refused(raw(id="abcdef"), limits=Limits(max_id=5)) == ["sheet_field"]


@pytest.mark.parametrize(("arrivals", "want"), [
    pytest.param([("j1", 1, 1), ("j1", 2, 2)], [("j1", 2, 2)], id="later revision wins"),
    pytest.param([("j1", 2, 1), ("j1", 1, 2)], [("j1", 2, 1)], id="higher revision wins even if it came first"),
    pytest.param([("j1", 1, 1), ("j1", 1, 3)], [("j1", 1, 3)], id="same revision twice: the later arrival"),
    pytest.param([("j2", 1, 2), ("j1", 1, 1)], [("j1", 1, 1), ("j2", 1, 2)], id="one per judge, in order of arrival"),
])
def test_current(arrivals: list[tuple[str, int, int]], want: list[tuple[str, int, int]]) -> None:
    """(judge, revision, seq) in; each judge's latest (judge, revision, seq) out."""
    sheets = [parse_sheet(RUBRIC, raw(id=f"{j}-{seq}", judge=j, revision=rev, seq=seq)) for j, rev, seq in arrivals]
    assert [(s.judge, s.revision, s.seq) for s in current(sheets)] == want
