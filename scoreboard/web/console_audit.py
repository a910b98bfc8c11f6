"""Console: the audit log of a competition — who did what, to what, when and why — in the page's
language (``auditview``: names, blind codes, sentences, local time in the competition's time
zone), filterable by action and by what it concerns: an entry's blind code, key or title, a
judge's name or key, an event's name or key (a judge's own actions too), or a stored subject
prefix such as ``entry:`` (every entry). The newest rows come first, at most ``LIMIT`` of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, or_
from sqlmodel import col, select
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from scoreboard import i18n
from scoreboard.competition import Competition
from scoreboard.store import load as store_load
from scoreboard.store import tables as db
from scoreboard.store.engine import session
from scoreboard.web import auditview
from scoreboard.web.console_auth import Chrome, Ctx, chrome
from scoreboard.web.templating import render

LIMIT = 500


@dataclass(frozen=True)
class ActionChoice:
    code: str
    label: str


@dataclass(frozen=True)
class AuditPage:
    chrome: Chrome
    rows: list[auditview.Reading]
    actions: list[ActionChoice]
    action: str
    subject: str
    more: bool
    time_zone: str


def _mine(row: db.AuditLog, competition: str) -> bool:
    return row.detail.get("competition") == competition or row.subject == f"competition:{competition}"


def concerning(text: str, comp: Competition) -> ColumnElement[bool]:
    """The rows about what a person typed: a stored subject prefix (``entry:E1``, ``judge:``), or
    an entry's blind code, key or title, a judge's name or key (their own actions too), an
    event's or team's name or key — matched whole, ignoring case."""
    if ":" in text:
        return col(db.AuditLog.subject).startswith(text, autoescape=True)
    t = text.casefold()
    subjects = [f"entry:{e.key}" for e in comp.entries if t in {e.key.casefold(), e.code.casefold(),
                                                                 e.title.casefold()}]
    judges = [j.key for j in comp.judges if t in {j.key.casefold(), j.name.casefold()}]
    subjects += [f"judge:{k}" for k in judges]
    subjects += [f"event:{e.key}" for e in comp.events
                 if t in {e.key.casefold(), e.name.zh.casefold(), e.name.en.casefold()}]
    subjects += [f"team:{x.key}" for x in comp.teams
                 if t in {x.key.casefold(), x.name.zh.casefold(), x.name.en.casefold()}]
    return or_(col(db.AuditLog.subject).in_(subjects), col(db.AuditLog.actor).in_([f"judge:{k}" for k in judges]))


def build(request: Request, ctx: Ctx) -> AuditPage:
    c = request.path_params["competition"]
    action = request.query_params.get("action", "").strip()[:64]
    subject = request.query_params.get("subject", "").strip()[:200]
    with session(request.state.engine) as s:
        store_load.competition_row(s, c)  # an unknown competition is refused here
        comp = store_load.load_competition(s, c, withdrawn=True)  # a withdrawn entry's records name it too
    with session(request.state.engine) as s:
        query = select(db.AuditLog).order_by(col(db.AuditLog.id).desc())
        if action:
            query = query.where(db.AuditLog.action == action)
        if subject:
            query = query.where(concerning(subject, comp))
        rows: list[db.AuditLog] = []
        more = False
        for row in s.exec(query.execution_options(yield_per=500)):
            if not _mine(row, c):
                continue
            if len(rows) == LIMIT:
                more = True
                break
            rows.append(row)
        codes = sorted(set(s.exec(select(db.AuditLog.action).distinct()).all()))
    locale = i18n.current()
    names = auditview.Names(comp, locale)
    readings = [auditview.reading(r.id or 0, r.at, r.actor, r.action, r.subject, r.detail, r.reason, names)
                for r in rows]
    actions = sorted((ActionChoice(a, auditview.label(a)) for a in codes), key=lambda a: a.label)
    return AuditPage(chrome(ctx, c, comp.name.get(locale), "audit"), readings, actions, action, subject, more,
                     comp.time_zone)


async def page(request: Request, ctx: Ctx) -> Response:
    return render(request, "console/audit.html", await run_in_threadpool(build, request, ctx), block="log")
