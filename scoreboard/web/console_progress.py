"""Console: an event's live progress matrix, and moving the event's state.

Words (see ``live.matrix``): the *matrix* has a row per entry and a column per judge of the
event's panel; a cell is missing, received, flagged, locked or conflict (the judge's own team).
Each judge's column *header* is compact — a dot (online or not) and the name, then short chips:
the entries still to go, when the device was last seen while it is offline (ticking in the
browser), and the sheets waiting in the tablet's outbox when there are some — with the whole of it
in the header's tooltip. A judge's *device* comes from ``Console.devices`` (``judges``, through
``create_app``). The page is whole without script; with it, the page's socket
(``web.console_live``) keeps the matrix, the event's state and its moves current.

State changes go through ``services.events.EventService`` (checked against the move table,
stored, audited, then announced); the buttons offered are the moves ``states.moves`` allows
this account. A chief judge may close, lock and reopen their events; only an organizer opens a
draft or publishes. Reopening needs a reason; so does locking while entries are flagged; locking
waits for every entry to be complete, or accepted with fewer judges by an organizer on this page
(``console_decisions``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from scoreboard import i18n
from scoreboard.errors import Problem, UserError
from scoreboard.i18n import gettext as _
from scoreboard.live.matrix import Cell, Device, Matrix, Row, devices_of, load_matrix
from scoreboard.rubric import markers
from scoreboard.states import moves
from scoreboard.store import events as store_events
from scoreboard.store.engine import session
from scoreboard.store.progress import PanelJudge
from scoreboard.web.console_auth import Chrome, Ctx, chrome, field_text
from scoreboard.web.console_decisions import Decisions, decisions, reasons_of
from scoreboard.web.console_views import Views, event_views
from scoreboard.web.pages import EVENT_STATES, STATE_LABELS
from scoreboard.web.templating import render

SYMBOLS = {"missing": "—", "received": "✓", "flagged": "!", "locked": "■", "conflict": "×"}


@dataclass(frozen=True)
class Column:
    key: str
    name: str
    online: bool
    waiting: int  # entries of the event this judge has not sent a sheet for
    seen: str = ""  # offline: "last seen 12 min ago" or "never seen", translated; "" online or unknown
    ago: int | None = None  # offline: seconds since the last frame heard (the browser ticks it on)
    outbox: int | None = None  # sheets the judge's tablet last said it has still to send
    outbox_label: str = ""
    title: str = ""  # the header's tooltip: every detail in words


@dataclass(frozen=True)
class MatrixRow:
    key: str
    code: str
    title: str
    state: str
    state_label: str
    total: str
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class MatrixView:
    """The matrix block, the same for the page and for a socket's full frame."""

    href: str  # the event's console path; a row links to href/entry/KEY
    columns: list[Column]
    rows: list[MatrixRow]
    counts: dict[str, int]
    seen: dict[str, str]  # "s", "min", "h": the offline labels with "{n}", for the browser's ticking
    labels: dict[str, str]  # a cell's status in words, translated once per render
    symbols: dict[str, str] = field(default_factory=lambda: SYMBOLS)


@dataclass(frozen=True)
class ProgressPage:
    chrome: Chrome
    competition: str
    event: str
    event_name: str
    state: str
    state_label: str
    visibility: str
    matrix: MatrixView
    actions: list[str]  # the states this account may move the event to now
    socket: str  # the page's live socket (``web.console_live``)
    problems: list[str] = field(default_factory=list)
    notice: str = ""
    views: Views | None = None  # links to the event's public views (console_views)
    decide: Decisions | None = None  # the entries short of judges, before locking
    clerk: bool = False  # the rubric has criteria the clerk enters (the organizer's 录分 page)


