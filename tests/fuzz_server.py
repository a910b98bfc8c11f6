"""A real Scoreboard server for fuzzing the whole surface from outside, in a process of its own.

Words: the *stage* is a seeded competition served by uvicorn on 127.0.0.1: the suite's
"competition half judged" (tests.support) with a masonry event added, ``wall``, whose measurement
criteria take readings; judge j1 marks both ``hot`` and ``wall``; an organizer account ``admin``.
``Stage`` serves it from a thread with its own event loop. ``python -m tests.fuzz_server URL TRAP``
runs a ``Stage`` as a *stage process*, which the test and the benchmark start with ``StageProcess``:
an input that makes the server compute for minutes (it happens) then costs only that process,
killed at the end, never the suite or the benchmark. The *trap* keeps every log record that carries
a traceback or is logged at ERROR, one JSON line each in the trap file, so the client side can ask
what was logged since a mark. The *ticker* (``--ticker``) is a coroutine on the server's loop that
sleeps 1 ms at a time and keeps the worst lateness: how long something held the loop.
The stage process speaks on stdin/stdout: it prints one JSON line (port, tokens) when it serves;
then ``mark`` resets the ticker's worst, ``worst`` prints it (seconds), end of input stops it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import re
import subprocess
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, TypeVar

import httpx
import uvicorn
from sqlalchemy import Engine, func, text
from sqlmodel import select

from judges.protocol import Limits
from scoreboard.app import create_app
from scoreboard.competition import parse_competition
from scoreboard.serving import uvicorn_options
from scoreboard.settings import Settings
from scoreboard.store import tables as db
from scoreboard.store.accounts import create_account
from scoreboard.store.engine import make_engine, session
from scoreboard.store.events import set_event_state
from scoreboard.store.load import save_competition
from tests.fuzz_requests import ORGANIZER_KEY, PASSWORD
from tests.live import tokens
from tests.support import COMPETITION, half_judged

T = TypeVar("T")
SECRET = "fuzz-secret"
ROOT = Path(__file__).resolve().parent.parent
# The flood limit is not under test: lifted so that a campaign can send as fast as answers come.
LIMITS = Limits(per_second=10_000, burst=10_000)
WALL_ENTRIES = [{"key": "w1", "event": "wall", "team": "t1", "title": "清水墙", "code": "W-1"},
                {"key": "w2", "event": "wall", "team": "t2", "title": "花式墙", "code": "W-2"}]
EVENTS = ("hot", "other", "wall")
ENTRIES = {"hot": ("e1", "e2", "e3"), "other": ("o1",), "wall": ("w1", "w2")}
JUDGES = [f"j{i}" for i in range(1, 8)]


def fuzz_competition() -> dict[str, Any]:
    data = {**COMPETITION}
    data["events"] = [*COMPETITION["events"], {"key": "wall", "name": {"zh": "砌筑", "en": "Masonry"},
                                              "rubric": "masonry"}]
    data["entries"] = [*COMPETITION["entries"], *WALL_ENTRIES]
    data["judges"] = [{**j, "events": ["hot", "wall"]} if j["key"] == "j1" else j for j in COMPETITION["judges"]]
    return data


def seed_stage(engine: Engine) -> dict[str, str]:
    """The competition, every event open, the organizer account; the judges' tokens."""
    with session(engine, write=True) as s:
        save_competition(s, parse_competition(fuzz_competition(), "fuzz"))
        for event in EVENTS:
            set_event_state(s, "cup", event, "open", actor="test")
        create_account(s, "admin", PASSWORD)
        s.commit()
    return tokens(engine, JUDGES)


def describe(record: logging.LogRecord) -> str:
    """A log record in a few lines: its message, and where its exception was raised (file:line)."""
    out = f"{record.name} {record.levelname}: {record.getMessage().strip()[:300]}"
    exc = record.exc_info[1] if record.exc_info else None
    while isinstance(exc, BaseExceptionGroup) and len(exc.exceptions) == 1:
        exc = exc.exceptions[0]  # a task group's one failure: say what it was
    if exc is not None:
        frames = traceback.extract_tb(exc.__traceback__)
        ours = [f for f in frames if f.filename.startswith(str(ROOT)) and "/.venv/" not in f.filename]
        where = [*ours[-2:], *frames[-1:]] if frames and (not ours or ours[-1] is not frames[-1]) else ours[-2:]
        out += f"\n    {type(exc).__name__}: {str(exc)[:300]}\n    at " + " → ".join(
            f"{_short(f.filename)}:{f.lineno} {f.name}" for f in where)
    return out


def _short(path: str) -> str:
    """A file's path from where it is known: the repository, site-packages or the standard library."""
    for root in ("/site-packages/", str(ROOT) + "/"):
        if root in path:
            return path.split(root, 1)[1]
    if "/lib/python3." in path:
        return path.split("/lib/python3.", 1)[1].split("/", 1)[1]
    return path


