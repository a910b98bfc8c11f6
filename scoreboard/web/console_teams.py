"""Console: team standings (团体总分) — how the competition's teams are ranked across events.

An organizer chooses whether teams are ranked at all, the *method* (the sum, the mean, or the
mean of the best N of a team's ranked entries), N, the events that count (all of them by
default) and an award tier whose count orders teams with equal scores. Saving is one call of
``services.competitions.CompetitionService.set_team_rule`` (checked as a competition file's
``[team_standings]``, stored and audited, then announced): the public team board
(``/c/COMP/teams``) follows at once. The page also shows the team standings as they stand, as
the organizer sees them (scores not yet public included).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from scoreboard import i18n
from scoreboard.competition import TEAM_METHODS, Competition, award_tiers
from scoreboard.errors import N_, UserError
from scoreboard.i18n import gettext as _
from scoreboard.states import Audience
from scoreboard.web import pages
from scoreboard.web.console_auth import Chrome, Ctx, chrome, field_text
from scoreboard.web.public import team_page
from scoreboard.web.templating import render

METHOD_LABELS = {
    "sum": (N_("Sum"), N_("the scores of every ranked entry of the team, added up")),
    "mean": (N_("Mean"), N_("the average score of every ranked entry of the team")),
    "best_n": (N_("Best N"), N_("the average score of the team's N best entries")),
}


@dataclass(frozen=True)
class Choice:
    key: str
    label: str
    hint: str = ""


@dataclass(frozen=True)
class RuleForm:
    """The form's values, as stored or as posted."""

    enabled: bool
    method: str
    n: str
    events: list[str]
    count_award: str
    reason: str = ""


@dataclass(frozen=True)
class TeamRulePage:
    chrome: Chrome
    competition: str
    values: RuleForm
    methods: list[Choice]
    events: list[Choice]
    awards: list[Choice]
    teams: int
    standings: pages.TeamsPage | None
    problems: list[str] = field(default_factory=list)
    notice: str = ""


def stored_form(comp: Competition) -> RuleForm:
    rule = comp.team_rule
    every = [e.key for e in comp.events]
    if rule is None:
        return RuleForm(False, "mean", "0", every, "")
    return RuleForm(True, rule.method, str(rule.n), list(rule.events) or every, rule.count_award)


def _page(request: Request, ctx: Ctx, values: RuleForm | None = None, problems: list[str] | None = None,
          notice: str = "") -> TeamRulePage:
    c = request.path_params["competition"]
    book = request.state.book
    comp = book.book(c).competition  # unknown: the guard's 404
    standings = team_page(book, c, Audience.ORGANIZER)
    locale = i18n.current()
    return TeamRulePage(
        chrome(ctx, c, comp.name.get(locale), "teams"), c, values or stored_form(comp),
        [Choice(m, _(METHOD_LABELS[m][0]), _(METHOD_LABELS[m][1])) for m in TEAM_METHODS],
        [Choice(e.key, e.name.get(locale)) for e in comp.events],
        [Choice(k, name.get(locale)) for k, name in award_tiers(comp.events).items()],
        len(comp.teams), standings, problems or [], notice)


async def page(request: Request, ctx: Ctx) -> Response:
    return render(request, "console/teams.html", await run_in_threadpool(_page, request, ctx))


def posted(ctx: Ctx, events: list[str]) -> RuleForm:
    """The posted form; events the competition does not have are kept, for the service to name."""
    f = ctx.form
    chosen = list(dict.fromkeys(v for v in f.getlist("events") if isinstance(v, str)))[: len(events) + 1]
    return RuleForm(f.get("enabled") == "1", field_text(f, "method", 16), field_text(f, "n", 8), chosen,
                    field_text(f, "count_award", 64), field_text(f, "reason"))


def form_rule(values: RuleForm, events: list[str]) -> dict[str, Any] | None:
    """The rule as a competition file's ``[team_standings]`` (None: teams are not ranked); every
    event chosen is stored as "every event", so the rule stays true of events added later."""
    if not values.enabled:
        return None
    if not values.events:
        raise UserError.one("events_missing", N_("choose at least one event to count"), _("Events counted"))
    n = values.n or "0"
    if not n.isdecimal():
        raise UserError.one("n_invalid", N_("must be a whole number from 0 to 1000"), "N")
    return {"method": values.method, "n": int(n) if values.method == "best_n" else 0,
            "events": [] if set(values.events) == set(events) else values.events, "count_award": values.count_award}


async def save(request: Request, ctx: Ctx) -> Response:
    c = request.path_params["competition"]
    comp = (await run_in_threadpool(request.state.book.book, c)).competition  # unknown: the guard's 404
    keys = [e.key for e in comp.events]
    values = posted(ctx, keys)
    try:
        data = form_rule(values, keys)
        _rule, changed = await request.state.competitions.set_team_rule(c, data, ctx.actor, values.reason,
                                                                         _("Team standings"))
    except UserError as err:
        shown = [p.render(i18n.gettext) for p in err.problems]
        return render(request, "console/teams.html", await run_in_threadpool(_page, request, ctx, values, shown),
                      status_code=422)
    notice = _("Saved.") if changed else _("Nothing changed.")
    return render(request, "console/teams.html", await run_in_threadpool(_page, request, ctx, None, None, notice))
