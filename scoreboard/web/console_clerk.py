"""Console: the clerk's page (录分) of an event — one row per entry, one box per criterion the
clerk enters (``markers = "clerk"``: the theory exam score), filled with what is stored.

The organizer acts as the clerk here: saving is one call of ``services.clerk.ClerkService``,
which sends the values as the sheets of the event's clerk (the judge with the role ``clerk``)
down the road every score takes; a table with a bad value stores nothing and says which.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from scoreboard import i18n
from scoreboard.errors import UserError
from scoreboard.i18n import gettext as _
from scoreboard.rubric.names import said
from scoreboard.services.clerk import ClerkService, ClerkSheet
from scoreboard.store.sheets import exact
from scoreboard.web.console_auth import Chrome, Ctx, chrome, field_text
from scoreboard.web.templating import render


@dataclass(frozen=True)
class Column:
    key: str
    name: str
    hint: str  # the range and step: 0–100 · 0.5


@dataclass(frozen=True)
class Row:
    key: str
    code: str
    title: str
    values: list[str]  # one per column: as typed, or as stored


@dataclass(frozen=True)
class ClerkPage:
    chrome: Chrome
    competition: str
    event: str
    event_name: str
    clerk: str  # the clerk's name, "" when the event has none
    columns: list[Column]
    rows: list[Row]
    problems: list[str] = field(default_factory=list)
    notice: str = ""


def _form_key(entry: str, criterion: str) -> str:
    return f"v:{entry}:{criterion}"


def _view(request: Request, ctx: Ctx, table: ClerkSheet, typed: dict[str, str] | None = None,
          problems: list[str] | None = None, notice: str = "") -> ClerkPage:
    c = request.path_params["competition"]
    comp = request.state.book.book(c).competition
    locale = i18n.current()
    names = {j.key: j.name for j in comp.judges}
    columns = [Column(x.key, x.name.get(locale), f"{exact(x.min)}–{exact(x.max)}"
                      + (f" · {exact(x.step)}" if x.step else "")) for x in table.criteria]

    def value(entry: str, criterion: str) -> str:
        if typed is not None:
            return typed.get(_form_key(entry, criterion), "")
        mark = table.latest[entry].marks.get(criterion) if entry in table.latest else None
        return exact(mark) if mark is not None and not isinstance(mark, (tuple, bool)) else ""

    rows = [Row(e.key, e.code or e.key, "" if table.event.blind else e.title,
                [value(e.key, x.key) for x in table.criteria]) for e in table.entries]
    return ClerkPage(chrome(ctx, c, comp.name.get(locale), "progress"), c, table.event.key,
                     table.event.name.get(locale), names.get(table.clerk, ""), columns, rows, problems or [], notice)


def _table(request: Request) -> ClerkSheet:
    service: ClerkService = request.state.clerk
    try:
        return service.read(request.path_params["competition"], request.path_params["event"])
    except KeyError:
        raise HTTPException(404, _("No such event.")) from None


async def page(request: Request, ctx: Ctx) -> Response:
    table = await run_in_threadpool(_table, request)
    return render(request, "console/clerk.html", await run_in_threadpool(_view, request, ctx, table))


async def save(request: Request, ctx: Ctx) -> Response:
    c, e = request.path_params["competition"], request.path_params["event"]
    table = await run_in_threadpool(_table, request)
    typed = {_form_key(en.key, x.key): field_text(ctx.form, _form_key(en.key, x.key), 32)
             for en in table.entries for x in table.criteria}
    values = {en.key: {x.key: typed[_form_key(en.key, x.key)] for x in table.criteria} for en in table.entries}
    service: ClerkService = request.state.clerk
    try:
        saved = await service.record(c, e, values, ctx.actor, field_text(ctx.form, "reason"))
    except UserError as err:
        shown = said(err.problems, table.event.rubric, i18n.current(), i18n.gettext)
        return render(request, "console/clerk.html",
                      await run_in_threadpool(_view, request, ctx, table, typed, shown), status_code=422)
    table = await run_in_threadpool(_table, request)
    notice = _("Saved %(n)s entries.") % {"n": saved} if saved else _("Nothing changed.")
    view = await run_in_threadpool(_view, request, ctx, table, None, None, notice)
    return render(request, "console/clerk.html", view)
