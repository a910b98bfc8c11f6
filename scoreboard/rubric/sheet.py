"""Score sheets: one judge's marks for one entry, checked against the rubric.

Words:
- A *sheet* carries a client-made ``id`` (made on the tablet, so a resend is recognised), the
  ``entry`` and ``judge`` keys, a ``revision`` (1, 2, ... per judge and entry: a correction is a
  new revision, never an edit) and ``seq``, the server's order of arrival.
- A *mark* is one criterion's value: a number for ``score`` and ``judgement`` criteria, a list
  of readings for ``measurement``, true/false for ``check``.
- A *deduction mark* names a deduction rule with its amount (minutes, occurrences) and reason.

``parse_sheet`` turns untrusted data (JSON from a tablet or a file) into a ``Sheet`` or raises a
``UserError`` listing every problem. Only the latest revision of each judge's sheet counts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction

from scoreboard.errors import N_, Problem, UserError
from scoreboard.rubric.model import Criterion, DeductionKind, Kind, Rubric
from scoreboard.rubric.numbers import fmt, number

Mark = Fraction | tuple[Fraction, ...] | bool


@dataclass(frozen=True)
class DeductionMark:
    key: str
    amount: Fraction = Fraction(0)  # minutes or occurrences; unused for fixed and disqualify
    reason: str = ""


@dataclass(frozen=True)
class Sheet:
    id: str
    entry: str
    judge: str
    marks: Mapping[str, Mark]
    deductions: tuple[DeductionMark, ...] = ()
    revision: int = 1
    seq: int = 0
    reason: str = ""
    at: str = ""


@dataclass(frozen=True)
class Limits:
    max_reason: int = 500
    max_id: int = 64
    max_readings: int = 50


def _check_number(c: Criterion, raw: object, place: str) -> tuple[Fraction | None, list[Problem]]:
    value = number(raw)
    if value is None:
        return None, [Problem("mark_type", N_("{criterion}: a number is needed"), {"criterion": c.key}, place)]
    if c.kind is Kind.JUDGEMENT:
        if value.denominator != 1 or not 0 <= value <= 3:
            return None, [Problem("mark_range", N_("{criterion}: a judgement is a whole level from 0 to 3"),
                                  {"criterion": c.key}, place)]
        return value, []
    if not c.min <= value <= c.max:
        return None, [Problem("mark_range", N_("{criterion}: {value} is outside {min}–{max}"),
                              {"criterion": c.key, "value": fmt(value), "min": fmt(c.min), "max": fmt(c.max)}, place)]
    if c.step and (value - c.min) % c.step:
        return None, [Problem("mark_step", N_("{criterion}: {value} is not on a step of {step}"),
                              {"criterion": c.key, "value": fmt(value), "step": fmt(c.step)}, place)]
    return value, []


def parse_mark(c: Criterion, raw: object, place: str = "",
               limits: Limits = Limits()) -> tuple[Mark | None, list[Problem]]:
    if c.kind is Kind.CHECK:
        if not isinstance(raw, bool):
            return None, [Problem("mark_type", N_("{criterion}: yes or no (true/false) is needed"),
                                  {"criterion": c.key}, place)]
        return raw, []
    if c.kind is Kind.MEASUREMENT:
        assert c.measure is not None
        readings = raw if isinstance(raw, list) else [raw]
        if len(readings) != c.measure.points or len(readings) > limits.max_readings:
            return None, [Problem("mark_readings", N_("{criterion}: {points} reading(s) are needed, got {got}"),
                                  {"criterion": c.key, "points": c.measure.points, "got": len(readings)}, place)]
        values = [number(r) for r in readings]
        if any(v is None for v in values):
            return None, [Problem("mark_type", N_("{criterion}: every reading must be a number"),
                                  {"criterion": c.key}, place)]
        return tuple(v for v in values if v is not None), []
    return _check_number(c, raw, place)


def parse_deduction(rubric: Rubric, raw: object, place: str,
                    limits: Limits) -> tuple[DeductionMark | None, list[Problem]]:
    if not isinstance(raw, Mapping) or not isinstance(raw.get("key"), str):
        return None, [Problem("deduction_type", N_("a deduction needs a key"), {}, place)]
    rule = rubric.deduction(raw["key"])
    if rule is None:
        return None, [Problem("deduction_unknown", N_("no deduction {key} in this rubric"), {"key": raw["key"]}, place)]
    reason = raw.get("reason", "")
    if not isinstance(reason, str) or len(reason) > limits.max_reason:
        return None, [Problem("reason_type", N_("a reason is text of at most {n} characters"),
                              {"n": limits.max_reason}, place)]
    amount = Fraction(0)
    if rule.kind in (DeductionKind.PER_MINUTE, DeductionKind.PER_OCCURRENCE):
        field_name = "minutes" if rule.kind is DeductionKind.PER_MINUTE else "count"
        value = number(raw.get(field_name))
        if value is None or value < 0 or value.denominator != 1 or value > 100_000:
            return None, [Problem("deduction_amount", N_("{key}: {field} must be a whole number, 0 or more"),
                                  {"key": rule.key, "field": field_name}, place)]
        amount = value
    return DeductionMark(rule.key, amount, reason), []


def parse_sheet(rubric: Rubric, raw: object, place: str = "", limits: Limits = Limits(),
                require_all: bool = False) -> Sheet:
    """Check untrusted sheet data against a rubric. Raises ``UserError`` with every problem."""
    if not isinstance(raw, Mapping):
        raise UserError.one("sheet_type", N_("a sheet must be an object"), place)
    problems: list[Problem] = []
    for name in ("id", "entry", "judge"):
        v = raw.get(name)
        if not isinstance(v, str) or not v.strip() or len(v) > limits.max_id:
            problems.append(Problem("sheet_field", N_("{field} must be text of 1–{n} characters"),
                                    {"field": name, "n": limits.max_id}, place))
    revision = raw.get("revision", 1)
    if isinstance(revision, bool) or not isinstance(revision, int) or revision < 1:
        problems.append(Problem("sheet_field", N_("revision must be a whole number from 1"), {}, place))
    reason = raw.get("reason", "")
    if not isinstance(reason, str) or len(reason) > limits.max_reason:
        problems.append(Problem("reason_type", N_("a reason is text of at most {n} characters"),
                                {"n": limits.max_reason}, place))
    marks_raw = raw.get("marks", {})
    marks: dict[str, Mark] = {}
    if not isinstance(marks_raw, Mapping):
        problems.append(Problem("sheet_field", N_("marks must be an object"), {}, place))
        marks_raw = {}
    for key, value in marks_raw.items():
        c = rubric.criterion(key)
        if c is None:
            problems.append(Problem("criterion_unknown", N_("no criterion {criterion} in this rubric"),
                                    {"criterion": key}, place))
            continue
        mark, found = parse_mark(c, value, place, limits)
        problems.extend(found)
        if mark is not None:
            marks[key] = mark
    if require_all:
        missing = [c.key for c in rubric.criteria if c.key not in marks_raw]
        if missing:
            problems.append(Problem("marks_missing", N_("criteria not marked: {criteria}"),
                                    {"criteria": ", ".join(missing)}, place))
    deductions: list[DeductionMark] = []
    raw_deductions = raw.get("deductions", [])
    if not isinstance(raw_deductions, list):
        problems.append(Problem("sheet_field", N_("deductions must be a list"), {}, place))
        raw_deductions = []
    for item in raw_deductions:
        d, found = parse_deduction(rubric, item, place, limits)
        problems.extend(found)
        if d is not None:
            deductions.append(d)
    if len({d.key for d in deductions}) != len(deductions):
        problems.append(Problem("deduction_twice", N_("a deduction is listed twice"), {}, place))
    if not marks_raw and not deductions and not problems:
        problems.append(Problem("sheet_empty", N_("the sheet has no marks and no deductions"), {}, place))
    if problems:
        raise UserError(problems)
    seq = raw.get("seq", 0)
    return Sheet(
        id=str(raw["id"]), entry=str(raw["entry"]), judge=str(raw["judge"]), marks=marks,
        deductions=tuple(deductions), revision=int(revision),
        seq=seq if isinstance(seq, int) else 0, reason=str(reason), at=str(raw.get("at", "")),
    )


def current(sheets: Iterable[Sheet]) -> list[Sheet]:
    """Each judge's latest revision per entry, in order of arrival."""
    latest: dict[tuple[str, str], Sheet] = {}
    for s in sheets:
        k = (s.entry, s.judge)
        if k not in latest or (s.revision, s.seq) > (latest[k].revision, latest[k].seq):
            latest[k] = s
    return sorted(latest.values(), key=lambda s: (s.seq, s.judge))
