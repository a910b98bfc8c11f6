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
from scoreboard.rubric.numbers import MAX_PLACES, Refusal, fmt, read_number
from scoreboard.texts import shown, text_fault

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
    unreadable: bool = False  # stored, but its marks could not be read back: it counts as empty


def fits(rubric: Rubric, sheet: Sheet) -> bool:
    """Whether every mark of a stored sheet is of its criterion's kind (a rubric edited under
    stored marks, or a damaged row, would otherwise break scoring)."""
    for key, mark in sheet.marks.items():
        c = rubric.criterion(key)
        if c is None:
            return False
        if c.kind is Kind.CHECK:
            ok = isinstance(mark, bool)
        elif c.kind is Kind.MEASUREMENT:
            ok = isinstance(mark, tuple) and c.measure is not None and len(mark) == c.measure.points
        else:
            ok = isinstance(mark, Fraction)
        if not ok:
            return False
    return not sheet.unreadable


MAX_AMOUNT = 100_000  # the most minutes or occurrences a deduction counts
MAX_REVISION = 10_000  # no judge corrects a sheet more often
MAX_PROBLEMS = 20  # a refusal lists at most this many problems (a sheet of 5,000 unknown marks costs no more)


@dataclass(frozen=True)
class Limits:
    max_reason: int = 500
    max_id: int = 64
    max_readings: int = 50


def _refused(c: Criterion, why: Refusal, raw: object, place: str, what: str = "") -> Problem:
    """The problem with a mark (or a reading) that ``read_number`` refused."""
    if why is Refusal.RANGE:
        low, high = (c.measure.lowest, c.measure.highest) if c.measure is not None else (c.min, c.max)
        return Problem("mark_range", N_("{criterion}: {value} is outside {min}–{max}"),
                       {"criterion": c.key, "value": shown(raw, 24), "min": fmt(low), "max": fmt(high)}, place)
    if why is Refusal.PLACES:
        return Problem("mark_type", N_("{criterion}: {value} has more than {places} decimal places"),
                       {"criterion": c.key, "value": shown(raw, 24), "places": MAX_PLACES}, place)
    if what == "reading":
        return Problem("mark_type", N_("{criterion}: every reading must be a number"), {"criterion": c.key}, place)
    return Problem("mark_type", N_("{criterion}: a number is needed"), {"criterion": c.key}, place)


def _check_number(c: Criterion, raw: object, place: str) -> tuple[Fraction | None, list[Problem]]:
    value = read_number(raw)
    if isinstance(value, Refusal):
        if c.kind is Kind.JUDGEMENT and value is not Refusal.TYPE:
            value = Fraction(-1)  # out of the levels: said below
        else:
            return None, [_refused(c, value, raw, place)]
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


def _readings(c: Criterion, raw: object, place: str, limits: Limits) -> tuple[Mark | None, list[Problem]]:
    assert c.measure is not None
    readings = raw if isinstance(raw, list) else [raw]
    if len(readings) != c.measure.points or len(readings) > limits.max_readings:
        return None, [Problem("mark_readings", N_("{criterion}: {points} reading(s) are needed, got {got}"),
                              {"criterion": c.key, "points": c.measure.points, "got": len(readings)}, place)]
    values = []
    for reading in readings:
        value = read_number(reading)
        if isinstance(value, Refusal):
            return None, [_refused(c, value, reading, place, "reading")]
        if not c.measure.lowest <= value <= c.measure.highest:
            return None, [_refused(c, Refusal.RANGE, reading, place, "reading")]
        values.append(value)
    return tuple(values), []


def parse_mark(c: Criterion, raw: object, place: str = "",
               limits: Limits = Limits()) -> tuple[Mark | None, list[Problem]]:
    if c.kind is Kind.CHECK:
        if not isinstance(raw, bool):
            return None, [Problem("mark_type", N_("{criterion}: yes or no (true/false) is needed"),
                                  {"criterion": c.key}, place)]
        return raw, []
    if c.kind is Kind.MEASUREMENT:
        return _readings(c, raw, place, limits)
    return _check_number(c, raw, place)


