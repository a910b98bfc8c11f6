"""An entry's sheets → its result, with flags and a derivation a person can read.

The order of work, for every rubric:
1. each judge's mark becomes points: a score as given, a judgement level ``l`` as
   ``max × l / 3``, a check as ``max`` or 0, measurement readings through tolerance bands;
   points are multiplied by the criterion's ``weight``;
2. judges are aggregated, per criterion or on each judge's total (``aggregate_on``); on totals,
   the criteria are combined over the judges the total kept, so subtotals add up;
3. parts are weighted: ``Σ weight × part points / part maximum`` (without parts: the sum);
4. the entry's factor multiplies (diving's degree of difficulty), then the rubric's constant multiplier;
5. deductions are subtracted; the total never goes below 0; a disqualification makes it 0.

Only a criterion's markers (``markers``) count for it: given the judges' roles, a mark from
anyone else is left out. Missing marks are never filled in: a criterion with fewer values than its method needs has no
value and the entry has no total; an entry with fewer judges than the panel is *partial* and its
total (where the method can already work) is provisional — unless the organizer *accepted* it with
fewer judges (a judge sat out): then, with a total and at least the rubric's ``fewest`` judges, it
is complete.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from scoreboard.errors import N_, Problem
from scoreboard.rubric import aggregate, markers
from scoreboard.rubric.model import Band, Criterion, DeductionKind, Kind, Measure, Rubric, Target
from scoreboard.rubric.numbers import fmt, number, round_half_up
from scoreboard.rubric.sheet import Mark, Sheet, current, fits

__all__ = ["EntryState", "Result", "Step", "round_half_up", "score_entry"]


class EntryState(enum.StrEnum):
    PENDING = "pending"
    PARTIAL = "partial"
    COMPLETE = "complete"
    FLAGGED = "flagged"
    LOCKED = "locked"


@dataclass(frozen=True)
class Step:
    """One line of a derivation: an English template and its parameters, translated when shown."""

    message: str
    params: Mapping[str, str] = field(default_factory=dict)

    def render(self, gettext: object = None) -> str:
        template = gettext(self.message) if callable(gettext) else self.message
        return template.format(**self.params)


@dataclass(frozen=True)
class Result:
    entry: str
    total: Fraction | None
    criteria: Mapping[str, Fraction | None]
    parts: Mapping[str, Fraction]
    deductions: Fraction
    judge_totals: Mapping[str, Fraction]
    kept_judges: tuple[str, ...]
    dropped: Fraction  # the sum of the judges' totals the aggregation dropped
    state: EntryState
    complete: bool
    disqualified: bool
    flags: tuple[Problem, ...]
    steps: tuple[Step, ...]
    decimals: int = 2
    dropped_high: tuple[str, ...] = ()  # on totals: the judges whose totals were dropped as highest
    dropped_low: tuple[str, ...] = ()  # ... and as lowest

    @property
    def shown(self) -> Fraction | None:
        """The total rounded half up to the rubric's decimals: shown, ranked, awarded."""
        return None if self.total is None else Fraction(round_half_up(self.total, self.decimals))

    @property
    def untrimmed(self) -> Fraction | None:
        """The mean of every judge's total, dropped ones included (a tie-breaker)."""
        values = list(self.judge_totals.values())
        return sum(values, Fraction(0)) / len(values) if values else None

    @property
    def judges(self) -> int:
        return len(self.judge_totals)


def measurement_pct(m: Measure, readings: Sequence[Fraction]) -> Fraction:
    def error(v: Fraction) -> Fraction:
        if m.target is Target.NOMINAL:
            return abs(v - m.value)
        if m.target is Target.MINIMUM:
            return max(Fraction(0), m.value - v)
        return max(Fraction(0), v - m.value)

    def grade(err: Fraction, bands: Sequence[Band]) -> Fraction:
        return next((b.pct for b in bands if err <= b.within), Fraction(0))

    if m.grading == "count_out":
        out = sum(1 for r in readings if error(r) > m.bands[0].within)
        return grade(Fraction(out), m.count_bands)
    return sum((grade(error(r), m.bands) for r in readings), Fraction(0)) / len(readings)


def points(c: Criterion, mark: Mark) -> Fraction:
    """A judge's mark as points for the criterion, weight applied."""
    if c.kind is Kind.CHECK:
        value = c.max if mark is True else Fraction(0)
    elif c.kind is Kind.MEASUREMENT:
        assert c.measure is not None and isinstance(mark, tuple)
        value = c.max * measurement_pct(c.measure, mark) / 100
    elif c.kind is Kind.JUDGEMENT:
        assert isinstance(mark, Fraction)
        value = c.max * mark / 3
    else:
        assert isinstance(mark, Fraction)
        value = mark
    return value * c.weight


def raw_value(mark: Mark) -> Fraction | None:
    """The value a judge typed, for the spread rule (levels, scores; not readings)."""
    return mark if isinstance(mark, Fraction) else None


def _values(ps: Sequence[tuple[str, Fraction]]) -> str:
    return ", ".join(fmt(v) for _, v in ps)


