"""Plausible judges' marks for the demo: raw sheets as a tablet would send them.

Words:
- An entry's *quality* is a latent number from 0.55 to 0.97: the share of each criterion's
  maximum a fair judge would give. ``entry_quality`` draws it, skewed so that most totals land
  between 70 and 92, a few above 90 (gold) and, with marks on half-point steps, a few ties.
- A judge's *bias* is a small share of the maximum (about ±0.012) the judge adds to every score.
- ``plausible_sheet`` reads the rubric's criteria by kind, never by key: a ``score`` is
  quality × range + bias + noise, snapped to the step; a ``judgement`` is a level 0–3 near
  quality × 3; a ``measurement`` gives readings whose error grows as quality falls (the same
  readings for every judge of one entry: they measure one wall); a ``check`` is true with
  probability about quality.
- Deductions are facts about an entry recorded by one judge (the chief judge, as a rule):
  ``plausible_deductions`` draws overtime, a lapse, rarely a fixed penalty, and a
  disqualification in about 0.3 % of entries.
- ``criteria_for`` says which criteria a judge of a panel marks: those of their roles
  (``rubric.markers``), except criteria marked by fewer judges than may mark them (a theory
  score or a measurement agreed once, method ``single``), which only the first of them mark.
"""

from __future__ import annotations

import math
import random
from collections.abc import Collection, Sequence
from fractions import Fraction
from typing import Any

from scoreboard.rubric import markers
from scoreboard.rubric.model import Criterion, DeductionKind, Kind, Measure, Rubric, Target

Number = int | float
Sheet = dict[str, Any]

DQ_CHANCE = 0.003
OVERTIME_CHANCE = 0.04
LAPSE_CHANCE = 0.06
FIXED_CHANCE = 0.008
LENGTH_UNITS = ("mm", "cm", "m")


def entry_quality(rng: random.Random, skill: float = 0.0) -> float:
    """A latent quality from 0.55 to 0.97, mean about 0.82; ``skill`` shifts it (a strong team)."""
    return min(0.97, max(0.55, 0.55 + 0.42 * rng.betavariate(4.5, 2.4) + skill))


def judge_bias(rng: random.Random) -> float:
    """A judge's leaning, a share of each maximum: within ±0.03, mostly within ±0.012."""
    return max(-0.03, min(0.03, rng.gauss(0, 0.012)))


def criteria_for(rubric: Rubric, judge_index: int, panel: int,
                 roles: Sequence[Collection[str]] | None = None) -> tuple[str, ...]:
    """The criteria the judge at ``judge_index`` (0-based) of a panel of ``panel`` judges marks;
    ``roles``: each judge's roles, in the panel's order (None: nobody has any)."""
    if rubric.aggregate_on == "total":
        return tuple(c.key for c in rubric.criteria)
    keys = []
    for c in rubric.criteria:
        group = [i for i in range(panel) if markers.marks(c.markers, roles[i] if roles else ())]
        if judge_index in group and (rubric.panel_of(c) >= len(group) or group.index(judge_index) < rubric.panel_of(c)):
            keys.append(c.key)
    return tuple(keys)


def _plain(value: Fraction) -> Number:
    """A JSON number that reads back exactly (steps are decimal)."""
    return int(value) if value.denominator == 1 else float(value)


def _score(c: Criterion, share: float) -> Number:
    step = c.step or Fraction(1, 2)
    steps = (c.max - c.min) / step
    n = max(0, min(int(steps), round(share * float(steps))))
    return _plain(c.min + n * step)


def _precision(m: Measure) -> Fraction:
    """How finely readings are taken: whole counts, whole or half millimetres, tenths."""
    if m.unit not in LENGTH_UNITS:
        return Fraction(1)  # a count (处, 个) or a time
    widths = [b.within for b in m.bands if b.within > 0]
    w = min(widths) if widths else Fraction(1)
    return Fraction(1) if w >= 5 else Fraction(1, 2) if w >= 1 else Fraction(1, 10)


