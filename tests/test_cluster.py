"""Several workers keep every promise one process keeps (issue 10): real ``scoreboard serve``
processes on 127.0.0.1, one PostgreSQL schema, one live bus (the local Redis; a private Redis for
the restart; PostgreSQL LISTEN/NOTIFY once), reached through their real sockets and pages:

- a sheet accepted on worker A reaches a spectator's board socket on worker B within a second;
- a session signed in on A is valid on B, and an organizer's action there — closing and reopening
  an event, locking an entry, hiding an event — reaches the judges' sockets and boards on A (a
  locked entry's next sheet is refused there);
- ``scoreboard judges revoke`` on the command line closes the judge's sockets on every worker
  within two seconds;
- a judge connected to A shows online on B's progress page, and offline once gone;
- kill -9 of a worker mid-contest: its judges resend to another worker, and every acknowledged
  sheet is stored exactly once; its spectators reconnect there and catch up;
- a Redis restart mid-contest: sheets accepted while the bus was down reach the boards on every
  worker once it is back.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from bs4 import BeautifulSoup
from sqlmodel import select
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from judges.client import JudgeClient, JudgeError
from scoreboard.store import tables as db
from scoreboard.store.engine import session
from tests.cluster import REDIS_URL, Cluster, PrivateRedis, Spectator, cluster, postgres_schema, sign_in
from tests.support import COMPETITION, EIGHTY

pytestmark = [pytest.mark.cluster, pytest.mark.postgres]
JUDGES = [f"j{i}" for i in range(1, 8)]
OTHER = "/ws/board/cup/other?lang=en"  # the pastry event: not blind, one entry (o1), judge j6


@pytest.fixture
def database_url() -> Iterator[str]:
    with postgres_schema() as url:
        yield url


@pytest.fixture
def two(tmp_path: Path, database_url: str) -> Iterator[Cluster]:
    with cluster(tmp_path, database_url, REDIS_URL, COMPETITION, JUDGES) as made:
        yield made
        assert made.tracebacks() == {}


def stored(made: Cluster) -> list[str]:
    """The ids of every stored sheet, in order of arrival."""
    engine = made.engine()
    try:
        with session(engine) as s:
            return list(s.exec(select(db.Sheet.uid).order_by(db.Sheet.id)).all())
    finally:
        engine.dispose()


@pytest.mark.parametrize("bus", ["redis", "postgresql"])
async def test_a_sheet_accepted_on_a_reaches_a_spectator_on_b(tmp_path: Path, database_url: str, bus: str) -> None:
    with cluster(tmp_path, database_url, REDIS_URL if bus == "redis" else database_url, COMPETITION,
                 JUDGES) as made:
        a, b = made.workers
        async with Spectator(b.ws + OTHER) as on_b, Spectator(a.ws + OTHER) as on_a, \
                JudgeClient(a.judge_url, made.tokens["j6"]) as judge:
            assert "0 of 1 entries scored" in on_b.frames[0]
            mark_a, mark_b = on_a.mark(), on_b.mark()
            started = time.monotonic()
            ack = await judge.submit({"id": "o1-j6", "entry": "o1", "revision": 1, "marks": EIGHTY})
            assert ack["type"] == "ack"
            await on_b.sees("1 of 1 entries scored", 'id="entry-o1" class="state-partial"', since=mark_b, seconds=1)
            on_b_after = time.monotonic() - started
            await on_a.sees("1 of 1 entries scored", since=mark_a, seconds=1)
            assert on_b_after < 1.0
        assert made.tracebacks() == {}


async def test_an_organizer_signed_in_on_a_acts_on_b_and_judges_and_boards_on_a_follow(two: Cluster) -> None:
    a, b = two.workers
    async with httpx.AsyncClient(base_url=a.base) as on_a, Spectator(a.ws + OTHER) as board, \
            JudgeClient(a.judge_url, two.tokens["j6"]) as judge:
        csrf = await sign_in(on_a)
        cookie = on_a.cookies["scoreboard_session"]
        async with httpx.AsyncClient(base_url=b.base, cookies={"scoreboard_session": cookie}) as on_b:
            home = await on_b.get("/console/")  # the session made on A is valid on B: no sign-in form
            assert home.status_code == 200
            assert BeautifulSoup(home.text, "html.parser").select_one('input[name="password"]') is None

            async def post(path: str, **form: str) -> None:
                r = await on_b.post(path, data={"csrf": csrf, **form})
                assert r.status_code == 200, f"{path}: {r.status_code}"

            async def pushed(kind: str) -> dict[str, Any]:
                while True:
                    push = await asyncio.wait_for(judge.pushes.get(), 2)
                    if push["type"] == kind:
                        return push

            mark = board.mark()
            await post("/console/c/cup/e/other/state", to="closed")
            assert (await pushed("event_closed"))["state"] == "closed"
            await board.sees('<span class="state">closed</span>', since=mark, seconds=2)

            mark = board.mark()
            await post("/console/c/cup/e/other/state", to="open", reason="a late dish")
            assert (await pushed("event_closed"))["state"] == "open"
            await board.sees('<span class="state">scoring</span>', since=mark, seconds=2)

            await judge.submit({"id": "o1-j6", "entry": "o1", "revision": 1, "marks": EIGHTY})
            await post("/console/c/cup/e/other/entry/o1/lock", locked="1", reason="checked")
            assert (await pushed("entry_locked")) == {"v": 1, "type": "entry_locked", "entry": "o1", "locked": True}
            with pytest.raises(JudgeError) as refused:
                await judge.submit({"id": "o1-j6-r2", "entry": "o1", "revision": 2, "marks": EIGHTY})
            assert refused.value.code == "entry_locked"

            edit = BeautifulSoup((await on_b.get("/console/c/cup/e/other/edit")).text, "html.parser")
            form = {str(f["name"]): str(f.get("value", "")) for f in edit.select("form input[name]")
                    if f.get("type") not in ("checkbox", "radio") or f.has_attr("checked")}
            form["rubric"] = edit.select_one("textarea[name=rubric]").text  # type: ignore[union-attr]
            mark = board.mark()
            await post("/console/c/cup/e/other/edit", **{**form, "visibility": "hidden", "csrf": csrf})
            await board.sees('id="live-other"', since=mark, seconds=2, without=('class="standings"', "entries scored"))


async def test_revoking_on_the_command_line_closes_the_judges_sockets_on_every_worker(two: Cluster) -> None:
    headers = {"Authorization": f"Bearer {two.tokens['j1']}"}
    sockets: list[ClientConnection] = []
    for worker in two.workers:
        ws = await connect(worker.judge_url, additional_headers=headers)
        assert json.loads(await asyncio.wait_for(ws.recv(), 5))["type"] == "hello"
        sockets.append(ws)
    started = time.monotonic()
    await asyncio.to_thread(two.cli, "judges", "revoke", "cup", "j1", "--reason", "lost card")
    revoked = time.monotonic()

    async def closed(ws: ClientConnection) -> tuple[int | None, float]:
        with pytest.raises(ConnectionClosed) as info:
            while True:
                await asyncio.wait_for(ws.recv(), 5)
        return (info.value.rcvd.code if info.value.rcvd else None), time.monotonic() - revoked

    closes = await asyncio.gather(*(closed(ws) for ws in sockets))
    assert [code for code, _ in closes] == [4401, 4401]
    assert max(after for _, after in closes) < 2.0, f"closed {closes} s after the command ({revoked - started:.1f} s)"


async def device(worker_base: str, cookie: str, judge: str) -> str:
    async with httpx.AsyncClient(base_url=worker_base, cookies={"scoreboard_session": cookie}) as http:
        page = BeautifulSoup((await http.get("/console/c/cup/e/hot")).text, "html.parser")
    found = page.select_one(f"#device-{judge}")
    assert found is not None
    return str(found["data-online"])


async def test_a_judge_connected_to_a_shows_online_on_bs_progress_page(two: Cluster) -> None:
    a, b = two.workers
    async with httpx.AsyncClient(base_url=b.base) as on_b:
        await sign_in(on_b)
        cookie = on_b.cookies["scoreboard_session"]
    assert await device(b.base, cookie, "j1") == "no"
    async with JudgeClient(a.judge_url, two.tokens["j1"]):
        assert await device(b.base, cookie, "j1") == "yes"
        assert await device(b.base, cookie, "j2") == "no"
    deadline = time.monotonic() + 5
    while await device(b.base, cookie, "j1") != "no":
        assert time.monotonic() < deadline, "j1 still online on B 5 s after its socket closed"
        await asyncio.sleep(0.2)


def hot_sheets(judge: str) -> list[dict[str, Any]]:
    """A judge's sheets for the three hot dishes, four revisions each, marks rising a half a time."""
    return [{"id": f"{entry}-{judge}-r{rev}", "entry": entry, "revision": rev,
             "marks": {**EIGHTY, "taste": 28 + rev / 2}}
            for rev in range(1, 5) for entry in ("e1", "e2", "e3")]