def _reason(raw: object, place: str, limits: Limits) -> Problem | None:
    if text_fault(raw, limits.max_reason, multiline=True) is None:
        return None
    return Problem("reason_type", N_("a reason is text of at most {n} characters, without control characters"),
                   {"n": limits.max_reason}, place)


def parse_deduction(rubric: Rubric, raw: object, place: str,
                    limits: Limits) -> tuple[DeductionMark | None, list[Problem]]:
    if not isinstance(raw, Mapping) or text_fault(raw.get("key"), limits.max_id, required=True) is not None:
        return None, [Problem("deduction_type", N_("a deduction needs a key"), {}, place)]
    rule = rubric.deduction(raw["key"])
    if rule is None:
        return None, [Problem("deduction_unknown", N_("no deduction {key} in this rubric"),
                              {"key": shown(raw["key"])}, place)]
    reason = raw.get("reason", "")
    problem = _reason(reason, place, limits)
    if problem is not None:
        return None, [problem]
    amount = Fraction(0)
    if rule.kind in (DeductionKind.PER_MINUTE, DeductionKind.PER_OCCURRENCE):
        field_name = "minutes" if rule.kind is DeductionKind.PER_MINUTE else "count"
        value = read_number(raw.get(field_name))
        if isinstance(value, Refusal) or value < 0 or value.denominator != 1 or value > MAX_AMOUNT:
            return None, [Problem("deduction_amount", N_("{key}: {field} must be a whole number from 0 to {max}"),
                                  {"key": rule.key, "field": field_name, "max": MAX_AMOUNT}, place)]
        amount = value
    return DeductionMark(rule.key, amount, str(reason)), []


def parse_sheet(rubric: Rubric, raw: object, place: str = "", limits: Limits = Limits(),
                require_all: bool = False) -> Sheet:
    """Check untrusted sheet data against a rubric. Raises ``UserError`` with every problem."""
    if not isinstance(raw, Mapping):
        raise UserError.one("sheet_type", N_("a sheet must be an object"), place)
    problems: list[Problem] = []
    for name in ("id", "entry", "judge"):
        if text_fault(raw.get(name), limits.max_id, required=True) is not None:
            problems.append(Problem("sheet_field", N_("{field} must be one line of text of 1–{n} characters"),
                                    {"field": name, "n": limits.max_id}, place))
    revision = raw.get("revision", 1)
    if isinstance(revision, bool) or not isinstance(revision, int) or not 1 <= revision <= MAX_REVISION:
        problems.append(Problem("sheet_field", N_("revision must be a whole number from 1 to {max}"),
                                {"max": MAX_REVISION}, place))
    reason = raw.get("reason", "")
    problem = _reason(reason, place, limits)
    if problem is not None:
        problems.append(problem)
    marks_raw = raw.get("marks", {})
    marks: dict[str, Mark] = {}
    if not isinstance(marks_raw, Mapping):
        problems.append(Problem("sheet_field", N_("marks must be an object"), {}, place))
        marks_raw = {}

    for key, value in marks_raw.items():
        if len(problems) >= MAX_PROBLEMS:  # enough to fix; the rest would only cost time
            break
        c = rubric.criterion(key)
        if c is None:
            problems.append(Problem("criterion_unknown", N_("no criterion {criterion} in this rubric"),
                                    {"criterion": shown(key)}, place))
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
    elif len(raw_deductions) > len(rubric.deductions):  # then some rule is listed twice: said without reading them
        problems.append(Problem("deduction_twice", N_("a deduction is listed twice"), {}, place))
        raw_deductions = []

    for item in raw_deductions:
        if len(problems) >= MAX_PROBLEMS:
            break
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
