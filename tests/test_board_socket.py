"""A real uvicorn on 127.0.0.1: a judge submits over the judges' socket and a spectator's board
socket has the change within a second — its first frame being the full state."""

from __future__ import annotations

import asyncio
import contextlib
import time
from pathlib import Path

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from judges.client import JudgeClient
from scoreboard.serving import SharedDeflate
from scoreboard.store.engine import make_engine, migrate
from tests.live import judge_server
from tests.support import EIGHTY


async def test_a_sheet_reaches_a_board_socket_within_a_second(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'live.db'}")
    migrate(engine)
    async with judge_server(engine) as live:
        board = live.url.replace("/ws/judge", "/ws/board/cup/other") + "?lang=en"
        async with connect(board) as spectator, JudgeClient(live.url, live.tokens["j6"]) as judge:
            first = await asyncio.wait_for(spectator.recv(), 2)
            assert 'id="live-other"' in first and "0 of 1 entries scored" in first
            started = time.monotonic()
            await judge.submit({"id": "o1-j6", "entry": "o1", "revision": 1, "marks": EIGHTY})
            while True:
                frame = await asyncio.wait_for(spectator.recv(), 1)
                if "1 of 1 entries scored" in frame:
                    break
            assert time.monotonic() - started < 1.0
            assert "provisional" in frame and 'id="entry-o1"' in frame
            assert frame.startswith('{"e":"other","seq":1}\n')  # a delta: the head and the row
            assert live.tokens["j6"] not in str(frame)


async def test_one_frame_is_compressed_once_for_every_socket(tmp_path: Path) -> None:
    """Sockets negotiate compression without context takeover, so every spectator of a topic
    gets the same compressed bytes: compressed once, whatever the number of sockets."""
    engine = make_engine(f"sqlite:///{tmp_path / 'deflate.db'}")
    migrate(engine)
    async with judge_server(engine) as live:
        board = live.url.replace("/ws/judge", "/ws/board/cup/other") + "?lang=en"
        async with contextlib.AsyncExitStack() as stack:
            spectators = [await stack.enter_async_context(connect(board, compression="deflate")) for _ in range(20)]
            answer = spectators[0].response.headers["Sec-WebSocket-Extensions"] if spectators[0].response else ""
            assert "server_no_context_takeover" in answer and "client_no_context_takeover" in answer
            firsts = [await asyncio.wait_for(s.recv(), 2) for s in spectators]
            SharedDeflate.done.clear()
            async with JudgeClient(live.url, live.tokens["j6"]) as judge:
                await judge.submit({"id": "o1-j6", "entry": "o1", "revision": 1, "marks": EIGHTY})
            frames = [await asyncio.wait_for(s.recv(), 2) for s in spectators]
    assert len(set(firsts)) == 1 and len(set(frames)) == 1  # one topic: the same frame for all
    assert [key[2].decode() for key in SharedDeflate.done if key[2].startswith(b'{"e"')] == [frames[0]]


async def test_a_board_that_asks_again_gets_a_full_state_and_a_flood_is_refused(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'again.db'}")
    migrate(engine)
    async with judge_server(engine) as live:
        board = live.url.replace("/ws/judge", "/ws/board/cup/other") + "?lang=en"
        async with connect(board) as spectator:
            first = await asyncio.wait_for(spectator.recv(), 2)
            await spectator.send("full")  # what frames.js sends when a delta does not follow
            again = await asyncio.wait_for(spectator.recv(), 2)
            assert '"full":1' in first and again == first
            for _ in range(20):
                await spectator.send("full")
            with pytest.raises(ConnectionClosed) as closed:
                while True:
                    await asyncio.wait_for(spectator.recv(), 2)
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008
