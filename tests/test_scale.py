"""Each judge's marks on the final score's scale, the judge who differs most, and flags and
derivations with the rubric's names — pure, hand-worked from the shipped presets' golden cases.

Masonry M1 (``presets/masonry.toml``): theory 80 → 30 × 80/100 = 24; the measurements 45 of 70
practical points; judgement levels F 2/2/3, G 2/2/2, H 1/2/2, I 3/3/2, i.e. j1 20/3 + 20/3 + 5/3
+ 10 = 25 points, j2 and j3 80/3; counted (the mean) 235/9. Before deductions the entry has
24 + 70 × (45 + 235/9)/100 = 664/9 = 73.78; 7 PPE breaches, capped −5 → 619/9 = 68.78.
On the final scale j1 is 24 + 0.7 × (45 + 25) = 73, j2 and j3 24 + 0.7 × (45 + 80/3) = 445/6
= 74.17; their mean is the panel's 664/9. The clerk ("theory") and the measuring judge ("m1")
marked only what counts as they marked it: 664/9.
"""

from __future__ import annotations

from fractions import Fraction

from scoreboard.errors import Problem
from scoreboard.rubric.load import load_preset
from scoreboard.rubric.names import named
from scoreboard.rubric.scale import farthest, on_final_scale
from scoreboard.rubric.score import Step, score_entry
from scoreboard.rubric.sheet import Sheet, parse_sheet

MASONRY = load_preset("masonry")
HOT = load_preset("cooking_hot")
DIVING = load_preset("diving")


def golden(preset: str, case: int, entry: str = "e1") -> tuple[list[Sheet], dict[str, object]]:
    rubric = load_preset(preset)
    g = rubric.golden[case]
    sheets = [parse_sheet(rubric, {"id": f"{entry}-{n}", "entry": entry, "seq": n, **s})
              for n, s in enumerate(g.sheets, 1)]
    return sheets, dict(g.attrs)


def test_masonry_judges_on_the_final_scale() -> None:
    sheets, attrs = golden("masonry", 0)
    result = score_entry(MASONRY, "e1", sheets, attrs)
    assert result.total == Fraction(619, 9) and result.deductions == 5
    scaled = on_final_scale(MASONRY, result, sheets, attrs)
    assert scaled == {"theory": Fraction(664, 9), "m1": Fraction(664, 9), "j1": Fraction(73),
                      "j2": Fraction(445, 6), "j3": Fraction(445, 6), "": Fraction(664, 9)}
    assert (scaled["j1"] + scaled["j2"] + scaled["j3"]) / 3 == scaled[""] == result.total + result.deductions


def test_masonry_judges_who_mark_every_criterion() -> None:
    """The issue's day: every judge typed the theory score, the readings and the levels, and the
    review page showed raw totals out of 200 against a final out of 100. Theory 85 by all (single:
    agreed); every reading on target: A–C 15 each, D and E 10 each = 65; levels 3/3/2 on each of
    F G H I: 35 points (j1, j2) or 35 × 2/3 = 70/3 (j3).
    Raw: 85 + 65 + 35 = 185 (j1, j2); 85 + 65 + 70/3 = 520/3 = 173.33 (j3).
    Counted levels, the mean: 10 × (8/3)/3 = 80/9 for F, G, I and 40/9 for H: 280/9.
    Final: 30 × 85/100 + 70 × (65 + 280/9)/100 = 25.5 + 1211/18 = 835/9 = 92.78.
    On the final scale: j1, j2 25.5 + 0.7 × 100 = 95.5; j3 25.5 + 0.7 × (65 + 70/3) = 262/3 = 87.33;
    their mean (191 + 262/3)/3 = 835/9, the final."""
    readings = {"dimensions": [0] * 6, "level": [0] * 6, "plumb": [0] * 6, "flatness": [0] * 4, "gauge": [10] * 10}
    levels = {"j1": 3, "j2": 3, "j3": 2}
    sheets = [parse_sheet(MASONRY, {"id": j, "entry": "e1", "judge": j, "seq": n, "marks": {
        "theory": 85, **readings, **dict.fromkeys(("joints", "cuts", "bond", "safety"), levels[j])}})
        for n, j in enumerate(levels, 1)]
    result = score_entry(MASONRY, "e1", sheets)
    assert result.judge_totals == {"j1": 185, "j2": 185, "j3": Fraction(520, 3)}
    assert result.total == Fraction(835, 9) and not result.flags
    scaled = on_final_scale(MASONRY, result, sheets)
    assert scaled == {"j1": Fraction(191, 2), "j2": Fraction(191, 2), "j3": Fraction(262, 3), "": Fraction(835, 9)}
    # j3's 87.33 is 8.17 from the others' 95.5; j1's 95.5 is 4.08 from 91.42
    assert farthest(MASONRY, result, sheets, scaled, ["j1", "j2", "j3"]) == "j3"


