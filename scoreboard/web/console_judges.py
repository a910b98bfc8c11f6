"""Console: judges — create them one by one or import them from a spreadsheet (with their events,
chief judge roles and roles in the events they mark; the same preview as the roster's,
``web.uploads``), assign them to events, declare conflicts, print login cards, revoke.

Each form is one call of the judges' service (``services.judges``), which stores, audits,
commits and announces the change; the page shows the judges again, or what was refused.
"""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass, field

from sqlmodel import select
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from scoreboard import i18n
from scoreboard.errors import UserError
from scoreboard.exports.blanks import judges_template
from scoreboard.exports.cards import cards_html
from scoreboard.i18n import gettext as _
from scoreboard.panel import JudgePlan, plan_judges
from scoreboard.rubric import markers
from scoreboard.services.judges import JudgeService
from scoreboard.store import load as store_load
from scoreboard.store import tables as db
from scoreboard.store.engine import session
from scoreboard.web.console_auth import Chrome, Ctx, chrome, field_text
from scoreboard.web.headers import own_policy
from scoreboard.web.templating import render
from scoreboard.web.uploads import (
    Preview,
    blank_file,
    competition_of,
    failed,
    preview,
    previewed,
    read_upload,
    refusal,
)


@dataclass(frozen=True)
class Choice:
    key: str
    name: str


@dataclass(frozen=True)
class JudgeLine:
    key: str
    name: str
    team: str
    events: list[str]
    chief_of: list[str]
    card: str  # "none", "issued" or "revoked"
    roles: list[str] = field(default_factory=list)  # in the events they mark (``rubric.markers``)


@dataclass(frozen=True)
class JudgesPage:
    chrome: Chrome
    judges: list[JudgeLine]
    events: list[Choice]
    teams: list[Choice]
    roles: list[Choice] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notice: str = ""
    preview: Preview | None = None


def _page(request: Request, ctx: Ctx, problems: list[str] | None = None, notice: str = "",
          preview: Preview | None = None) -> JudgesPage:
    c = request.path_params["competition"]
    with session(request.state.engine) as s:
        try:
            comp = store_load.load_competition(s, c)
        except UserError:
            raise HTTPException(404, _("No such competition.")) from None
        row = store_load.competition_row(s, c)
        rows = {j.key: j for j in s.exec(select(db.Judge).where(db.Judge.competition_id == row.id)).all()}
    locale = i18n.current()
    lines = [JudgeLine(j.key, j.name, j.team, list(j.events), list(j.chief_of),
                       "revoked" if rows[j.key].revoked else ("issued" if rows[j.key].token_hash else "none"),
                       sorted({role for _, role in j.roles}))
             for j in comp.judges]
    return JudgesPage(chrome(ctx, c, comp.name.get(locale), "judges"), lines,
                      [Choice(e.key, e.name.get(locale)) for e in comp.events],
                      [Choice(t.key, t.name.get(locale)) for t in comp.teams],
                      [Choice(r.key, _(r.label)) for r in markers.ROLES.values()], problems or [], notice, preview)


async def page(request: Request, ctx: Ctx) -> Response:
    return render(request, "console/judges.html", await run_in_threadpool(_page, request, ctx))


async def _after(request: Request, ctx: Ctx, write: Awaitable[None], notice: str) -> Response:
    try:
        await write
    except UserError as e:
        return await _refused(request, ctx, e)
    return render(request, "console/judges.html", await run_in_threadpool(_page, request, ctx, None, notice))


async def _refused(request: Request, ctx: Ctx, error: UserError) -> Response:
    problems = [p.render(i18n.gettext) for p in error.problems]
    return render(request, "console/judges.html", await run_in_threadpool(_page, request, ctx, problems),
                  status_code=422)


async def create(request: Request, ctx: Ctx) -> Response:
    c, f = request.path_params["competition"], ctx.form
    key, name, team = field_text(f, "key", 64), field_text(f, "name", 100), field_text(f, "team", 64)
    events = [e for e in f.getlist("events") if isinstance(e, str)]
    chief = [e for e in f.getlist("chief_of") if isinstance(e, str)]
    roles = [r for r in f.getlist("roles") if isinstance(r, str)]
    service: JudgeService = request.state.judging
    return await _after(request, ctx, service.create(c, key, name, team, events, chief, ctx.actor, roles),
                        _("Judge %(name)s created.") % {"name": name})


