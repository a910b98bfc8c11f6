"""Sending fuzzed inputs to the stage and saying which promise each answer broke.

Words: a *probe* is a client of the stage that sends one input at a time and waits for its
answer: the ``JudgeProbe`` is judge j1's websocket (reopened after every close), the
``HttpProbe`` sends raw HTTP requests, with the organizer's or a visitor's session cookie and
CSRF token when the request asks for them, written byte by byte (``send_raw``), so that paths, headers and
cookies are exactly as given, even what an HTTP library would refuse to send. An *outcome* is
what came back — an ``ack``, an ``error`` with its code, a ``pong``, a close with its code, an
HTTP status, or nothing — with the seconds it took and the *problems*: each promise of issue 8 it
broke, named (``dropped``, ``server_error``, ``5xx``, …, the *promise*) and said in words, with
the server's traceback (file:line) when one was logged. *Findings* gather a campaign's broken
promises. The *aftermath* is what must still hold after a campaign: every page of the competition
renders, and a well-formed sheet is acknowledged.
"""

from __future__ import annotations

import contextlib
import json
import re
import socket
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx
from websockets.exceptions import ConnectionClosed, InvalidHandshake
from websockets.sync.client import ClientConnection, connect

from scoreboard.store import sheets as store_sheets
from scoreboard.store import tables as db
from scoreboard.store.engine import session
from scoreboard.web.console_downloads import DOWNLOADS
from tests.fuzz_frames import Frame, JudgeView
from tests.fuzz_requests import ORGANIZER_KEY, Request
from tests.fuzz_server import ENTRIES, EVENTS, FileTrap, Place, Signed, Trap
from tests.live import tokens
from tests.support import EIGHTY

PUSHES = {"entry_locked", "rescore", "event_closed", "assignments_changed"}
ANSWER_SECONDS = 5.0  # past this an input is "not answered": the server did unbounded work, or hung
SETTLE = 0.5  # seconds to wait, at most, for the traceback of a crash: it is logged after the answer
LOGS_FOLLOW = {"dropped", "5xx", "no response"}


@dataclass
class Outcome:
    kind: str  # ack, error, pong, other, closed, silent, http
    code: str | int | None = None  # the error's code, the close code, the HTTP status
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)
    promises: list[str] = field(default_factory=list)  # the promise each problem broke, by name

    def broke(self, promise: str, text: str) -> None:
        self.promises.append(promise)
        self.problems.append(text)

    @property
    def refused(self) -> bool:
        return self.kind == "error" or (self.kind == "http" and isinstance(self.code, int) and 400 <= self.code < 500)

    @property
    def accepted(self) -> bool:
        return self.kind in ("ack", "pong") or (self.kind == "http" and isinstance(self.code, int) and self.code < 400)


@dataclass(frozen=True)
class Answer:
    """What came back for a raw request: the status (None: no response at all) and the head."""

    status: int | None
    head: str = ""
    error: str = ""


