"""The tablet's scoring preview agrees with the server, exactly: every judge's sheet of every shipped
preset's golden cases goes through ``static/tablet/preview.js`` (in Node) and through
``score_entry``, and each value the tablet computes — criterion points, part points, deductions,
disqualification and the subtotal it shows — equals the server's, as fractions.

The server's answer for one sheet is ``score_entry`` over that sheet alone, on the rubric with
every aggregation a mean (one judge's values pass through as they are): the total the entry would
get if this were its only sheet. A criterion the sheet leaves empty earns nothing (on the server:
a mark worth nothing). Measurements are graded on both sides through their tolerance bands, which
the hello carries. The entry's factor (diving's difficulty) is 1 and the rubric's constant multiplier
(Sydney 2000 diving's 0.6) is left out: the tablet shows the points before them.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import replace
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from judges.protocol import rubric_view
from scoreboard.rubric.load import load_preset, preset_names
from scoreboard.rubric.model import Aggregation, Criterion, DeductionKind, Kind, Rubric, Target
from scoreboard.rubric.numbers import round_half_up
from scoreboard.rubric.score import points, score_entry
from scoreboard.rubric.sheet import Mark, Sheet, parse_sheet
from scoreboard.store.sheets import encode_marks

RUNNER = Path(__file__).resolve().parent / "js" / "preview.js"
NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="the tablet's preview runs in Node")


def run_preview(rubric: Rubric, sheets: list[Sheet]) -> list[dict[str, Any]]:
    """The tablet's preview of each sheet, sent as a tablet sends it."""
    amounts = {DeductionKind.PER_MINUTE: "minutes", DeductionKind.PER_OCCURRENCE: "count"}
    field = {d.key: amounts.get(d.kind) for d in rubric.deductions}
    sent = [{"marks": encode_marks(s.marks),
             "deductions": [{"key": d.key, **({name: int(d.amount)} if (name := field[d.key]) else {})}
                            for d in s.deductions]}
            for s in sheets]
    done = subprocess.run([str(NODE), str(RUNNER)], input=json.dumps({"rubric": rubric_view(rubric), "sheets": sent}),
                          capture_output=True, text=True, check=True, timeout=60)
    out: list[dict[str, Any]] = json.loads(done.stdout)
    return out


def ratio(value: Fraction | None) -> str | None:
    return None if value is None else f"{value.numerator}/{value.denominator}"


def nothing(c: Criterion) -> Mark:
    """A mark worth no points: score and level 0, check no, readings far off every band."""
    if c.kind is Kind.CHECK:
        return False
    if c.kind is Kind.MEASUREMENT:
        assert c.measure is not None
        off = Fraction(-(10**9)) if c.measure.target is Target.MINIMUM else Fraction(10**9)
        return (off,) * c.measure.points
    return Fraction(0)


def alone(rubric: Rubric) -> Rubric:
    """The rubric for an entry with one sheet: every aggregation a mean, so its values pass through;
    no constant multiplier (the tablet shows a judge's points before it, as before the factor)."""
    mean = Aggregation("mean")
    return replace(rubric, aggregation=mean, panel=1, total_spread=None, multiplier=Fraction(1),
                   criteria=tuple(replace(c, aggregation=None, panel=None, spread=None) for c in rubric.criteria))


def judged_sheets(name: str) -> list[tuple[str, Rubric, Sheet]]:
    rubric = load_preset(name)
    return [(f"{name} {case.entry or i} {s['judge']}", rubric,
             parse_sheet(rubric, {"id": f"s{i}-{n}", "entry": case.entry or f"case{i}", "seq": n, **s}))
            for i, case in enumerate(rubric.golden, 1) for n, s in enumerate(case.sheets, 1)]


SHEETS = [case for name in preset_names() for case in judged_sheets(name)]


def test_every_preset_has_golden_sheets_to_compare() -> None:
    names = {place.split()[0] for place, _, _ in SHEETS}
    assert names == set(preset_names()) and len(SHEETS) > 50


@pytest.mark.parametrize("name", preset_names())
def test_the_preview_agrees_with_the_server_on_every_golden_sheet(name: str) -> None:
    cases = [(place, rubric, sheet) for place, rubric, sheet in SHEETS if place.split()[0] == name]
    rubric = cases[0][1]
    shown = run_preview(rubric, [sheet for _, _, sheet in cases])
    for (place, _, sheet), tablet in zip(cases, shown, strict=True):
        graded = {c.key: sheet.marks[c.key] for c in rubric.criteria if c.key in sheet.marks}
        assert tablet["criteria"] == {c.key: ratio(points(c, graded[c.key])) if c.key in graded else None
                                      for c in rubric.criteria}, place
        whole = {c.key: graded.get(c.key, nothing(c)) for c in rubric.criteria}
        assert all(points(c, whole[c.key]) == (points(c, graded[c.key]) if c.key in graded else 0)
                   for c in rubric.criteria), place
        factor = {rubric.factor: "1"} if rubric.factor else {}
        server = score_entry(alone(rubric), sheet.entry, [replace(sheet, marks=whole)], factor)
        assert server.total is not None and not server.flags, place
        assert tablet["parts"] == {k: ratio(v) for k, v in server.parts.items()}, place
        assert tablet["deductions"] == ratio(server.deductions), place
        assert tablet["disqualified"] is server.disqualified, place
        assert tablet["subtotal"] == ratio(server.total), place
        assert tablet["shown"] == shown_text(server.total, rubric.decimals), place


def shown_text(value: Fraction, decimals: int) -> str:
    text = format(round_half_up(value, decimals), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def test_hand_worked_masonry_judge_sheet() -> None:
    """Masonry judge j1 of golden case M1: levels 2, 2, 1, 3 on F (max 10), G (10), H (5), I (10) are
    20/3 + 20/3 + 5/3 + 10 = 25 practical points of 100; the practical part weighs 70, so 17.5; seven
    PPE breaches at −1 are capped at −5: 12.5. (The old preview showed the raw 25 − 5 = 20.)"""
    _, rubric, sheet = next(case for case in SHEETS if case[0] == "masonry M1 j1")
    [tablet] = run_preview(rubric, [sheet])
    assert tablet["criteria"]["joints"] == "20/3" and tablet["criteria"]["bond"] == "5/3"
    assert tablet["parts"] == {"theory": "0/1", "practical": "25/1"}
    assert (tablet["deductions"], tablet["subtotal"], tablet["shown"]) == ("5/1", "25/2", "12.5")


def test_hand_worked_waterproofing_measurements() -> None:
    """Waterproofing V5, measurer m1: the reinforcement (at least 250 mm, max 15) read 250 four
    times — no shortfall, 100 % each: 15 points; the laps (at least 100 mm, max 20) read 100 four
    times and 95 twice — shortfalls 0 earn 100 %, 5 mm lies within the 10 mm band and earns 50 %:
    (4 × 100 + 2 × 50) / 6 = 250/3 %, so 20 × 250/3 / 100 = 50/3 points."""
    _, rubric, sheet = next(case for case in SHEETS if case[0] == "waterproofing V5 m1")
    [tablet] = run_preview(rubric, [sheet])
    assert tablet["criteria"]["reinforcement"] == "15/1"
    assert tablet["criteria"]["laps"] == "50/3"