async def test_a_worker_killed_mid_contest_loses_and_doubles_nothing(tmp_path: Path, database_url: str) -> None:
    with cluster(tmp_path, database_url, REDIS_URL, COMPETITION, JUDGES) as made:
        a, b = made.workers
        judges = [JudgeClient(a.judge_url, made.tokens[f"j{i}"], backoff=(0.05, 0.5)) for i in range(1, 6)]
        await asyncio.gather(*(j.start() for j in judges))
        acked: list[str] = []
        hot = "/ws/board/cup/hot?lang=en"  # blind: the public sees codes, and the progress

        async def score(judge: JudgeClient) -> None:
            for sheet in hot_sheets(judge.hello["judge"]["key"]):
                ack = await asyncio.wait_for(judge.submit(sheet), 20)
                assert ack["type"] == "ack"
                acked.append(sheet["id"])
                await asyncio.sleep(0.05)

        async with Spectator(b.ws + hot) as board, Spectator(a.ws + hot) as moved:
            scoring = asyncio.gather(*(score(j) for j in judges))
            while len(acked) < 20:
                await asyncio.sleep(0.01)
            a.kill()
            for j in judges:
                j.url = b.judge_url  # the load balancer sends them to the survivor
            moved.url = b.ws + hot  # and the spectators
            await asyncio.wait_for(scoring, 60)
            await board.sees("3 of 3 entries scored", since=0, seconds=5)
            await moved.sees("3 of 3 entries scored", since=0, seconds=5)
            assert moved.connections >= 2
            await asyncio.gather(*(j.close() for j in judges))
        assert sorted(acked) == sorted(stored(made)) and len(set(acked)) == 60
        assert sum(j.connections for j in judges) >= 10  # every judge connected to A, then to B
        assert made.workers[1].tracebacks() == []


