"""The judges' socket against a real uvicorn on 127.0.0.1 with real ``websockets`` clients: the
hello shows only what a judge may see; a sheet is acked only once stored; every refusal has its
code, changes nothing and keeps the connection; oversized, flooding and unknown clients are shut."""

from __future__ import annotations

import asyncio
import contextlib
import json
from base64 import b64encode
from datetime import UTC, datetime, timedelta
from typing import Any

import itsdangerous
import pytest
from sqlalchemy import Engine
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from judges.protocol import Limits
from judges.registry import DeviceStatus
from judges.tablet import SESSION_KEY
from scoreboard.store import tokens
from scoreboard.store.engine import session
from scoreboard.store.events import set_event_state
from tests.live import Live, judge_server
from tests.support import EIGHTY, sheet


async def open_socket(live: Live, judge: str, language: str = "en") -> tuple[ClientConnection, dict[str, Any]]:
    ws = await connect(live.url, additional_headers={"Authorization": f"Bearer {live.tokens[judge]}",
                                                     "Accept-Language": language})
    hello = json.loads(await ws.recv())
    assert hello["type"] == "hello"
    return ws, hello


async def ask(ws: ClientConnection, frame: Any) -> dict[str, Any]:
    await ws.send(frame if isinstance(frame, str) else json.dumps(frame))
    answer: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), 5))
    return answer


def submit(entry: str, marks: dict[str, Any] = EIGHTY, sid: str | None = None, **extra: Any) -> dict[str, Any]:
    raw = sheet(entry, "ignored", marks, sid, **{"revision": 1, **extra})
    del raw["judge"]
    return {"v": 1, "type": "submit", "sheet": raw}


async def still_usable(ws: ClientConnection) -> None:
    assert (await ask(ws, {"v": 1, "type": "ping", "t": 7}))["type"] == "pong"


async def test_hello_shows_only_what_the_judge_may_see(engine: Engine) -> None:
    async with judge_server(engine) as live:
        ws2, _ = await open_socket(live, "j2")
        assert (await ask(ws2, submit("e1", sid="by-j2")))["type"] == "ack"
        _ws1, hello = await open_socket(live, "j1")
        assert hello["judge"] == {"key": "j1", "name": "评委1"}
        assert hello["competition"]["name"] == {"zh": "工匠杯测试", "en": "Test Cup"}
        [hot] = hello["events"]
        assert (hot["key"], hot["state"], hot["blind"]) == ("hot", "open", True)
        assert hot["entries"] == [{"key": k, "code": c, "locked": False}
                                  for k, c in (("e1", "H-101"), ("e2", "H-102"), ("e3", "H-103"))]
        assert [c["key"] for c in hot["rubric"]["criteria"]][:2] == ["taste", "texture"]
        assert hot["rubric"]["criteria"][0]["step"] == "0.5"
        assert hello["sheets"] == [] and hello["last_seq"] == 0  # j2's sheet is not j1's to see
        assert hello["limits"]["max_bytes"] == Limits().max_bytes
        _, own_team = await open_socket(live, "j7")  # j7 is of team t1: e1 and e3 are hidden
        assert [e["key"] for e in own_team["events"][0]["entries"]] == ["e2"]
        _, pastry = await open_socket(live, "j6")  # not blind: titles shown
        assert pastry["events"][0]["entries"] == [{"key": "o1", "code": "O-1", "title": "黄花莜面", "locked": False}]
        corrected = submit("e1", {**EIGHTY, "taste": 30}, sid="by-j2-again", revision=2, reason="口味分录错",
                           deductions=[{"key": "overtime", "minutes": 3, "reason": "超时3分钟"}])
        assert (await ask(ws2, corrected))["type"] == "ack"
        _, again = await open_socket(live, "j2")
        first, newest = again["sheets"]
        assert first == {"id": "by-j2", "entry": "e1", "revision": 1, "seq": first["seq"]}  # no marks: superseded
        # the newest revision carries its marks and deductions, so a correction on another tablet starts from it
        assert newest == {"id": "by-j2-again", "entry": "e1", "revision": 2, "seq": again["last_seq"],
                          "marks": {**{k: str(v) for k, v in EIGHTY.items()}, "taste": "30"},
                          "deductions": [{"key": "overtime", "amount": "3", "reason": "超时3分钟"}]}


async def test_ack_comes_after_the_sheet_is_stored_and_a_resend_is_stored_once(engine: Engine) -> None:
    async with judge_server(engine) as live:
        ws, _ = await open_socket(live, "j1")
        ack = await ask(ws, submit("e1", sid="s-1"))
        assert (ack["type"], ack["id"], ack["entry"], ack["revision"]) == ("ack", "s-1", "e1", 1)
        assert ack["duplicate"] is False
        assert live.count() == 1  # committed before the ack was sent
        again = await ask(ws, submit("e1", sid="s-1"))
        assert (again["seq"], again["time"], again["duplicate"]) == (ack["seq"], ack["time"], True)
        assert live.count() == 1


