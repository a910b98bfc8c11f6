"""A Python judge client on the ``websockets`` library: the same path as a tablet.

Words: the *outbox* holds every sheet submitted and not yet answered (by an ``ack`` or an
``error``), in the order it was submitted; after a reconnect the client resends them in that
order, with the same ids, and then sends new ones. The client paces what it sends to the
server's ``limits`` (from the hello), pings every ``limits.ping_seconds`` and reconnects with
exponential backoff when the connection drops or the server falls silent. A close with 4401
(not signed in, revoked) is final: every waiting sheet fails with ``Refused``.

    async with JudgeClient("ws://127.0.0.1:8000/ws/judge", token) as judge:
        print(judge.hello["events"])
        ack = await judge.submit({"id": str(uuid4()), "entry": "e1", "revision": 1, "marks": {...}})
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import time
from collections.abc import Mapping
from types import TracebackType
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake

from judges import protocol
from judges.pace import Bucket


def _pace(rate: float, burst: int) -> Bucket:
    """What the client sends: the server's limits, keeping a little room for pings."""
    return Bucket(rate, max(1, burst - 2))


class JudgeError(Exception):
    """The server refused a sheet (an ``error`` frame): nothing was stored."""

    def __init__(self, frame: Mapping[str, Any]) -> None:
        self.frame = dict(frame)
        self.code: str = frame.get("code", "")
        self.sheet_id: str | None = frame.get("id")
        self.latest: int | None = frame.get("latest")
        super().__init__(f"{self.code}: {frame.get('message', '')}")


class Refused(Exception):
    """The server closed the connection for good (4401: not signed in or revoked)."""

    def __init__(self, code: int, reason: str) -> None:
        self.code, self.reason = code, reason
        super().__init__(f"{code} {reason}")


class JudgeClient:
    def __init__(self, url: str, token: str, language: str = "zh_CN", backoff: tuple[float, float] = (0.1, 5.0),
                 ping_seconds: float | None = None) -> None:
        self.url, self.token, self.language = url, token, language
        self.backoff = backoff
        self.ping_seconds = ping_seconds
        self.hello: dict[str, Any] = {}
        self.pushes: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.connections = 0  # how many times a connection was made (tests, benchmarks)
        self.sent: dict[str, int] = {}  # how many times each sheet id was sent
        self._outbox: dict[str, tuple[dict[str, Any], asyncio.Future[dict[str, Any]]]] = {}
        self._ws: ClientConnection | None = None
        self._ready = asyncio.Event()
        self._hello = asyncio.Event()
        self._refused: Refused | None = None
        self._pace = _pace(20, 40)
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> JudgeClient:
        await self.start()
        return self

    async def __aexit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.close()

    async def start(self, timeout: float = 10) -> None:
        """Connect and wait for the hello; raises ``Refused`` if the server turns the judge away."""
        self._task = asyncio.create_task(self._run(), name="judge-client")
        waiting = asyncio.create_task(self._hello.wait())
        await asyncio.wait([waiting, self._task], timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        waiting.cancel()
        if self._refused is not None:
            raise self._refused
        if not self._hello.is_set():
            await self.close()
            raise TimeoutError(f"no hello from {self.url} within {timeout} s")

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    @property
    def waiting(self) -> int:
        """Sheets in the outbox, not yet answered."""
        return len(self._outbox)

    async def submit(self, sheet: Mapping[str, Any]) -> dict[str, Any]:
        """Send a sheet and wait for its ack (a dict); raises ``JudgeError`` if refused."""
        if self._refused is not None:
            raise self._refused
        sid = str(sheet["id"])
        if sid in self._outbox:
            return await asyncio.shield(self._outbox[sid][1])
        answer: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._outbox[sid] = (dict(sheet), answer)
        if self._ready.is_set() and self._ws is not None:
            with contextlib.suppress(ConnectionClosed):
                await self._send_sheet(self._ws, sid)
        return await asyncio.shield(answer)

    async def _send_sheet(self, ws: ClientConnection, sid: str) -> None:
        await self._pace.wait()
        self.sent[sid] = self.sent.get(sid, 0) + 1
        await ws.send(json.dumps({"v": protocol.VERSION, "type": "submit", "sheet": self._outbox[sid][0]},
                                 ensure_ascii=False))

    async def _run(self) -> None:
        delay = self.backoff[0]
        while True:
            try:
                headers = {"Authorization": f"Bearer {self.token}", "Accept-Language": self.language}
                async with connect(self.url, additional_headers=headers, open_timeout=10) as ws:
                    await self._session(ws)
                    delay = self.backoff[0]
            except ConnectionClosed as e:
                if e.rcvd is not None and e.rcvd.code == protocol.CLOSE_UNAUTHORIZED:
                    self._refuse(Refused(e.rcvd.code, e.rcvd.reason))
                    return
                if self._hello.is_set():
                    delay = self.backoff[0]
            except (OSError, InvalidHandshake, TimeoutError):
                pass
            finally:
                self._ws = None
                self._ready.clear()
            await asyncio.sleep(delay * (0.5 + random.random()))
            delay = min(delay * 2, self.backoff[1])

    async def _session(self, ws: ClientConnection) -> None:
        hello = json.loads(await ws.recv())
        if hello.get("type") != "hello":
            return
        self.hello, self.connections = hello, self.connections + 1
        limits = hello.get("limits", {})
        self._pace = _pace(float(limits.get("per_second", 20)), int(limits.get("burst", 40)))
        ping = self.ping_seconds or float(limits.get("ping_seconds", 10))
        self._ws = ws
        self._hello.set()
        tasks = [asyncio.create_task(self._receive(ws, ping * 3)), asyncio.create_task(self._ping(ws, ping))]
        try:
            sent: set[str] = set()
            while pending := [sid for sid in self._outbox if sid not in sent]:  # in order, once each
                for sid in pending:
                    sent.add(sid)
                    if sid in self._outbox:
                        await self._send_sheet(ws, sid)
            self._ready.set()
            done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                task.result()  # the receiver's ConnectionClosed or TimeoutError: reconnect
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def _receive(self, ws: ClientConnection, silence: float) -> None:
        while True:
            async with asyncio.timeout(silence):  # a silent server is a dead one: reconnect
                frame = json.loads(await ws.recv())
            kind = frame.get("type")
            if kind == "error" and frame.get("code") == "server_error":
                continue  # not stored: it stays in the outbox and goes again after a reconnect
            if kind in ("ack", "error") and frame.get("id") in self._outbox:
                _sheet, answer = self._outbox.pop(frame["id"])
                if not answer.done():
                    if kind == "ack":
                        answer.set_result(frame)
                    else:
                        answer.set_exception(JudgeError(frame))
            elif kind not in ("pong", "ack", "error"):
                self.pushes.put_nowait(frame)

    async def _ping(self, ws: ClientConnection, every: float) -> None:
        while True:
            await asyncio.sleep(every)
            await self._pace.wait()
            await ws.send(json.dumps({"v": protocol.VERSION, "type": "ping", "t": int(time.time() * 1000)}))

    def _refuse(self, refused: Refused) -> None:
        self._refused = refused
        for _sheet, answer in self._outbox.values():
            if not answer.done():
                answer.set_exception(refused)
                answer.exception()  # marks it retrieved, if nobody awaits it
        self._outbox.clear()
