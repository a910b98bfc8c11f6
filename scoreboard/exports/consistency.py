"""The judges' consistency report: how each judge of an event marks against the panel.

Words, per judge of an event:
- *sheets*: how many entries they marked (their latest revision of each; a deductions-only
  sheet is not a marking).
- *deviation* on one entry: their total minus the panel's reference. Where the rubric aggregates
  judges' totals, the reference is the mean of the totals the aggregation kept (the trimmed mean
  for 去掉一个最高分和一个最低分); where it aggregates per criterion, each marked criterion's
  points minus the mean of the values the criterion's aggregation kept, summed. Entries without
  a reference yet (too few judges) are left out. The *mean deviation* is signed (above 0: more
  lenient than the panel, below: stricter); the *mean absolute deviation* says how far off,
  either way.
- *outside the spread rule*: marks farther than the criterion's ``spread`` from the median of
  the other judges' marks of that entry, plus totals farther than the rubric's ``total_spread``
  from the median of the other judges' totals — the disagreements that flag an entry.

``export_consistency(data, out, progress=None, locale="zh_CN", pdf=False)`` writes the report
as HTML (or as PDF), each event with a bar chart of the mean deviations in inline SVG of our own.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from markupsafe import Markup, escape

from scoreboard import i18n
from scoreboard.competition import Event
from scoreboard.exports.data import ExportData, Out, Progress, judge_name, no_progress, opened
from scoreboard.exports.render import render_html, write_pdf
from scoreboard.rubric import aggregate, markers
from scoreboard.rubric.numbers import fmt, round_half_up
from scoreboard.rubric.score import Result, points, raw_value, score_entry
from scoreboard.rubric.sheet import Sheet, current


@dataclass(frozen=True)
class JudgeLine:
    judge: str
    name: str
    sheets: int
    compared: int  # entries with a reference to compare with
    mean_deviation: Fraction | None
    mean_absolute: Fraction | None
    outside: int

    def shown(self, value: Fraction | None) -> str:
        return "—" if value is None else format(round_half_up(value, 2), "f")


@dataclass(frozen=True)
class EventReport:
    key: str
    name: str
    rule: str
    judges: tuple[JudgeLine, ...]
    chart: Markup


def _mean(values: Sequence[Fraction]) -> Fraction:
    return sum(values, Fraction(0)) / len(values)


def _deviation(event: Event, sheet: Sheet, result: Result, mates: Sequence[Sheet]) -> Fraction | None:
    """``mates``: the sheets of the panel (a trainee's are compared, never a reference)."""
    rubric = event.rubric
    if rubric.aggregate_on == "total":
        total = result.judge_totals.get(sheet.judge)
        if sheet.judge not in result.judge_totals:  # a trainee: their total as the panel's would be taken
            total = score_entry(rubric, sheet.entry, [sheet]).judge_totals.get(sheet.judge)
        kept = [result.judge_totals[j] for j in result.kept_judges if j in result.judge_totals]
        return None if total is None or not kept else total - _mean(kept)
    deviation, found = Fraction(0), False
    for c in rubric.criteria:
        if c.key not in sheet.marks:
            continue
        earned = [(s.judge, points(c, s.marks[c.key])) for s in mates if c.key in s.marks]
        value, sel = aggregate.apply(earned, rubric.aggregation_of(c))
        if value is None or not sel.kept:
            continue
        deviation += points(c, sheet.marks[c.key]) - _mean([v for _j, v in sel.kept])
        found = True
    return deviation if found else None


def _outside(event: Event, sheet: Sheet, result: Result, mates: Sequence[Sheet]) -> int:
    rubric, count = event.rubric, 0
    others = [s for s in mates if s.judge != sheet.judge]
    for c in rubric.criteria:
        mine = raw_value(sheet.marks[c.key]) if c.key in sheet.marks else None
        theirs = [v for s in others if c.key in s.marks and (v := raw_value(s.marks[c.key])) is not None]
        if c.spread is not None and mine is not None and theirs and abs(mine - statistics.median(theirs)) > c.spread:
            count += 1
    total = result.judge_totals.get(sheet.judge)
    totals = [v for j, v in result.judge_totals.items() if j != sheet.judge]
    if rubric.total_spread is not None and total is not None and totals and (
            abs(total - statistics.median(totals)) > rubric.total_spread):
        count += 1
    return count


def event_report(data: ExportData, event: Event, locale: str) -> EventReport:
    results: Mapping[str, Result] = {s.entry.key: s.result for s in data.standings.get(event.key, ())}
    sheets = [s for s in current(data.sheets_of(event.key)) if s.marks]
    by_entry: dict[str, list[Sheet]] = {}
    for s in sheets:
        by_entry.setdefault(s.entry, []).append(s)
    judges = [j.key for j in data.competition.judges if event.key in j.events or event.key in j.chief_of]
    judges += sorted({s.judge for s in sheets} - set(judges))
    trainees = {j for j, roles in data.competition.roles_in(event.key).items() if not markers.counted(roles)}
    panel = {entry: [s for s in mates if s.judge not in trainees] for entry, mates in by_entry.items()}
    lines = []
    for judge in judges:
        mine = [s for s in sheets if s.judge == judge]
        if not mine and judge not in {j.key for j in data.competition.judges if event.key in j.events}:
            continue  # a chief judge who does not mark
        deviations = [d for s in mine if (d := _deviation(event, s, results[s.entry], panel[s.entry])) is not None]
        outside = sum(_outside(event, s, results[s.entry], panel[s.entry] + [s]) for s in mine)
        name = judge_name(data.competition, judge)
        if judge in trainees:
            name = i18n.gettext("%(name)s (trainee)") % {"name": name}
        lines.append(JudgeLine(judge, name, len(mine), len(deviations),
                               _mean(deviations) if deviations else None,
                               _mean([abs(d) for d in deviations]) if deviations else None, outside))
    return EventReport(event.key, event.name.get(locale), _rule(event), tuple(lines), chart(lines))


def _rule(event: Event) -> str:
    rubric = event.rubric
    parts = [f"{c.name.get(i18n.current())} ±{fmt(c.spread)}" for c in rubric.criteria if c.spread is not None]
    if rubric.total_spread is not None:
        parts.append(i18n.gettext("judges' totals") + f" ±{fmt(rubric.total_spread)}")
    return "; ".join(parts) or i18n.gettext("none")


def chart(lines: Sequence[JudgeLine]) -> Markup:
    """Horizontal bars of each judge's mean deviation around a zero line (inline SVG)."""
    label, half, row, top = 130, 230, 24, 26
    w, h = label + 2 * half + 70, top + row * len(lines) + 8
    zero = label + half
    scale = max([abs(x.mean_deviation) for x in lines if x.mean_deviation is not None] + [Fraction(1)])
    stricter, lenient = escape(i18n.gettext("stricter")), escape(i18n.gettext("more lenient"))
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
           f'role="img" class="chart" font-family="Noto Sans CJK SC, sans-serif" font-size="12">',
           f'<text x="{zero - 6}" y="14" text-anchor="end" fill="#1d4ed8">← {stricter}</text>',
           f'<text x="{zero + 6}" y="14" fill="#b45309">{lenient} →</text>']
    for i, x in enumerate(lines):
        y = top + i * row
        out.append(f'<text x="{label - 8}" y="{y + 15}" text-anchor="end">{escape(x.name)}</text>')
        if x.mean_deviation is not None:
            length = float(abs(x.mean_deviation) / scale * (half - 48))  # room for the value's label
            left = zero - length if x.mean_deviation < 0 else zero
            colour = "#1d4ed8" if x.mean_deviation < 0 else "#b45309"
            out.append(f'<rect x="{left:.1f}" y="{y + 4}" width="{max(length, 0.5):.1f}" height="{row - 8}" '
                       f'fill="{colour}"/>')
            tx = zero + length + 4 if x.mean_deviation >= 0 else zero - length - 4
            anchor = "start" if x.mean_deviation >= 0 else "end"
            out.append(f'<text x="{tx:.1f}" y="{y + 15}" text-anchor="{anchor}">{x.shown(x.mean_deviation)}</text>')
    out.append(f'<line x1="{zero}" y1="{top - 4}" x2="{zero}" y2="{h - 4}" stroke="#111827" stroke-width="1"/>')
    out.append("</svg>")
    return Markup("".join(out))


def export_consistency(data: ExportData, out: Out, progress: Progress | None = None, locale: str = "zh_CN",
                       pdf: bool = False) -> None:
    progress = progress or no_progress
    events = data.events
    with i18n.using(locale):
        reports = []
        for n, event in enumerate(events, 1):
            reports.append(event_report(data, event, locale))
            progress(n, len(events) + 1)
        html = render_html("exports/consistency.html", competition=data.competition.name.get(locale),
                           reports=reports, exported=data.exported_at.strftime("%Y-%m-%d %H:%M UTC"))
        with opened(out) as f:
            if pdf:
                write_pdf([html], f)
            else:
                f.write(html.encode("utf-8"))
    progress(len(events) + 1, len(events) + 1)


__all__ = ["EventReport", "JudgeLine", "event_report", "export_consistency"]