async def test_a_stale_revision_is_a_conflict_naming_the_latest(engine: Engine) -> None:
    async with judge_server(engine) as live:
        ws, _ = await open_socket(live, "j1")
        assert (await ask(ws, submit("e1", sid="r1")))["type"] == "ack"
        assert (await ask(ws, submit("e1", {**EIGHTY, "taste": 30}, sid="r2", revision=2, reason="fix")))["seq"]
        refused = await ask(ws, submit("e1", {**EIGHTY, "taste": 31}, sid="r2b", revision=2))
        assert (refused["type"], refused["code"], refused["id"], refused["latest"]) == (
            "error", "revision_conflict", "r2b", 2)
        assert live.count() == 2
        await still_usable(ws)


FRAMES: list[tuple[str, str, Any]] = [
    ("j1", "malformed", "{not json"),
    ("j1", "malformed", "[1, 2]"),
    ("j1", "version_unsupported", {"v": 2, "type": "ping"}),
    ("j1", "version_unsupported", {"type": "ping"}),
    ("j1", "type_unknown", {"v": 1, "type": "delete_everything"}),
    ("j1", "field_type", {"v": 1, "type": "submit", "sheet": "e1"}),
    ("j1", "sheet_field", {"v": 1, "type": "submit", "sheet": {"entry": "e1", "marks": EIGHTY}}),
    ("j1", "sheet_field", submit("e1", revision="one")),
    ("j1", "mark_range", submit("e1", {**EIGHTY, "taste": 35.5})),
    ("j1", "mark_step", submit("e1", {**EIGHTY, "taste": 28.3})),
    ("j1", "mark_type", submit("e1", {**EIGHTY, "taste": "lots"})),
    ("j1", "criterion_unknown", submit("e1", {**EIGHTY, "smell": 3})),
    ("j1", "marks_missing", submit("e1", {"taste": 28})),
    ("j1", "deduction_unknown", submit("e1", deductions=[{"key": "bribery"}])),
    ("j1", "entry_unknown", submit("nope")),
    ("j1", "not_assigned", submit("o1")),
    ("j7", "conflict", submit("e1")),
    ("j1", "revision_conflict", submit("e1", revision=3)),
    ("j1", "field_type", {"v": 1, "type": "ping", "waiting": -1}),
    ("j1", "field_type", {"v": 1, "type": "ping", "waiting": "3"}),
    ("j1", "field_type", {"v": 1, "type": "ping", "waiting": 1.5}),
    ("j1", "field_type", {"v": 1, "type": "ping", "waiting": True}),
]


@pytest.mark.parametrize(("judge", "code", "frame"), FRAMES)
async def test_every_refusal_has_its_code_changes_nothing_and_keeps_the_connection(
        engine: Engine, judge: str, code: str, frame: Any) -> None:
    async with judge_server(engine) as live:
        ws, _ = await open_socket(live, judge)
        before = live.count(), live.count(tokens.db.AuditLog)
        refused = await ask(ws, frame)
        assert (refused["type"], refused["code"]) == ("error", code), refused
        assert refused["message"] and refused["problems"][0]["code"] == code
        assert (live.count(), live.count(tokens.db.AuditLog)) == before
        await still_usable(ws)
        assert (await ask(ws, submit("e2" if judge == "j7" else "e1", sid="fine")))["type"] == "ack"


async def test_closed_events_locked_entries_and_reused_ids_are_refused(engine: Engine) -> None:
    async with judge_server(engine) as live:
        ws, _ = await open_socket(live, "j1")
        assert (await ask(ws, submit("e1", sid="used")))["type"] == "ack"
        reused = await ask(ws, submit("e2", sid="used"))
        assert (reused["code"], reused["id"]) == ("sheet_id_reused", "used")
        await live.state["entries"].lock("cup", "e2", True, actor="test")
        pushed = json.loads(await asyncio.wait_for(ws.recv(), 2))
        assert pushed == {"v": 1, "type": "entry_locked", "entry": "e2", "locked": True}
        assert (await ask(ws, submit("e2")))["code"] == "entry_locked"
        with session(live.engine, write=True) as s:
            set_event_state(s, "cup", "hot", "closed", actor="test")
            s.commit()
        assert (await ask(ws, submit("e3")))["code"] == "event_not_open"
        assert live.count() == 1
        await still_usable(ws)


async def test_error_messages_speak_the_connections_language(engine: Engine) -> None:
    async with judge_server(engine) as live:
        en, _ = await open_socket(live, "j1", "en-US,en;q=0.9")
        zh, _ = await open_socket(live, "j2", "zh-CN")
        bad = submit("e1", {**EIGHTY, "taste": 35.5})
        assert "is outside" in (await ask(en, bad))["message"]
        assert "超出" in (await ask(zh, bad))["message"]
        assert "JSON" in (await ask(zh, "nope"))["message"] and "不是" in (await ask(zh, "nope"))["message"]


async def closed_with(ws: ClientConnection) -> int:
    with pytest.raises(ConnectionClosed) as closed:
        for _ in range(1000):
            await asyncio.wait_for(ws.recv(), 2)
    assert closed.value.rcvd is not None
    return closed.value.rcvd.code