async def assign(request: Request, ctx: Ctx) -> Response:
    c, judge, f = request.path_params["competition"], request.path_params["judge"], ctx.form
    events = [e for e in f.getlist("events") if isinstance(e, str)]
    chief = [e for e in f.getlist("chief_of") if isinstance(e, str)]
    roles = [r for r in f.getlist("roles") if isinstance(r, str)]
    team = field_text(f, "team", 64)
    service: JudgeService = request.state.judging
    return await _after(request, ctx, service.assign(c, judge, events, chief, team, ctx.actor, roles),
                        _("Judge %(judge)s's events and conflict saved.") % {"judge": judge})


async def cards(request: Request, ctx: Ctx) -> Response:
    """Issue fresh tokens and answer the printable cards (earlier cards stop working)."""
    c = request.path_params["competition"]
    only = field_text(ctx.form, "judge", 64)
    service: JudgeService = request.state.judging
    try:
        html = await service.cards(c, [only] if only else None, ctx.actor, str(request.base_url), cards_html)
    except UserError as e:
        return await _refused(request, ctx, e)
    return HTMLResponse(html, headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer",
                                       **own_policy(html)})  # self-contained: its own style, by hash


async def revoke(request: Request, ctx: Ctx) -> Response:
    c, judge = request.path_params["competition"], request.path_params["judge"]
    reason = field_text(ctx.form, "reason")
    if not reason:
        page = await run_in_threadpool(_page, request, ctx, [_("Give a reason for revoking.")])
        return render(request, "console/judges.html", page, status_code=422)
    service: JudgeService = request.state.judging
    try:
        await service.revoke(c, judge, ctx.actor, reason)
    except UserError as e:
        return await _refused(request, ctx, e)
    page = await run_in_threadpool(_page, request, ctx, None,
                                   _("Judge %(judge)s revoked: their card no longer works.") % {"judge": judge})
    return render(request, "console/judges.html", page)


def _plan(request: Request, table: list[list[str]]) -> JudgePlan:
    return plan_judges(competition_of(request, request.path_params["competition"], withdrawn=False), table)


async def preview_file(request: Request, ctx: Ctx) -> Response:
    """The judges' file checked, row by row, before anything is imported."""
    try:
        filename, table = await read_upload(ctx)
    except UserError as e:
        page = await run_in_threadpool(_page, request, ctx, None, "", failed(e))
        return render(request, "console/judges.html", page, status_code=422)
    plan = await run_in_threadpool(_plan, request, table)
    page = await run_in_threadpool(_page, request, ctx, None, "", preview(plan, table, filename))
    return render(request, "console/judges.html", page, status_code=422 if plan.bad or plan.problems else 200)


async def confirm(request: Request, ctx: Ctx) -> Response:
    sent = await run_in_threadpool(previewed, ctx)
    if sent is None:
        raise HTTPException(400, _("The preview was damaged; upload the file again."))
    filename, table = sent
    plan = await run_in_threadpool(_plan, request, table)
    refused = refusal(plan, ctx.form.get("skip_bad") == "1")
    if refused:
        page = await run_in_threadpool(_page, request, ctx, None, "", preview(plan, table, filename, [refused]))
        return render(request, "console/judges.html", page, status_code=422)
    service: JudgeService = request.state.judging
    created, updated = await service.import_rows(request.path_params["competition"], plan, ctx.actor)
    notice = _("Imported judges: %(created)s new, %(updated)s updated; skipped %(skipped)s bad rows. Their login "
               "cards are printed from this page.") % {"created": created, "updated": updated, "skipped": len(plan.bad)}
    return render(request, "console/judges.html", await run_in_threadpool(_page, request, ctx, None, notice))


async def template(request: Request, ctx: Ctx) -> Response:
    """The blank judges' file (XLSX) in the console's language, with one example row."""
    return await blank_file(request, judges_template, _("judges"), "judges")
