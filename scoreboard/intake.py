"""Checking a raw sheet against a competition, before anything is stored (pure).

The same checks serve a tablet's sheet in the service and a line of a sheets file in the
offline ``scoreboard standings``: the judge exists and is assigned to the entry's event, is not
of the entry's own team, and every mark fits the event's rubric; where the rubric aggregates
judges' totals, a sheet with marks marks every criterion (a deductions-only sheet has none); a
sheet marks only criteria its judge marks (``rubric.markers``: a plain judge not the measuring
pair's, nobody but the clerk the clerk's). The judge comes from who is
sending (the tablet's session), never from the sheet's own data, when the caller knows it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from scoreboard.competition import Competition, Entry, Event, Judge
from scoreboard.errors import N_, UserError
from scoreboard.rubric import markers
from scoreboard.rubric.score import Result, score_entry
from scoreboard.rubric.sheet import Limits, Sheet, parse_sheet
from scoreboard.texts import shown, text_fault


class Lookup:
    """Indexes over a competition, made once per competition."""

    def __init__(self, competition: Competition) -> None:
        self.competition = competition
        self.events: Mapping[str, Event] = {e.key: e for e in competition.events}
        self.entries: Mapping[str, Entry] = {e.key: e for e in competition.entries}
        self.judges: Mapping[str, Judge] = {j.key: j for j in competition.judges}
        self.roles: Mapping[str, Mapping[str, frozenset[str]]] = {e.key: competition.roles_in(e.key)
                                                                  for e in competition.events}


def check_sheet(lookup: Lookup, raw: object, judge: str | None = None, place: str = "") -> tuple[Event, Entry, Sheet]:
    """The event, entry and parsed sheet, or a ``UserError`` naming what is wrong."""
    if not isinstance(raw, Mapping):
        raise UserError.one("sheet_type", N_("a sheet must be an object"), place)
    judge_key = judge if judge is not None else raw.get("judge")
    j = lookup.judges.get(judge_key) if isinstance(judge_key, str) else None
    if j is None:
        raise UserError.one("judge_unknown", N_("no judge {judge}"), place, judge=shown(judge_key))
    entry_key = raw.get("entry")
    if text_fault(entry_key, Limits.max_id, required=True) is not None:
        raise UserError.one("sheet_field", N_("{field} must be one line of text of 1–{n} characters"), place,
                            field="entry", n=Limits.max_id)
    entry = lookup.entries.get(entry_key)  # type: ignore[arg-type]
    if entry is None:
        raise UserError.one("entry_unknown", N_("no entry {entry}"), place, entry=shown(entry_key))
    if entry.event not in j.events and entry.event not in j.chief_of:
        raise UserError.one("not_assigned", N_("judge {judge} is not assigned to event {event}"), place,
                            judge=j.key, event=entry.event)
    if j.team and j.team == entry.team:
        raise UserError.one("conflict", N_("judge {judge} cannot score an entry of their own team"), place,
                            judge=j.key)
    event = lookup.events[entry.event]
    # on judges' totals, a sheet with marks must mark every criterion, or that judge has no total
    whole = event.rubric.aggregate_on == "total" and bool(raw.get("marks"))
    sheet = parse_sheet(event.rubric, {**raw, "judge": j.key}, place, require_all=whole)
    roles = j.roles_in(event.key)
    others = [c.key for c in event.rubric.criteria if c.key in sheet.marks and not markers.marks(c.markers, roles)]
    if others:
        raise UserError.one("not_marker", N_("judge {judge} does not mark {criteria}: leave them to whoever does"),
                            place, judge=j.key, criteria=", ".join(others))
    return event, entry, sheet


def score_event(event: Event, entries: Iterable[Entry], sheets: Iterable[Sheet],
                roles: Mapping[str, frozenset[str]] | None = None) -> dict[str, Result]:
    """Every entry's result in one event; ``roles``: its judges' (``Competition.roles_in``)."""
    by_entry: dict[str, list[Sheet]] = {}
    for s in sheets:
        by_entry.setdefault(s.entry, []).append(s)
    return {e.key: score_entry(event.rubric, e.key, by_entry.get(e.key, []), e.attrs, roles, accepted=e.accepted)
            for e in entries}
