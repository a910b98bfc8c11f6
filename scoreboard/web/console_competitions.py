"""Console: the competitions list, creating a competition, and a competition's overview.

A competition is created from a *competition file* (TOML, ``docs/competition.md``) uploaded
here, or from *presets*: a key and names, and the presets whose rubrics become its events. Both
go through ``parse_competition`` in ``services.roster``: a file with problems is refused with
every problem listed by its place, and nothing is written. The *overview* lists the events the
account may act on, with their state and progress and the buttons that move their state
(``console_events``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from scoreboard import i18n
from scoreboard.errors import UserError
from scoreboard.i18n import gettext as _
from scoreboard.rubric.load import load_preset, preset_names
from scoreboard.rubric.reader import read_toml
from scoreboard.rubric.trades import by_trade
from scoreboard.store import events as store_events
from scoreboard.store import load as store_load
from scoreboard.store import progress
from scoreboard.store.engine import session
from scoreboard.web.console_auth import Chrome, Ctx, chrome, field_text
from scoreboard.web.console_views import Views, competition_views
from scoreboard.web.pages import EVENT_STATES
from scoreboard.web.templating import render

MAX_FILE = 2 * 1024 * 1024


@dataclass(frozen=True)
class CompetitionLine:
    key: str
    name: str
    events: int


@dataclass(frozen=True)
class HomePage:
    chrome: Chrome
    competitions: list[CompetitionLine]


@dataclass(frozen=True)
class Preset:
    key: str
    name: str


@dataclass(frozen=True)
class PresetGroup:
    key: str
    name: str
    presets: list[Preset]


@dataclass(frozen=True)
class NewPage:
    chrome: Chrome
    presets: list[PresetGroup]
    problems: list[str] = field(default_factory=list)
    values: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class EventLine:
    key: str
    name: str
    state: str
    state_label: str
    visibility: str
    blind: bool
    entries: int
    scored: int
    flagged: int
    locked: int


@dataclass(frozen=True)
class OverviewPage:
    chrome: Chrome
    key: str
    name: str
    date: str
    venue: str
    teams: int
    contestants: int
    judges: int
    events: list[EventLine]
    notice: str = ""
    views: Views | None = None


def name_of(zh: str, en: str) -> str:
    return zh if i18n.current() == "zh_CN" else (en or zh)


async def home(request: Request, ctx: Ctx) -> Response:
    def build() -> list[CompetitionLine]:
        with session(request.state.engine) as s:
            rows = store_load.competitions(s)
            lines = []
            for key, zh, en in rows:
                if not ctx.account.is_organizer and not any(c == key for c, _e in ctx.account.scope):
                    continue
                lines.append(CompetitionLine(key, name_of(zh, en), len(store_events.event_states(s, key))))
            return lines

    return render(request, "console/home.html", HomePage(chrome(ctx), await run_in_threadpool(build)))


def _presets() -> list[PresetGroup]:
    """The shipped presets, grouped by trade (cooking, construction trades, …)."""
    return [PresetGroup(trade.key, _(trade.name), [Preset(n, load_preset(n).name.get(i18n.current())) for n in names])
            for trade, names in by_trade(preset_names())]


async def new(request: Request, ctx: Ctx) -> Response:
    return render(request, "console/new.html", NewPage(chrome(ctx, tab="new"), _presets()))


async def _refuse(request: Request, ctx: Ctx, error: UserError, values: dict[str, str]) -> Response:
    problems = [p.render(i18n.gettext) for p in error.problems]
    page = NewPage(chrome(ctx, tab="new"), _presets(), problems, values)
    return render(request, "console/new.html", page, status_code=422)


async def create_file(request: Request, ctx: Ctx) -> Response:
    upload = ctx.form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return await _refuse(request, ctx, UserError.one("file_missing", _("Choose a competition file.")), {})
    raw = await upload.read(MAX_FILE + 1)
    try:
        if len(raw) > MAX_FILE:
            raise UserError.one("file_too_big", _("The file is larger than 2 MB."), upload.filename)
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise UserError.one("file_encoding", _("The file is not UTF-8 text."), upload.filename) from None
        data = await run_in_threadpool(read_toml, upload.filename, text)  # off the event loop
        key = await request.state.roster.create(data, upload.filename, ctx.actor)
    except UserError as e:
        return await _refuse(request, ctx, e, {})
    return RedirectResponse(request.url_for("console_competition", competition=key).path, 303)


async def create_presets(request: Request, ctx: Ctx) -> Response:
    f = ctx.form
    values = {k: field_text(f, k, 200) for k in ("key", "name_zh", "name_en", "date", "venue", "time_zone")}
    chosen = [p for p in f.getlist("preset") if isinstance(p, str) and p in preset_names()]
    blind = f.get("blind") == "1"
    data: dict[str, Any] = {
        "competition": {"key": values["key"], "name": {"zh": values["name_zh"], "en": values["name_en"]
                                                       or values["name_zh"]},
                        "date": values["date"], "venue": values["venue"],
                        **({"time_zone": values["time_zone"]} if values["time_zone"] else {})},
        "events": [{"key": p, "name": {"zh": load_preset(p).name.zh, "en": load_preset(p).name.en},
                    "rubric": p, "blind": blind} for p in chosen],
    }
    try:
        if not chosen:
            raise UserError.one("presets_missing", _("Choose at least one preset."), "events")
        key = await request.state.roster.create(data, "console", ctx.actor)
    except UserError as e:
        return await _refuse(request, ctx, e, values)
    return RedirectResponse(request.url_for("console_competition", competition=key).path, 303)


def overview_page(request: Request, ctx: Ctx, key: str, notice: str = "") -> OverviewPage:
    book = request.state.book
    try:
        comp = book.book(key).competition  # the book's: read once, not on every request
    except UserError:
        raise HTTPException(404, _("No such competition.")) from None
    with session(request.state.engine) as s:
        locked = progress.locked_entries(s, key)
        states = store_events.event_states(s, key)  # the store's: the book catches up after the bus
    events = []
    for ev in comp.events:
        if not ctx.account.may_act_on(key, ev.key):
            continue
        summary = book.summary(key, ev.key)  # counted by the book: nothing is ranked per request
        state = states[ev.key]
        mine = comp.entries_of(ev.key)
        events.append(EventLine(
            ev.key, ev.name.get(i18n.current()), state, _(EVENT_STATES.get(state, state)), ev.visibility, ev.blind,
            len(mine), summary.scored, summary.flagged, sum(1 for x in mine if x.key in locked)))
    return OverviewPage(chrome(ctx, key, comp.name.get(i18n.current()), "overview"), key,
                        comp.name.get(i18n.current()), comp.date, comp.venue, len(comp.teams),
                        len(comp.contestants), len(comp.judges), events, notice,
                        competition_views(request, comp, states, ctx.account.is_organizer))


async def overview(request: Request, ctx: Ctx) -> Response:
    key = request.path_params["competition"]
    page = await run_in_threadpool(overview_page, request, ctx, key)
    return render(request, "console/overview.html", page)