def seen_label(last_seen: datetime | None, now: datetime) -> str:
    if last_seen is None:
        return _("never seen")
    ago = max(0, int((now - last_seen).total_seconds()))
    if ago < 60:
        return _("last seen %(n)s s ago") % {"n": ago}
    if ago < 3600:
        return _("last seen %(n)s min ago") % {"n": ago // 60}
    return _("last seen %(n)s h ago") % {"n": ago // 3600}


def cell_labels() -> dict[str, str]:
    return {"missing": _("missing"), "received": _("received"), "flagged": _("flagged"), "locked": _("locked"),
            "conflict": _("own team: not scored")}


def seen_formats() -> dict[str, str]:
    return {"s": _("last seen %(n)s s ago") % {"n": "{n}"}, "min": _("last seen %(n)s min ago") % {"n": "{n}"},
            "h": _("last seen %(n)s h ago") % {"n": "{n}"}}


def outbox_label(waiting: int | None) -> str:
    if waiting is None:
        return ""
    if waiting == 0:
        return _("no sheets waiting")
    return _("1 sheet waiting") if waiting == 1 else _("%(n)s sheets waiting") % {"n": waiting}


def column(judge: PanelJudge, to_go: int, device: Device | None, now: datetime) -> Column:
    """A judge's header: ``device`` None when nothing is known of devices (no judges wired in)."""
    if device is None:
        return Column(judge.key, judge.name, False, to_go, title=judge.name)
    online = device.online
    seen = "" if online else seen_label(device.last_seen, now)
    ago = None if online or device.last_seen is None else max(0, int((now - device.last_seen).total_seconds()))
    title = " · ".join(x for x in (judge.name, _("online") if online else _("offline"), outbox_label(device.waiting))
                       if x)  # not when last seen: the tooltip would not tick on
    return Column(judge.key, judge.name, online, to_go, seen, ago, device.waiting, outbox_label(device.waiting), title)


def matrix_row(row: Row) -> MatrixRow:
    return MatrixRow(row.key, row.code, row.title, row.state, _(STATE_LABELS.get(row.state, row.state)), row.total,
                     row.cells)


def columns(matrix: Matrix, devices: Mapping[str, Device], known: bool, now: datetime,
            only: list[str] | None = None) -> list[Column]:
    """The headers of the judges ``only`` (all, by default); ``known``: devices are wired in."""
    return [column(j, matrix.to_go[j.key], devices.get(j.key, Device()) if known else None, now)
            for j in matrix.panel if only is None or j.key in only]


def matrix_view(matrix: Matrix, devices: Mapping[str, Device], known: bool, href: str) -> MatrixView:
    return MatrixView(href, columns(matrix, devices, known, datetime.now(UTC)),
                      [matrix_row(r) for r in matrix.rows.values()], dict(matrix.counts), seen_formats(), cell_labels())


def build(request: Request, ctx: Ctx, problems: list[str] | None = None, notice: str = "",
          deciding: bool = False) -> ProgressPage:
    """``deciding``: list the entries short of judges while open too (a lock was refused for them)."""
    c, e = request.path_params["competition"], request.path_params["event"]
    book = request.state.book
    try:
        matrix = load_matrix(request.state.engine, book, c, e)
        comp = book.book(c).competition
        event = book.book(c).lookup.events[e]
    except (KeyError, UserError):
        raise HTTPException(404, _("No such event.")) from None
    read = request.state.console.devices
    devices = devices_of(read, c, [j.key for j in matrix.panel])
    href = request.app.url_path_for("console_event", competition=c, event=e)
    socket = request.app.url_path_for("console_socket", competition=c, event=e)
    _event, _state, standings = book.standings(c, e)
    decide = decisions(event, matrix.state, standings, reasons_of(request.state.engine, c, comp.entries_of(e)),
                       ctx.account.is_organizer, deciding)
    return ProgressPage(chrome(ctx, c, comp.name.get(i18n.current()), "progress"), c, e,
                        event.name.get(i18n.current()), matrix.state, _(EVENT_STATES.get(matrix.state, matrix.state)),
                        event.visibility, matrix_view(matrix, devices, read is not None, str(href)),
                        [str(m) for m in moves(matrix.state, ctx.account.is_organizer)],
                        f"{socket}?lang={i18n.current()}", problems or [], notice,
                        event_views(request, comp, e, matrix.state, ctx.account.is_organizer), decide,
                        ctx.account.is_organizer and any(c.markers == markers.CLERK for c in event.rubric.criteria))


async def page(request: Request, ctx: Ctx) -> Response:
    return render(request, "console/progress.html", await run_in_threadpool(build, request, ctx), block="matrix")


def refusal(problem: Problem) -> str:
    """A refused move in the console's words, with the states' translated names."""
    if problem.code == "move_impossible":
        current, to = str(problem.params["from_"]), str(problem.params["to"])
        return _("The event cannot go from %(from)s to %(to)s.") % {
            "from": _(EVENT_STATES.get(current, current)), "to": _(EVENT_STATES.get(to, to))}
    if problem.code == "reason_missing":
        return _("Give a reason for reopening.")
    if problem.code == "entries_flagged":
        return _("Entries %(entries)s are flagged: resolve them, or give a reason to lock anyway.") % dict(
            problem.params)
    if problem.code == "entries_incomplete":
        return _("Entries %(entries)s do not have every judge's marks yet. Before locking, decide for each below: "
                 "accept it with fewer judges, or wait for its sheets.") % dict(problem.params)
    return problem.render(i18n.gettext)


async def accept(request: Request, ctx: Ctx) -> Response:
    """Accept the entry with fewer judges (``accept=1``) or withdraw that (``accept=0``), with the
    posted reason; the progress page again, with what was done or why not."""
    c, e, key = request.path_params["competition"], request.path_params["event"], request.path_params["entry"]
    on, reason = ctx.form.get("accept") != "0", field_text(ctx.form, "reason")
    await run_in_threadpool(_state, request, c, e)  # an unknown event: 404
    problems = []
    try:
        await request.state.entries.accept(c, key, on, ctx.actor, reason)
    except UserError as err:
        problems = [refusal(p) for p in err.problems]
    entry = request.state.book.lookup(c).entries.get(key)
    code = (entry.code or entry.key) if entry else key
    notice = "" if problems else (
        _("Entry %(entry)s accepted with fewer judges: it counts as complete.") % {"entry": code} if on
        else _("Entry %(entry)s is no longer accepted: it waits for its judges again.") % {"entry": code})
    page = await run_in_threadpool(build, request, ctx, problems, notice, True)
    return render(request, "console/progress.html", page, status_code=422 if problems else 200)


async def move(request: Request, ctx: Ctx) -> Response:
    """Move the event to the posted state (``to``), with the posted reason."""
    c, e = request.path_params["competition"], request.path_params["event"]
    to, reason = field_text(ctx.form, "to", 16), field_text(ctx.form, "reason")
    await run_in_threadpool(_state, request, c, e)  # an unknown event: 404
    problems, deciding = [], False
    try:
        await request.state.events.set_state(c, e, to, ctx.actor, reason, organizer=ctx.account.is_organizer)
    except UserError as err:
        if err.code == "move_forbidden":
            raise HTTPException(403, _("Only an organizer may do this.")) from None
        problems, deciding = [refusal(p) for p in err.problems], err.code == "entries_incomplete"
    notice = "" if problems else _("The event is now %(state)s.") % {"state": _(EVENT_STATES.get(to, to))}
    page = await run_in_threadpool(build, request, ctx, problems, notice, deciding)
    return render(request, "console/progress.html", page, status_code=422 if problems else 200)


def _state(request: Request, competition: str, event: str) -> str:
    with session(request.state.engine) as s:
        try:
            return store_events.event_state(s, competition, event)
        except UserError:
            raise HTTPException(404, _("No such event.")) from None
