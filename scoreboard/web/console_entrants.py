"""Console: the roster — every entry (by event), contestant and team, and correcting them: edit,
delete while unscored, withdraw an entry (退赛, with a reason) and reinstate it.

Each form is one call of the roster service (``services.roster``), which checks, stores, audits,
commits and announces the change; the page shows the roster again with what was done, or what was
refused and why. A withdrawn entry stays on this page (marked, with its reason) and nowhere public.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from scoreboard import i18n
from scoreboard.competition import Competition
from scoreboard.errors import N_, UserError
from scoreboard.i18n import gettext as _
from scoreboard.roster import attributes, entry_noun, split_names
from scoreboard.rubric.numbers import number
from scoreboard.services.roster import RosterService
from scoreboard.store.corrections import roster_state
from scoreboard.store.engine import session
from scoreboard.web.console_auth import Chrome, Ctx, chrome, field_text
from scoreboard.web.templating import render
from scoreboard.web.uploads import competition_of


@dataclass(frozen=True)
class Choice:
    key: str
    name: str


@dataclass(frozen=True)
class EntryLine:
    key: str
    code: str
    title: str
    team: str
    contestants: str
    sheets: int
    withdrawn: bool
    reason: str


@dataclass(frozen=True)
class EventGroup:
    key: str
    name: str
    entries: list[EntryLine]


@dataclass(frozen=True)
class PersonLine:
    key: str
    name: str
    team: str
    age: int | None
    gender: str
    entries: int
    scored: bool


@dataclass(frozen=True)
class TeamLine:
    key: str
    name: str
    name_en: str
    entries: int
    contestants: int
    scored: bool


@dataclass(frozen=True)
class RosterPage:
    chrome: Chrome
    noun: str  # roster.entry_noun: "dish" or "work"
    events: list[EventGroup]
    contestants: list[PersonLine]
    teams: list[TeamLine]
    problems: list[str] = field(default_factory=list)
    notice: str = ""


@dataclass(frozen=True)
class Attr:
    name: str
    value: str

    @property
    def label(self) -> str:
        """What the form calls it: the shipped presets' attributes by name, any other by its key."""
        return _(ATTRIBUTE_LABELS[self.name]) if self.name in ATTRIBUTE_LABELS else self.name


ATTRIBUTE_LABELS = {"time_used": N_("Time used (minutes)"), "difficulty": N_("Degree of difficulty")}


@dataclass(frozen=True)
class EditPage:
    """The form of one entry, contestant or team (``kind``); ``values`` are the fields' current values."""

    chrome: Chrome
    kind: str  # "entry", "contestant" or "team"
    key: str
    values: dict[str, str]
    teams: list[Choice]
    attrs: list[Attr] = field(default_factory=list)
    event: str = ""
    problems: list[str] = field(default_factory=list)


def _roster(request: Request, ctx: Ctx, problems: list[str] | None = None, notice: str = "") -> RosterPage:
    c = request.path_params["competition"]
    comp = competition_of(request, c)
    with session(request.state.engine) as s:
        sheets, withdrawn = roster_state(s, c)
    locale = i18n.current()
    teams = {t.key: t.name.get(locale) for t in comp.teams}
    names = {p.key: p.name for p in comp.contestants}
    sep = "、" if locale == "zh_CN" else ", "
    groups = [EventGroup(e.key, e.name.get(locale), [
        EntryLine(x.key, x.code, x.title, teams.get(x.team, ""), sep.join(names.get(k, k) for k in x.contestants),
                  sheets.get(x.key, 0), x.key in withdrawn, withdrawn.get(x.key, ""))
        for x in comp.entries_of(e.key)]) for e in comp.events]
    people = [PersonLine(p.key, p.name, teams.get(p.team, ""), p.age, p.gender or "",
                         sum(1 for x in comp.entries if p.key in x.contestants),
                         any(sheets.get(x.key) for x in comp.entries if p.key in x.contestants))
              for p in comp.contestants]
    team_lines = [TeamLine(t.key, t.name.zh, t.name.en, sum(1 for x in comp.entries if x.team == t.key),
                           sum(1 for p in comp.contestants if p.team == t.key),
                           any(sheets.get(x.key) for x in comp.entries if x.team == t.key)) for t in comp.teams]
    return RosterPage(chrome(ctx, c, comp.name.get(locale), "roster"), entry_noun(comp), groups, people, team_lines,
                      problems or [], notice)


