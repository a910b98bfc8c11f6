"""``judges.client`` against a real server: acks, typed refusals, the outbox resent exactly once
after the server comes back, many judges at once stored once each, and a revoked judge stopped."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import Engine

from judges.client import JudgeClient, JudgeError, Refused
from tests.live import judge_server, port_of
from tests.support import EIGHTY, sheet


def mine(entry: str, sid: str, **extra: object) -> dict[str, object]:
    raw = sheet(entry, "", EIGHTY, sid, **{"revision": 1, **extra})
    del raw["judge"]
    return raw


async def test_submit_returns_the_ack_or_raises_the_refusal(engine: Engine) -> None:
    async with judge_server(engine) as live, JudgeClient(live.url, live.tokens["j1"], "en") as judge:
        assert judge.hello["judge"]["key"] == "j1"
        ack = await judge.submit(mine("e1", "c1"))
        assert (ack["id"], ack["revision"], ack["duplicate"]) == ("c1", 1, False)
        with pytest.raises(JudgeError) as refused:
            await judge.submit(mine("e1", "c2"))
        assert (refused.value.code, refused.value.sheet_id, refused.value.latest) == ("revision_conflict", "c2", 1)
        assert judge.waiting == 0 and live.count() == 1


async def test_a_bad_token_is_refused(engine: Engine) -> None:
    async with judge_server(engine) as live:
        with pytest.raises(Refused) as refused:
            await JudgeClient(live.url, "not-a-token").start()
        assert refused.value.code == 4401


async def test_reconnect_resends_the_outbox_once_each_in_order(engine: Engine) -> None:
    async with judge_server(engine) as live:
        port = port_of(live.server) if live.server else 0
        url, tokens = live.url, live.tokens
        judge = JudgeClient(url, tokens["j1"], backoff=(0.05, 0.2))
        await judge.start()
    # the server is gone: sheets wait in the outbox
    waiting = [asyncio.create_task(judge.submit(mine(e, f"o-{e}"))) for e in ("e1", "e2", "e3")]
    await asyncio.sleep(0.3)
    assert judge.waiting == 3 and not any(t.done() for t in waiting)
    async with judge_server(engine, port=port, seeded=True) as live:
        acks = await asyncio.wait_for(asyncio.gather(*waiting), 10)
        assert [a["id"] for a in acks] == ["o-e1", "o-e2", "o-e3"]
        assert [a["seq"] for a in acks] == sorted(a["seq"] for a in acks)  # resent in order
        assert judge.sent == {"o-e1": 1, "o-e2": 1, "o-e3": 1}
        assert live.count() == 3 and judge.connections == 2
        await judge.close()


async def test_many_judges_at_once_each_sheet_stored_once(engine: Engine) -> None:
    async with judge_server(engine) as live:
        judges = [JudgeClient(live.url, live.tokens[f"j{i}"]) for i in range(1, 6)]
        await asyncio.gather(*(j.start() for j in judges))
        sends = [j.submit(mine(e, f"{i}-{e}")) for i, j in enumerate(judges) for e in ("e1", "e2", "e3")]
        resends = [j.submit(mine("e1", f"{i}-e1")) for i, j in enumerate(judges)]
        acks = await asyncio.gather(*sends, *resends)
        assert len({a["seq"] for a in acks}) == 15 and live.count() == 15
        assert live.state["service"].commits < 15
        await asyncio.gather(*(j.close() for j in judges))


async def test_a_revoked_judge_is_told_and_stopped(engine: Engine) -> None:
    async with judge_server(engine) as live, JudgeClient(live.url, live.tokens["j2"]) as judge:
        await live.state["judging"].revoke("cup", "j2", actor="test")
        assert (await asyncio.wait_for(judge.pushes.get(), 1))["type"] == "revoked"
        await asyncio.sleep(0.1)
        with pytest.raises(Refused):
            await judge.submit(mine("e1", "late"))
