"""Each judge's marks on the scale of the final score, and which judge differs most.

A judge's raw total (the sum of their points) is on another scale than the entry's total when the
rubric weights parts (theory 30 % + practical 70 %, each out of its own maximum), multiplies by an
entry's factor (diving's difficulty) or sums the judges it keeps: a masonry judge's 185 points
become the final's 89.50, a diver's 8.5 becomes 8.5 × 3 × difficulty. ``on_final_scale`` puts a
judge's marks on the final's scale the way ``score.score_entry`` does for the panel:

*a judge's total on the final scale* is the entry's total before deductions had every counted
value of a criterion the judge marked been theirs — their points for it, times the number of
values the rubric counts when it sums them — and the counted value where the judge did not mark
it (a clerk's theory score, a measuring pair's readings); then parts are weighted and the factor
applied, as for the final. With the mean, the counted judges' totals on the final scale average
to the final before deductions. Deductions are facts about the entry, not a judge's marks: they
are not in it. A judge who marked nothing (a chief judge's deduction sheet) has none.

``farthest`` names the judge whose marks differ most from the others': on the criteria whose
spread flagged the entry, the typed values' distance from the median of the other judges'; else
the distance of their total on the final scale from the mean of the other comparable judges'
(judges who share a marked criterion with another judge). It is the re-score request's first
choice on the chief judge's page.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from fractions import Fraction

from scoreboard.rubric import aggregate
from scoreboard.rubric.model import Rubric
from scoreboard.rubric.numbers import number
from scoreboard.rubric.score import Result, points, raw_value
from scoreboard.rubric.sheet import Sheet, current, fits


def _sheets(rubric: Rubric, result: Result, sheets: Sequence[Sheet]) -> list[Sheet]:
    """The sheets the result was scored from: each judge's latest of the entry, if it fits the rubric."""
    return [s for s in current(s for s in sheets if s.entry == result.entry) if fits(rubric, s)]


def _counted(rubric: Rubric, result: Result, sheets: Sequence[Sheet]) -> dict[str, int]:
    """How many judges' values each criterion's counted value combines."""
    if rubric.aggregate_on == "total":
        return {c.key: sum(1 for s in sheets if s.judge in result.kept_judges and c.key in s.marks)
                for c in rubric.criteria}
    out = {}
    for c in rubric.criteria:
        earned = [(s.judge, points(c, s.marks[c.key])) for s in sheets if c.key in s.marks]
        _value, selection = aggregate.apply(earned, rubric.aggregation_of(c))
        out[c.key] = len(selection.kept)
    return out


def weighted(rubric: Rubric, values: Mapping[str, Fraction]) -> Fraction:
    """Criterion values → the total before factor and deductions: parts weighted, else summed."""
    if not rubric.parts:
        return sum(values.values(), Fraction(0))
    return sum((p.weight * sum((values[c.key] for c in rubric.criteria if c.part == p.key), Fraction(0))
                / rubric.part_points(p.key) for p in rubric.parts), Fraction(0))


def on_final_scale(rubric: Rubric, result: Result, sheets: Sequence[Sheet],
                   attrs: Mapping[str, object] | None = None) -> dict[str, Fraction]:
    """Judge → their marks on the final score's scale, before deductions (see the module);
    ``""`` → the counted values on the same scale. Judges (and the panel) whose scale cannot be
    worked out yet — a criterion nobody has a counted value for, no factor — are left out."""
    factor = number((attrs or {}).get(rubric.factor)) if rubric.factor else Fraction(1)
    if factor is not None:
        factor *= rubric.multiplier
    if factor is None:
        return {}
    mine = _sheets(rubric, result, sheets)
    counted = _counted(rubric, result, mine)
    sums = {c.key: rubric.aggregation_of(c).method != "median" and rubric.aggregation_of(c).combine == "sum"
            for c in rubric.criteria}
    out: dict[str, Fraction] = {}
    panel = {c.key: result.criteria.get(c.key) for c in rubric.criteria}
    if all(v is not None for v in panel.values()):
        out[""] = weighted(rubric, {k: v for k, v in panel.items() if v is not None}) * factor
    for s in mine:
        if not s.marks:
            continue
        values: dict[str, Fraction] = {}
        for c in rubric.criteria:
            if c.key in s.marks:
                values[c.key] = points(c, s.marks[c.key]) * (max(counted[c.key], 1) if sums[c.key] else 1)
            elif panel[c.key] is not None:
                values[c.key] = panel[c.key]  # type: ignore[assignment]
        if len(values) == len(rubric.criteria):
            out[s.judge] = weighted(rubric, values) * factor
    return out


def farthest(rubric: Rubric, result: Result, sheets: Sequence[Sheet], scaled: Mapping[str, Fraction],
             order: Sequence[str] = ()) -> str | None:
    """The judge whose marks differ most from the others' (see the module), or None when no
    judge's marks can be compared or none differs. Ties go to the judge first in ``order``."""
    mine = _sheets(rubric, result, sheets)
    marked = {s.judge: set(s.marks) for s in mine}
    comparable = [j for j in marked if any(marked[j] & marked[k] for k in marked if k != j)]
    flagged = [str(p.params["criterion"]) for p in result.flags if p.code == "spread"]
    distance: dict[str, Fraction] = {}
    if flagged:
        typed = {s.judge: s.marks for s in mine}
        for j in comparable:
            gap = Fraction(0)
            for c in flagged:
                mark = raw_value(typed[j][c]) if c in typed[j] else None
                others = [v for k in comparable if k != j and c in typed[k]
                          and (v := raw_value(typed[k][c])) is not None]
                if mark is not None and others:
                    gap += abs(mark - Fraction(statistics.median(others)))
            distance[j] = gap
    else:
        with_total = [j for j in comparable if j in scaled]
        for j in with_total:
            others = [scaled[k] for k in with_total if k != j]
            if others:
                distance[j] = abs(scaled[j] - sum(others, Fraction(0)) / len(others))
    if not distance or max(distance.values()) == 0:
        return None
    rank = {j: i for i, j in enumerate(order)}
    return min(distance, key=lambda j: (-distance[j], rank.get(j, len(rank)), j))
