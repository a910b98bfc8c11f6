"""Offline standings: a competition file and a file of sheets → standings, with no server.

This is the reference the live service must agree with, and what a third party uses to check
published results. The sheets file has one JSON object a line (the tablet's sheet format plus
the ``judge``); every line is checked as the service checks a tablet's sheet, and one bad line
refuses the whole file, naming every bad line. A line's position is its arrival order.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from scoreboard import i18n
from scoreboard.competition import Competition, Event
from scoreboard.errors import N_, Problem, UserError
from scoreboard.exports.tables import as_text
from scoreboard.i18n import gettext as _
from scoreboard.intake import Lookup, check_sheet, score_event
from scoreboard.rounds import round_standings
from scoreboard.rubric.names import named
from scoreboard.rubric.numbers import fixed, fmt
from scoreboard.rubric.score import Step
from scoreboard.rubric.sheet import Sheet
from scoreboard.standings import Standing, rank_event, team_standings

T = TypeVar("T", Problem, Step)


def read_sheets(competition: Competition, path: Path) -> list[Sheet]:
    lookup = Lookup(competition)
    problems: list[Problem] = []
    sheets: list[Sheet] = []
    seen: dict[str, int] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise UserError.one("file_unreadable", N_("cannot read the file: {error}"), str(path), error=str(e)) from e
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        place = f"{path}:{number}"
        try:
            raw = json.loads(line, parse_float=Decimal)
            if isinstance(raw, dict):
                raw.setdefault("seq", number)
            _event, _entry, sheet = check_sheet(lookup, raw, None, place)
        except json.JSONDecodeError as e:
            problems.append(Problem("json", N_("not valid JSON: {error}"), {"error": e.msg}, place))
            continue
        except UserError as e:
            problems.extend(e.problems)
            continue
        if sheet.id in seen:
            problems.append(Problem("sheet_id_reused", N_("sheet id {id} already used on line {line}"),
                                    {"id": sheet.id, "line": seen[sheet.id]}, place))
            continue
        seen[sheet.id] = number
        sheets.append(sheet)
    if problems:
        raise UserError(problems)
    return sheets


def compute(competition: Competition, sheets: list[Sheet]) -> dict[str, list[Standing]]:
    people = {c.key: c for c in competition.contestants}
    out = {}
    for event in competition.events:
        entries = competition.entries_of(event.key)
        out[event.key] = rank_event(event.rubric, entries, score_event(event, entries, sheets,
                                                                               competition.roles_in(event.key)),
                                     people)
    return out


def _row(event: Event, s: Standing, locale: str) -> dict[str, Any]:
    r = s.result

    def said(item: T) -> str:  # criteria, deductions and parts by name; judges by key, as in the sheets file
        return named(item, event.rubric, locale, word=i18n.gettext).render(i18n.gettext)

    return {
        "event": event.key, "rank": s.rank, "shared": s.shared, "entry": s.entry.key, "code": s.entry.code,
        "title": s.entry.title, "team": s.entry.team,
        "total": None if r.shown is None else fixed(r.shown, r.decimals),
        "exact": None if r.total is None else str(r.total),
        "state": str(r.state), "disqualified": r.disqualified, "judges": r.judges,
        "criteria": {k: None if v is None else fmt(v) for k, v in r.criteria.items()},
        "deductions": fmt(r.deductions),
        "awards": {rule.key: tier.key for rule, tier in s.awards},
        "award_names": [tier.name.get(locale) for _rule, tier in s.awards],
        "honours": [f"{h}:{c}" if c else h for h, c in s.honours],
        "flags": [said(p) for p in r.flags],
        "derivation": [said(step) for step in r.steps],
    }


def _rounds(competition: Competition, results: dict[str, list[Standing]],
            only: str | None) -> dict[str, list[dict[str, Any]]]:
    """The contestant standings of the events that rank contestants (``scoreboard.rounds``)."""
    by_event = {ev: {s.entry.key: s.result for s in standings} for ev, standings in results.items()}
    names = {c.key: c.name for c in competition.contestants}
    out = {}
    for event in competition.events:
        if event.totals != "contestant" or (only and event.key != only):
            continue
        decimals = event.rubric.decimals
        out[event.key] = [{
            "contestant": s.total.contestant, "name": names.get(s.total.contestant, s.total.contestant),
            "rank": s.rank, "shared": s.shared, "qualified": s.qualified, "complete": s.total.complete,
            "points": None if s.total.points is None else fixed(s.total.points, decimals),
            "carried": fixed(s.total.carried, decimals),
            "total": None if s.total.total is None else fixed(s.total.total, decimals),
            "entries": {p.entry: None if p.points is None else fixed(p.points, decimals) for p in s.total.parts},
        } for s in round_standings(competition, event, by_event)]
    return out


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    space = " " * max(0, width - _width(text))
    return space + text if right else text + space


def standings_report(competition: Competition, sheets: list[Sheet], form: str, only: str | None = None) -> str:
    locale = i18n.current()
    if only and competition.event(only) is None:
        raise UserError.one("event_unknown", N_("no event {event}"), event=only)
    results = compute(competition, sheets)
    rows = [_row(event, s, locale) for ev, standings in results.items() if not only or ev == only
            for event in (competition.event(ev),) if event is not None for s in standings]
    teams = None
    if competition.team_rule and not only:
        teams = [{"team": t.team, "rank": t.rank, "shared": t.shared,
                  "score": None if t.score is None else fixed(t.score), "counted": list(t.counted)}
                 for t in team_standings(competition.team_rule, [t.key for t in competition.teams],
                                         [s for ss in results.values() for s in ss])]
    rounds = _rounds(competition, results, only)
    if form == "json":
        return json.dumps({"competition": competition.key, "standings": rows, "teams": teams, "contestants": rounds},
                          ensure_ascii=False, indent=1) + "\n"
    if form == "csv":
        out = io.StringIO()
        fields = ["event", "rank", "shared", "entry", "code", "title", "team", "total", "exact", "state", "judges",
                  "deductions", "awards"]
        writer = csv.DictWriter(out, fields, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for row in rows:  # texts never become formulas in a spreadsheet; numbers are left as they are
            texts = {k: as_text(row[k]) for k in ("code", "title")}
            writer.writerow({**row, **texts, "awards": as_text(" ".join(row["award_names"]))})
        return out.getvalue()
    names = {t.key: t.name.get(locale) for t in competition.teams}
    lines = []
    headers = [_("Rank"), _("Code"), _("Entry"), _("Team"), _("Total"), _("Awards"), _("State")]
    for event in competition.events:
        if only and event.key != only:
            continue
        lines.append(f"\n{event.name.get(locale)} ({event.key})")
        table = [headers] + [
            [("" if r["rank"] is None else f"{r['rank']}{'=' if r['shared'] else ''}"), r["code"],
             r["title"] or r["entry"], names.get(r["team"], r["team"]), r["total"] or "—", " ".join(r["award_names"]),
             r["state"]] for r in rows if r["event"] == event.key]
        widths = [max(_width(str(row[i])) for row in table) for i in range(len(headers))]
        for row in table:
            cells = zip(row, widths, strict=True)
            lines.append("  ".join(_pad(str(v), w, right=i in (0, 4)) for i, (v, w) in enumerate(cells)))
        if event.key in rounds:
            heading = _("Contestants' totals")
            lines.append(f"\n{event.name.get(locale)} ({event.key}): {heading}")
            for c in rounds[event.key]:
                rank = "" if c["rank"] is None else f"{c['rank']}{'=' if c['shared'] else ''}"
                went = f"  {_('Goes on')}" if c["qualified"] else ""
                lines.append(f"{_pad(rank, 4, True)}  {_pad(c['name'], 24)}  {_pad(c['total'] or '—', 9, True)}{went}")
    if teams:
        lines.append(f"\n{_('Team standings')}")
        for t in teams:
            rank = "" if t["rank"] is None else f"{t['rank']}{'=' if t['shared'] else ''}"
            team = str(t["team"])
            lines.append(f"{_pad(rank, 4, True)}  {_pad(names.get(team, team), 30)}  {t['score'] or '—'}")
    return "\n".join(lines).lstrip("\n") + "\n"
