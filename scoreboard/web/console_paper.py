"""Console: paper sheets entered twice (纸质评分表双人录入) for an event judged on paper — the form a
clerk types a judge's sheet into, the sheets waiting for their second entry (which one, never
what the first clerk typed), and the sheets whose two entries differ, side by side, each with the
choice of the entry the paper shows. Each action is one call of ``services.paper.PaperService``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from scoreboard import i18n
from scoreboard.errors import UserError
from scoreboard.i18n import gettext as _
from scoreboard.rubric import markers
from scoreboard.rubric.model import Criterion
from scoreboard.rubric.names import said
from scoreboard.services.paper import Desk, Marks, PaperService, Typed, typed_deductions, typed_marks, whole
from scoreboard.store.sheets import exact
from scoreboard.web.console_auth import Chrome, Ctx, chrome, field_text
from scoreboard.web.templating import render


@dataclass(frozen=True)
class Option:
    key: str
    label: str


@dataclass(frozen=True)
class Box:
    """One criterion of the form: a number box, a level or yes/no to pick, or a measurement's readings."""

    key: str
    name: str
    kind: str
    hint: str
    options: list[Option] = field(default_factory=list)  # a level's or a yes/no's choices
    readings: int = 0  # a measurement's boxes


@dataclass(frozen=True)
class Deduction:
    """A deduction the paper may take: ticked, with its minutes or occurrences (``unit``) and a reason."""

    key: str
    name: str
    unit: str  # "" for a deduction of a fixed amount


@dataclass(frozen=True)
class Waiting:
    id: int
    entry: str
    judge: str
    entry_label: str
    judge_label: str
    first_by: str


@dataclass(frozen=True)
class Difference:
    criterion: str
    first: str
    second: str
    differs: bool


@dataclass(frozen=True)
class Differing:
    id: int
    entry_label: str
    judge_label: str
    first_by: str
    second_by: str
    rows: list[Difference]


@dataclass(frozen=True)
class PaperPage:
    chrome: Chrome
    competition: str
    event: str
    event_name: str
    entries: list[Option]
    judges: list[Option]
    boxes: list[Box]
    deductions: list[Deduction]
    waiting: list[Waiting]
    differing: list[Differing]
    chosen_entry: str = ""
    chosen_judge: str = ""
    problems: list[str] = field(default_factory=list)
    notice: str = ""
    typed: dict[str, str] = field(default_factory=dict)  # a refused entry's boxes as typed, to fix, not retype


def _box(c: Criterion) -> Box:
    locale = i18n.current()
    if c.kind == "judgement":
        return Box(c.key, c.name.get(locale), c.kind, "", [Option(str(n), f"{n} · {level.get(locale)}")
                                                            for n, level in enumerate(c.levels)])
    if c.kind == "check":
        return Box(c.key, c.name.get(locale), c.kind, "", [Option("yes", _("yes")), Option("no", _("no"))])
    if c.kind == "measurement" and c.measure is not None:
        return Box(c.key, c.name.get(locale), c.kind, c.measure.unit, readings=c.measure.points)
    hint = f"{exact(c.min)}–{exact(c.max)}" + (f" · {exact(c.step)}" if c.step else "")
    return Box(c.key, c.name.get(locale), c.kind, hint)