class Trap(logging.Handler):
    """Keeps every log record that carries a traceback or is logged at ERROR or above, described,
    in memory and (given a file) one JSON line each."""

    LOGGERS = ("", "uvicorn", "uvicorn.error", "uvicorn.access", "asyncio", "websockets")

    def __init__(self, path: Path | None = None) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[str] = []
        self._recent: deque[logging.LogRecord] = deque(maxlen=32)  # held, so that no other record takes its id
        self._lock = threading.Lock()
        self._file: IO[str] | None = path.open("a", encoding="utf-8") if path else None

    def emit(self, record: logging.LogRecord) -> None:
        if not (record.exc_info or record.levelno >= logging.ERROR):
            return
        with self._lock:
            if any(seen is record for seen in self._recent):  # one record reaches several of the loggers
                return
            self._recent.append(record)
            self.records.append(describe(record))
            if self._file is not None:
                self._file.write(json.dumps(self.records[-1]) + "\n")
                self._file.flush()

    def mark(self) -> int:
        return len(self.records)

    def since(self, mark: int) -> list[str]:
        return self.records[mark:]

    @contextlib.contextmanager
    def installed(self) -> Iterator[Trap]:
        loggers = [logging.getLogger(name) for name in self.LOGGERS]
        for logger in loggers:
            logger.addHandler(self)
        try:
            yield self
        finally:
            for logger in loggers:
                logger.removeHandler(self)


class FileTrap:
    """The client side of a stage process's trap: the records in its file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _all(self) -> list[str]:
        if not self.path.exists():
            return []
        lines = self.path.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line.strip()]

    def mark(self) -> int:
        return len(self._all())

    def since(self, mark: int) -> list[str]:
        return self._all()[mark:]


class Ticker:
    """Sleeps ~1 ms at a time on the server's loop and keeps the worst lateness since ``reset``."""

    def __init__(self) -> None:
        self.worst = 0.0
        self.ticks = 0

    def reset(self) -> None:
        self.worst = 0.0

    async def run(self, _state: Any) -> None:
        while True:
            started = time.perf_counter()
            await asyncio.sleep(0.001)
            self.worst = max(self.worst, time.perf_counter() - started - 0.001)
            self.ticks += 1

    def settled(self, timeout: float = 2.0) -> float:
        """The worst lateness, once the loop has ticked a few more times: a hold that outlasted
        the answer (a traceback being logged, say) has ended and is counted."""
        until, wanted = time.monotonic() + timeout, self.ticks + 3
        while self.ticks < wanted and time.monotonic() < until:
            time.sleep(0.0005)
        return self.worst


class Place:
    """Where a stage is and what it was seeded with: what the probes need."""

    engine: Engine
    port: int
    tokens: dict[str, str]

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws/judge"

    def count(self, table: type[Any]) -> int:
        with session(self.engine) as s:
            return int(s.exec(select(func.count()).select_from(table)).one())

    def rows(self) -> tuple[int, int]:
        """How many sheets and audit records are stored: a refused input must change neither."""
        return self.count(db.Sheet), self.count(db.AuditLog)

    def sign_in(self) -> Signed:
        """A console session of the organizer's, through the sign-in form: its cookie and CSRF token."""
        with httpx.Client(base_url=self.base, timeout=60) as client:
            page = client.get("/console/login")
            r = client.post("/console/login", data={"csrf": csrf_of(page.text), "username": "admin",
                                                    "password": PASSWORD, "next": "/console/"})
            if r.status_code != 303:
                raise AssertionError(f"signing in answered {r.status_code}: {r.text[:300]}")
            return Signed(str(client.cookies["scoreboard_session"]), csrf_of(client.get("/console/").text))

    def visit(self) -> Signed:
        """A visitor's session: a cookie with a CSRF token (from the sign-in page), not signed in."""
        with httpx.Client(base_url=self.base, timeout=60) as client:
            page = client.get("/console/login")
            return Signed(str(client.cookies["scoreboard_session"]), csrf_of(page.text))

    def client(self, signed: Signed | None = None) -> httpx.Client:
        """An HTTP client of the stage, with the console session ``signed`` if given."""
        cookies = {"scoreboard_session": signed.cookie} if signed else None
        # A connection for each request: after a 500 the server closes the one it answered on.
        return httpx.Client(base_url=self.base, timeout=60, cookies=cookies,
                            limits=httpx.Limits(max_keepalive_connections=0))


@dataclass(frozen=True)
class Signed:
    cookie: str
    csrf: str


