"""PDF result sheets for signing, and award certificates (WeasyPrint, Chinese fonts).

Words:
- A *result sheet* (成绩单) is one event's standings on A4 — rank, blind code, entry, team,
  total, awards — with a signature line for each judge of the event and for its chief judge(s),
  the date, and the fingerprint of the competition's archive (``scoreboard.exports.archive``),
  so the signed paper names exactly the data it signs.
- A *certificate* (荣誉证书) is one A4 landscape page per entry with an award: who (the
  contestants, or the team when an entry has none), the team, the event, the entry, its award
  tiers, its total, the competition, the organizing committee and the date. The competition
  has a line of its own; the *wording* under it follows the event's rubric (``award_for``): a
  work is quoted by its title (在热菜比赛中，参赛作品《宫保鸡丁》荣获), a result in the event
  names the event only (在砌筑项目比赛中荣获), as does an entry without a title. The event, the
  title and each part of the competition's name are *units* a line never breaks inside where
  they fit (CJK text may otherwise break between any two characters).

``export_results(data, out, progress=None, locale="zh_CN", fingerprint=None)`` and
``export_certificates(data, out, progress=None, locale="zh_CN")``; ``fingerprint`` defaults
to the fingerprint of ``data`` as a whole (pass the full competition's when ``data`` is
narrowed to one event).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC

from scoreboard import i18n
from scoreboard.competition import Event
from scoreboard.errors import N_, UserError
from scoreboard.exports.archive import fingerprint as archive_fingerprint
from scoreboard.exports.data import ExportData, Out, Progress, contestant_names, no_progress, opened, team_name
from scoreboard.exports.render import long_date, render_html, write_pdf
from scoreboard.exports.tables import STATES, awards_text
from scoreboard.rubric.numbers import fixed
from scoreboard.standings import mark_of

CERTIFICATES_PER_DOCUMENT = 40
# the sentence before the award, by the rubric's ``award_for``
WORDING = {
    "work": N_("In the %(event)s event, the entry “%(entry)s” has won"),
    "event": N_("has won in the %(event)s event"),
}


@dataclass(frozen=True)
class ResultRow:
    rank: str
    code: str
    entry: str
    team: str
    contestants: str
    total: str
    awards: str
    state: str
    mark: str = ""  # beside the total: 暂定 or 待复核 while the entry is not final


@dataclass(frozen=True)
class ResultSheet:
    competition: str
    event: str
    state: str
    rows: tuple[ResultRow, ...]
    judges: tuple[str, ...]
    chiefs: tuple[str, ...]
    blind: bool
    people: bool  # whether any entry names contestants
    date: str
    venue: str
    fingerprint: str


@dataclass(frozen=True)
class Certificate:
    recipient: str
    team: str
    entry: str
    event: str
    awards: str
    total: str
    competition: str
    organizer: str
    date: str
    wording: str = WORDING["work"]  # the English message of the sentence before the award (``WORDING``)

    @property
    def competition_units(self) -> list[str]:
        """The competition's name cut where a line may break: its words and the spaces between
        them (a long official name such as "…竞赛 · 建筑行业技能竞赛" wraps at its separator)."""
        return [u for u in re.split(r"(\s+)", self.competition) if u]


def _date(data: ExportData, locale: str) -> str:
    return long_date(data.competition.date or data.exported_at.astimezone(UTC).date(), locale)


def result_sheet(data: ExportData, event: Event, locale: str, fingerprint: str) -> ResultSheet:
    c = data.competition
    rows = []
    for s in data.standings.get(event.key, ()):
        r, e = s.result, s.entry
        rows.append(ResultRow(
            "" if s.rank is None else f"{s.rank}{'=' if s.shared else ''}", e.code, e.title or e.key,
            team_name(c, e.team, locale), contestant_names(c, e.contestants),
            "—" if r.shown is None else fixed(r.shown, r.decimals), awards_text(s, locale),
            i18n.gettext("disqualified") if r.disqualified else i18n.gettext(STATES.get(str(r.state), str(r.state))),
            i18n.gettext(m) if (m := mark_of(r)) else ""))
    state = data.states.get(event.key, "")
    return ResultSheet(
        c.name.get(locale), event.name.get(locale), state, tuple(rows),
        tuple(j.name for j in c.judges if event.key in j.events and event.key not in j.chief_of),
        tuple(j.name for j in c.judges if event.key in j.chief_of), event.blind,
        any(row.contestants for row in rows), _date(data, locale), c.venue, fingerprint)


def export_results(data: ExportData, out: Out, progress: Progress | None = None, locale: str = "zh_CN",
                   fingerprint: str | None = None) -> None:
    progress = progress or no_progress
    events = data.events
    if not events:
        raise UserError.one("nothing_to_export", N_("there is nothing to export"))
    fingerprint = fingerprint or archive_fingerprint(data)
    done = [0]

    def step() -> None:
        done[0] += 1
        progress(done[0], len(events) + 1)

    with i18n.using(locale):
        docs = (render_html("exports/results.html", sheet=result_sheet(data, e, locale, fingerprint)) for e in events)
        with opened(out) as f:
            write_pdf(docs, f, step)
    progress(len(events) + 1, len(events) + 1)


def certificates(data: ExportData, locale: str) -> list[Certificate]:
    c = data.competition
    organizer = i18n.gettext("Organizing Committee of %(competition)s") % {"competition": c.name.get(locale)}
    out = []
    for event in data.events:
        for s in data.standings.get(event.key, ()):
            if not s.awards or s.result.shown is None:
                continue
            e = s.entry
            team = team_name(c, e.team, locale) if e.team else ""
            people = contestant_names(c, e.contestants)
            worded = event.rubric.award_for if e.title else "event"
            out.append(Certificate(people or team or e.title, team if people else "", e.title,
                                   event.name.get(locale), " · ".join(t.name.get(locale) for _r, t in s.awards),
                                   fixed(s.result.shown, s.result.decimals), c.name.get(locale), organizer,
                                   _date(data, locale), WORDING[worded]))
    return out


def export_certificates(data: ExportData, out: Out, progress: Progress | None = None, locale: str = "zh_CN") -> int:
    """Write the certificates; returns how many."""
    progress = progress or no_progress
    with i18n.using(locale):
        items = certificates(data, locale)
        if not items:
            raise UserError.one("nothing_to_export", N_("there is nothing to export"))
        n = CERTIFICATES_PER_DOCUMENT
        batches = [items[i:i + n] for i in range(0, len(items), n)]
        done = [0]

        def step() -> None:
            done[0] += 1
            progress(min(len(items), done[0] * n), len(items))

        docs = (render_html("exports/certificates.html", certificates=batch) for batch in batches)
        with opened(out) as f:
            write_pdf(docs, f, step)
    return len(items)
