"""Console: an event's live progress matrix, and moving the event's state.

Words: the *matrix* has a row per entry and a column per judge of the event's panel; a *cell*
is ``missing`` (no sheet yet), ``received`` (with the latest revision), ``flagged`` (received,
and the entry is flagged for the chief judge), ``locked`` (the entry is locked) or ``conflict``
(the judge's own team: never scored). A judge's *device* is ``online`` while a tablet of theirs
holds a socket open; the column also says when the device was last heard from and how many
sheets its outbox last reported waiting (``Console.devices``, from ``judges`` through
``create_app``). The page polls its matrix block every few seconds (htmx).

State changes go through ``services.events.EventService`` (checked against the move table,
stored, audited, then announced); the buttons offered are the moves ``states.moves`` allows
this account. A chief judge may close, lock and reopen their events; only an organizer opens a
draft or publishes. Reopening needs a reason; so does locking while entries are flagged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from scoreboard import i18n
from scoreboard.errors import Problem, UserError
from scoreboard.i18n import gettext as _
from scoreboard.rubric.numbers import fixed
from scoreboard.states import moves
from scoreboard.store import events as store_events
from scoreboard.store import progress
from scoreboard.store.engine import session
from scoreboard.web.console_auth import Chrome, Ctx, chrome, field_text
from scoreboard.web.console_views import Views, event_views
from scoreboard.web.pages import EVENT_STATES, STATE_LABELS
from scoreboard.web.templating import render

CELL_LABELS = {"missing": "—", "received": "✓", "flagged": "!", "locked": "🔒", "conflict": "×"}
POLL_SECONDS = 3


@dataclass(frozen=True)
class Column:
    key: str
    name: str
    online: bool
    waiting: int  # entries of the event this judge has not sent a sheet for
    seen: str = ""  # "last seen 12 s ago", translated
    outbox: int | None = None  # sheets the judge's tablet last said it has still to send
    outbox_label: str = ""


@dataclass(frozen=True)
class Cell:
    status: str
    revision: int


@dataclass(frozen=True)
class MatrixRow:
    key: str
    code: str
    title: str
    state: str
    state_label: str
    total: str
    cells: list[Cell]


@dataclass(frozen=True)
class ProgressPage:
    chrome: Chrome
    competition: str
    event: str
    event_name: str
    state: str
    state_label: str
    visibility: str
    columns: list[Column]
    rows: list[MatrixRow]
    counts: dict[str, int]
    actions: list[str]  # the states this account may move the event to now
    poll: int = POLL_SECONDS
    problems: list[str] = field(default_factory=list)
    notice: str = ""
    views: Views | None = None  # links to the event's public views (console_views)


def seen_label(last_seen: datetime | None, now: datetime) -> str:
    if last_seen is None:
        return _("never seen")
    ago = max(0, int((now - last_seen).total_seconds()))
    if ago < 60:
        return _("last seen %(n)s s ago") % {"n": ago}
    if ago < 3600:
        return _("last seen %(n)s min ago") % {"n": ago // 60}
    return _("last seen %(n)s h ago") % {"n": ago // 3600}


def outbox_label(waiting: int | None) -> str:
    if waiting is None:
        return ""
    if waiting == 0:
        return _("no sheets waiting")
    return _("1 sheet waiting") if waiting == 1 else _("%(n)s sheets waiting") % {"n": waiting}


def _columns(request: Request, competition: str, judges: list[tuple[str, str, int]], now: datetime) -> list[Column]:
    """A column per (key, name, entries to go) judge, with the devices of all of them read at once."""
    devices = request.state.console.devices
    if devices is None:  # no judges wired in: nothing known about devices
        return [Column(key, name, False, to_go) for key, name, to_go in judges]
    found = devices(competition, [key for key, _name, _to_go in judges])
    return [Column(key, name, d.online, to_go, seen_label(d.last_seen, now), d.waiting, outbox_label(d.waiting))
            for key, name, to_go in judges for d in (found[key],)]


def build(request: Request, ctx: Ctx, problems: list[str] | None = None, notice: str = "") -> ProgressPage:
    c, e = request.path_params["competition"], request.path_params["event"]
    try:
        event, state, standings = request.state.book.standings(c, e)
    except (KeyError, UserError):
        raise HTTPException(404, _("No such event.")) from None
    comp = request.state.book.book(c).competition
    with session(request.state.engine) as s:
        panel = progress.judges_of(s, c, e)
        got = progress.received(s, c, e)
        locked = progress.locked_entries(s, c)
        state = store_events.event_state(s, c, e)  # the store's, not the book's: the book reloads after the bus
    rows, counts = [], dict.fromkeys(CELL_LABELS, 0)
    for st in sorted(standings, key=lambda x: (x.entry.code or x.entry.key)):
        flagged = st.result.state == "flagged"
        cells = []
        for j in panel:
            rev = got.get((st.entry.key, j.key), 0)
            if j.team and j.team == st.entry.team:
                status = "conflict"
            elif st.entry.key in locked or state in ("locked", "published"):
                status = "locked"
            elif rev:
                status = "flagged" if flagged else "received"
            else:
                status = "missing"
            counts[status] += 1
            cells.append(Cell(status, rev))
        result = st.result
        state_key = "locked" if st.entry.key in locked or state in ("locked", "published") else str(result.state)
        rows.append(MatrixRow(st.entry.key, st.entry.code, st.entry.title, state_key,
                              _(STATE_LABELS.get(state_key, state_key)),
                              "—" if result.shown is None else fixed(result.shown, result.decimals), cells))
    now = datetime.now(UTC)
    columns = _columns(request, c, [(j.key, j.name, sum(1 for r in rows if r.cells[i].status == "missing"))
                                    for i, j in enumerate(panel)], now)
    return ProgressPage(chrome(ctx, c, comp.name.get(i18n.current()), "progress"), c, e,
                        event.name.get(i18n.current()), state, _(EVENT_STATES.get(state, state)), event.visibility,
                        columns, rows, counts, [str(m) for m in moves(state, ctx.account.is_organizer)], POLL_SECONDS,
                        problems or [], notice, event_views(request, comp, e, state, ctx.account.is_organizer))


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
    return problem.render(i18n.gettext)


async def move(request: Request, ctx: Ctx) -> Response:
    """Move the event to the posted state (``to``), with the posted reason."""
    c, e = request.path_params["competition"], request.path_params["event"]
    to, reason = field_text(ctx.form, "to", 16), field_text(ctx.form, "reason")
    await run_in_threadpool(_state, request, c, e)  # an unknown event: 404
    problems = []
    try:
        await request.state.events.set_state(c, e, to, ctx.actor, reason, organizer=ctx.account.is_organizer)
    except UserError as err:
        if err.code == "move_forbidden":
            raise HTTPException(403, _("Only an organizer may do this.")) from None
        problems = [refusal(p) for p in err.problems]
    notice = "" if problems else _("The event is now %(state)s.") % {"state": _(EVENT_STATES.get(to, to))}
    page = await run_in_threadpool(build, request, ctx, problems, notice)
    return render(request, "console/progress.html", page, status_code=422 if problems else 200)


def _state(request: Request, competition: str, event: str) -> str:
    with session(request.state.engine) as s:
        try:
            return store_events.event_state(s, competition, event)
        except UserError:
            raise HTTPException(404, _("No such event.")) from None