@dataclass
class Stage(Place):
    """The server in a thread of this process. ``start()`` seeds, serves and stores the
    half-judged sheets; ``stop()`` ends it."""

    engine: Engine
    ticker: Ticker | None = None
    tokens: dict[str, str] = field(default_factory=dict)
    state: dict[str, Any] = field(default_factory=dict)
    port: int = 0
    loop: asyncio.AbstractEventLoop | None = None
    server: uvicorn.Server | None = None
    _thread: threading.Thread | None = None
    _failure: BaseException | None = None

    def start(self) -> Stage:
        self.tokens = seed_stage(self.engine)

        async def capture(state: Any) -> None:
            self.state.update(state)

        settings = Settings.from_env(env_file=None, secret_key=SECRET, organizer_key=ORGANIZER_KEY)
        jobs = [capture] + ([self.ticker.run] if self.ticker else [])
        app = create_app(settings, engine=self.engine, jobs=jobs, judge_limits=LIMITS)
        config = uvicorn.Config(app, host="127.0.0.1", port=0, log_config=None, log_level="warning",
                                lifespan="on", **uvicorn_options(settings))  # as ``scoreboard serve``
        self.server = uvicorn.Server(config)
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._serve, name="fuzz-server", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 60
        while not (self.server.started and self.state):
            if self._failure is not None or time.monotonic() > deadline:
                raise RuntimeError("the server did not start") from self._failure
            time.sleep(0.01)
        self.port = int(self.server.servers[0].sockets[0].getsockname()[1])
        for raw in half_judged():
            self.call(self.state["service"].submit("cup", str(raw["judge"]), raw))
        return self

    def _serve(self) -> None:
        assert self.loop is not None and self.server is not None
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_until_complete(self.server.serve())
        except BaseException as e:  # start() reports it
            self._failure = e

    def call(self, coro: Coroutine[Any, Any, T], timeout: float = 30) -> T:
        """Run ``coro`` on the server's loop and wait for its result."""
        assert self.loop is not None
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def stop(self, timeout: float = 10) -> bool:
        """Ask the server to stop; False if it did not within ``timeout`` (it is stuck)."""
        if self.server is None or self._thread is None:
            return True
        self.server.should_exit = True
        self._thread.join(timeout)
        return not self._thread.is_alive()


def database_url(engine: Engine) -> str:
    """The URL another process opens the same database with (a PostgreSQL schema included)."""
    url = engine.url.render_as_string(hide_password=False)
    if engine.dialect.name != "postgresql":
        return url
    with engine.connect() as c:
        schema = c.execute(text("SHOW search_path")).scalar()
    return f"{url}?options=-csearch_path%3D{schema}"


class StageProcess(Place):
    """A stage process, from the client's side: start it, probe it, ``close()`` kills it."""

    def __init__(self, engine: Engine, folder: Path, ticker: bool = False) -> None:
        self.engine, self.folder = engine, folder
        self.trap = FileTrap(folder / "trap.jsonl")
        self.log = folder / "server.log"
        command = [sys.executable, "-m", "tests.fuzz_server", database_url(engine), str(self.trap.path)]
        with self.log.open("w") as log:
            self.proc = subprocess.Popen([*command, *(["--ticker"] if ticker else [])], cwd=ROOT, text=True,
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log)
        assert self.proc.stdout is not None
        for line in self.proc.stdout:  # the app may print a notice first
            if line.startswith("{"):
                ready = json.loads(line)
                self.port, self.tokens = int(ready["port"]), dict(ready["tokens"])
                break
        else:
            self.close()
            raise RuntimeError("the stage process did not start: " + self.log.read_text()[-3000:])

    def ask(self, command: str, timeout: float = 10) -> str:
        """A command to the stage process (``mark``, ``worst``) and its one-line answer."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        answer: list[str] = []
        reader = threading.Thread(target=lambda: answer.append(self.proc.stdout.readline()), daemon=True)  # type: ignore[union-attr]
        reader.start()
        reader.join(timeout)
        if not answer or not answer[0]:
            raise TimeoutError(f"the stage process did not answer {command!r} (stuck)")
        return answer[0].strip()

    def close(self, timeout: float = 5) -> None:
        with contextlib.suppress(OSError, ValueError):
            if self.proc.stdin is not None:
                self.proc.stdin.close()
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()

    def __enter__(self) -> StageProcess:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    if not found:
        raise AssertionError("no CSRF field on the page")
    return found.group(1)


def main(argv: list[str]) -> None:
    """The stage process: serve, print the port and tokens, answer commands until stdin ends."""
    url, trap_file, *flags = argv
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    engine = make_engine(url)
    trap = Trap(Path(trap_file))
    for name in Trap.LOGGERS:
        logging.getLogger(name).addHandler(trap)
    stage = Stage(engine, Ticker() if "--ticker" in flags else None).start()
    print(json.dumps({"port": stage.port, "tokens": stage.tokens}), flush=True)
    for line in sys.stdin:
        if line.strip() == "mark" and stage.ticker:
            stage.ticker.reset()
            print("ok", flush=True)
        elif line.strip() == "worst" and stage.ticker:
            print(stage.ticker.settled(), flush=True)
    stopped = stage.stop(timeout=3)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0 if stopped else 3)  # a stuck server thread cannot be joined: leave without it


if __name__ == "__main__":
    main(sys.argv[1:])
