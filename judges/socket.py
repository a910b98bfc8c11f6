"""The ``/ws/judge`` endpoint: a signed-in judge's tablet sends sheets and gets acks and pushes.

Words: the *receiver* reads frames (checking size, rate and silence), answers pings and hands
sheets to the service; the *sender* writes the connection's outgoing queue to the socket. Both
run in one task group, so a disconnect, a close or a failure of either ends both. Each sheet is
submitted in a task of its own, so one socket can have several sheets waiting for the same
group commit; acks are matched by sheet id, not by order. The protocol is in
``docs/protocol.md``.
"""

from __future__ import annotations

import contextlib
import logging
from datetime import UTC, datetime

import anyio
from sqlalchemy import Engine
from sqlmodel import col, select
from starlette.concurrency import run_in_threadpool
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from judges import protocol
from judges.pace import Bucket
from judges.registry import Close, Connection, JudgeSockets
from judges.tablet import SESSION_KEY
from scoreboard import i18n
from scoreboard.competition import Competition
from scoreboard.errors import N_, UserError
from scoreboard.services.sheets import SheetService
from scoreboard.store import events as store_events
from scoreboard.store import tables as db
from scoreboard.store import tokens
from scoreboard.store.engine import session

log = logging.getLogger("scoreboard.judges")


def _token(ws: WebSocket) -> str | None:
    """The token hash from the session cookie, or from an ``Authorization: Bearer`` header."""
    header = ws.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return tokens.token_hash(token.strip())
    hashed = ws.scope.get("session", {}).get(SESSION_KEY) if "session" in ws.scope else None
    return hashed if isinstance(hashed, str) else None


Stored = tuple[dict[str, str], set[str], list[protocol.StoredSheet]]


def _stored(engine: Engine, identity: tokens.JudgeIdentity) -> Stored:
    """The events' states, the locked entries and the judge's own stored sheets."""
    with session(engine) as s:
        states = store_events.event_states(s, identity.competition)
        comp = select(db.Competition.id).where(db.Competition.key == identity.competition).scalar_subquery()
        locked = set(s.exec(select(db.Entry.key).where(db.Entry.competition_id == comp,
                                                       db.Entry.locked == True)).all())  # noqa: E712
        rows = s.exec(select(db.Sheet, db.Entry.key)
                      .join(db.Entry, col(db.Sheet.entry_id) == db.Entry.id)
                      .join(db.Judge, col(db.Sheet.judge_id) == db.Judge.id)
                      .where(db.Judge.competition_id == comp, db.Judge.key == identity.judge)).all()
    newest: dict[str, int] = {}
    for sheet, entry in rows:
        newest[entry] = max(sheet.revision, newest.get(entry, 0))
    return states, locked, [
        protocol.StoredSheet(sheet.uid, entry, sheet.revision, sheet.id or 0,
                             *((sheet.marks, sheet.deductions) if sheet.revision == newest[entry] else ()))
        for sheet, entry in rows]


def _identify(engine: Engine, hashed: str | None) -> tokens.JudgeIdentity | None:
    with session(engine) as s:
        return tokens.identify_hash(s, hashed) if hashed else None


class JudgeSession:
    """One connection's life: hello, then receiver and sender until either ends."""

    def __init__(self, ws: WebSocket, connection: Connection, service: SheetService, limits: protocol.Limits) -> None:
        self.ws, self.connection, self.service, self.limits = ws, connection, service, limits
        self.gettext = i18n.translations(connection.locale).gettext

    async def run(self, hello: dict[str, object]) -> None:
        self.connection.send(hello)
        async with anyio.create_task_group() as tg:
            self.tg = tg
            tg.start_soon(self._send)
            await self._receive()

    async def _receive(self) -> None:
        c, limits = self.connection, self.limits
        bucket = Bucket(limits.per_second, limits.burst)
        while not c.closing:
            with anyio.move_on_after(limits.idle_seconds) as waited:
                message = await self.ws.receive()
            if waited.cancelled_caught:
                c.close(protocol.CLOSE_IDLE, "idle")
                return
            if message["type"] == "websocket.disconnect":
                self.tg.cancel_scope.cancel()
                return
            c.heard_from()
            data = message.get("text")
            size = len(data.encode()) if data is not None else len(message.get("bytes") or b"")
            if size > limits.max_bytes:
                c.close(protocol.CLOSE_TOO_BIG, "message too big")
                return
            if not bucket.take():
                c.close(protocol.CLOSE_FLOOD, "too many messages")
                return
            self._handle(data if data is not None else message.get("bytes") or b"")

    def _handle(self, data: str | bytes) -> None:
        try:
            message = protocol.parse(data)
        except UserError as e:
            sheet_id = e.sheet_id if isinstance(e, protocol.SheetRefused) else None
            self.connection.send(protocol.error(e, sheet_id, self.gettext))
            return
        if isinstance(message, protocol.Ping):
            self.connection.heard_from(message.waiting)
            self.connection.send(protocol.pong(message.t, datetime.now(UTC)))
        else:
            self.tg.start_soon(self._submit, message)

    async def _submit(self, message: protocol.Submit) -> None:
        c = self.connection
        try:
            receipt = await self.service.submit(c.competition, c.judge, message.sheet)
        except UserError as e:
            c.send(protocol.error(e, message.sheet_id, self.gettext))
        except Exception:
            log.exception("sheet %s of judge %s could not be stored", message.sheet_id, c.judge)
            failed = UserError.one("server_error", N_("the server could not store the sheet; it will be sent again"))
            c.send(protocol.error(failed, message.sheet_id, self.gettext))
        else:
            c.send(protocol.ack(str(message.sheet_id), str(message.sheet.get("entry")), receipt))

    async def _send(self) -> None:
        try:
            while True:
                item = await self.connection.outgoing.get()
                if isinstance(item, Close):
                    await self.ws.close(item.code, item.reason)
                    break
                await self.ws.send_text(protocol.dumps(item))
        except (WebSocketDisconnect, RuntimeError, OSError):
            pass  # the client went away; the receiver hears it too
        self.tg.cancel_scope.cancel()


async def judge_socket(ws: WebSocket) -> None:
    service: SheetService = ws.state.service
    sockets: JudgeSockets = ws.state.judges
    identity = await run_in_threadpool(_identify, service.engine, _token(ws))
    await ws.accept()
    if identity is None:
        await ws.close(protocol.CLOSE_UNAUTHORIZED, "not signed in")
        return
    try:
        lookup = await run_in_threadpool(service.lookup, identity.competition, identity.judge)
        states, locked, stored = await run_in_threadpool(_stored, service.engine, identity)
    except UserError:
        await ws.close(protocol.CLOSE_UNAUTHORIZED, "not signed in")
        return
    competition: Competition = lookup.competition
    hello = protocol.hello(competition, identity.judge, states, locked, stored, datetime.now(UTC), sockets.limits)
    entries = frozenset(e["key"] for event in hello["events"] for e in event["entries"])
    connection = Connection(identity.competition, identity.judge, i18n.current(), entries, identity.token_hash)
    sockets.add(connection)
    try:
        await JudgeSession(ws, connection, service, sockets.limits).run(hello)
    except Exception:  # a bug, never an input: the tablet still hears a close code, and reconnects
        log.exception("the socket of judge %s failed", identity.judge)
        with contextlib.suppress(Exception):
            await ws.close(protocol.CLOSE_INTERNAL, "server error")
    finally:
        sockets.remove(connection)


routes = [WebSocketRoute(protocol.PATH, judge_socket, name="judge_socket")]
