"""Several workers sharing one database. In one process, two apps on one engine stand for two
workers: a judge's device on one shows on the other's console, and stops showing as online once
its worker stops beating (killed with -9) or leaves; device reports reach the database when a
socket opens or closes and every few seconds while frames come in, never once per frame; the
sign-in limiter counts attempts sent to both. Through the command line: ``scoreboard serve
--workers N`` refuses a memory bus, and each worker made by the ``from_env`` factory beats under
an id of its own."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import Engine, event, func
from sqlmodel import select

from judges.registry import Connection
from scoreboard.app import from_env
from scoreboard.cli import main
from scoreboard.services.devices import DeviceService, DeviceStatus, merged
from scoreboard.services.limiter import LoginLimiter
from scoreboard.store import tables as db
from scoreboard.store.accounts import create_account
from scoreboard.store.devices import Report, Reported
from scoreboard.store.engine import make_engine, session
from tests.support import seed
from tests.test_sessions import PASSWORD, app_for, csrf_of, sign_in, started

T0 = datetime(2026, 12, 8, 9, 0, tzinfo=UTC)
NOBODY_HERE = Report("cup", "j1", 0, None, None)  # the reading worker holds no socket of j1


@pytest.fixture
def shared(engine: Engine) -> Engine:
    """The test competition and an organizer ``admin``, on SQLite and on PostgreSQL."""
    seed(engine)
    with session(engine, write=True) as s:
        create_account(s, "admin", PASSWORD)
        s.commit()
    return engine


def at(seconds: int | None) -> datetime | None:
    return None if seconds is None else T0 + timedelta(seconds=seconds)


def said(sockets: int, seen: int | None, waiting: int | None, alive: bool = True) -> Reported:
    return Reported(Report("cup", "j1", sockets, at(seen), waiting), alive)


@pytest.mark.parametrize(("reports", "expected"), [
    ([], DeviceStatus(False, None, None)),  # never connected anywhere
    ([said(0, None, None)], DeviceStatus(False, None, None)),
    ([said(1, 10, None)], DeviceStatus(True, at(10), None)),  # open, the outbox not reported yet
    ([said(1, 10, 2), said(1, 20, 3)], DeviceStatus(True, at(20), 5)),  # a tablet on each of two workers
    ([said(1, 10, 2), said(1, 20, None)], DeviceStatus(True, at(20), 2)),
    ([said(0, 30, 0), said(1, 20, 4)], DeviceStatus(True, at(30), 4)),  # closed on one, open on the other
    ([said(1, 40, 6, alive=False), said(0, 30, 1)], DeviceStatus(False, at(40), 6)),  # its worker was killed
    ([said(0, 30, 1), said(0, 20, 7)], DeviceStatus(False, at(30), 1)),  # the last one heard says
])
def test_every_workers_report_is_merged(reports: list[Reported], expected: DeviceStatus) -> None:
    assert merged(reports) == expected


def device_rows(engine: Engine) -> list[tuple[str, int]]:
    with session(engine) as s:
        return [(d.worker, d.sockets) for d in s.exec(select(db.JudgeDevice).order_by(db.JudgeDevice.worker))]


def test_a_worker_that_stops_beating_holds_no_socket(shared: Engine) -> None:
    now = [T0.timestamp()]
    a, b = (DeviceService(shared, name, clock=lambda: now[0]) for name in ("a", "b"))
    a.report([Report("cup", "j1", 1, at(-1), 2)], beat=True)
    assert b.status(NOBODY_HERE) == DeviceStatus(True, at(-1), 2)
    assert a.status(NOBODY_HERE) == DeviceStatus(False, None, None)  # a worker reads its own from memory
    now[0] += 14
    assert b.status(NOBODY_HERE).online  # a's beat is 14 s old: still running
    now[0] += 2
    assert b.status(NOBODY_HERE) == DeviceStatus(False, at(-1), 2)  # 16 s: gone; last seen and outbox kept
    a.report([], beat=True)
    assert b.status(NOBODY_HERE).online  # it beats again
    a.leave()
    assert b.status(NOBODY_HERE) == DeviceStatus(False, at(-1), 2)  # stopped: offline at once
    b.report([Report("cup", "j1", 1, at(30), None)], beat=True)  # the tablet came back on b
    assert device_rows(shared) == [("b", 1)]  # b's report says all a's said: a's is deleted
    assert a.status(NOBODY_HERE) == DeviceStatus(True, at(30), None)


def device_of(html: str) -> tuple[str, str | None, str]:
    tag = BeautifulSoup(html, "html.parser").select_one("#device-j1")
    assert tag is not None
    return str(tag["data-online"]), tag.get("data-waiting"), tag.select_one(".device-state").text  # type: ignore[union-attr]


async def eventually(check: Callable[[], Any], seconds: float = 5.0) -> Any:
    """``check()`` (awaited) until it is truthy; fails after ``seconds``."""
    deadline = time.monotonic() + seconds
    while not (found := await check()):
        assert time.monotonic() < deadline, "not within the time"
        await asyncio.sleep(0.1)
    return found


async def test_a_tablet_on_one_worker_shows_on_the_others_console(shared: Engine) -> None:
    async with started(app_for(shared)) as on_a, started(app_for(shared)) as on_b:
        http = await on_b()
        await sign_in(http)
        tablet = Connection("cup", "j1", "en")
        on_a.state["judges"].add(tablet)
        tablet.heard_from(3)

        async def shown(online: str) -> tuple[str, str | None, str] | None:
            page = device_of((await http.get("/console/c/cup/e/hot?lang=en")).text)
            return page if page[0] == online else None

        assert await eventually(lambda: shown("yes")) == ("yes", "3", "online")
        on_a.state["judges"].remove(tablet)
        assert await eventually(lambda: shown("no")) == ("no", "3", "offline")  # its outbox is kept
        worker_a = on_a.state["devices"].worker
    with session(shared) as s:  # a stopped: it no longer beats
        assert s.get(db.Worker, worker_a) is None


async def test_frames_are_reported_every_few_seconds_never_each(shared: Engine) -> None:
    writes: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith(("INSERT INTO JUDGE_DEVICE", "UPDATE JUDGE_DEVICE")):
            writes.append(statement)

    event.listen(shared, "before_cursor_execute", count)
    try:
        async with started(app_for(shared)) as on_a:
            tablet = Connection("cup", "j1", "en")
            on_a.state["judges"].add(tablet)
            frames, until = 0, time.monotonic() + 2.0
            while time.monotonic() < until:  # a frame every 10 ms for 2 s
                tablet.heard_from()
                frames += 1
                await asyncio.sleep(0.01)

            def stored() -> datetime | None:
                with session(shared) as s:
                    seen = s.exec(select(db.JudgeDevice.last_seen)).one()
                return seen if seen is None or seen.tzinfo else seen.replace(tzinfo=UTC)

            async def caught_up() -> bool:
                return stored() == tablet.heard

            await eventually(caught_up, 4.0)  # the last frame reaches the database too
            assert frames > 50 and 2 <= len(writes) <= 4  # the socket opening, then a report at most every 2 s
    finally:
        event.remove(shared, "before_cursor_execute", count)


async def test_a_burst_of_sign_ins_across_two_workers_gets_five_tries(shared: Engine) -> None:
    async with started(app_for(shared)) as on_a, started(app_for(shared)) as on_b:
        clients = [await on_a("10.0.0.7"), await on_b("10.0.0.7")]
        tokens = [csrf_of((await http.get("/console/login")).text) for http in clients]
        answers = await asyncio.gather(*(
            clients[i % 2].post("/console/login", data={"csrf": tokens[i % 2], "username": "admin",
                                                        "password": f"guess {i}"})
            for i in range(20)))
        assert sorted(r.status_code for r in answers) == [401] * 5 + [429] * 15
        late = await on_b("10.0.0.8")  # the username is held back on either worker, from anywhere
        r = await late.post("/console/login", data={"csrf": csrf_of((await late.get("/console/login")).text),
                                                    "username": "admin", "password": PASSWORD})
        assert r.status_code == 429


def attempt_rows(engine: Engine) -> int:
    with session(engine) as s:
        return int(s.exec(select(func.count()).select_from(db.SignInAttempt)).one())


def test_attempts_are_forgotten_after_the_window(engine: Engine) -> None:
    now = [T0.timestamp()]
    limiter = LoginLimiter(engine, failures=2, window=60, clock=lambda: now[0])
    assert limiter.attempt("10.0.0.1", "admin") and limiter.attempt("10.0.0.1", "admin")
    assert attempt_rows(engine) == 4  # two attempts, each counted for the address and the username
    now[0] += 59
    assert not limiter.attempt("10.0.0.1", "someone")  # the address has had two in the last 60 s
    assert attempt_rows(engine) == 4  # a refused attempt is not counted
    now[0] += 2
    assert limiter.attempt("10.0.0.1", "admin")
    assert attempt_rows(engine) == 2  # the old ones are deleted; the new one counts twice
    assert len(limiter) == 2


# --- the command line -------------------------------------------------------------------------

@pytest.mark.parametrize(("lang", "expected"), [
    ("en", "--workers 2 needs a live bus shared by processes, and BROADCAST_URL is memory://"),
    ("zh_CN", "--workers 2 需要多个进程共用的实时总线，而 BROADCAST_URL 是 memory://"),
])
def test_serve_refuses_several_workers_on_a_memory_bus(lang: str, expected: str, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)  # no .env
    monkeypatch.delenv("BROADCAST_URL", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    assert main(["--lang", lang, "serve", "--workers", "2"]) == 2
    err = capsys.readouterr().err
    assert expected in err
    assert not (tmp_path / "x.db").exists()  # refused before anything started


def test_serve_refuses_no_workers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["--lang", "en", "serve", "--workers", "0"]) == 2
    assert "--workers must be 1 or more, not 0" in capsys.readouterr().err


async def test_each_worker_of_the_factory_beats_under_its_own_id(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'workers.db'}")
    first, second = from_env(), from_env()
    async with first.router.lifespan_context(first) as one, second.router.lifespan_context(second) as two:
        ids = {one["devices"].worker, two["devices"].worker}  # type: ignore[index]
        engine = one["engine"]  # type: ignore[index]

        async def both_beat() -> bool:
            with session(engine) as s:
                return set(s.exec(select(db.Worker.id))) == ids

        assert len(ids) == 2
        await eventually(both_beat)
    after = make_engine(f"sqlite:///{tmp_path / 'workers.db'}")
    with session(after) as s:
        assert list(s.exec(select(db.Worker.id))) == []  # both said they stop
    after.dispose()