async def page(request: Request, ctx: Ctx) -> Response:
    return render(request, "console/roster.html", await run_in_threadpool(_roster, request, ctx))


async def _after(request: Request, ctx: Ctx, write: Awaitable[None], notice: str,
                 form: EditPage | None = None) -> Response:
    """The roster with ``notice`` once ``write`` is done; what was refused (on ``form``, if the
    write came from an edit form) otherwise."""
    try:
        await write
    except UserError as e:
        problems = [replace(p, place="").render(i18n.gettext) for p in e.problems]  # each says what it is about
        if form is not None:
            return render(request, "console/roster_edit.html",
                          EditPage(form.chrome, form.kind, form.key, form.values, form.teams, form.attrs, form.event,
                                   problems), status_code=422)
        return render(request, "console/roster.html", await run_in_threadpool(_roster, request, ctx, problems),
                      status_code=422)
    return render(request, "console/roster.html", await run_in_threadpool(_roster, request, ctx, None, notice))


async def _edit(request: Request, ctx: Ctx, form: Callable[[Ctx, Competition, str], EditPage], param: str) -> Response:
    comp = await run_in_threadpool(competition_of, request, request.path_params["competition"])
    return render(request, "console/roster_edit.html", form(ctx, comp, request.path_params[param]))


def _service(request: Request) -> RosterService:
    service: RosterService = request.state.roster
    return service


def _entry_form(ctx: Ctx, comp: Competition, key: str, values: dict[str, str] | None = None,
                attrs: dict[str, str] | None = None) -> EditPage:
    entry = next((x for x in comp.entries if x.key == key), None)
    if entry is None:
        raise HTTPException(404, _("No such entry."))
    locale = i18n.current()
    names = {p.key: p.name for p in comp.contestants}
    event = comp.event(entry.event)
    assert event is not None
    current = {"title": entry.title, "code": entry.code, "team": entry.team,
               "contestants": "、".join(names.get(k, k) for k in entry.contestants)}
    wanted = list(dict.fromkeys([*attributes(event.rubric), *entry.attrs]))
    shown = [Attr(a, (attrs or {}).get(a, str(entry.attrs.get(a, "")))) for a in wanted]
    return EditPage(chrome(ctx, comp.key, comp.name.get(locale), "roster"), "entry", key, values or current,
                    [Choice(t.key, t.name.get(locale)) for t in comp.teams], shown, event.name.get(locale))


async def edit_entry(request: Request, ctx: Ctx) -> Response:
    return await _edit(request, ctx, _entry_form, "entry")


async def save_entry(request: Request, ctx: Ctx) -> Response:
    c, key, f = request.path_params["competition"], request.path_params["entry"], ctx.form
    comp = await run_in_threadpool(competition_of, request, c)
    values = {k: field_text(f, k, 2000) for k in ("title", "code", "team", "contestants")}
    sent = {str(k)[5:]: str(v).strip() for k, v in f.multi_items() if str(k).startswith("attr:")}
    form = _entry_form(ctx, comp, key, values, sent)
    attrs: dict[str, float | None] = {}
    for a in form.attrs:
        value = number(sent.get(a.name, "")) if sent.get(a.name) else None
        if sent.get(a.name) and value is None:
            problem = _("%(name)s must be a number") % {"name": a.name}
            return render(request, "console/roster_edit.html",
                          EditPage(form.chrome, "entry", key, values, form.teams, form.attrs, form.event, [problem]),
                          status_code=422)
        attrs[a.name] = None if value is None else float(value)
    write = _service(request).edit_entry(c, key, values["title"], values["code"], values["team"],
                                         split_names(values["contestants"]), attrs, ctx.actor)
    return await _after(request, ctx, write, _("Entry %(key)s saved.") % {"key": key}, form)


async def delete_entry(request: Request, ctx: Ctx) -> Response:
    c, key = request.path_params["competition"], request.path_params["entry"]
    return await _after(request, ctx, _service(request).delete_entry(c, key, ctx.actor),
                        _("Entry %(key)s deleted.") % {"key": key})


