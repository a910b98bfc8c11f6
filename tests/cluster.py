"""Several real ``scoreboard serve`` processes on 127.0.0.1 sharing one database and one live bus.

Words: a *worker* is one ``scoreboard serve --port N`` process, started from the command line as
an organizer would, its output in a log file of its own; it can be killed (kill -9) and started
again on the same port. A *cluster* is two or three workers on one PostgreSQL schema of their own
(``postgres_schema``) and one ``BROADCAST_URL``: the local Redis, a *private Redis* (a
``redis-server`` on a free port, which a test may stop and start mid-contest), or the same
PostgreSQL URL (LISTEN/NOTIFY). ``cluster`` sets the competition up with the commands (`init`,
`admin create`), opens every event and issues a login token per judge; at the end every process
it started is stopped, bounded (SIGTERM, then SIGKILL). A *spectator* is a board socket that
reconnects when it is closed, as ``static/board.js`` does, and keeps every frame it got.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import tomli_w
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake

from scoreboard.store.engine import make_engine, session
from scoreboard.store.events import set_event_state
from tests.conftest import POSTGRES_URL
from tests.e2e.servers import free_port
from tests.fuzz_server import csrf_of
from tests.live import tokens

CLI = [sys.executable, "-m", "scoreboard.cli"]
PASSWORD = "cluster password"
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@contextlib.contextmanager
def postgres_schema() -> Iterator[str]:
    """A fresh schema of the local PostgreSQL, dropped afterwards: its URL, as a server process
    opens it. Skipped when PostgreSQL is not reachable (a failure under CI)."""
    schema = f"test_{uuid.uuid4().hex[:16]}"
    admin = make_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as c:
            c.execute(text(f"CREATE SCHEMA {schema}"))
    except OperationalError as e:
        admin.dispose()
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is not reachable at {POSTGRES_URL}: {e.orig}")
        pytest.skip(f"PostgreSQL is not reachable at {POSTGRES_URL}: {e.orig}")
    try:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as c:
            c.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def stop(proc: subprocess.Popen[bytes], timeout: float = 10) -> None:
    """SIGTERM, then SIGKILL if it has not ended within ``timeout``."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout)


def wait_until(ready: Any, proc: subprocess.Popen[bytes], log: Path, what: str, seconds: float = 30) -> None:
    """Poll ``ready()`` until it is true; raise with the log when the process ended or time ran out."""
    deadline = time.monotonic() + seconds
    while not ready():
        if proc.poll() is not None:
            raise RuntimeError(f"{what} ended ({proc.returncode}): " + log.read_text()[-3000:])
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not answer in {seconds:.0f} s: " + log.read_text()[-3000:])
        time.sleep(0.1)


