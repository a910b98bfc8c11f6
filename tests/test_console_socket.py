"""The console's live sockets against a real uvicorn on 127.0.0.1 with real ``websockets`` clients:
a sheet a judge sends changes exactly its row on an open progress socket; the review socket sends
the entry again after a lock; a socket without a console session, of a chief judge
of another event, or opened from another site is refused with 1008, and one whose session ends is
closed with 1008."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from bs4 import BeautifulSoup
from sqlalchemy import Engine
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from judges.client import JudgeClient
from scoreboard.store.accounts import create_account
from scoreboard.store.engine import make_engine, migrate, session
from scoreboard.web import console_live
from tests.live import Live, judge_server
from tests.support import EIGHTY, half_judged

PASSWORD = "correct horse battery"


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path / 'live.db'}")
    migrate(engine)
    return engine


@pytest.fixture
async def live(engine: Engine) -> AsyncIterator[Live]:
    async with judge_server(engine) as served:
        with session(engine, write=True) as s:
            create_account(s, "admin", PASSWORD)
            create_account(s, "chief-other", PASSWORD, ["cup:other"])
            s.commit()
        for raw in half_judged():
            await served.state["service"].submit("cup", str(raw["judge"]), raw)
        yield served


def base(live: Live) -> str:
    return live.url.replace("ws://", "http://").removesuffix("/ws/judge")


async def cookie(live: Live, username: str = "admin") -> str:
    async with httpx.AsyncClient(base_url=base(live)) as http:
        page = await http.get("/console/login")
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert csrf
        r = await http.post("/console/login", data={"csrf": csrf.group(1), "username": username,
                                                    "password": PASSWORD, "next": "/console/"})
        assert r.status_code == 303
        return f"scoreboard_session={http.cookies['scoreboard_session']}"


async def open_console(live: Live, path: str, headers: dict[str, str] | None = None) -> ClientConnection:
    url = live.url.replace("/ws/judge", path)
    return await connect(url + "?lang=en", additional_headers=headers or {})


async def closed_with(ws: ClientConnection) -> int | None:
    with pytest.raises(ConnectionClosed):
        while True:
            await asyncio.wait_for(ws.recv(), 5)
    return ws.close_code


def parsed(frame: str) -> BeautifulSoup:
    """A frame as the page will hold it: what its <template>s wrap (a row, a header) in place."""
    return BeautifulSoup(frame.replace("<template>", "").replace("</template>", ""), "html.parser")


def swapped(frame: str) -> list[str]:
    """The ids of the frame's out-of-band parts, in order."""
    return [el["id"] for el in parsed(frame).find_all(attrs={"hx-swap-oob": "true"})]


def statuses(frame: str, entry: str) -> list[str]:
    return [c["data-status"] for c in parsed(frame).select(f"#entry-{entry} .cell")]


async def test_a_sheet_changes_exactly_its_row_on_an_open_console(live: Live) -> None:
    ws = await open_console(live, "/ws/console/cup/hot", {"Cookie": await cookie(live)})
    first = await asyncio.wait_for(ws.recv(), 5)
    assert isinstance(first, str)
    assert swapped(first) == ["console-seq", "event-state", "event-moves", "matrix"]
    assert 'data-seq="0" data-kind="full"' in first
    # e3: j1, j2 sent; j3–j5 not yet; j7 is of e3's own team
    assert statuses(first, "e3") == ["received", "received", "missing", "missing", "missing", "conflict"]
    async with JudgeClient(live.url, live.tokens["j3"]) as judge:
        await judge.submit({"id": "e3-j3", "entry": "e3", "revision": 1, "marks": EIGHTY})
        frame = await asyncio.wait_for(ws.recv(), 5)
    assert isinstance(frame, str)
    # the row, the header of the judge whose count to go moved, the counts: nothing else
    assert swapped(frame) == ["console-seq", "entry-e3", "judge-j3", "legend"]
    assert 'data-seq="1" data-kind="delta"' in frame
    assert statuses(frame, "e3") == ["received", "received", "received", "missing", "missing", "conflict"]
    soup = parsed(frame)
    assert soup.select_one("#judge-j3 .togo").text == "0 to go"
    # e2 still lacks j7, e3 j4 and j5; e1 (5), e2 (5) and e3 (3) received
    assert soup.select_one("#count-missing").text == "3" and soup.select_one("#count-received").text == "13"
    assert len(frame) < 3000, len(frame)  # the full matrix was several times that
    await ws.close()