async def withdraw_entry(request: Request, ctx: Ctx) -> Response:
    c, key = request.path_params["competition"], request.path_params["entry"]
    reason = field_text(ctx.form, "reason", 1000)
    return await _after(request, ctx, _service(request).withdraw_entry(c, key, True, reason, ctx.actor),
                        _("Entry %(key)s withdrawn: it is no longer ranked or shown in public.") % {"key": key})


async def reinstate_entry(request: Request, ctx: Ctx) -> Response:
    c, key = request.path_params["competition"], request.path_params["entry"]
    reason = field_text(ctx.form, "reason", 1000)
    return await _after(request, ctx, _service(request).withdraw_entry(c, key, False, reason, ctx.actor),
                        _("Entry %(key)s reinstated: it is ranked again.") % {"key": key})


def _person_form(ctx: Ctx, comp: Competition, key: str, values: dict[str, str] | None = None) -> EditPage:
    person = next((p for p in comp.contestants if p.key == key), None)
    if person is None:
        raise HTTPException(404, _("No such contestant."))
    locale = i18n.current()
    current = {"name": person.name, "team": person.team, "age": "" if person.age is None else str(person.age),
               "gender": person.gender or ""}
    return EditPage(chrome(ctx, comp.key, comp.name.get(locale), "roster"), "contestant", key, values or current,
                    [Choice(t.key, t.name.get(locale)) for t in comp.teams])


async def edit_contestant(request: Request, ctx: Ctx) -> Response:
    return await _edit(request, ctx, _person_form, "contestant")


async def save_contestant(request: Request, ctx: Ctx) -> Response:
    c, key, f = request.path_params["competition"], request.path_params["contestant"], ctx.form
    comp = await run_in_threadpool(competition_of, request, c)
    values = {k: field_text(f, k, 200) for k in ("name", "team", "age", "gender")}
    form = _person_form(ctx, comp, key, values)
    age = values["age"]
    if age and not (age.isascii() and age.isdigit() and len(age) <= 3):
        return render(request, "console/roster_edit.html",
                      EditPage(form.chrome, "contestant", key, values, form.teams,
                               problems=[_("The age must be a whole number.")]), status_code=422)
    write = _service(request).edit_contestant(c, key, values["name"], values["team"], int(age) if age else None,
                                              values["gender"] or None, ctx.actor)
    return await _after(request, ctx, write, _("Contestant %(name)s saved.") % {"name": values["name"]}, form)


async def delete_contestant(request: Request, ctx: Ctx) -> Response:
    c, key = request.path_params["competition"], request.path_params["contestant"]
    return await _after(request, ctx, _service(request).delete_contestant(c, key, ctx.actor),
                        _("Contestant deleted."))


def _team_form(ctx: Ctx, comp: Competition, key: str, values: dict[str, str] | None = None) -> EditPage:
    team = next((t for t in comp.teams if t.key == key), None)
    if team is None:
        raise HTTPException(404, _("No such team."))
    return EditPage(chrome(ctx, comp.key, comp.name.get(i18n.current()), "roster"), "team", key,
                    values or {"name_zh": team.name.zh, "name_en": team.name.en}, [])


async def edit_team(request: Request, ctx: Ctx) -> Response:
    return await _edit(request, ctx, _team_form, "team")


async def save_team(request: Request, ctx: Ctx) -> Response:
    c, key, f = request.path_params["competition"], request.path_params["team"], ctx.form
    comp = await run_in_threadpool(competition_of, request, c)
    values = {k: field_text(f, k, 300) for k in ("name_zh", "name_en")}
    form = _team_form(ctx, comp, key, values)
    write = _service(request).edit_team(c, key, values["name_zh"], values["name_en"], ctx.actor)
    return await _after(request, ctx, write, _("Team %(name)s saved.") % {"name": values["name_zh"]}, form)


async def delete_team(request: Request, ctx: Ctx) -> Response:
    c, key = request.path_params["competition"], request.path_params["team"]
    return await _after(request, ctx, _service(request).delete_team(c, key, ctx.actor), _("Team deleted."))