def _shown(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, list):
        return " / ".join(str(v) for v in value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def _view(request: Request, ctx: Ctx, desk: Desk, problems: list[str] | None = None, notice: str = "",
          entry: str = "", judge: str = "", typed: dict[str, str] | None = None) -> PaperPage:
    c = request.path_params["competition"]
    comp = request.state.book.book(c).competition
    locale = i18n.current()
    blind = desk.event.blind
    entries = {e.key: " ".join(x for x in (e.code or e.key, "" if blind else e.title) if x) for e in desk.entries}
    judges = {j.key: j.name for j in desk.judges}
    names = {j.key: j.name for j in comp.judges}
    criteria = [x for x in desk.event.rubric.criteria if x.markers != markers.CLERK]

    def who(actor: str) -> str:
        return actor.partition(":")[2] or actor

    rules = desk.event.rubric.deductions

    def taken(typed: Typed | None, key: str) -> str:
        found = next((d for d in (typed or {}).get("deductions", []) if d.get("key") == key), None)
        if found is None:
            return "—"
        amount = found.get("minutes", found.get("count", ""))
        return " ".join(str(x) for x in (amount, found.get("reason", "")) if x != "") or _("yes")

    def rows(first: Typed, second: Typed | None) -> list[Difference]:
        a, b = first.get("marks", {}), (second or {}).get("marks", {})
        out = [Difference(x.name.get(locale), _shown(a.get(x.key)), _shown(b.get(x.key)), a.get(x.key) != b.get(x.key))
               for x in criteria if x.key in a or x.key in b]
        for r in rules:
            one, two = taken(first, r.key), taken(second, r.key)
            if one != "—" or two != "—":
                out.append(Difference(_("Deduction: %(name)s") % {"name": r.name.get(locale)}, one, two, one != two))
        return out

    waiting = [Waiting(p.id, p.entry, p.judge, entries.get(p.entry, p.entry), names.get(p.judge, p.judge),
                       who(p.first_by)) for p in desk.open if p.state == "waiting"]
    differing = [Differing(p.id, entries.get(p.entry, p.entry), names.get(p.judge, p.judge), who(p.first_by),
                           who(p.second_by), rows(p.first, p.second))
                 for p in desk.open if p.state == "differs"]
    units = {"per_minute": _("minutes"), "per_occurrence": _("times")}
    deductions = [Deduction(r.key, r.name.get(locale), units.get(str(r.kind), "")) for r in rules]
    return PaperPage(chrome(ctx, c, comp.name.get(locale), "progress"), c, desk.event.key,
                     desk.event.name.get(locale), [Option(k, v) for k, v in entries.items()],
                     [Option(k, v) for k, v in judges.items()], [_box(x) for x in criteria], deductions, waiting,
                     differing,
                     entry, judge, problems or [], notice, typed or {})


def _desk(request: Request) -> Desk:
    service: PaperService = request.state.paper
    try:
        return service.read(request.path_params["competition"], request.path_params["event"])
    except KeyError:
        raise HTTPException(404, _("No such event.")) from None


async def page(request: Request, ctx: Ctx) -> Response:
    desk = await run_in_threadpool(_desk, request)
    entry, judge = request.query_params.get("entry", "")[:64], request.query_params.get("judge", "")[:64]
    return render(request, "console/paper.html", await run_in_threadpool(_view, request, ctx, desk, None, "",
                                                                          entry, judge))


def _marks(form: FormData, desk: Desk) -> Marks:
    boxes = {x.key: field_text(form, f"c:{x.key}", 32) for x in desk.event.rubric.criteria}
    readings = {x.key: [field_text(form, f"m:{x.key}:{i}", 32) for i in range(x.measure.points)]
                for x in desk.event.rubric.criteria if x.kind == "measurement" and x.measure is not None}
    return typed_marks(boxes, desk.event, readings)


def _deductions(form: FormData, desk: Desk) -> list[dict[str, object]]:
    fields = {}
    for r in desk.event.rubric.deductions:
        for name, limit in ((f"d:{r.key}", 8), (f"d:{r.key}:amount", 16), (f"d:{r.key}:reason", 500)):
            fields[name] = field_text(form, name, limit)
    return typed_deductions(fields, desk.event)


async def _answer(request: Request, ctx: Ctx, problems: list[str], notice: str, status: int = 200,
                  entry: str = "", judge: str = "", typed: dict[str, str] | None = None) -> Response:
    desk = await run_in_threadpool(_desk, request)
    view = await run_in_threadpool(_view, request, ctx, desk, problems, notice, entry, judge, typed)
    return render(request, "console/paper.html", view, status_code=status)


async def enter(request: Request, ctx: Ctx) -> Response:
    c, e = request.path_params["competition"], request.path_params["event"]
    desk = await run_in_threadpool(_desk, request)
    entry, judge = field_text(ctx.form, "entry", 64), field_text(ctx.form, "judge", 64)
    service: PaperService = request.state.paper
    try:
        outcome = await service.enter(c, e, entry, judge, _marks(ctx.form, desk), ctx.actor,
                                      _deductions(ctx.form, desk))
    except UserError as err:
        shown = said(err.problems, desk.event.rubric, i18n.current(), i18n.gettext)
        typed = {k: field_text(ctx.form, k) for k in ctx.form if k.startswith(("c:", "m:", "d:"))}
        return await _answer(request, ctx, shown, "", 422, entry, judge, typed)
    notice = {"waiting": _("Kept. It counts once another clerk has typed the same sheet again."),
              "agreed": _("Both entries agree: the sheet counts now."),
              "differs": _("The two entries differ: look at the paper sheet and take the right one below.")}[outcome]
    return await _answer(request, ctx, [], notice)


async def resolve(request: Request, ctx: Ctx) -> Response:
    c, e = request.path_params["competition"], request.path_params["event"]
    raw = request.path_params["paper"]
    service: PaperService = request.state.paper
    try:
        number = whole(raw)
        await service.resolve(c, e, number if isinstance(number, int) else -1, field_text(ctx.form, "choice", 16),
                              ctx.actor)
    except UserError as err:
        desk = await run_in_threadpool(_desk, request)
        return await _answer(request, ctx, said(err.problems, desk.event.rubric, i18n.current(), i18n.gettext),
                             "", 422)
    return await _answer(request, ctx, [], _("Resolved: the sheet counts now."))
