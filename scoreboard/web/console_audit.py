"""Console: the audit log of a competition — who did what, to what, when and why — filterable by
action and by subject (``entry:E1``, ``judge:J3``, ``event:hot``; a prefix such as ``entry:``
matches every entry). The newest rows come first, at most ``LIMIT`` of them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlmodel import col, select
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from scoreboard import i18n
from scoreboard.store import load as store_load
from scoreboard.store import tables as db
from scoreboard.store.engine import session
from scoreboard.web.console_auth import Chrome, Ctx, chrome
from scoreboard.web.templating import render

LIMIT = 500


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: str
    actor: str
    action: str
    subject: str
    detail: str
    reason: str


@dataclass(frozen=True)
class AuditPage:
    chrome: Chrome
    rows: list[AuditRow]
    actions: list[str]
    action: str
    subject: str
    more: bool


def _mine(row: db.AuditLog, competition: str) -> bool:
    return row.detail.get("competition") == competition or row.subject == f"competition:{competition}"


def build(request: Request, ctx: Ctx) -> AuditPage:
    c = request.path_params["competition"]
    action = request.query_params.get("action", "").strip()[:64]
    subject = request.query_params.get("subject", "").strip()[:200]
    with session(request.state.engine) as s:
        comp = store_load.competition_row(s, c)
        query = select(db.AuditLog).order_by(col(db.AuditLog.id).desc())
        if action:
            query = query.where(db.AuditLog.action == action)
        if subject:
            query = query.where(col(db.AuditLog.subject).startswith(subject, autoescape=True))
        rows: list[db.AuditLog] = []
        more = False
        for row in s.exec(query.execution_options(yield_per=500)):
            if not _mine(row, c):
                continue
            if len(rows) == LIMIT:
                more = True
                break
            rows.append(row)
        actions = sorted(set(s.exec(select(db.AuditLog.action).distinct()).all()))
    name = comp.name_zh if i18n.current() == "zh_CN" else comp.name_en
    detail = [{k: v for k, v in r.detail.items() if k != "competition"} for r in rows]
    return AuditPage(
        chrome(ctx, c, name, "audit"),
        [AuditRow(r.id or 0, r.at.strftime("%Y-%m-%d %H:%M:%S"), r.actor, r.action, r.subject,
                  json.dumps(d, ensure_ascii=False)[:300] if d else "", r.reason)
         for r, d in zip(rows, detail, strict=True)],
        actions, action, subject, more)


async def page(request: Request, ctx: Ctx) -> Response:
    return render(request, "console/audit.html", await run_in_threadpool(build, request, ctx), block="log")