@dataclass
class Worker:
    """One ``scoreboard serve --port N`` process; ``start()`` returns once it answers."""

    name: str
    env: dict[str, str]
    log: Path
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    @property
    def judge_url(self) -> str:
        return f"{self.ws}/ws/judge"

    def launch(self) -> None:
        with self.log.open("a") as out:
            self.proc = subprocess.Popen([*CLI, "serve", "--port", str(self.port)], env=self.env, stdout=out,
                                         stderr=subprocess.STDOUT)

    def answers(self) -> bool:
        try:
            urllib.request.urlopen(self.base + "/", timeout=1).close()
            return True
        except OSError:
            return False

    def wait(self) -> None:
        assert self.proc is not None
        wait_until(self.answers, self.proc, self.log, f"worker {self.name}")

    def start(self) -> None:
        self.launch()
        self.wait()

    def kill(self) -> None:
        """kill -9: no shutdown, nothing flushed, no goodbye to its sockets."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None:
            stop(self.proc)

    def tracebacks(self) -> list[str]:
        return [part[:2000] for part in self.log.read_text().split("Traceback")[1:]]


class PrivateRedis:
    """A ``redis-server`` of the test's own on a free port, no persistence; ``stop()`` and
    ``start()`` again on the same port are a Redis restart."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.port = folder, free_port()
        self.log = folder / "redis.log"
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def answers(self) -> bool:
        done = subprocess.run(["redis-cli", "-p", str(self.port), "ping"], capture_output=True, text=True,
                              timeout=5, check=False)
        return done.stdout.strip() == "PONG"

    def start(self) -> None:
        with self.log.open("a") as out:
            self.proc = subprocess.Popen(["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                                          "--save", "", "--appendonly", "no", "--dir", str(self.folder)],
                                         stdout=out, stderr=subprocess.STDOUT)
        wait_until(self.answers, self.proc, self.log, "redis-server", 10)

    def stop(self) -> None:
        if self.proc is not None:
            stop(self.proc)


@dataclass
class Cluster:
    folder: Path
    env: dict[str, str]
    workers: list[Worker]
    tokens: dict[str, str]  # judge key → login token

    def engine(self) -> Engine:
        return make_engine(self.env["DATABASE_URL"])

    def cli(self, *args: str, stdin: str | None = None) -> str:
        """A ``scoreboard`` command on the cluster's database; its standard output."""
        done = subprocess.run([*CLI, *args], env=self.env, capture_output=True, text=True, input=stdin, timeout=60,
                              check=False)
        if done.returncode != 0:
            raise AssertionError(f"scoreboard {' '.join(args)} failed: {done.stderr[-2000:]}")
        return done.stdout

    def tracebacks(self) -> dict[str, list[str]]:
        return {w.name: w.tracebacks() for w in self.workers if w.tracebacks()}


def cluster_env(database_url: str, broadcast_url: str, **settings: str) -> dict[str, str]:
    """The environment every worker and command shares: no SECRET_KEY, so the signing key is
    the database's (shared by every worker), and no test hooks unless asked for."""
    env = {**os.environ, "DATABASE_URL": database_url, "BROADCAST_URL": broadcast_url, "LANG": "C", **settings}
    for name in ("SECRET_KEY", "FORWARDED_ALLOW_IPS", "HTTPS", "TEST_HOOKS"):
        if name not in settings:
            env.pop(name, None)
    return env


@contextlib.contextmanager
def cluster(folder: Path, database_url: str, broadcast_url: str, cup: dict[str, Any], judges: Sequence[str],
            workers: int = 2, **settings: str) -> Iterator[Cluster]:
    """``workers`` workers serving ``cup`` on one database and one bus, every event open, an
    organizer account ``admin`` (``PASSWORD``) and a login token for each of ``judges``."""
    folder.mkdir(parents=True, exist_ok=True)
    env = cluster_env(database_url, broadcast_url, **settings)
    (folder / "cup.toml").write_text(tomli_w.dumps(cup), encoding="utf-8")
    made = Cluster(folder, env, [Worker(chr(ord("A") + i), env, folder / f"worker-{chr(ord('a') + i)}.log")
                                 for i in range(workers)], {})
    made.cli("init", str(folder / "cup.toml"))
    made.cli("admin", "create", "admin", "--password-stdin", stdin=PASSWORD + "\n")
    engine = made.engine()
    try:
        key = cup["competition"]["key"]
        with session(engine, write=True) as s:
            for event in cup["events"]:
                set_event_state(s, key, event["key"], "open", actor="test")
            s.commit()
        made.tokens = tokens(engine, list(judges), key)
    finally:
        engine.dispose()
    try:
        for worker in made.workers:  # launched together, waited for one by one: they start in parallel
            worker.launch()
        for worker in made.workers:
            worker.wait()
        yield made
    finally:
        for worker in made.workers:
            worker.stop()


async def sign_in(http: httpx.AsyncClient) -> str:
    """The organizer signs in through the form on ``http``'s worker; the console's CSRF token."""
    page = await http.get("/console/login")
    r = await http.post("/console/login", data={"csrf": csrf_of(page.text), "username": "admin",
                                                "password": PASSWORD, "next": "/console/"})
    assert r.status_code == 303, f"signing in answered {r.status_code}"
    return csrf_of((await http.get("/console/")).text)


class Spectator:
    """A board socket (``/ws/board/…``) that reconnects 0.2 s after any close and keeps every frame."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.frames: list[str] = []
        self.connections = 0
        self._new = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Spectator:
        self._task = asyncio.create_task(self._run())
        await self.sees("live-", since=0)  # the first full state
        return self

    async def __aexit__(self, *_exc: object) -> None:
        assert self._task is not None
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task

    async def _run(self) -> None:
        while True:
            with contextlib.suppress(OSError, ConnectionClosed, InvalidHandshake, TimeoutError):
                async with connect(self.url, open_timeout=5) as ws:
                    self.connections += 1
                    async for frame in ws:
                        self.frames.append(str(frame))
                        self._new.set()
            await asyncio.sleep(0.2)

    def mark(self) -> int:
        return len(self.frames)

    async def sees(self, *texts: str, since: int, seconds: float = 5, without: tuple[str, ...] = ()) -> str:
        """The first frame from ``since`` on that holds every one of ``texts`` and none of
        ``without``; fails after ``seconds``."""
        deadline = time.monotonic() + seconds
        while True:
            for frame in self.frames[since:]:
                if all(t in frame for t in texts) and not any(t in frame for t in without):
                    return frame
            since = len(self.frames)
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"{self.url} showed no frame with {texts} in {seconds} s; "
                                     f"last: {self.frames[-1][:500] if self.frames else None}")
            self._new.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new.wait(), left)