def send_raw(port: int, request: bytes, timeout: float = 15) -> Answer:
    """Send ``request`` as it is and read the response: its status line and headers, then its
    body (by length, by chunks, or to the end of the connection); after a 101 (a websocket
    handshake) the socket is closed at once."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
            sock.sendall(request)
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                data += chunk
            head, _, body = data.partition(b"\r\n\r\n")
            text = head.decode("latin-1")
            match = re.match(r"HTTP/1\.[01] (\d{3})", text)
            if match is None:
                return Answer(None, text[:200], "no status line")
            status = int(match.group(1))
            if status in (101, 204, 304) or request.startswith(b"HEAD "):
                return Answer(status, text)
            length = re.search(r"(?im)^content-length:\s*(\d+)", text)
            chunked = re.search(r"(?im)^transfer-encoding:\s*chunked", text) is not None
            while not ((length and len(body) >= int(length.group(1))) or (chunked and body.endswith(b"0\r\n\r\n"))):
                chunk = sock.recv(65536)
                if not chunk:
                    break
                body += chunk
            return Answer(status, text)
    except OSError as e:
        return Answer(None, "", f"{type(e).__name__}: {e}")


def printable(text: str) -> str:
    """``text`` with lone surrogates (echoed in the server's messages) written as escapes."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _logged(outcome: Outcome, trap: Trap | FileTrap, mark: int) -> None:
    """Add what the server logged since ``mark``; after a crash, wait a moment for its traceback."""
    if LOGS_FOLLOW.intersection(outcome.promises):
        until = time.monotonic() + SETTLE
        while time.monotonic() < until and trap.mark() == mark:
            time.sleep(0.01)
    for record in trap.since(mark):
        outcome.broke("logged", f"the server logged: {record}")


def _changed(before: tuple[int, int], after: tuple[int, int]) -> str:
    return f"sheets {before[0]} → {after[0]}, audit records {before[1]} → {after[1]}"


@dataclass
class Findings:
    """Every promise a campaign broke, by promise, class of input and the server's code where it
    broke (file:line of the traceback, if one was logged), each with how often and the simplest
    input that did it: the lowest ``rank`` (the test ranks by hypothesis's order, fewer choices,
    then earlier, plainer options; the benchmark by size)."""

    seen: dict[tuple[str, str, str], tuple[tuple[int, ...], str, list[str]]] = field(default_factory=dict)
    counts: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    sent: int = 0
    stuck: str = ""

    def add(self, rank: tuple[int, ...], sent: Frame | Request, outcome: Outcome) -> None:
        where = next((line.strip() for p in outcome.problems for line in p.splitlines()
                      if line.strip().startswith("at ")), "")
        found = (outcome.promises[0], sent.kind, where)
        self.counts[found] += 1
        if found not in self.seen or rank < self.seen[found][0]:
            self.seen[found] = (rank, sent.show(300), outcome.problems)

    def report(self) -> str:
        lines = [f"{self.sent} inputs sent; promises broken:"]
        for (promise, kind, where), (_key, shown, problems) in sorted(self.seen.items()):
            place = f" ({where})" if where else ""
            lines.append(f"- {promise} × {self.counts[(promise, kind, where)]}, by {kind}{place}")
            lines.append(f"    simplest: {shown}")
            lines += [f"    {line}" for p in problems[:3] for line in p.splitlines()]
        if self.stuck:
            lines.append(f"The server stopped answering at {self.stuck}; the campaign ended there.")
        return printable("\n".join(lines))


class JudgeProbe:
    """Judge j1's socket: one frame out, its answer in."""

    def __init__(self, stage: Place, trap: Trap | FileTrap, judge: str = "j1") -> None:
        self.stage, self.trap, self.judge = stage, trap, judge
        self.view = JudgeView()
        self.ws: ClientConnection | None = None
        self._sockets = contextlib.ExitStack()  # every socket opened, closed at the end

    def connect(self) -> ClientConnection:
        if self.ws is None:
            self.ws = self._sockets.enter_context(connect(
                self.stage.ws_url, max_size=None, open_timeout=ANSWER_SECONDS, close_timeout=1,
                additional_headers={"Authorization": f"Bearer {self.stage.tokens[self.judge]}",
                                    "Accept-Language": "en"}))
            hello = json.loads(self.ws.recv(ANSWER_SECONDS))
            if hello.get("type") != "hello":
                raise AssertionError(f"the first frame is not a hello: {hello}")
            self.view.learn(hello)
        return self.ws

    def close(self) -> None:
        self.ws = None
        self._sockets.close()

    def _answer(self, ws: ClientConnection) -> dict[str, Any]:
        until = time.monotonic() + ANSWER_SECONDS
        while True:
            frame = json.loads(ws.recv(max(0.0, until - time.monotonic())))
            if frame.get("type") not in PUSHES:
                return frame  # type: ignore[no-any-return]

    def send(self, frame: Frame) -> Outcome:
        try:
            ws = self.connect()
        except (OSError, TimeoutError, ConnectionClosed, InvalidHandshake) as e:
            self.close()
            outcome = Outcome("silent")
            outcome.broke("silent", f"judge j1 could not connect: {type(e).__name__}: {e}")
            return outcome
        mark, before = self.trap.mark(), self.stage.rows()
        started = time.perf_counter()
        answer: dict[str, Any] = {}
        try:
            ws.send(frame.data, text=frame.text)
            answer = self._answer(ws)
            outcome = Outcome(str(answer.get("type")), answer.get("code") if answer.get("type") == "error" else None)
        except ConnectionClosed as e:
            self.ws = None
            outcome = Outcome("closed", e.rcvd.code if e.rcvd is not None else None)
            if e.rcvd is None:
                outcome.broke("dropped", "the socket was dropped without a close frame (1006)")
            elif e.rcvd.code not in frame.closes_allowed(self.view.max_bytes):
                outcome.broke("closed", f"the socket was closed with {e.rcvd.code} {e.rcvd.reason!r}")
        except TimeoutError:
            self.close()
            outcome = Outcome("silent")
            outcome.broke("silent", f"no answer within {ANSWER_SECONDS:.0f} s")
        outcome.seconds = time.perf_counter() - started
        if outcome.kind not in ("closed", "silent") and 1009 in frame.closes_allowed(self.view.max_bytes):
            outcome.broke("not closed", f"a {frame.size}-byte frame, over the limit, was answered, not closed (1009)")
        if outcome.code == "server_error":
            outcome.broke("server_error", f"answered server_error: {answer.get('message')!r}")
        if outcome.kind in ("error", "closed", "silent") and (after := self.stage.rows()) != before:
            outcome.broke("database changed", f"refused, yet the database changed: {_changed(before, after)}")
        if outcome.kind == "ack":
            self.view.learn(answer)
            if (unreadable := self.read_back(str(answer.get("id")))):
                outcome.broke("unreadable", unreadable)
        _logged(outcome, self.trap, mark)
        return outcome

    def read_back(self, sheet_id: str) -> str:
        """The acknowledged sheet, read back the way every page reads sheets, its texts written as
        UTF-8 as every page writes them: "" if it can be."""
        try:
            with session(self.stage.engine) as s:
                found = store_sheets._sheets(s, "cup", db.Sheet.uid == sheet_id)  # one sheet, not the whole entry
            for sheet in found:
                for text in (sheet.id, sheet.entry, sheet.reason, *sheet.marks, *(d.reason for d in sheet.deductions)):
                    text.encode("utf-8")
        except Exception as e:  # what breaks is the finding
            return f"acknowledged sheet {sheet_id!r} cannot be read back: {type(e).__name__}: {str(e)[:200]}"
        return "" if found else f"acknowledged sheet {sheet_id!r} is not stored"


class HttpProbe:
    """Raw HTTP requests, signed in as the organizer when a request asks for it."""

    def __init__(self, stage: Place, trap: Trap | FileTrap) -> None:
        self.stage, self.trap = stage, trap
        self.sessions = {"organizer": stage.sign_in(), "visitor": stage.visit()}

    def send(self, request: Request) -> Outcome:
        mark, before = self.trap.mark(), self.stage.rows()
        started = time.perf_counter()
        raw = request.render(self.stage.port, {who: (s.cookie, s.csrf) for who, s in self.sessions.items()})
        answer = send_raw(self.stage.port, raw, ANSWER_SECONDS)
        outcome = Outcome("http", answer.status, time.perf_counter() - started)
        if answer.status is None:
            outcome.broke("no response", f"no response ({answer.error or answer.head[:100]!r})")
        elif answer.status >= 500:
            outcome.broke("5xx", f"answered {answer.status}")
        elif outcome.refused and (after := self.stage.rows()) != before:
            outcome.broke("database changed",
                          f"refused ({answer.status}), yet the database changed: {_changed(before, after)}")
        _logged(outcome, self.trap, mark)
        return outcome


def _get(client: httpx.Client, path: str) -> str:
    """"" if ``path`` renders (200, after redirects), else what went wrong."""
    try:
        r = client.get(path, follow_redirects=True)
    except httpx.HTTPError as e:
        return f"GET {path}: {type(e).__name__}: {e}"
    return "" if r.status_code == 200 else f"GET {path} answered {r.status_code}"


def _post(client: httpx.Client, path: str, data: dict[str, str]) -> str:
    """"" unless posting ``data`` to ``path`` failed (5xx, no response)."""
    try:
        r = client.post(path, data=data)
    except httpx.HTTPError as e:
        return f"POST {path}: {type(e).__name__}: {e}"
    form = {k: v for k, v in data.items() if k != "csrf"}
    return f"POST {path} {form} answered {r.status_code}" if r.status_code >= 500 else ""


def aftermath(stage: Place, trap: Trap | FileTrap, signed: Signed) -> list[str]:
    """Every page of the competition renders — public, the tablet's, the organizer's — and judge
    j1 still gets a well-formed sheet acknowledged. The campaign may have closed the event, locked
    the entry or issued new cards (an organizer may): those are put back first, as an organizer
    would. ``signed`` is a console session made before the campaign (which may have set off the
    sign-in limiter)."""
    mark = trap.mark()
    with stage.client(signed) as organizer:
        problems = [_post(organizer, path, {"csrf": signed.csrf, "reason": "after the campaign", **form})
                    for path, form in (("/console/c/cup/e/hot/state", {"to": "open"}),
                                       ("/console/c/cup/e/hot/entry/e1/lock", {"locked": "0"}))]
        problems += [_get(organizer, path) for path in (
            "/console/", "/console/new", "/console/c/cup", "/console/c/cup/import", "/console/c/cup/labels",
            "/console/c/cup/judges", "/console/c/cup/audit", "/console/c/cup/downloads",
            *(f"/console/c/cup/downloads/{d.key}" for d in DOWNLOADS),
            *(f"/console/c/cup/e/{e}{tail}" for e in EVENTS for tail in ("", "/edit")),
            *(f"/console/c/cup/e/{e}/entry/{x}" for e in EVENTS for x in ENTRIES[e]))]
    with stage.client() as anonymous:
        problems += [_get(anonymous, path) for path in (
            "/", "/c/cup/teams", "/c/cup/board", f"/c/cup/board?key={ORGANIZER_KEY}",
            *(f"/c/cup/e/{e}" for e in EVENTS), *(f"/c/cup/e/{e}?key={ORGANIZER_KEY}" for e in EVENTS))]
    stage.tokens.update(tokens(stage.engine, ["j1"]))
    with stage.client() as tablet:
        problems.append(_get(tablet, f"/j/login/{stage.tokens['j1']}"))
    judge = JudgeProbe(stage, trap)
    try:
        judge.connect()
        sheet = {"id": "after-the-campaign", "entry": "e1", "revision": judge.view.revisions.get("e1", 0) + 1,
                 "marks": EIGHTY, "reason": "after the campaign"}
        outcome = judge.send(Frame("valid sheets", json.dumps({"v": 1, "type": "submit", "sheet": sheet})))
        if outcome.kind != "ack":
            problems.append(f"a well-formed sheet was answered {outcome.kind} {outcome.code}")
        problems += [p for p in outcome.problems if not p.startswith("the server logged")]
    except Exception as e:  # the judge could not even connect: that is the finding
        problems.append(f"judge j1 could not connect: {type(e).__name__}: {e}")
    finally:
        judge.close()
    logged = Counter(trap.since(mark))
    return [p for p in problems if p] + [f"the server logged{f' (× {n})' if n > 1 else ''}: {record}"
                                         for record, n in logged.items()]
