"""Console: judges — create them, assign them to events, declare conflicts, print login cards, revoke.

Every change is stored and audited (``store.panel``), committed, then announced as
``CompetitionChanged``: the sheet service and the standings book reload the competition and the
judges' tablets are told their assignments changed. Login cards and revoking belong to
``judges`` (tokens, cards, open sockets); the console reaches them through the ports that
``create_app`` hands it (``Console.cards``, ``Console.revoke``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import select
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from scoreboard import i18n
from scoreboard.changes import CompetitionChanged
from scoreboard.errors import UserError
from scoreboard.i18n import gettext as _
from scoreboard.store import load as store_load
from scoreboard.store import panel
from scoreboard.store import tables as db
from scoreboard.store.engine import session
from scoreboard.web.console_auth import Chrome, Console, Ctx, chrome, field_text
from scoreboard.web.headers import own_policy
from scoreboard.web.templating import render


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


@dataclass(frozen=True)
class JudgesPage:
    chrome: Chrome
    judges: list[JudgeLine]
    events: list[Choice]
    teams: list[Choice]
    problems: list[str] = field(default_factory=list)
    notice: str = ""
    cards: bool = True


def _page(request: Request, ctx: Ctx, problems: list[str] | None = None, notice: str = "") -> JudgesPage:
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
                       "revoked" if rows[j.key].revoked else ("issued" if rows[j.key].token_hash else "none"))
             for j in comp.judges]
    console: Console = request.state.console
    return JudgesPage(chrome(ctx, c, comp.name.get(locale), "judges"), lines,
                      [Choice(e.key, e.name.get(locale)) for e in comp.events],
                      [Choice(t.key, t.name.get(locale)) for t in comp.teams], problems or [], notice,
                      console.cards is not None)


async def page(request: Request, ctx: Ctx) -> Response:
    return render(request, "console/judges.html", await run_in_threadpool(_page, request, ctx))


async def _after(request: Request, ctx: Ctx, write: object, notice: str) -> Response:
    c = request.path_params["competition"]
    try:
        await run_in_threadpool(write)  # type: ignore[arg-type]
    except UserError as e:
        problems = [p.render(i18n.gettext) for p in e.problems]
        return render(request, "console/judges.html", await run_in_threadpool(_page, request, ctx, problems),
                      status_code=422)
    await request.state.bus.publish(CompetitionChanged(c))
    return render(request, "console/judges.html", await run_in_threadpool(_page, request, ctx, None, notice))


async def create(request: Request, ctx: Ctx) -> Response:
    c, f = request.path_params["competition"], ctx.form
    key, name, team = field_text(f, "key", 64), field_text(f, "name", 100), field_text(f, "team", 64)
    events = [e for e in f.getlist("events") if isinstance(e, str)]
    chief = [e for e in f.getlist("chief_of") if isinstance(e, str)]

    def write() -> None:
        with session(request.state.engine, write=True) as s:
            panel.create_judge(s, c, key, name, team, ctx.actor)
            s.flush()
            panel.set_judge(s, c, key, events, chief, team, ctx.actor)
            s.commit()

    return await _after(request, ctx, write, _("Judge %(name)s created.") % {"name": name})


async def assign(request: Request, ctx: Ctx) -> Response:
    c, judge, f = request.path_params["competition"], request.path_params["judge"], ctx.form
    events = [e for e in f.getlist("events") if isinstance(e, str)]
    chief = [e for e in f.getlist("chief_of") if isinstance(e, str)]
    team = field_text(f, "team", 64)

    def write() -> None:
        with session(request.state.engine, write=True) as s:
            panel.set_judge(s, c, judge, events, chief, team, ctx.actor)
            s.commit()

    return await _after(request, ctx, write, _("Judge %(judge)s's events and conflict saved.") % {"judge": judge})


async def cards(request: Request, ctx: Ctx) -> Response:
    """Issue fresh tokens and answer the printable cards (earlier cards stop working)."""
    c = request.path_params["competition"]
    console: Console = request.state.console
    if console.cards is None:
        raise HTTPException(404, _("Login cards are not available."))
    only = field_text(ctx.form, "judge", 64)
    base = str(request.base_url).rstrip("/")

    def write() -> str:
        with session(request.state.engine, write=True) as s:
            assert console.cards is not None
            html = console.cards(s, c, [only] if only else None, ctx.actor, base)
            s.commit()
        return html

    try:
        html = await run_in_threadpool(write)
    except UserError as e:
        return render(request, "console/judges.html",
                      await run_in_threadpool(_page, request, ctx, [p.render(i18n.gettext) for p in e.problems]),
                      status_code=422)
    return HTMLResponse(html, headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer",
                                       **own_policy(html)})  # self-contained: its own style, by hash


async def revoke(request: Request, ctx: Ctx) -> Response:
    c, judge = request.path_params["competition"], request.path_params["judge"]
    console: Console = request.state.console
    reason = field_text(ctx.form, "reason")
    if console.revoke is None:
        raise HTTPException(404, _("Revoking is not available."))
    if not reason:
        page = await run_in_threadpool(_page, request, ctx, [_("Give a reason for revoking.")])
        return render(request, "console/judges.html", page, status_code=422)
    try:
        await console.revoke(request.state.engine, request.state.bus, c, judge, ctx.actor, reason)
    except UserError as e:
        page = await run_in_threadpool(_page, request, ctx, [p.render(i18n.gettext) for p in e.problems])
        return render(request, "console/judges.html", page, status_code=422)
    page = await run_in_threadpool(_page, request, ctx, None,
                                   _("Judge %(judge)s revoked: their card no longer works.") % {"judge": judge})
    return render(request, "console/judges.html", page)