def _explain(label: str, agg_method: str, how: str, value: Fraction | None,
             sel: aggregate.Selection, steps: list[Step]) -> None:
    for judge, v in sel.high:
        steps.append(Step(N_("{item}: judge {judge}'s {value} dropped as highest"),
                          {"item": label, "judge": judge, "value": fmt(v)}))
    for judge, v in sel.low:
        steps.append(Step(N_("{item}: judge {judge}'s {value} dropped as lowest"),
                          {"item": label, "judge": judge, "value": fmt(v)}))
    if value is None:
        steps.append(Step(N_("{item}: {count} value(s) so far, too few for {method}"),
                          {"item": label, "count": str(len(sel.kept)), "method": agg_method}))
    elif agg_method == "single" or len(sel.kept) == 1:
        steps.append(Step(N_("{item}: {value}"), {"item": label, "value": fmt(value)}))
    elif how == "sum":
        steps.append(Step(N_("{item}: sum of {values} = {value}"),
                          {"item": label, "values": _values(sel.kept), "value": fmt(value)}))
    else:
        steps.append(Step(N_("{item}: mean of {values} = {value}"),
                          {"item": label, "values": _values(sel.kept), "value": fmt(value)}))


def _deductions(rubric: Rubric, sheets: Sequence[Sheet], flags: list[Problem],
                steps: list[Step]) -> tuple[Fraction, bool]:
    """Deductions are facts about the entry, not opinions: one per rule, whoever records it.
    If judges record different amounts for one rule, the largest counts and the entry is flagged."""
    total, dq = Fraction(0), False
    for rule in rubric.deductions:
        recorded = [d for s in sheets for d in s.deductions if d.key == rule.key]
        if not recorded:
            continue
        amounts = {d.amount for d in recorded}
        if len(amounts) > 1:
            flags.append(Problem("deductions_disagree", N_("judges recorded {deduction} differently"),
                                 {"deduction": rule.key}))
        amount = max(amounts)
        reason = next((d.reason for d in recorded if d.amount == amount and d.reason), "")
        if rule.kind is DeductionKind.DISQUALIFY or (
            rule.kind is DeductionKind.PER_MINUTE and rule.dq_after is not None and amount > rule.dq_after
        ):
            dq = True
            steps.append(Step(N_("{deduction}: disqualified {reason}"), {"deduction": rule.key, "reason": reason}))
            continue
        if rule.kind is DeductionKind.PER_MINUTE:
            value = max(Fraction(0), amount - rule.grace) * rule.value
        elif rule.kind is DeductionKind.PER_OCCURRENCE:
            value = amount * rule.value
            if rule.cap is not None:
                value = min(value, rule.cap)
        else:
            value = rule.value
        total += value
        steps.append(Step(N_("{deduction}: −{value} {reason}"),
                          {"deduction": rule.key, "value": fmt(value), "reason": reason}))
    return total, dq