def test_cooking_totals_are_already_on_the_final_scale() -> None:
    """Trimmed mean of totals, no parts, no factor: each judge's total is the scale (87 … 93);
    the panel's is the mean of the three kept, 269.5/3; overtime then takes 1 off → 88.83."""
    sheets, attrs = golden("cooking_hot", 0)
    result = score_entry(HOT, "e1", sheets, attrs)
    scaled = on_final_scale(HOT, result, sheets, attrs)
    assert scaled == {"j1": 87, "j2": Fraction("88.5"), "j3": 90, "j4": 91, "j5": 93, "": Fraction(539, 6)}
    # j5's 93 is 3.875 from the others' mean 89.125; j1's 87 is 3.625 from 90.625
    assert farthest(HOT, result, sheets, scaled) == "j5"


def test_diving_a_judges_mark_counts_three_times_the_difficulty() -> None:
    """D1, difficulty 2.0: the sum of the middle three × 2 = 44; a judge's 6.5 on that scale is
    6.5 × 3 × 2 = 39, the 8.5 is 51."""
    sheets, attrs = golden("diving", 0)
    result = score_entry(DIVING, "e1", sheets, attrs)
    scaled = on_final_scale(DIVING, result, sheets, attrs)
    assert result.total == 44 and scaled[""] == 44
    assert (scaled["j1"], scaled["j4"], scaled["j7"]) == (39, 45, 51)
    assert on_final_scale(DIVING, result, sheets, {}) == {}  # no difficulty: no scale to put a mark on


def test_a_chief_judges_deduction_sheet_has_no_total() -> None:
    sheets, attrs = golden("masonry", 0)
    chief = parse_sheet(MASONRY, {"id": "chief", "entry": "e1", "judge": "chief", "seq": 9, "marks": {},
                                  "deductions": [{"key": "dangerous_act", "reason": "高处抛砖"}]})
    result = score_entry(MASONRY, "e1", [*sheets, chief], attrs)
    assert "chief" not in on_final_scale(MASONRY, result, [*sheets, chief], attrs)


def test_the_judge_who_differs() -> None:
    sheets, attrs = golden("masonry", 0)
    result = score_entry(MASONRY, "e1", sheets, attrs)
    scaled = on_final_scale(MASONRY, result, sheets, attrs)
    # no flag: by total on the final scale, j1's 73 is 7/6 from the others' 74.17; j2's 7/12 from 73.58
    assert farthest(MASONRY, result, sheets, scaled, ["theory", "m1", "j1", "j2", "j3"]) == "j1"
    # j3 gives F level 0 where the others give 2 (spread 2 > 1): flagged on F, and j3 differs most
    # there (2 from the others' median 2; j1 and j2 are 1 from the median of 2 and 0)
    flagged = [parse_sheet(MASONRY, {"id": f"x{n}", "entry": "e1", "judge": j, "seq": 10 + n,
                                     "marks": {"joints": level, "cuts": 2, "bond": 2, "safety": 2}})
               for n, (j, level) in enumerate((("j1", 2), ("j2", 2), ("j3", 0)))]
    mixed = [s for s in sheets if s.judge in ("theory", "m1")] + flagged
    result = score_entry(MASONRY, "e1", mixed, attrs)
    assert [p.code for p in result.flags] == ["spread"]
    assert farthest(MASONRY, result, mixed, on_final_scale(MASONRY, result, mixed, attrs)) == "j3"
    # everyone agrees: nobody differs
    same = [parse_sheet(MASONRY, {"id": f"s{j}", "entry": "e1", "judge": j, "seq": 20 + n, "marks": {"joints": 2}})
            for n, j in enumerate(("j1", "j2", "j3"))]
    result = score_entry(MASONRY, "e1", same)
    assert farthest(MASONRY, result, same, on_final_scale(MASONRY, result, same)) is None


def test_flags_and_steps_name_criteria_deductions_parts_and_judges() -> None:
    spread = Problem("spread", "{criterion}: judges' marks differ by more than {spread}",
                     {"criterion": "joints", "spread": "1"})
    assert named(spread, MASONRY, "zh_CN").render() == "F 灰缝饱满与勾缝: judges' marks differ by more than 1"
    assert named(spread, MASONRY, "en").render() == "F Joint fill and finish: judges' marks differ by more than 1"
    disagree = Problem("deductions_disagree", "judges recorded {deduction} differently", {"deduction": "ppe"})
    assert named(disagree, MASONRY, "zh_CN").params["deduction"] == "安全防护违规"
    part = Step("{part}: {points} of {max} × {weight} % = {value}", {"part": "practical", "points": "1",
                                                                      "max": "100", "weight": "70", "value": "0.7"})
    assert named(part, MASONRY, "zh_CN").params["part"] == "实操"
    dropped = Step("{item}: judge {judge}'s {value} dropped as highest",
                   {"item": "total", "judge": "j5", "value": "93"})
    shown = named(dropped, HOT, "zh_CN", {"j5": "王建国"}, word=lambda w: {"total": "总分"}[w])
    assert shown.render() == "总分: judge 王建国's 93 dropped as highest"
    unknown = Problem("spread", "{criterion}", {"criterion": "colour"})
    assert named(unknown, MASONRY, "zh_CN").render() == "colour"  # a key the rubric lacks stays as it is