async def test_an_oversized_message_closes_with_1009(engine: Engine) -> None:
    async with judge_server(engine) as live:
        ws, hello = await open_socket(live, "j1")
        await ws.send(json.dumps(submit("e1", reason="x" * hello["limits"]["max_bytes"])))
        assert await closed_with(ws) == 1009
        assert live.count() == 0


async def test_a_flood_closes_with_1008(engine: Engine) -> None:
    async with judge_server(engine, Limits(per_second=5, burst=10)) as live:
        ws, _ = await open_socket(live, "j1")
        with contextlib.suppress(ConnectionClosed):
            for _ in range(30):
                await ws.send(json.dumps({"v": 1, "type": "ping"}))
        assert await closed_with(ws) == 1008


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic x"}])
async def test_no_valid_token_closes_with_4401(engine: Engine, headers: dict[str, str]) -> None:
    async with judge_server(engine) as live:
        ws = await connect(live.url, additional_headers=headers)
        assert await closed_with(ws) == 4401


async def test_the_tablets_session_cookie_signs_in(engine: Engine) -> None:
    async with judge_server(engine) as live:
        data = b64encode(json.dumps({SESSION_KEY: tokens.token_hash(live.tokens["j3"])}).encode())
        cookie = itsdangerous.TimestampSigner("test-secret").sign(data).decode()
        ws = await connect(live.url, additional_headers={"Cookie": f"scoreboard_session={cookie}"})
        assert json.loads(await ws.recv())["judge"]["key"] == "j3"
        forged = itsdangerous.TimestampSigner("wrong-secret").sign(data).decode()
        ws = await connect(live.url, additional_headers={"Cookie": f"scoreboard_session={forged}"})
        assert await closed_with(ws) == 4401


async def test_revoking_a_judge_closes_their_open_socket_at_once(engine: Engine) -> None:
    async with judge_server(engine) as live:
        ws, _ = await open_socket(live, "j1")
        other, _ = await open_socket(live, "j2")
        started = asyncio.get_running_loop().time()
        await live.state["judging"].revoke("cup", "j1", actor="test")
        assert json.loads(await asyncio.wait_for(ws.recv(), 1))["type"] == "revoked"
        assert await closed_with(ws) == 4401
        assert asyncio.get_running_loop().time() - started < 1
        await still_usable(other)
        ws = await connect(live.url, additional_headers={"Authorization": f"Bearer {live.tokens['j1']}"})
        assert await closed_with(ws) == 4401


async def test_rescore_requests_and_event_state_changes_reach_the_judge(engine: Engine) -> None:
    from scoreboard.changes import RescoreRequested

    async with judge_server(engine) as live:
        ws, _ = await open_socket(live, "j1")
        other, _ = await open_socket(live, "j2")
        await live.state["bus"].publish(RescoreRequested("cup", "hot", "e1", "j1", "口味分偏离太大"))
        assert json.loads(await asyncio.wait_for(ws.recv(), 2)) == {
            "v": 1, "type": "rescore", "entry": "e1", "reason": "口味分偏离太大"}
        await live.state["events"].set_state("cup", "hot", "closed", actor="test")
        closed = {"v": 1, "type": "event_closed", "event": "hot", "state": "closed"}
        assert json.loads(await asyncio.wait_for(ws.recv(), 2)) == closed
        assert json.loads(await asyncio.wait_for(other.recv(), 2)) == closed  # j2 got no rescore push first


async def test_a_ping_reports_the_outbox_and_last_seen_outlives_the_socket(engine: Engine) -> None:
    async with judge_server(engine) as live:
        sockets = live.state["judges"]
        assert sockets.status("cup", "j1") == DeviceStatus(False, None, None)  # never connected
        ws, _ = await open_socket(live, "j1")
        assert sockets.status("cup", "j1").online and sockets.status("cup", "j1").waiting is None
        pong = await ask(ws, {"v": 1, "type": "ping", "t": 5, "waiting": 3})
        assert (pong["type"], pong["t"]) == ("pong", 5)
        status = sockets.status("cup", "j1")
        assert (status.online, status.waiting) == (True, 3)
        assert status.last_seen is not None and datetime.now(UTC) - status.last_seen < timedelta(seconds=5)
        bad = await ask(ws, {"v": 1, "type": "ping", "waiting": -2})
        assert (bad["type"], bad["code"]) == ("error", "field_type")
        assert sockets.status("cup", "j1").waiting == 3  # a refused value changes nothing
        assert (await ask(ws, {"v": 1, "type": "ping"}))["type"] == "pong"  # waiting stays optional
        assert sockets.status("cup", "j1").waiting == 3
        seen = sockets.status("cup", "j1").last_seen
        await ws.close()
        for _ in range(200):
            if not sockets.status("cup", "j1").online:
                break
            await asyncio.sleep(0.01)
        assert sockets.status("cup", "j1") == DeviceStatus(False, seen, 3)  # kept after the socket closed
        assert sockets.status("cup", "j2") == DeviceStatus(False, None, None)
