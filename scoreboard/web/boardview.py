"""Typed contexts for the live boards: an event's block and the score-reveal card.

Words: the *audience* (``states.Audience``) is who looks at a board: the ``public`` (blind codes
until published, no totals on a progress event, the frozen snapshot on a frozen one, nothing on
a hidden one), the ``organizer`` (everything, current) or the ``ceremony``; ``states.shown``
says what each may see, and these contexts follow its answer. The *reveal card* announces an
entry whose scoring just completed: each judge's total as "Judge 1 … N" — numbered by the
judges' order in the competition, never named — the totals the rubric drops struck through,
deductions, the final score and the rank. Judges' keys and names never enter these contexts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from scoreboard import i18n
from scoreboard.competition import Competition, Event
from scoreboard.i18n import gettext as _
from scoreboard.rubric.numbers import fixed
from scoreboard.standings import Standing
from scoreboard.states import Shown
from scoreboard.web import pages
from scoreboard.web.roundview import RoundTable


@dataclass(frozen=True)
class BoardEvent:
    key: str
    name: str
    name_en: str
    audience: str
    page: pages.EventPage
    percent: int


@dataclass(frozen=True)
class RevealJudge:
    label: str
    total: str
    dropped: str  # "high", "low" or ""


@dataclass(frozen=True)
class RevealCard:
    event: str
    code: str
    title: str
    team: str
    people: str = ""  # the contestants, 、-joined
    judges: list[RevealJudge] = field(default_factory=list)
    deductions: str = ""
    total: str = ""
    rank: str = ""
    awards: list[pages.AwardView] = field(default_factory=list)
    phrase: str = ""


def board_event(competition: Competition, event: Event, state: str, seen: Shown, standings: list[Standing],
                audience: str, url: str = "", rounds: RoundTable | None = None) -> BoardEvent:
    """``seen``: what ``audience`` may see (``states.shown``); ``standings``: the ones it sees;
    ``rounds``: its contestants' totals, for an event that ranks contestants."""
    return block_of(event, pages.event_page(competition, event, state, seen, standings, url, rounds), audience)


def block_of(event: Event, page: pages.EventPage, audience: str) -> BoardEvent:
    return BoardEvent(event.key, event.name.get(i18n.current()), event.name.en, audience, page,
                      round(100 * page.scored / page.entries) if page.entries else 0)


def _phrase(event: Event) -> str:
    agg = event.rubric.aggregation
    if event.rubric.aggregate_on != "total" or not (agg.high or agg.low):
        return _("Final score")
    if agg.high == 1 and agg.low == 1:
        return _("Dropping one highest and one lowest score, the final score is")
    return _("Dropping %(high)s highest and %(low)s lowest scores, the final score is") % {
        "high": agg.high, "low": agg.low}


def reveal_card(competition: Competition, event: Event, standing: Standing, names: bool) -> RevealCard:
    result = standing.result
    order = [j.key for j in competition.judges if event.key in j.events or event.key in j.chief_of]
    order += sorted(k for k in result.judge_totals if k not in order)
    high, low = set(result.dropped_high), set(result.dropped_low)
    judges = []
    for n, key in enumerate((k for k in order if k in result.judge_totals), start=1):
        value = result.judge_totals[key]
        dropped = "high" if key in high else "low" if key in low else ""
        judges.append(RevealJudge(_("Judge %(n)s") % {"n": n}, fixed(value, result.decimals), dropped))
    known = pages.directory(competition)
    rank = "" if standing.rank is None else (f"{standing.rank}=" if standing.shared else str(standing.rank))
    return RevealCard(
        event=event.name.get(i18n.current()),
        code=standing.entry.code,
        title=standing.entry.title if names else "", team=known.teams.get(standing.entry.team, "") if names else "",
        people=known.people_of(standing.entry) if names else "",
        judges=judges, deductions=fixed(result.deductions, result.decimals) if result.deductions else "",
        total="—" if result.shown is None else fixed(result.shown, result.decimals), rank=rank,
        awards=[pages.AwardView(t.key, t.name.get(i18n.current())) for _r, t in standing.awards],
        phrase=_phrase(event))
