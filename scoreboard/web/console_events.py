"""Console: editing an event — its names, blind judging, visibility, score-reveal card and rubric.

The rubric is shown as TOML text (the event's snapshot, written with ``tomli_w``) with the
results of its *golden cases*. Saving reads the text, checks the rubric field by field and runs
its golden cases: a text with any problem is shown again with every problem listed by its place,
and nothing is saved. A good edit, a new visibility with it, is one call of
``services.events.EventService.edit``: stored and audited in one transaction, committed and
announced, so the standings book, the boards and the judges' sockets reload the event.

The rubric (and blind judging) may change only while the event is a draft or while no sheet is
stored for it: changing the rules under stored marks would silently change results.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import tomli_w
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from scoreboard import i18n
from scoreboard.competition import VISIBILITY, rubric_of
from scoreboard.errors import N_, Problem, UserError
from scoreboard.golden import run_golden
from scoreboard.i18n import gettext as _
from scoreboard.rubric.numbers import fmt
from scoreboard.rubric.reader import read_toml
from scoreboard.store import events as store_events
from scoreboard.store import load as store_load
from scoreboard.store import tables as db
from scoreboard.store.engine import session
from scoreboard.web.console_auth import Chrome, Ctx, chrome, field_text
from scoreboard.web.pages import EVENT_STATES
from scoreboard.web.templating import render

MAX_RUBRIC = 256 * 1024  # characters of rubric text
VISIBILITY_LABELS = {
    "live": N_("Live: standings as sheets arrive"),
    "progress": N_("Progress only: how many entries are scored"),
    "frozen": N_("Frozen: standings as they are now"),
    "hidden": N_("Hidden"),
}


@dataclass(frozen=True)
class GoldenLine:
    name: str
    want: str
    ok: bool


@dataclass(frozen=True)
class Choice:
    key: str
    label: str


@dataclass(frozen=True)
class EditPage:
    chrome: Chrome
    competition: str
    event: str
    event_name: str
    state: str
    state_label: str
    values: Mapping[str, Any]
    rubric_text: str
    visibilities: list[Choice]
    rules_fixed: bool
    sheets: int
    golden: list[GoldenLine] = field(default_factory=list)
    golden_problems: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notice: str = ""


def rubric_text(data: Mapping[str, Any]) -> str:
    """An event's rubric snapshot as TOML text."""
    return tomli_w.dumps(dict(data))


def _golden(data: Mapping[str, Any], source: str) -> tuple[list[GoldenLine], list[str]]:
    """The rubric's golden cases, each passed or failed, and the problems found."""
    try:
        rubric = rubric_of(data, source)
    except UserError as e:
        return [], [p.render(i18n.gettext) for p in e.problems]
    problems, _count = run_golden(rubric, source)
    lines = []
    for i, case in enumerate(rubric.golden):
        mark = f"golden[{i}] ("
        wants = []
        if case.total is not None:
            wants.append(_("total %(total)s") % {"total": fmt(case.total)})
        if case.rank is not None:
            wants.append(_("rank %(rank)s") % {"rank": case.rank})
        lines.append(GoldenLine(case.name, ", ".join(wants), not any(mark in p.place for p in problems)))
    return lines, [p.render(i18n.gettext) for p in problems]


def _row(request: Request, c: str, e: str) -> tuple[db.Event, str, int, bool]:
    with session(request.state.engine) as s:
        try:
            row = store_events.event_row(s, c, e)
            name = store_load.competition_row(s, c)
        except UserError:
            raise HTTPException(404, _("No such event.")) from None
        sheets = store_events.sheets_stored(s, c, e)
        s.expunge(row)
    comp_name = name.name_zh if i18n.current() == "zh_CN" else (name.name_en or name.name_zh)
    return row, comp_name, sheets, row.state == "draft" or sheets == 0


def _page(request: Request, ctx: Ctx, values: Mapping[str, Any] | None = None, text: str | None = None,
          problems: list[str] | None = None, notice: str = "") -> EditPage:
    c, e = request.path_params["competition"], request.path_params["event"]
    row, comp_name, sheets, may_change = _row(request, c, e)
    stored = {"name_zh": row.name_zh, "name_en": row.name_en, "blind": row.blind, "reveal": row.reveal,
              "visibility": row.visibility, "reason": ""}
    golden, golden_problems = _golden(row.rubric, _("Rubric"))
    name = row.name_zh if i18n.current() == "zh_CN" else (row.name_en or row.name_zh)
    return EditPage(chrome(ctx, c, comp_name, "overview"), c, e, name, row.state,
                    _(EVENT_STATES.get(row.state, row.state)), values if values is not None else stored,
                    text if text is not None else rubric_text(row.rubric),
                    [Choice(v, _(VISIBILITY_LABELS[v])) for v in VISIBILITY], not may_change, sheets,
                    golden, golden_problems, problems or [], notice)


async def page(request: Request, ctx: Ctx) -> Response:
    return render(request, "console/event_edit.html", await run_in_threadpool(_page, request, ctx))


async def save(request: Request, ctx: Ctx) -> Response:
    c, e = request.path_params["competition"], request.path_params["event"]
    f = ctx.form
    values = {"name_zh": field_text(f, "name_zh", 201), "name_en": field_text(f, "name_en", 201),
              "blind": f.get("blind") == "1", "reveal": f.get("reveal") == "1",
              "visibility": field_text(f, "visibility", 16), "reason": field_text(f, "reason", 500)}
    raw = f.get("rubric")
    text = raw.replace("\r\n", "\n") if isinstance(raw, str) else ""
    try:
        problems: list[Problem] = []
        if values["visibility"] not in VISIBILITY:
            problems.append(Problem("visibility_unknown", N_("choose what the public sees"), {}, _("Visibility")))
        if len(text) > MAX_RUBRIC:
            problems.append(Problem("rubric_too_big", N_("longer than {n} characters"), {"n": MAX_RUBRIC}, _("Rubric")))
        if problems:
            raise UserError(problems)
        data = await run_in_threadpool(read_toml, _("Rubric"), text)  # off the event loop: a rubric can be long
        edited = await request.state.events.edit(c, e, values, data, ctx.actor, _("Rubric"))
    except UserError as err:
        shown = [p.render(i18n.gettext) for p in err.problems]
        page = await run_in_threadpool(_page, request, ctx, values, text, shown)
        return render(request, "console/event_edit.html", page, status_code=422)
    notice = _("Saved.") if edited.changed or edited.moved else _("Nothing changed.")
    return render(request, "console/event_edit.html", await run_in_threadpool(_page, request, ctx, notice=notice))
