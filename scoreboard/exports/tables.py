"""The export's tables, shared by the XLSX and CSV writers.

Words: a *table* is a title, a header row and rows of *cells*; a cell is text, a whole number
(a rank, a count), a ``Decimal`` (a score, already rounded half up to its rubric's decimals: the
number as shown and ranked) or ``None`` (empty). Three kinds of table:

- *standings*: one row per entry of an event, best first — rank, blind code, entry, team,
  contestants, each criterion's aggregated score, deductions, total, awards, state;
- *detail*: one row per sheet revision — the organizer's view of every judge's marks (judges by
  key and name, received at local time in the competition's time zone), the judge's total on the
  final score's scale (``rubric.scale``), whether the sheet counted (kept, dropped by the aggregation,
  or superseded by a later revision), the deductions recorded and the reason for a correction;
- *teams*: the team standings by the competition's rule.

Where one table spans several events, criterion columns are the union of their criteria by key.

A *formula-like* text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return: a
spreadsheet would run it (``=HYPERLINK(…)`` sends data away on a click). Names, titles and reasons
come from outside, so the writers never let one become a formula: the XLSX writer stores it as a
string cell, the CSV writer prefixes ``'``. Numbers (``int``, ``Decimal``) are never text here, so a
negative score stays a number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from scoreboard.competition import Event, local_time
from scoreboard.errors import N_
from scoreboard.exports.data import ExportData, contestant_names, judge_name, team_name
from scoreboard.i18n import gettext as _
from scoreboard.rubric.numbers import fmt, round_half_up
from scoreboard.rubric.scale import on_final_scale
from scoreboard.rubric.sheet import Mark, Sheet, current
from scoreboard.standings import Standing

Cell = str | int | Decimal | None

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

STATES = {"pending": N_("not scored"), "partial": N_("provisional"), "complete": N_("complete"),
          "flagged": N_("under review"), "locked": N_("locked")}


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    headers: tuple[str, ...]
    rows: list[list[Cell]]
    decimals: int = 2


def formula_like(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def as_text(text: str) -> str:
    """``text`` as a CSV field no spreadsheet runs: prefixed with ``'`` if it is formula-like."""
    return "'" + text if formula_like(text) else text


def shown(value: Fraction | None, decimals: int) -> Decimal | None:
    return None if value is None else round_half_up(value, decimals)


def _criteria(events: Sequence[Event], locale: str) -> list[tuple[str, str]]:
    """(criterion key, header) over the events, in order, each key once."""
    out: dict[str, str] = {}
    for e in events:
        for c in e.rubric.criteria:
            out.setdefault(c.key, c.name.get(locale))
    return list(out.items())


def awards_text(s: Standing, locale: str) -> str:
    return " ".join(tier.name.get(locale) for _rule, tier in s.awards)


def standings_table(data: ExportData, events: Sequence[Event], locale: str, with_event: bool = False) -> Table:
    criteria = _criteria(events, locale)
    people = any(e.contestants for ev in events for e in data.competition.entries_of(ev.key))
    headers = ([_("Event")] if with_event else []) + [
        _("Rank"), _("Blind code") if any(e.blind for e in events) else _("Code"), _("Entry"), _("Team"),
        *([_("Contestants")] if people else []), *(name for _key, name in criteria), _("Deductions"), _("Total"),
        _("Awards"), _("State")]
    rows: list[list[Cell]] = []
    for event in events:
        d = event.rubric.decimals
        for s in data.standings.get(event.key, ()):
            r, e = s.result, s.entry
            first: list[Cell] = [event.name.get(locale)] if with_event else []
            rows.append([*first,
                s.rank, e.code, e.title or e.key, team_name(data.competition, e.team, locale),
                *([contestant_names(data.competition, e.contestants)] if people else []),
                *(shown(r.criteria.get(k), d) for k, _name in criteria),
                shown(r.deductions, d) if r.deductions else None, shown(r.shown, d), awards_text(s, locale),
                _("disqualified") if r.disqualified else _(STATES.get(str(r.state), str(r.state)))])
    title = events[0].name.get(locale) if len(events) == 1 else _("Standings")
    return Table("standings", title, tuple(headers), rows, max((e.rubric.decimals for e in events), default=2))


