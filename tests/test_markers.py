"""Who marks what: a criterion's markers (every judge, the measuring pair, the clerk), the judges'
roles, and what they change — scoring, refusing a sheet, the tablet's form, the judges' file.

The masonry entry below is the preset's golden case M1 without its deductions:
theory 80 (clerk) → 30 × 80/100 = 24; measurements (m1, measuring pair) 45 of 65; judgements by
j1–j3 (F 2,2,3 · G 2,2,2 · H 1,2,2 · I 3,3,2) 235/9; practical 45 + 235/9 = 640/9 → 70 × 640/900
= 448/9; total 24 + 448/9 = 664/9 = 73.78.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from judges.protocol import rubric_view
from scoreboard.competition import Competition, Entry, Event, Judge
from scoreboard.errors import UserError
from scoreboard.intake import Lookup, check_sheet
from scoreboard.panel import plan_judges
from scoreboard.rubric import markers
from scoreboard.rubric.load import load_preset
from scoreboard.rubric.model import Text
from scoreboard.rubric.score import EntryState, score_entry
from tests.factories import rubric, sheet

MASONRY = load_preset("masonry")
THEORY = {"theory": 80}
READINGS = {"dimensions": [1, -2, 3, 0, 5, -1], "level": [0.5, 1, 1.5, 2, 0, 3], "plumb": [0, 0, 1, 1, 2, 2],
            "flatness": [1, 2, 3, 5], "gauge": [10, 11, 9, 12, 13, 10, 8, 10, 11, 10]}
LEVELS = {"j1": {"joints": 2, "cuts": 2, "bond": 1, "safety": 3},
          "j2": {"joints": 2, "cuts": 2, "bond": 2, "safety": 3},
          "j3": {"joints": 3, "cuts": 2, "bond": 2, "safety": 2}}
ROLES = {"clerk": frozenset({"clerk"}), "m1": frozenset({"measuring"}), "m2": frozenset({"measuring"}),
         "j1": frozenset(), "j2": frozenset(), "j3": frozenset()}


def masonry_sheets(**extra: dict[str, object]) -> list:
    marks = {"clerk": THEORY, "m1": READINGS, **LEVELS, **extra}
    return [sheet(MASONRY, judge, m, entry="w1", seq=n) for n, (judge, m) in enumerate(marks.items(), 1)]


def test_the_presets_say_who_marks_each_criterion() -> None:
    by = {c.key: c.markers for c in MASONRY.criteria}
    assert by == {"theory": "clerk", "dimensions": "measuring", "level": "measuring", "plumb": "measuring",
                  "flatness": "measuring", "gauge": "measuring", "joints": "judges", "cuts": "judges",
                  "bond": "judges", "safety": "judges"}
    for name in ("painting", "waterproofing"):
        rb = load_preset(name)
        assert rb.criterion("theory").markers == "clerk"  # type: ignore[union-attr]
        assert {c.markers for c in rb.criteria if c.kind == "measurement"} == {"measuring"}
        assert {c.markers for c in rb.criteria if c.kind == "judgement"} == {"judges"}


def test_the_clerk_the_pair_and_three_judges_make_the_total() -> None:
    result = score_entry(MASONRY, "w1", masonry_sheets(), roles=ROLES)
    assert result.total == Fraction(664, 9) and result.shown == Fraction("73.78")
    assert result.criteria["theory"] == 80 and result.state is EntryState.COMPLETE


@pytest.mark.parametrize(("missing", "complete"), [("clerk", False), ("m1", False), ("j3", False), (None, True)])
def test_an_entry_is_complete_with_the_clerk_one_measuring_judge_and_the_panel(missing: str | None,
                                                                                complete: bool) -> None:
    sheets = [s for s in masonry_sheets() if s.judge != missing]
    assert score_entry(MASONRY, "w1", sheets, roles=ROLES).complete is complete


def test_marks_from_someone_who_does_not_mark_a_criterion_are_not_counted() -> None:
    # j1 typed a theory score and readings, and the clerk a level (stored before their roles changed)
    sheets = masonry_sheets(j1={**LEVELS["j1"], "theory": 100, "level": [0] * 6},
                            clerk={"theory": 80, "joints": 0})
    result = score_entry(MASONRY, "w1", sheets, roles=ROLES)
    assert result.criteria["theory"] == 80 and result.total == Fraction(664, 9)
    assert not result.flags  # no "single" disagreement: j1's theory is not a value at all


def masonry_competition() -> Competition:
    event = Event("masonry", Text("砌筑", "Masonry"), MASONRY, {})
    judges = tuple(Judge(key, key, ("masonry",), roles=tuple(("masonry", r) for r in sorted(roles)))
                   for key, roles in ROLES.items())
    return Competition("cup", Text("杯", "Cup"), (event,), entries=(Entry("w1", "masonry"),), judges=judges)


@pytest.mark.parametrize(("judge", "marks", "refused"), [
    ("j1", {"level": [0] * 6}, "level"),
    ("j1", {"theory": 90}, "theory"),
    ("clerk", {"joints": 2}, "joints"),
    ("m1", {"theory": 90, "joints": 2}, "theory"),
])
def test_a_sheet_with_marks_its_judge_does_not_give_is_refused(judge: str, marks: dict[str, object],
                                                               refused: str) -> None:
    lookup = Lookup(masonry_competition())
    with pytest.raises(UserError) as caught:
        check_sheet(lookup, {"id": "s1", "entry": "w1", "marks": marks}, judge)
    problem = caught.value.problems[0]
    assert problem.code == "not_marker" and problem.params["criteria"] == refused


@pytest.mark.parametrize(("judge", "marks"), [("clerk", THEORY), ("m1", READINGS), ("m1", LEVELS["j1"]),
                                              ("j2", LEVELS["j2"])])
def test_each_marker_s_own_marks_are_accepted(judge: str, marks: dict[str, object]) -> None:
    _event, _entry, parsed = check_sheet(Lookup(masonry_competition()), {"id": "s1", "entry": "w1", "marks": marks},
                                         judge)
    assert set(parsed.marks) == set(marks)


@pytest.mark.parametrize(("roles", "keys", "most"), [
    # a plain judge: the four judgements, 35 of the practical's 100 points → 70 × 35/100 = 24.5
    ((), ["joints", "cuts", "bond", "safety"], "24.5"),
    # the measuring pair also judge: 65 + 35 of 100 → 70
    (("measuring",), ["dimensions", "level", "plumb", "flatness", "gauge", "joints", "cuts", "bond", "safety"], "70"),
    # the clerk: only the theory, 30
    (("clerk",), ["theory"], "30"),
])
def test_the_tablet_gets_only_the_judge_s_criteria_and_what_they_can_add(roles: tuple[str, ...], keys: list[str],
                                                                         most: str) -> None:
    view = rubric_view(MASONRY, roles)
    assert [c["key"] for c in view["criteria"]] == keys
    assert view["max_total"] == most
    assert {p["key"]: p["max"] for p in view["parts"]} == {"theory": "100", "practical": "100"}


def test_a_rubric_naming_an_unknown_role_is_refused_with_the_known_ones() -> None:
    with pytest.raises(UserError) as caught:
        rubric('key = "r"\nname = "R"\n[[criteria]]\nkey = "a"\nname = "A"\nmax = 10\nstep = 1\nmarkers = "tasters"\n')
    problem = caught.value.problems[0]
    assert problem.place.endswith("criteria[0].markers") and problem.params == {"options": "judges, measuring, clerk"}


def test_markers_other_than_every_judge_need_criterion_aggregation() -> None:
    with pytest.raises(UserError) as caught:
        rubric('key = "r"\nname = "R"\naggregate_on = "total"\n[[criteria]]\nkey = "a"\nname = "A"\nmax = 10\n'
               'step = 1\nmarkers = "clerk"\n')
    assert caught.value.problems[0].place.endswith("criteria[0].markers")


def test_a_part_s_markers_are_its_criteria_s_unless_they_say_otherwise() -> None:
    rb = rubric('key = "r"\nname = "R"\npanel = 3\n'
                '[[parts]]\nkey = "t"\nname = "T"\nweight = 30\nmarkers = "clerk"\n'
                '[[parts]]\nkey = "p"\nname = "P"\nweight = 70\n'
                '[[criteria]]\nkey = "a"\nname = "A"\nmax = 10\nstep = 1\npart = "t"\n'
                '[[criteria]]\nkey = "b"\nname = "B"\nmax = 10\nstep = 1\npart = "t"\nmarkers = "measuring"\n'
                '[[criteria]]\nkey = "c"\nname = "C"\nmax = 10\nstep = 1\npart = "p"\n')
    assert [(c.key, c.markers, rb.panel_of(c)) for c in rb.criteria] == [("a", "clerk", 1), ("b", "measuring", 1),
                                                                        ("c", "judges", 3)]
    assert [c.key for c in markers.criteria_for(rb, {"clerk"})] == ["a"]


def test_the_judges_file_gives_roles_by_name_and_refuses_unknown_ones() -> None:
    comp = masonry_competition()
    plan = plan_judges(comp, [["评委编号", "姓名", "评分赛项", "分工"],
                              ["w1", "王一", "砌筑", "测量裁判"],
                              ["w2", "王二", "砌筑", "录分员"],
                              ["w3", "王三", "砌筑", ""],
                              ["w4", "王四", "砌筑", "品尝"],
                              ["j1", "j1", "砌筑", "测量"]])
    rows = {r.key: r for r in plan.rows}
    assert rows["w1"].roles == ("measuring",) and rows["w2"].roles == ("clerk",) and rows["w3"].roles == ()
    assert [p.code for p in rows["w4"].problems] == ["role_unknown"]
    assert rows["j1"].roles == ("measuring",) and rows["j1"].changes == ("roles",)
