"""Console: a spreadsheet uploaded for an import, and the preview of what importing it would do.

Both imports (entrants, ``console_roster``; judges, ``console_judges``) take two steps. *Preview*:
the uploaded CSV or XLSX is read (``read_upload``) and checked (a plan: ``roster.plan_import`` or
``panel.plan_judges``); the page lists every row — ✗ with its problems, new, changed (and what
changes) or unchanged — and keeps the file's cells in a hidden field. *Import*: the cells come
back (``previewed``), are checked again against the competition as it is now and written through
the service in one transaction. The import button says how many rows it writes and stays disabled
while a row is bad, unless the organizer ticks "skip the bad rows" (``static/console.js`` enables
it; the server checks again): bad rows are never imported, and nothing is while any is bad
unless asked.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from scoreboard import i18n
from scoreboard.competition import Competition
from scoreboard.errors import N_, Problem, UserError
from scoreboard.i18n import gettext as _
from scoreboard.roster import CHANGED, NEW, UNCHANGED, read_table
from scoreboard.store import load as store_load
from scoreboard.store.engine import session
from scoreboard.texts import valid_unicode
from scoreboard.web.console_auth import Ctx, field_text
from scoreboard.web.console_downloads import XLSX, attachment

MAX_FILE = 5 * 1024 * 1024
FIELDS = {"title": N_("title"), "team": N_("team"), "contestants": N_("contestants"), "code": N_("blind code"),
          "attrs": N_("attributes"), "name": N_("name"), "events": N_("events marked"),
          "chief_of": N_("chief judge of")}


class PlanRow(Protocol):
    @property
    def number(self) -> int: ...
    @property
    def cells(self) -> tuple[str, ...]: ...
    @property
    def problems(self) -> tuple[Problem, ...]: ...
    @property
    def status(self) -> str: ...
    @property
    def changes(self) -> tuple[str, ...]: ...


class Plan(Protocol):
    @property
    def header(self) -> tuple[str, ...]: ...
    @property
    def rows(self) -> Sequence[PlanRow]: ...
    @property
    def problems(self) -> tuple[Problem, ...]: ...
    @property
    def bad(self) -> Sequence[PlanRow]: ...
    def count(self, status: str) -> int: ...
    @property
    def writes(self) -> int: ...


@dataclass(frozen=True)
class PreviewRow:
    number: int
    cells: list[str]
    problems: list[str]
    status: str  # "bad", or roster.NEW / CHANGED / UNCHANGED
    changes: str  # what a changed row changes, in words


@dataclass(frozen=True)
class Preview:
    filename: str
    header: list[str] = field(default_factory=list)
    rows: list[PreviewRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # about the whole file, or why the import was refused
    bad: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    writes: int = 0
    table_json: str = ""
    notes: list[str] = field(default_factory=list)  # e.g. the new teams the import makes


async def read_upload(ctx: Ctx) -> tuple[str, list[list[str]]]:
    """The uploaded file's name and cells; ``UserError`` when there is none, or it is too big or unreadable."""
    upload = ctx.form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise UserError.one("file_missing", N_("Choose a CSV or XLSX file."))
    data = await upload.read(MAX_FILE + 1)
    if len(data) > MAX_FILE:
        raise UserError.one("file_too_big", N_("The file is larger than 5 MB."), upload.filename)
    return upload.filename, await run_in_threadpool(read_table, upload.filename, data)


def previewed(ctx: Ctx) -> tuple[str, list[list[str]]] | None:
    """The preview's file name and cells as the page sent them back, or None if they are not rows
    of texts (anything else was tampered with). Run off the event loop: the text may be large."""
    try:
        table = json.loads(str(ctx.form.get("table") or "[]"))
    except (ValueError, RecursionError):
        return None
    if not isinstance(table, list) or not all(isinstance(r, list) and all(isinstance(x, str) and valid_unicode(x)
                                                                          for x in r) for r in table):
        return None
    return field_text(ctx.form, "filename", 200), table


def refusal(plan: Plan, skip: bool) -> str:
    """Why an import of ``plan`` is refused, or "" when it may go ahead."""
    if plan.problems or not plan.rows:
        return _("Nothing was imported.")
    if plan.bad and not skip:
        return _("Nothing was imported: %(n)s rows are bad. Fix them and upload the file again, or tick "
                 "“skip the bad rows”.") % {"n": len(plan.bad)}
    if not plan.writes:
        return _("Nothing was imported: every row is already as the file says.")
    return ""


def preview(plan: Plan, table: list[list[str]], filename: str, refused: Sequence[str] = (),
            notes: Sequence[str] = ()) -> Preview:
    rows = [PreviewRow(r.number, list(r.cells), [replace(p, place="").render(i18n.gettext) for p in r.problems],
                       "bad" if r.problems else r.status,
                       "、".join(_(FIELDS[c]) for c in r.changes) if i18n.current() == "zh_CN"
                       else ", ".join(_(FIELDS[c]) for c in r.changes))
            for r in plan.rows]  # the row's number is in its own column
    return Preview(filename, list(plan.header), rows, [p.render(i18n.gettext) for p in plan.problems] + list(refused),
                   len(plan.bad), plan.count(NEW), plan.count(CHANGED), plan.count(UNCHANGED), plan.writes,
                   json.dumps(table, ensure_ascii=False), list(notes))


def failed(error: UserError, filename: str = "") -> Preview:
    """The preview of a file that could not be read."""
    return Preview(filename, problems=[p.render(i18n.gettext) for p in error.problems])


def competition_of(request: Request, competition: str, withdrawn: bool = True) -> Competition:
    """The competition (withdrawn entries too, unless not ``withdrawn``); 404 if there is none."""
    with session(request.state.engine) as s:
        try:
            return store_load.load_competition(s, competition, withdrawn=withdrawn)
        except UserError:
            raise HTTPException(404, _("No such competition.")) from None


async def blank_file(request: Request, make: Callable[[Competition, str], bytes], name: str, plain: str) -> Response:
    """A blank file to fill in for an import (``exports.blanks``), in the console's language;
    ``name`` names it in that language, ``plain`` in ASCII."""
    c = request.path_params["competition"]
    comp = await run_in_threadpool(competition_of, request, c)
    data = await run_in_threadpool(make, comp, i18n.current())
    return attachment(data, XLSX, f"{c}-{name}.xlsx", f"{c}-{plain}.xlsx")