async def test_boards_on_every_worker_catch_up_after_a_redis_restart(tmp_path: Path, database_url: str) -> None:
    redis = PrivateRedis(tmp_path)
    redis.start()
    hot = "/ws/board/cup/hot?lang=en"
    try:
        with cluster(tmp_path / "cluster", database_url, redis.url, COMPETITION, JUDGES) as made:
            a, b = made.workers
            async with Spectator(a.ws + hot) as on_a, Spectator(b.ws + hot) as on_b, \
                    JudgeClient(a.judge_url, made.tokens["j1"]) as judge:
                await judge.submit({"id": "e1-j1", "entry": "e1", "revision": 1, "marks": EIGHTY})
                await on_b.sees("1 of 3 entries scored", since=0, seconds=2)
                redis.stop()
                mark_a, mark_b = on_a.mark(), on_b.mark()
                await judge.submit({"id": "e2-j1", "entry": "e2", "revision": 1, "marks": EIGHTY})  # the bus is down
                await on_a.sees("2 of 3 entries scored", since=mark_a, seconds=2)
                redis.start()
                await on_b.sees("2 of 3 entries scored", since=mark_b, seconds=10)
                mark_a = on_a.mark()
                async with JudgeClient(b.judge_url, made.tokens["j2"]) as other:  # the bus carries news again
                    await other.submit({"id": "e3-j2", "entry": "e3", "revision": 1, "marks": EIGHTY})
                await on_a.sees("3 of 3 entries scored", since=mark_a, seconds=2)
            assert made.tracebacks() == {}
    finally:
        redis.stop()