async def test_a_socket_without_a_console_session_is_refused_with_1008(live: Live) -> None:
    assert await closed_with(await open_console(live, "/ws/console/cup/hot")) == 1008
    forged = {"Cookie": "scoreboard_session=forged"}
    assert await closed_with(await open_console(live, "/ws/console/cup/hot", forged)) == 1008
    chief = {"Cookie": await cookie(live, "chief-other")}  # a chief judge of another event
    assert await closed_with(await open_console(live, "/ws/console/cup/hot", chief)) == 1008
    admin = await cookie(live)
    elsewhere = {"Cookie": admin, "Origin": "http://evil.example"}
    assert await closed_with(await open_console(live, "/ws/console/cup/hot", elsewhere)) == 1008
    for path in ("/ws/console/cup/nope", "/ws/console/nope/hot", "/ws/console/cup/hot/nope", "/ws/console/cup/hot/o1"):
        assert await closed_with(await open_console(live, path, {"Cookie": admin})) == 1008, path
    ws = await open_console(live, "/ws/console/cup/other", chief)  # their own event
    assert 'id="entry-o1"' in str(await asyncio.wait_for(ws.recv(), 5))
    await ws.close()


async def test_a_socket_asks_for_a_full_frame_and_only_listens(live: Live) -> None:
    ws = await open_console(live, "/ws/console/cup/hot", {"Cookie": await cookie(live)})
    await asyncio.wait_for(ws.recv(), 5)
    await ws.send("full")  # the client saw a gap
    again = str(await asyncio.wait_for(ws.recv(), 5))
    assert 'data-kind="full"' in again and 'id="matrix"' in again
    for _ in range(console_live.LISTEN_ONLY + 1):
        await ws.send("hello?")
    assert await closed_with(ws) == 1008


async def test_the_socket_closes_when_the_session_ends(live: Live, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(console_live, "RECHECK", 0.2)
    jar = await cookie(live)
    ws = await open_console(live, "/ws/console/cup/hot", {"Cookie": jar})
    await asyncio.wait_for(ws.recv(), 5)
    async with httpx.AsyncClient(base_url=base(live), headers={"Cookie": jar}) as http:
        csrf = re.search(r'name="csrf" value="([^"]+)"', (await http.get("/console/")).text)
        assert csrf
        assert (await http.post("/console/logout", data={"csrf": csrf.group(1)})).status_code == 303
    assert await closed_with(ws) == 1008


async def test_the_review_socket_sends_the_entry_again_after_a_lock(live: Live) -> None:
    ws = await open_console(live, "/ws/console/cup/hot/e2", {"Cookie": await cookie(live)})
    first = str(await asyncio.wait_for(ws.recv(), 5))
    parts = ["console-seq", "review-head", "review-flags", "review-marks", "review-steps", "review-lock",
             "review-history", "review-audit"]
    assert swapped(first) == parts
    assert parsed(first).select_one(".big-total").text == "80.00"
    await live.state["entries"].lock("cup", "e2", True, "organizer:admin", "")
    frame = str(await asyncio.wait_for(ws.recv(), 5))
    assert swapped(frame) == parts and 'data-seq="1"' in frame
    soup = parsed(frame)
    assert soup.select_one("#review-lock input[name=locked]")["value"] == "0"  # the button now reopens
    assert soup.select_one("#review-head .pill").text == "locked"
    assert soup.select_one("#review-audit tr")["data-action"] == "entry.locked"  # the newest first
    assert "Entry locked" in soup.select_one("#review-audit tr").text
    await ws.close()
