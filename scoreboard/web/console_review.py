"""Console: one entry under review by the chief judge — every judge's marks side by side, the
flags and the derivation — and the chief judge's actions on it. With script, the page's socket
(``web.console_live``) sends the review again after each change of the entry (a sheet, a
deduction, a lock, a re-score request): the marks, flags, derivation, sheets and audit lines,
and the lock button's state; what is typed in the forms stays.

Actions, each one call of a service: a *re-score request* to one judge and a *deduction* with a
reason (``services.review``: the deduction is a sheet from the event's chief judge, stored with
its audit record in one transaction), *lock* or *reopen* the entry (``services.entries``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import TypeVar

from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from scoreboard import i18n
from scoreboard.competition import local_time
from scoreboard.errors import Problem, UserError
from scoreboard.i18n import gettext as _
from scoreboard.live.book import StandingsBook
from scoreboard.live.matrix import entry_result
from scoreboard.rubric import markers, scale
from scoreboard.rubric.names import named
from scoreboard.rubric.numbers import fixed, fmt
from scoreboard.rubric.score import Step
from scoreboard.rubric.sheet import Mark, Sheet, current
from scoreboard.store import progress
from scoreboard.store import sheets as store_sheets
from scoreboard.store.audit import audit_log
from scoreboard.store.engine import session
from scoreboard.web import auditview
from scoreboard.web.console_auth import Chrome, Ctx, chrome, field_text
from scoreboard.web.pages import STATE_LABELS
from scoreboard.web.templating import render

T = TypeVar("T", Problem, Step)


@dataclass(frozen=True)
class MarkRow:
    criterion: str
    marks: list[str]  # one per judge column
    result: str


@dataclass(frozen=True)
class Choice:
    key: str
    name: str


@dataclass(frozen=True)
class History:
    seq: int
    judge: str
    revision: int
    at: str
    reason: str
    deductions: str


@dataclass(frozen=True)
class Review:
    """What the page shows of the entry: all of it but the forms' fixed parts, and what its live
    socket (``web.console_live``) sends again after each change of the entry."""

    competition: str
    event: str
    event_name: str
    entry: str
    code: str
    title: str
    state_label: str
    locked: bool
    total: str
    judges: list[str]
    judge_totals: list[str]  # each judge's marks on the final score's scale, before deductions
    dropped: list[bool]
    rows: list[MarkRow]
    flags: list[str]
    steps: list[str]
    panel: list[Choice]
    rules: list[Choice]
    chief: str
    history: list[History]
    audit: list[auditview.Reading]
    counted_total: str = "—"  # the counted values on the same scale, before deductions
    deductions: str = ""  # what deductions take off ("" when nothing)
    rescore_judge: str = ""  # the re-score request's first choice: the judge who differs most
    time_zone: str = ""


@dataclass(frozen=True)
class ReviewPage:
    chrome: Chrome
    review: Review
    socket: str  # the page's live socket
    problems: list[str] = field(default_factory=list)
    notice: str = ""


def show(mark: Mark | None) -> str:
    if mark is None:
        return "—"
    if isinstance(mark, bool):
        return "✓" if mark else "✗"
    if isinstance(mark, tuple):
        return " / ".join(fmt(v) for v in mark)
    return fmt(mark)


def _deductions(s: Sheet, words: auditview.Names) -> str:
    return auditview.deductions_text(s.entry, [{"key": d.key, "amount": fmt(d.amount), "reason": d.reason}
                                               for d in s.deductions], words)


def review_of(engine: Engine, book: StandingsBook, c: str, e: str, key: str) -> Review:
    """The entry's review in the current language; ``LookupError`` for an unknown event or entry.
    Reads that entry's result from the book and its sheets from the store: never the event's."""
    found = entry_result(book, c, e, key)
    if found is None:
        raise LookupError(key)
    event, entry, r = found
    comp = book.book(c).competition
    locale = i18n.current()
    with session(engine) as s:
        sheets = store_sheets.sheets_of_entry(s, c, key)
        panel = progress.judges_of(s, c, e)
        chiefs = progress.judges_of(s, c, e, role="chief")
        locked, _revisions = progress.entry_progress(s, c, key)
        log = audit_log(s, subject=f"entry:{key}")
    latest = {x.judge: x for x in current(sheets)}
    judges = [j.key for j in panel] + [j for j in latest if j not in {p.key for p in panel}]
    rubric = event.rubric
    rows = [MarkRow(cr.name.get(locale), [show(latest[j].marks.get(cr.key)) if j in latest else "—" for j in judges],
                    "—" if r.criteria.get(cr.key) is None else fmt(r.criteria[cr.key] or Fraction(0), 2))
            for cr in rubric.criteria]
    names = {j.key: j.name for j in [*panel, *chiefs]}
    trainees = {j for j, roles in comp.roles_in(e).items() if not markers.counted(roles)}
    scaled = scale.on_final_scale(rubric, r, sheets, entry.attrs)
    counted = [x for x in sheets if x.judge not in trainees]  # a re-score goes to a judge whose marks count
    differs = scale.farthest(rubric, r, counted, scaled, [j.key for j in panel])

    def label(j: str) -> str:  # a trainee's marks are shown beside the panel's, to compare
        if j in trainees:
            return _("%(name)s (%(key)s, trainee)") % {"name": names.get(j, j), "key": j}
        return _("%(name)s (%(key)s)") % {"name": names.get(j, j), "key": j}
    state_key = "locked" if locked else str(r.state)
    words = auditview.Names(comp, locale)

    def said(item: T) -> T:
        return named(item, rubric, locale, names, _)

    return Review(
        c, e, event.name.get(locale), key, entry.code, entry.title, _(STATE_LABELS.get(state_key, state_key)), locked,
        "—" if r.shown is None else fixed(r.shown, r.decimals),
        [label(j) for j in judges],
        [fixed(scaled[j], r.decimals) if j in scaled else "—" for j in judges],
        [j in r.judge_totals and j not in r.kept_judges for j in judges], rows,
        [said(p).render(i18n.gettext) for p in r.flags], [said(x).render(i18n.gettext) for x in r.steps],
        [Choice(j.key, j.name) for j in panel], [Choice(d.key, d.name.get(locale)) for d in rubric.deductions],
        chiefs[0].key if chiefs else "",
        [History(x.seq, names.get(x.judge, x.judge), x.revision, local_time(x.at, comp.time_zone), x.reason,
                 _deductions(x, words)) for x in reversed(sheets)],
        [auditview.reading(a.id or 0, a.at, a.actor, a.action, a.subject, a.detail, a.reason, words)
         for a in reversed(log)],
        fixed(scaled[""], r.decimals) if "" in scaled else "—",
        "" if not r.deductions else "−" + fixed(r.deductions, r.decimals),
        differs if differs in {j.key for j in panel} else (panel[0].key if panel else ""), comp.time_zone)


def build(request: Request, ctx: Ctx, problems: list[str] | None = None, notice: str = "") -> ReviewPage:
    c, e, key = (request.path_params[k] for k in ("competition", "event", "entry"))
    try:
        found = request.state.book.book(c)
    except UserError:
        raise HTTPException(404, _("No such event.")) from None
    if e not in found.lookup.events:
        raise HTTPException(404, _("No such event."))
    try:
        review = review_of(request.state.engine, request.state.book, c, e, key)
    except LookupError:
        raise HTTPException(404, _("No such entry.")) from None
    socket = request.app.url_path_for("console_review_socket", competition=c, event=e, entry=key)
    return ReviewPage(chrome(ctx, c, found.competition.name.get(i18n.current()), "progress"), review,
                      f"{socket}?lang={i18n.current()}", problems or [], notice)


async def page(request: Request, ctx: Ctx) -> Response:
    return render(request, "console/review.html", await run_in_threadpool(build, request, ctx))


def _ensure(request: Request) -> None:
    """The entry exists and belongs to the path's event (a chief judge's scope is the event)."""
    c, e, key = (request.path_params[k] for k in ("competition", "event", "entry"))
    try:
        entry = request.state.book.book(c).lookup.entries.get(key)
    except UserError:
        entry = None
    if entry is None or entry.event != e:
        raise HTTPException(404, _("No such entry."))


async def _answer(request: Request, ctx: Ctx, problems: list[str], notice: str) -> Response:
    page = await run_in_threadpool(build, request, ctx, problems, "" if problems else notice)
    return render(request, "console/review.html", page, status_code=422 if problems else 200)


async def _refused(request: Request, ctx: Ctx, err: UserError) -> Response:
    return await _answer(request, ctx, [p.render(i18n.gettext) for p in err.problems], "")


async def rescore(request: Request, ctx: Ctx) -> Response:
    c, e, key = (request.path_params[k] for k in ("competition", "event", "entry"))
    await run_in_threadpool(_ensure, request)
    judge, reason = field_text(ctx.form, "judge", 64), field_text(ctx.form, "reason")
    try:
        await request.state.review.rescore(c, e, key, judge, reason, ctx.actor)
    except UserError as err:
        return await _refused(request, ctx, err)
    found = request.state.book.book(c).lookup.judges.get(judge)
    return await _answer(request, ctx, [], _("Judge %(judge)s was asked to re-score.") % {
        "judge": found.name if found else judge})


async def deduction(request: Request, ctx: Ctx) -> Response:
    c, e, key = (request.path_params[k] for k in ("competition", "event", "entry"))
    await run_in_threadpool(_ensure, request)
    rule, amount, reason = (field_text(ctx.form, k) for k in ("rule", "amount", "reason"))
    try:
        await request.state.review.deduct(c, e, key, rule, amount, reason, ctx.actor)
    except UserError as err:
        return await _refused(request, ctx, err)
    return await _answer(request, ctx, [], _("Deduction recorded."))


async def lock(request: Request, ctx: Ctx) -> Response:
    c, _e, key = (request.path_params[k] for k in ("competition", "event", "entry"))
    await run_in_threadpool(_ensure, request)
    locked, reason = ctx.form.get("locked") == "1", field_text(ctx.form, "reason")
    try:
        await request.state.entries.lock(c, key, locked, ctx.actor, reason)
    except UserError as err:
        return await _refused(request, ctx, err)
    return await _answer(request, ctx, [], _("Entry locked.") if locked else _("Entry reopened."))