def score_entry(rubric: Rubric, entry: str, sheets: Sequence[Sheet], attrs: Mapping[str, object] | None = None,
                roles: Mapping[str, Collection[str]] | None = None, accepted: bool = False) -> Result:
    """The result of one entry from its sheets (all revisions; only each judge's latest counts).
    ``roles`` are the judges' roles in the event (a judge not in it has none); None: everybody
    marks everything. ``accepted``: the organizer accepted it with fewer judges than the panel."""
    attrs = attrs or {}
    readable: list[Sheet] = []
    steps: list[Step] = []
    flags: list[Problem] = []
    for s in current(s for s in sheets if s.entry == entry):
        if fits(rubric, s):
            readable.append(s)
        else:
            flags.append(Problem("sheet_unreadable", N_("judge {judge}'s sheet #{seq} cannot be read: ask for a "
                                                        "re-score"), {"judge": s.judge, "seq": str(s.seq)}))
    if roles is not None:  # a trainee's sheets are compared with the panel's, never counted
        readable = [s for s in readable if markers.counted(roles.get(s.judge, ()))]
    sheets = readable

    def counts(c: Criterion, judge: str) -> bool:
        return roles is None or markers.marks(c.markers, roles.get(judge, ()))

    marks = {c.key: [(s.judge, s.marks[c.key]) for s in sheets if c.key in s.marks and counts(c, s.judge)]
             for c in rubric.criteria}
    earned = {c.key: [(j, points(c, m)) for j, m in marks[c.key]] for c in rubric.criteria}
    whole = [s.judge for s in sheets if all(c.key in s.marks for c in rubric.criteria)]
    judge_totals: dict[str, Fraction] = dict.fromkeys(whole, Fraction(0))
    for c in rubric.criteria:  # each mark's points once, added to its judge's total
        for judge, earned_points in earned[c.key]:
            if judge in judge_totals:
                judge_totals[judge] += earned_points
    for c in rubric.criteria:
        typed = [v for _, m in marks[c.key] if (v := raw_value(m)) is not None]
        if c.spread is not None and typed and max(typed) - min(typed) > c.spread:
            flags.append(Problem("spread", N_("{criterion}: judges' marks differ by more than {spread}"),
                                 {"criterion": c.key, "spread": fmt(c.spread)}))
        if rubric.aggregation_of(c).method == "single" and len({v for _, v in earned[c.key]}) > 1:
            flags.append(Problem("single_disagree", N_("{criterion}: judges entered different values"),
                                 {"criterion": c.key}))
    if rubric.total_spread is not None and len(judge_totals) > 1 and (
            max(judge_totals.values()) - min(judge_totals.values()) > rubric.total_spread):
        flags.append(Problem("spread_total", N_("judges' totals differ by more than {spread}"),
                             {"spread": fmt(rubric.total_spread)}))

    criteria: dict[str, Fraction | None] = {}
    kept_judges: tuple[str, ...] = tuple(judge_totals)
    dropped = Fraction(0)
    dropped_high: tuple[str, ...] = ()
    dropped_low: tuple[str, ...] = ()
    if rubric.aggregate_on == "total":
        agg = rubric.aggregation
        by_judge = sorted(judge_totals.items())
        for judge, judge_total in by_judge:
            steps.append(Step(N_("judge {judge}'s total: {value}"), {"judge": judge, "value": fmt(judge_total)}))
        value, sel = aggregate.apply(by_judge, agg)
        _explain(N_("total"), agg.method, agg.combine, value, sel, steps)
        kept_judges = tuple(j for j, _ in sel.kept) if value is not None else ()
        dropped = sum((v for _, v in sel.high + sel.low), Fraction(0))
        if value is not None:
            dropped_high, dropped_low = tuple(j for j, _ in sel.high), tuple(j for j, _ in sel.low)
        how = "mean" if agg.method == "median" else agg.combine
        for c in rubric.criteria:
            kept = [(j, v) for j, v in earned[c.key] if j in kept_judges]
            criteria[c.key] = aggregate.combine(kept, how) if kept else None
    else:
        for c in rubric.criteria:
            agg = rubric.aggregation_of(c)
            value, sel = aggregate.apply(earned[c.key], agg)
            criteria[c.key] = value
            if earned[c.key]:
                _explain(c.key, agg.method, agg.combine, value, sel, steps)

    complete = bool(sheets) and all(len(marks[c.key]) >= rubric.panel_of(c) for c in rubric.criteria)
    if rubric.aggregate_on == "total":
        complete = complete and len(judge_totals) >= rubric.panel

    part_points = {p.key: sum((criteria[c.key] or Fraction(0) for c in rubric.criteria if c.part == p.key),
                              Fraction(0)) for p in rubric.parts}
    total: Fraction | None = None
    deductions, dq = _deductions(rubric, sheets, flags, steps)
    if sheets and all(v is not None for v in criteria.values()):
        if rubric.parts:
            base = Fraction(0)
            for p in rubric.parts:
                share = p.weight * part_points[p.key] / rubric.part_points(p.key)
                steps.append(Step(N_("{part}: {points} of {max} × {weight} % = {value}"), {
                    "part": p.key, "points": fmt(part_points[p.key]), "max": fmt(rubric.part_points(p.key)),
                    "weight": fmt(p.weight), "value": fmt(share)}))
                base += share
        else:
            base = sum((v for v in criteria.values() if v is not None), Fraction(0))
        factor = number(attrs.get(rubric.factor)) if rubric.factor else Fraction(1)
        if factor is None:  # no total until the entry's factor is known: never ranked at a made-up value
            flags.append(Problem("factor_missing", N_("the entry has no {factor}"), {"factor": rubric.factor}))
        else:
            if rubric.factor:
                steps.append(Step(N_("{points} × {factor} {value} = {result}"), {
                    "points": fmt(base), "factor": rubric.factor, "value": fmt(factor), "result": fmt(base * factor)}))
            if rubric.multiplier != 1:
                steps.append(Step(N_("{points} × {multiplier} = {result}"), {
                    "points": fmt(base * factor), "multiplier": fmt(rubric.multiplier),
                    "result": fmt(base * factor * rubric.multiplier)}))
                factor *= rubric.multiplier
            total = Fraction(0) if dq else max(Fraction(0), base * factor - deductions)
            steps.append(Step(N_("total {value}"), {"value": fmt(total)}))
    if accepted and not complete and total is not None and len(judge_totals) >= rubric.fewest:
        complete = True  # the organizer accepted it short: a judge sat out
        steps.append(Step(N_("accepted with {count} of {panel} judges"),
                          {"count": str(len(judge_totals)), "panel": str(rubric.panel)}))

    if flags:
        state = EntryState.FLAGGED
    elif not sheets:
        state = EntryState.PENDING
    else:
        state = EntryState.COMPLETE if complete else EntryState.PARTIAL
    return Result(
        entry=entry, total=total, criteria=criteria, parts=part_points, deductions=deductions,
        judge_totals=judge_totals, kept_judges=kept_judges, dropped=dropped, state=state,
        complete=complete, disqualified=dq, flags=tuple(flags), steps=tuple(steps), decimals=rubric.decimals,
        dropped_high=dropped_high, dropped_low=dropped_low,
    )
