"""The live bus across processes, against real servers: Redis pub/sub (the shared server at
127.0.0.1:6379, or the test's own ``redis-server`` when it is restarted) and PostgreSQL
LISTEN/NOTIFY (database ``test``). Each test names its own deployment (a fresh namespace), so
runs in parallel never hear each other. Plus what a process does with ``BusResumed``: the book
and the boards come back from the database, so a notification lost while the bus was away
leaves nothing stale."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from redis.asyncio import Redis
from sqlalchemy import Engine

from scoreboard import changes as ch
from scoreboard.app import create_app
from scoreboard.changes import BusResumed, Change, CompetitionChanged, EntryLocked, EventChanged, SheetAccepted
from scoreboard.live.book import StandingsBook
from scoreboard.live.bus import MemoryBus, channel, make_bus
from scoreboard.live.bus.remote import RemoteBus
from scoreboard.live.hub import Hub, Topic
from scoreboard.services.sheets import SheetService
from scoreboard.settings import Settings
from tests.conftest import POSTGRES_URL
from tests.support import EIGHTY, running, seed, sheet

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
BACKENDS = [pytest.param(REDIS_URL, marks=pytest.mark.redis, id="redis"),
            pytest.param(POSTGRES_URL, marks=pytest.mark.postgres, id="postgres")]
WAIT = 5.0  # seconds any one change may take to arrive


def deployment() -> str:
    return uuid.uuid4().hex


async def arrival(queue: asyncio.Queue[Change], seconds: float = WAIT) -> Change:
    async with asyncio.timeout(seconds):
        return await queue.get()


async def nothing_more(queue: asyncio.Queue[Change], seconds: float = 0.3) -> None:
    await asyncio.sleep(seconds)
    assert queue.empty(), queue.get_nowait()


@contextlib.asynccontextmanager
async def connected(url: str, namespace: str) -> AsyncIterator[tuple[RemoteBus, asyncio.Queue[Change]]]:
    """A bus subscribed and connected; its first change (``BusResumed``) already taken."""
    bus = make_bus(url, namespace)
    assert isinstance(bus, RemoteBus)
    try:
        async with bus.subscribe() as queue:
            await bus.connect()
            assert await arrival(queue) == BusResumed()
            yield bus, queue
    finally:
        async with asyncio.timeout(WAIT):
            await bus.close()


async def send_raw(url: str, name: str, payload: str) -> None:
    """A message put on the channel by something other than a bus (another version, say)."""
    if url.startswith("redis"):
        client = Redis.from_url(url)
        await client.publish(name, payload)
        await client.aclose()
    else:
        async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
            await conn.execute("SELECT pg_notify(%s, %s)", (name, payload))


# -- messages --------------------------------------------------------------------------------

EVERY_KIND = [SheetAccepted("cup", "hot", "e1", "j1", 17), CompetitionChanged("cup"), EntryLocked("cup", "hot", "e1"),
              EntryLocked("cup", "hot", "e1", locked=False), ch.JudgeRevoked("cup", "j2"), EventChanged("cup", "cold"),
              ch.RescoreRequested("cup", "hot", "e1", "j3", "盐放多了？")]


@pytest.mark.parametrize("change", EVERY_KIND, ids=lambda c: c.name)
def test_every_kind_travels_as_small_versioned_json(change: Change) -> None:
    message = ch.encode(change)
    assert json.loads(message)["v"] == 1 and json.loads(message)["change"]["name"] == change.name
    assert ch.decode(message) == change
    assert len(message.encode()) < 300


def test_the_message_of_an_accepted_sheet() -> None:
    assert ch.encode(SheetAccepted("cup", "hot", "e1", "j1", 17)) == (
        '{"v":1,"change":{"name":"sheet.accepted","competition":"cup","event":"hot","entry":"e1","judge":"j1",'
        '"seq":17}}')


def test_a_long_rescore_reason_is_cut_to_stay_far_below_notifys_limit() -> None:
    change = ch.decode(ch.encode(ch.RescoreRequested("cup", "hot", "e1", "j3", "咸" * 5000)))
    assert isinstance(change, ch.RescoreRequested)
    assert change.reason == "咸" * 499 + "…"
    assert len(ch.encode(change).encode()) < 2000  # 500 characters of three bytes, and the keys


@pytest.mark.parametrize("message", [
    '{"v":2,"change":{"name":"competition.changed","competition":"cup"}}',  # a later version
    '{"change":{"name":"competition.changed","competition":"cup"}}',  # no version
    '{"v":1,"change":{"name":"competition.renamed","competition":"cup"}}',  # an unknown kind
    '{"v":1,"change":{"name":"bus.resumed"}}',  # never travels
    '{"v":1,"change":{"name":"judge.revoked","competition":"cup"}}',  # a field missing
    '{"v":1,"change":{"name":"judge.revoked","competition":"cup","judge":"j1","why":"x"}}',  # one too many
    "not json", "[1]", '{"v":1,"change":"competition.changed"}'])
def test_a_message_this_version_cannot_read_is_refused(message: str) -> None:
    with pytest.raises(ch.Unreadable):
        ch.decode(message)


def test_bus_resumed_is_a_change_but_never_a_kind_on_the_wire() -> None:
    assert "bus.resumed" not in ch.KINDS and len(ch.KINDS) == 6


def test_each_deployment_has_its_own_channel() -> None:
    assert channel("a") == channel("a") == "scoreboard:ca978112ca1bbdca"  # sha256("a")[:16]
    assert channel("b") != channel("a")


def test_an_unknown_scheme_is_refused() -> None:
    with pytest.raises(ValueError, match="BROADCAST_URL 'kafka://q'"):
        make_bus("kafka://q", "x")


@pytest.mark.parametrize("url", ["memory://", "redis://127.0.0.1:6379/0", "rediss://cache.local:6380/2",
                                 "postgresql://scores@db.local/cup", "postgres://scores:pw@db.local/cup"])
def test_the_setting_takes_each_backend(url: str) -> None:
    assert Settings.from_env(env_file=None, broadcast_url=url).broadcast_url == url


# -- both servers ----------------------------------------------------------------------------

@pytest.mark.parametrize("url", BACKENDS)
async def test_a_change_goes_round_once(url: str) -> None:
    async with connected(url, deployment()) as (bus, queue):
        await bus.publish(SheetAccepted("cup", "hot", "e1", "j1", 17))
        await bus.publish(ch.RescoreRequested("cup", "hot", "e1", "j3", "重评"))
        assert await arrival(queue) == SheetAccepted("cup", "hot", "e1", "j1", 17)
        assert await arrival(queue) == ch.RescoreRequested("cup", "hot", "e1", "j3", "重评")
        await nothing_more(queue)  # heard back from the server only, not also delivered locally


@pytest.mark.parametrize("url", BACKENDS)
async def test_another_process_hears_the_change(url: str) -> None:
    name = deployment()
    async with connected(url, name) as (a, _), connected(url, name) as (_, b_queue):
        await a.publish(ch.JudgeRevoked("cup", "j2"))
        assert await arrival(b_queue) == ch.JudgeRevoked("cup", "j2")


@pytest.mark.parametrize("url", BACKENDS)
async def test_two_deployments_on_one_server_never_hear_each_other(url: str) -> None:
    async with connected(url, deployment()) as (a, a_queue), connected(url, deployment()) as (b, b_queue):
        await a.publish(CompetitionChanged("a-cup"))
        await b.publish(CompetitionChanged("b-cup"))
        assert await arrival(a_queue) == CompetitionChanged("a-cup")
        assert await arrival(b_queue) == CompetitionChanged("b-cup")
        await nothing_more(a_queue)
        await nothing_more(b_queue)


@pytest.mark.parametrize("url", BACKENDS)
async def test_a_message_of_an_unknown_version_is_skipped(url: str) -> None:
    async with connected(url, deployment()) as (bus, queue):
        await send_raw(url, bus.channel, '{"v":2,"change":{"name":"competition.changed","competition":"cup"}}')
        await send_raw(url, bus.channel, '{"v":1,"change":{"name":"competition.renamed","competition":"cup"}}')
        await bus.publish(CompetitionChanged("cup"))
        assert await arrival(queue) == CompetitionChanged("cup")  # the listener lived on
        await nothing_more(queue)


# -- a lost connection -----------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def redis_server(port: int, workdir: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A redis-server of this test's own on ``port`` (never the shared one), without persistence."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed")
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--dir", str(workdir)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + WAIT
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
            assert proc.poll() is None and time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)
        yield proc
    finally:
        proc.kill()
        proc.wait(timeout=WAIT)


@pytest.mark.redis
async def test_redis_restarted_the_bus_reconnects_and_says_so(tmp_path: Path) -> None:
    port = free_port()
    url = f"redis://127.0.0.1:{port}/0"
    bus = make_bus(url, deployment())
    assert isinstance(bus, RemoteBus)
    async with bus.subscribe() as queue:
        with redis_server(port, tmp_path):
            await bus.connect()
            assert await arrival(queue) == BusResumed()
        # the server is gone: a publish reaches this process only, and raises nothing
        await bus.publish(EventChanged("cup", "hot"))
        assert await arrival(queue) == EventChanged("cup", "hot")
        await asyncio.sleep(0.5)  # the listener backs off meanwhile: 0.1, 0.2, 0.4 s…
        with redis_server(port, tmp_path):
            assert await arrival(queue, 10) == BusResumed()  # changes may have been missed
            await bus.publish(EntryLocked("cup", "hot", "e1"))
            assert await arrival(queue) == EntryLocked("cup", "hot", "e1")  # round the server again
            await nothing_more(queue)
            await bus.close()
    assert bus.connections == 2


@pytest.mark.postgres
async def test_postgres_listener_terminated_the_bus_reconnects_and_says_so() -> None:
    async with connected(POSTGRES_URL, deployment()) as (bus, queue):
        listen = f'LISTEN "{bus.channel}"'
        async with await psycopg.AsyncConnection.connect(POSTGRES_URL, autocommit=True) as admin:
            cur = await admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = %s",
                                      (listen,))
            assert await cur.fetchall() == [(True,)]
        assert await arrival(queue, 10) == BusResumed()
        await bus.publish(SheetAccepted("cup", "hot", "e1", "j1", 3))
        assert await arrival(queue) == SheetAccepted("cup", "hot", "e1", "j1", 3)
        await nothing_more(queue)
        assert bus.connections == 2


# -- what a process does with the changes ----------------------------------------------------

@pytest.fixture
def db(engine: Engine) -> Engine:
    """The test competition, open, on SQLite and on PostgreSQL."""
    seed(engine)
    return engine


def scores(book: StandingsBook) -> dict[str, Any]:
    _event, _state, standings = book.standings("cup", "hot")
    return {s.entry.key: s.result.shown for s in standings}


async def another_worker_writes(db: Engine, sheets: list[dict[str, Any]]) -> None:
    """Sheets accepted by another process whose changes never reached this one (a lost notification)."""
    service = SheetService(db, MemoryBus(), StandingsBook(db))
    for raw in sheets:
        await service.submit("cup", str(raw["judge"]), raw)
    await service.close()


async def test_the_book_applies_an_accepted_sheet_idempotently(db: Engine) -> None:
    book = StandingsBook(db)
    service = SheetService(db, MemoryBus(), book)
    assert scores(book)["e2"] is None
    receipts = [await service.submit("cup", f"j{i}", sheet("e2", f"j{i}", EIGHTY)) for i in range(1, 6)]
    late = SheetAccepted("cup", "hot", "e2", "j1", receipts[0].seq)
    for seq in (r.seq for r in receipts):
        book.apply(SheetAccepted("cup", "hot", "e2", "j1", seq))
    assert scores(book)["e2"] == 80  # five sheets of 28+16+12+12+4+8
    for _ in range(3):  # a duplicate, and the first sheet's change arriving after the last
        book.apply(late)
    assert scores(book)["e2"] == 80


async def test_bus_resumed_reloads_what_a_lost_notification_left_stale(db: Engine) -> None:
    book = StandingsBook(db)
    assert scores(book)["e2"] is None
    await another_worker_writes(db, [sheet("e2", f"j{i}", EIGHTY) for i in range(1, 6)])
    assert scores(book)["e2"] is None  # nothing told this process
    book.apply(BusResumed())
    assert scores(book)["e2"] == 80


async def test_a_gap_in_the_seqs_heals_what_a_lost_notification_left_stale(db: Engine) -> None:
    """Another worker stores five sheets of e2 and their notifications are lost; then a sheet of e3
    arrives, its seq well above the last one heard: the book rescores e2 too, without a reload."""
    book = StandingsBook(db)
    service = SheetService(db, MemoryBus(), book)
    assert scores(book)["e2"] is None  # standings asked for: the book is scored
    first = await service.submit("cup", "j1", sheet("e1", "j1", EIGHTY))
    book.apply(SheetAccepted("cup", "hot", "e1", "j1", first.seq))
    await another_worker_writes(db, [sheet("e2", f"j{i}", EIGHTY) for i in range(1, 6)])
    assert scores(book)["e2"] is None  # nothing told this process
    after = await service.submit("cup", "j1", sheet("e3", "j1", EIGHTY))
    assert after.seq == first.seq + 6
    book.apply(SheetAccepted("cup", "hot", "e3", "j1", after.seq))
    assert scores(book)["e2"] == 80


async def test_a_sheet_of_an_entry_the_book_never_heard_of_reloads_its_competition(db: Engine) -> None:
    """The change that added the entry was lost: the book does not fail (its follower would stop
    for good), it drops the competition and the next read loads it whole."""
    book = StandingsBook(db)
    assert scores(book)["e2"] is None
    await another_worker_writes(db, [sheet("e2", f"j{i}", EIGHTY) for i in range(1, 6)])
    book.apply(SheetAccepted("cup", "hot", "added-elsewhere", "j1", 10**6))
    assert scores(book)["e2"] == 80


class Recorder:
    def __init__(self) -> None:
        self.frames: list[str] = []

    async def send(self, frame: str) -> None:
        self.frames.append(frame)


async def test_bus_resumed_sends_every_board_a_full_state_from_the_database(db: Engine) -> None:
    app = create_app(Settings.from_env(env_file=None, database_url="sqlite://", organizer_key="k"), engine=db)
    async with running(app) as (_client, state):
        hub: Hub = state["boards"].hub
        boss, public = Recorder(), Recorder()
        async with hub.subscribe([Topic("cup", "hot", "organizer")], boss.send), \
                hub.subscribe([Topic("cup", "other")], public.send):
            for _ in range(100):  # each board's first full state
                if boss.frames and public.frames:
                    break
                await asyncio.sleep(0.05)
            firsts = len(boss.frames), len(public.frames)
            await another_worker_writes(db, [sheet("e2", f"j{i}", EIGHTY) for i in range(1, 6)])
            await asyncio.sleep(0.3)
            assert (len(boss.frames), len(public.frames)) == firsts  # stale, and no board knows
            await state["bus"].publish(BusResumed())
            await asyncio.sleep(0.4)
            assert len(boss.frames) == firsts[0] + 1 and "80.00" in boss.frames[-1]
            assert len(public.frames) == firsts[1] + 1  # unchanged, yet sent again: a full state
            assert '"full":1' in public.frames[-1]
            assert public.frames[-1].partition("\n")[2] == public.frames[firsts[1] - 1].partition("\n")[2]


@pytest.mark.redis
async def test_an_app_on_redis_follows_its_own_sheets_round_the_server(db: Engine) -> None:
    settings = Settings.from_env(env_file=None, database_url="sqlite://", broadcast_url=REDIS_URL)
    app = create_app(settings, engine=db)
    async with running(app) as (_client, state):
        hub: Hub = state["boards"].hub
        boss = Recorder()
        async with hub.subscribe([Topic("cup", "hot", "organizer")], boss.send), state["bus"].subscribe() as heard:
            for i in range(1, 6):
                await state["service"].submit("cup", f"j{i}", sheet("e2", f"j{i}", EIGHTY))
            changes = [await arrival(heard) for _ in range(5)]
            assert [c.judge for c in changes if isinstance(c, SheetAccepted)] == ["j1", "j2", "j3", "j4", "j5"]
            await nothing_more(heard)
            await asyncio.sleep(0.3)
            assert "80.00" in boss.frames[-1]