def mark_cell(mark: Mark | None) -> Cell:
    if mark is None:
        return None
    if isinstance(mark, bool):
        return _("yes") if mark else _("no")
    if isinstance(mark, tuple):
        return "; ".join(fmt(v) for v in mark)
    return Decimal(fmt(mark, 6))


def _counted(sheet: Sheet, latest: set[str], kept: tuple[str, ...], on_total: bool) -> str:
    if sheet.id not in latest:
        return _("superseded")
    if on_total and kept and sheet.judge not in kept:
        return _("dropped")
    return _("counted")


def detail_table(data: ExportData, events: Sequence[Event], locale: str) -> Table:
    criteria = _criteria(events, locale)
    zone = data.competition.time_zone
    headers = (_("Event"), _("Blind code"), _("Entry"), _("Team"), _("Judge (key)"), _("Judge"), _("Revision"),
               _("Seq"), _("Received at (%(zone)s)") % {"zone": zone}, *(name for _key, name in criteria),
               _("Judge's total on the final scale"), _("Counted"), _("Deductions recorded"),
               _("Reason for correction"))
    entries = {e.key: e for e in data.competition.entries}
    rows: list[list[Cell]] = []
    for event in events:
        d = event.rubric.decimals
        results = {s.entry.key: s.result for s in data.standings.get(event.key, ())}
        sheets = data.sheets_of(event.key)
        latest = {s.id for s in current(sheets)}
        order = {e.key: (e.code, i) for i, e in enumerate(data.competition.entries_of(event.key))}
        by_entry: dict[str, list[Sheet]] = {}
        for sheet in sheets:
            by_entry.setdefault(sheet.entry, []).append(sheet)
        scaled = {k: on_final_scale(event.rubric, results[k], mine, entries[k].attrs) for k, mine in by_entry.items()}
        for sheet in sorted(sheets, key=lambda s: (order[s.entry], s.judge, s.revision)):
            e, r = entries[sheet.entry], results[sheet.entry]
            total = scaled[sheet.entry].get(sheet.judge) if sheet.id in latest else None
            rows.append([
                event.name.get(locale), e.code, e.title or e.key, team_name(data.competition, e.team, locale),
                sheet.judge, judge_name(data.competition, sheet.judge), sheet.revision, sheet.seq,
                local_time(sheet.at, zone) if sheet.at else "",
                *(mark_cell(sheet.marks.get(k)) for k, _name in criteria), shown(total, d),
                _counted(sheet, latest, r.kept_judges, event.rubric.aggregate_on == "total"),
                "; ".join(_deduction_text(event, dm.key, dm.amount, dm.reason, locale) for dm in sheet.deductions),
                sheet.reason])
    return Table("detail", _("Judges' marks"), headers, rows)


def _deduction_text(event: Event, key: str, amount: Fraction, reason: str, locale: str) -> str:
    rule = event.rubric.deduction(key)
    text = rule.name.get(locale) if rule else key
    if amount:
        text += f" {fmt(amount)}"
    return _("%(deduction)s (%(reason)s)") % {"deduction": text, "reason": reason} if reason else text


def teams_table(data: ExportData, locale: str) -> Table:
    rule = data.competition.team_rule
    award = ""
    if rule and rule.count_award:
        award = next((t.name.get(locale) for e in data.competition.events for a in e.rubric.awards
                      for t in a.tiers if t.key == rule.count_award), rule.count_award)
    headers = (_("Rank"), _("Team"), _("Score"), _("Number of entries"), _("Entries counted"),
               *([award] if award else []))
    rows: list[list[Cell]] = [
        [t.rank, team_name(data.competition, t.team, locale), shown(t.score, 2), t.entries, len(t.counted),
         *([t.award_count] if award else [])] for t in data.teams()]
    return Table("teams", _("Team standings"), headers, rows)