def _error(m: Measure, quality: float, rng: random.Random) -> Fraction:
    """An error that falls in the first band with probability about quality, further out less often."""
    # graded by count of readings out: all in with probability about quality
    band, keep = 0, quality ** (1 / m.points) if m.grading == "count_out" else quality**1.5
    while band < len(m.bands) and rng.random() > keep:
        band += 1
    low = m.bands[band - 1].within if band else Fraction(0)
    high = m.bands[band].within if band < len(m.bands) else low * Fraction(3, 2) + _precision(m) * 4
    if high == low:
        return low
    u = rng.random() ** (1 + quality) if band == 0 else rng.uniform(0.1, 1.0)
    return low + (high - low) * Fraction(u).limit_denominator(1000)


def _reading(m: Measure, err: Fraction, rng: random.Random) -> Number:
    p = _precision(m)
    slack = Fraction(rng.uniform(0, 4)).limit_denominator(100) * p
    if m.target is Target.NOMINAL:
        steps = round((m.value + (err if rng.random() < 0.5 else -err)) / p)
    elif m.target is Target.MINIMUM:  # within the first band: at or above the value
        steps = round((m.value - err) / p) if err else math.ceil((m.value + slack) / p)
    else:  # maximum: at or below the value
        steps = round((m.value + err) / p) if err else math.floor((m.value - min(slack, m.value)) / p)
    return _plain(steps * p)


def readings(m: Measure, quality: float, rng: random.Random) -> list[Number]:
    return [_reading(m, _error(m, quality, rng), rng) for _ in range(m.points)]


def plausible_mark(c: Criterion, quality: float, bias: float, rng: random.Random, entry_key: str = "") -> object:
    if c.kind is Kind.SCORE:
        return _score(c, quality + bias + rng.gauss(0, 0.035))
    if c.kind is Kind.JUDGEMENT:
        return max(0, min(3, round(3 * (quality + bias) + rng.gauss(0, 0.3))))
    if c.kind is Kind.CHECK:
        return rng.random() < quality + bias
    assert c.measure is not None
    # the work is measured, not judged: every judge of the entry reads the same values
    return readings(c.measure, quality, random.Random(f"{entry_key}:{c.key}:{quality!r}"))


def plausible_deductions(rubric: Rubric, quality: float, rng: random.Random) -> list[dict[str, object]]:
    """Deductions for one entry, as one judge records them; usually none."""
    out: list[dict[str, object]] = []
    dq_rules = [d for d in rubric.deductions if d.kind is DeductionKind.DISQUALIFY]
    for rule in rubric.deductions:
        zh = rule.name.zh
        if rule.kind is DeductionKind.DISQUALIFY:
            if rng.random() < DQ_CHANCE / len(dq_rules):
                out.append({"key": rule.key, "reason": zh})
        elif rule.kind is DeductionKind.PER_MINUTE:
            if rng.random() < OVERTIME_CHANCE * (1.5 - quality):
                minutes = rng.choice((1, 1, 2, 2, 3, 4, 5, 8))
                if rule.dq_after is not None:
                    minutes = min(minutes, int(rule.dq_after))
                out.append({"key": rule.key, "minutes": minutes, "reason": f"{zh}{minutes}分钟"})
        elif rule.kind is DeductionKind.PER_OCCURRENCE:
            if rng.random() < LAPSE_CHANCE * (1.5 - quality):
                count = rng.choice((1, 1, 1, 2, 3))
                out.append({"key": rule.key, "count": count, "reason": f"{zh}{count}次"})
        elif rng.random() < FIXED_CHANCE:
            out.append({"key": rule.key, "reason": zh})
    return out


def plausible_sheet(rubric: Rubric, entry_key: str, judge_key: str, quality: float, bias: float,
                    rng: random.Random, sheet_id: str, *, criteria: Collection[str] | None = None,
                    deductions: bool = False, revision: int = 1, reason: str = "") -> Sheet:
    """A raw sheet for ``parse_sheet``: the judge's marks for ``criteria`` (default: all) and,
    when ``deductions`` is true, the entry's deductions. With no criteria and no deductions drawn
    the sheet is empty, which ``parse_sheet`` refuses: the caller then sends nothing."""
    marks = {c.key: plausible_mark(c, quality, bias, rng, entry_key) for c in rubric.criteria
             if criteria is None or c.key in criteria}
    sheet: Sheet = {"id": sheet_id, "entry": entry_key, "judge": judge_key, "revision": revision, "marks": marks,
                    "deductions": plausible_deductions(rubric, quality, rng) if deductions else []}
    if reason:
        sheet["reason"] = reason
    return sheet
