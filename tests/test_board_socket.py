"""A real uvicorn on 127.0.0.1: a judge submits over the judges' socket and a spectator's board
socket has the change within a second — its first frame being the full state."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from websockets.asyncio.client import connect

from judges.client import JudgeClient
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
            assert "provisional" in frame and 'id="entry-o1"' in frame and 'hx-swap-oob="true"' in frame
            assert live.tokens["j6"] not in str(frame)
