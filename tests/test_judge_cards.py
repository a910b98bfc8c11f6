"""A judge's card and its open sockets: a revocation or a new card made outside this process — the
command line, another worker — reaches an open socket within a few seconds (the socket re-checks
its card every ``limits.recheck_seconds``), and one card holds at most ``limits.sockets`` sockets,
the oldest closed with 4409 when a new one opens."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine
from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed

from judges.protocol import CLOSE_TOO_MANY, CLOSE_UNAUTHORIZED, Limits
from scoreboard.store import tokens
from scoreboard.store.engine import make_engine, migrate, session
from tests.live import judge_server
from tests.test_judge_socket import open_socket, still_usable

QUICK = Limits(recheck_seconds=0.5)


async def closed_with(ws: ClientConnection, within: float) -> int:
    """The close code the server sent within ``within`` seconds (pushes before it are read)."""
    deadline = time.monotonic() + within
    try:
        while True:
            frame = json.loads(await asyncio.wait_for(ws.recv(), max(0.01, deadline - time.monotonic())))
            assert frame["type"] in ("revoked", "pong"), frame
    except ConnectionClosed as e:
        assert e.rcvd is not None, "closed without a close frame"
        return e.rcvd.code


@pytest.mark.parametrize("how", ["revoked", "new card"])
async def test_a_change_made_outside_the_process_closes_the_open_socket(engine: Engine, how: str) -> None:
    async with judge_server(engine, QUICK) as live:
        ws, _ = await open_socket(live, "j1")
        other, _ = await open_socket(live, "j2")
        with session(engine, write=True) as s:  # as the command line does: the database only, no bus
            if how == "revoked":
                tokens.revoke(s, "cup", "j1", actor="cli", reason="lost card")
            else:
                tokens.issue_token(s, "cup", "j1", actor="cli")
            s.commit()
        started = time.monotonic()
        assert await closed_with(ws, within=3) == CLOSE_UNAUTHORIZED
        assert time.monotonic() - started < 2
        await still_usable(other)  # nobody else is touched


async def test_the_command_lines_revoke_closes_the_judges_open_socket(tmp_path: Path) -> None:
    """The real ``scoreboard judges revoke`` in another process, with the default re-check interval."""
    url = f"sqlite:///{tmp_path / 'cards.db'}"
    engine = make_engine(url)
    migrate(engine)
    async with judge_server(engine) as live:
        ws, _ = await open_socket(live, "j1")
        env = {**os.environ, "DATABASE_URL": url, "LANG": "C"}
        command = [sys.executable, "-m", "scoreboard.cli", "judges", "revoke", "cup", "j1", "--reason", "card lost"]
        await asyncio.to_thread(subprocess.run, command, env=env, check=True, capture_output=True)
        started = time.monotonic()
        assert await closed_with(ws, within=6) == CLOSE_UNAUTHORIZED
        took = time.monotonic() - started
    engine.dispose()
    assert took <= Limits().recheck_seconds + 1  # "within a few seconds", as docs/protocol.md says


async def test_one_card_holds_four_sockets_and_the_oldest_gives_way(engine: Engine) -> None:
    async with judge_server(engine) as live:
        sockets = [(await open_socket(live, "j1"))[0] for _ in range(4)]
        for ws in sockets:
            await still_usable(ws)
        fifth, _ = await open_socket(live, "j1")
        assert await closed_with(sockets[0], within=2) == CLOSE_TOO_MANY
        for ws in [*sockets[1:], fifth]:
            await still_usable(ws)


async def test_a_socket_opened_while_cards_are_checked_is_not_taken_for_revoked() -> None:
    """The re-check reads which of the open cards are still valid in a worker thread; a tablet that
    signs in meanwhile (with a card the check never looked at) stays open until the next check."""
    from judges.registry import Close, Connection, JudgeSockets

    sockets = JudgeSockets()
    old = Connection("cup", "j1", "zh_CN", token="hash-old")
    sockets.add(old)
    checked = sockets.tokens()
    new = Connection("cup", "j2", "zh_CN", token="hash-new")
    sockets.add(new)  # signs in while the database is read
    sockets.signed_out(checked, valid=set())  # j1's card was replaced meanwhile
    assert old.closing and new.outgoing.empty() and not new.closing
    frames = [old.outgoing.get_nowait(), old.outgoing.get_nowait()]
    assert frames[1] == Close(CLOSE_UNAUTHORIZED, "revoked")
