"""Console: importing teams and entrants from CSV or XLSX, blind codes and printable labels.

The import is two steps. *Preview*: the uploaded file is read and every row checked
(``roster.plan_import``); the page shows each row with its problems and keeps the file's cells
in a hidden field. *Import*: the cells come back, are checked again against the competition as
it is now, and are written only if no row is bad — or, when the organizer ticks "skip the bad
rows", the good rows only, through ``services.roster`` (which announces the competition as
changed: judges' tablets and the standings book reload it).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from scoreboard import i18n
from scoreboard.errors import UserError
from scoreboard.i18n import gettext as _
from scoreboard.roster import COLUMNS, Plan, plan_import, read_table
from scoreboard.store import load as store_load
from scoreboard.store.engine import session
from scoreboard.texts import valid_unicode
from scoreboard.web.console_auth import Chrome, Ctx, chrome
from scoreboard.web.templating import render

MAX_FILE = 5 * 1024 * 1024


@dataclass(frozen=True)
class PreviewRow:
    number: int
    cells: list[str]
    problems: list[str]


@dataclass(frozen=True)
class ImportPage:
    chrome: Chrome
    columns: list[str]
    header: list[str] = field(default_factory=list)
    rows: list[PreviewRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # about the whole file, or why the import was refused
    bad: int = 0
    good: int = 0
    new_teams: list[str] = field(default_factory=list)
    table_json: str = ""
    filename: str = ""
    done: str = ""


@dataclass(frozen=True)
class Label:
    code: str
    event: str


@dataclass(frozen=True)
class LabelsPage:
    chrome: Chrome
    labels: list[Label]
    missing: int


def _columns() -> list[str]:
    return [" / ".join(names) for names in COLUMNS.values()]


def _plan(request: Request, competition: str, table: list[list[str]]) -> Plan:
    with session(request.state.engine) as s:
        try:
            comp = store_load.load_competition(s, competition)
        except UserError:
            raise HTTPException(404, _("No such competition.")) from None
    return plan_import(comp, table)


def _render_plan(request: Request, ctx: Ctx, plan: Plan, table: list[list[str]], filename: str,
                 refused: list[str] | None = None, status: int = 200) -> Response:
    c = request.path_params["competition"]
    problems = [p.render(i18n.gettext) for p in plan.problems] + (refused or [])
    rows = [PreviewRow(r.number, list(r.cells), [replace(p, place="").render(i18n.gettext) for p in r.problems])
            for r in plan.rows]  # the row's number is in its own column
    page = ImportPage(chrome(ctx, c, _competition_name(request, c), "import"), _columns(), list(plan.header), rows,
                      problems, len(plan.bad), len(plan.good), list(plan.new_teams.values()),
                      json.dumps(table, ensure_ascii=False), filename)
    return render(request, "console/import.html", page, status_code=status)


def _competition_name(request: Request, competition: str) -> str:
    with session(request.state.engine) as s:
        try:
            row = store_load.competition_row(s, competition)
        except UserError:
            raise HTTPException(404, _("No such competition.")) from None
    return row.name_zh if i18n.current() == "zh_CN" else row.name_en


async def page(request: Request, ctx: Ctx) -> Response:
    c = request.path_params["competition"]
    name = await run_in_threadpool(_competition_name, request, c)
    return render(request, "console/import.html", ImportPage(chrome(ctx, c, name, "import"), _columns()))


async def preview(request: Request, ctx: Ctx) -> Response:
    c = request.path_params["competition"]
    upload = ctx.form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        plan = Plan((), (), ())
        return _render_plan(request, ctx, plan, [], "", [_("Choose a CSV or XLSX file.")], 422)
    data = await upload.read(MAX_FILE + 1)
    try:
        if len(data) > MAX_FILE:
            raise UserError.one("file_too_big", _("The file is larger than 5 MB."), upload.filename)
        table = await run_in_threadpool(read_table, upload.filename, data)
    except UserError as e:
        return _render_plan(request, ctx, Plan((), (), e.problems), [], upload.filename, None, 422)
    plan = await run_in_threadpool(_plan, request, c, table)
    return _render_plan(request, ctx, plan, table, upload.filename, None, 200 if not plan.bad else 422)


def _previewed(text: str) -> list[list[str]] | None:
    """The preview's cells as the page sent them back, or None if they are not rows of texts."""
    try:
        table = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if not isinstance(table, list) or not all(isinstance(r, list) and all(isinstance(x, str) and valid_unicode(x)
                                                                          for x in r) for r in table):
        return None
    return table


async def confirm(request: Request, ctx: Ctx) -> Response:
    c = request.path_params["competition"]
    table = await run_in_threadpool(_previewed, str(ctx.form.get("table") or "[]"))  # off the event loop
    if table is None:  # the preview sends back what it showed: anything else was tampered with
        raise HTTPException(400, _("The preview was damaged; upload the file again."))
    filename = str(ctx.form.get("filename") or "")
    skip = ctx.form.get("skip_bad") == "1"
    plan = await run_in_threadpool(_plan, request, c, table)
    if plan.problems or not plan.rows:
        return _render_plan(request, ctx, plan, table, filename, [_("Nothing was imported.")], 422)
    if plan.bad and not skip:
        refused = [_("Nothing was imported: %(n)s rows are bad. Fix them and upload the file again, or tick "
                     "“skip the bad rows”.") % {"n": len(plan.bad)}]
        return _render_plan(request, ctx, plan, table, filename, refused, 422)
    done = await request.state.roster.import_rows(c, plan, ctx.actor)
    name = await run_in_threadpool(_competition_name, request, c)
    message = _("Imported %(entries)s entries, %(teams)s new teams and %(contestants)s new contestants; drew "
                "%(codes)s blind codes; skipped %(skipped)s bad rows.") % {
        "entries": done.entries, "teams": done.teams, "contestants": done.contestants, "codes": done.codes,
        "skipped": len(plan.bad)}
    return render(request, "console/import.html", ImportPage(chrome(ctx, c, name, "import"), _columns(), done=message))


async def codes(request: Request, ctx: Ctx) -> Response:
    await request.state.roster.assign_codes(request.path_params["competition"], ctx.actor)
    return await labels(request, ctx)


async def labels(request: Request, ctx: Ctx) -> Response:
    c = request.path_params["competition"]

    def build() -> LabelsPage:
        with session(request.state.engine) as s:
            try:
                comp = store_load.load_competition(s, c)
            except UserError:
                raise HTTPException(404, _("No such competition.")) from None
        events = {e.key: e for e in comp.events}
        blind = [e for e in comp.entries if events[e.event].blind]
        found = [Label(e.code, events[e.event].name.get(i18n.current())) for e in blind if e.code]
        return LabelsPage(chrome(ctx, c, comp.name.get(i18n.current()), "labels"),
                          sorted(found, key=lambda x: (x.event, x.code)), sum(1 for e in blind if not e.code))

    return render(request, "console/labels.html", await run_in_threadpool(build))
