"""Console: importing teams and entrants from CSV or XLSX, the blank roster to fill in, blind codes
and printable labels.

The import is two steps (``web.uploads``): a preview of every row — bad (✗ and why), new, changed
or unchanged — then the import of the good rows through ``services.roster`` in one transaction
(which announces the competition as changed: judges' tablets and the standings book reload it).
A row of an entry that exists updates it, so a corrected roster can be imported again.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from scoreboard import i18n
from scoreboard.competition import Competition
from scoreboard.errors import UserError
from scoreboard.exports.blanks import entrants_template
from scoreboard.i18n import gettext as _
from scoreboard.roster import entry_noun, plan_import
from scoreboard.web.console_auth import Chrome, Ctx, chrome
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
class ColumnHelp:
    name: str
    meaning: str
    required: bool


@dataclass(frozen=True)
class ImportPage:
    chrome: Chrome
    columns: list[ColumnHelp]
    preview: Preview | None = None
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


def _help(comp: Competition) -> list[ColumnHelp]:
    """The roster's columns explained, in the page's language and the trade's words."""
    dish = entry_noun(comp) == "dish"
    zh = i18n.current() == "zh_CN"
    events = "、".join(e.name.get(i18n.current()) for e in comp.events) if zh else \
        ", ".join(e.name.get(i18n.current()) for e in comp.events)
    columns = [
        ColumnHelp(_("event"), _("one of this competition's events: %(events)s") % {"events": events}, True),
        ColumnHelp(_("entry key"), (_("a number or code of the dish, unique in the competition (001, 002…); a row "
                                      "whose key exists updates that dish") if dish else
                                    _("a number or code of the entry, unique in the competition (001, 002…); a row "
                                      "whose key exists updates that entry")), True),
        ColumnHelp(_("dish name") if dish else _("entry title"),
                   _("what the dish is called; may be empty") if dish else
                   _("the work's title, if it has one; may be empty"), False),
        ColumnHelp(_("team"), _("the enterprise, county or unit competing; a name not yet known makes a new team"),
                   False),
        ColumnHelp(_("contestants"), _("every contestant's full name, several separated by 、"), True),
        ColumnHelp(_("blind code"), _("may be empty: codes are drawn for a blind event's entries"), False),
    ]
    columns += [ColumnHelp(f, _("the number the rubric multiplies the total by"), True)
                for f in dict.fromkeys(e.rubric.factor for e in comp.events if e.rubric.factor)]
    return columns


def _page(request: Request, ctx: Ctx, preview: Preview | None = None, done: str = "") -> ImportPage:
    c = request.path_params["competition"]
    comp = competition_of(request, c)
    return ImportPage(chrome(ctx, c, comp.name.get(i18n.current()), "import"), _help(comp), preview, done)


async def page(request: Request, ctx: Ctx) -> Response:
    return render(request, "console/import.html", await run_in_threadpool(_page, request, ctx))


async def preview_file(request: Request, ctx: Ctx) -> Response:
    c = request.path_params["competition"]
    try:
        filename, table = await read_upload(ctx)
    except UserError as e:
        return render(request, "console/import.html", await run_in_threadpool(_page, request, ctx, failed(e)),
                      status_code=422)
    comp = await run_in_threadpool(competition_of, request, c)
    plan = await run_in_threadpool(plan_import, comp, table)
    notes = [_("New teams:") + " " + "、".join(plan.new_teams.values())] if plan.new_teams else []
    shown = preview(plan, table, filename, notes=notes)
    return render(request, "console/import.html", await run_in_threadpool(_page, request, ctx, shown),
                  status_code=422 if plan.bad or plan.problems else 200)


async def confirm(request: Request, ctx: Ctx) -> Response:
    c = request.path_params["competition"]
    sent = await run_in_threadpool(previewed, ctx)  # off the event loop
    if sent is None:
        raise HTTPException(400, _("The preview was damaged; upload the file again."))
    filename, table = sent
    comp = await run_in_threadpool(competition_of, request, c)
    plan = await run_in_threadpool(plan_import, comp, table)
    refused = refusal(plan, ctx.form.get("skip_bad") == "1")
    if refused:
        shown = preview(plan, table, filename, [refused])
        return render(request, "console/import.html", await run_in_threadpool(_page, request, ctx, shown),
                      status_code=422)
    done = await request.state.roster.import_rows(c, plan, ctx.actor)
    message = _("Imported: %(entries)s new entries, %(updated)s updated; %(teams)s new teams and %(contestants)s new "
                "contestants; drew %(codes)s blind codes; skipped %(skipped)s bad rows.") % {
        "entries": done.entries, "updated": done.updated, "teams": done.teams, "contestants": done.contestants,
        "codes": done.codes, "skipped": len(plan.bad)}
    return render(request, "console/import.html", await run_in_threadpool(_page, request, ctx, None, message))


async def template(request: Request, ctx: Ctx) -> Response:
    """The blank roster (XLSX) in the console's language, with one example row."""
    return await blank_file(request, entrants_template, _("entrants"), "entrants")


async def codes(request: Request, ctx: Ctx) -> Response:
    await request.state.roster.assign_codes(request.path_params["competition"], ctx.actor)
    return await labels(request, ctx)


async def labels(request: Request, ctx: Ctx) -> Response:
    c = request.path_params["competition"]

    def build() -> LabelsPage:
        comp = competition_of(request, c, withdrawn=False)
        events = {e.key: e for e in comp.events}
        blind = [e for e in comp.entries if events[e.event].blind]
        found = [Label(e.code, events[e.event].name.get(i18n.current())) for e in blind if e.code]
        return LabelsPage(chrome(ctx, c, comp.name.get(i18n.current()), "labels"),
                          sorted(found, key=lambda x: (x.event, x.code)), sum(1 for e in blind if not e.code))

    return render(request, "console/labels.html", await run_in_threadpool(build))
