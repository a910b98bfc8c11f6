"""The judges' and accounts' services: each write is one transaction with its audit record, and the
change is announced only after it is committed — a refused write stores, audits and announces
nothing."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from scoreboard.changes import Change, CompetitionChanged, JudgeRevoked
from scoreboard.errors import UserError
from scoreboard.exports.cards import CardsPage
from scoreboard.live.bus import MemoryBus
from scoreboard.services.accounts import IDLE, AccountService
from scoreboard.services.announcer import Announcer
from scoreboard.services.judges import JudgeService
from scoreboard.store import tables as db
from scoreboard.store.audit import audit_log
from scoreboard.store.engine import session
from scoreboard.store.tokens import identify
from tests.support import seed


def drained(queue: asyncio.Queue[Change]) -> list[Change]:
    changes = []
    while not queue.empty():
        changes.append(queue.get_nowait())
    return changes


def audited(engine: Engine, action: str) -> list[str]:
    with session(engine) as s:
        return [row.subject for row in audit_log(s, action=action)]


async def test_a_revoke_is_committed_before_it_is_announced(engine: Engine) -> None:
    seed(engine)
    bus = MemoryBus()
    service = JudgeService(engine, Announcer(bus))
    token = (await service.tokens("cup", ["j1"], actor="test"))["j1"]
    seen_revoked: list[bool] = []

    async with bus.subscribe() as queue:
        async def listen() -> None:
            change = await queue.get()
            with session(engine) as s:  # what any other connection sees when the change arrives
                seen_revoked.append(identify(s, token) is None)
            queue.put_nowait(change)

        listener = asyncio.create_task(listen())
        await service.revoke("cup", "j1", actor="organizer:admin", reason="lost card")
        await listener
        assert drained(queue) == [JudgeRevoked("cup", "j1")]
    assert seen_revoked == [True]
    assert audited(engine, "judge.revoked") == ["judge:j1"]


async def test_a_refused_write_announces_nothing(engine: Engine) -> None:
    seed(engine)
    bus = MemoryBus()
    service = JudgeService(engine, Announcer(bus))
    async with bus.subscribe() as queue:
        with pytest.raises(UserError) as revoked:
            await service.revoke("cup", "j99", actor="test")
        # the judge is valid, the event is not: the judge is not created either (one transaction)
        with pytest.raises(UserError) as created:
            await service.create("cup", "j8", "新评委", "", ["nowhere"], [], actor="test")
        assert drained(queue) == []
    assert revoked.value.code == "judge_unknown" and created.value.code == "unknown_ref"
    with session(engine) as s:
        assert s.exec(select(db.Judge).where(db.Judge.key == "j8")).first() is None
    assert audited(engine, "judge.created") == [] and audited(engine, "judge.revoked") == []


async def test_creating_and_assigning_a_judge_announce_the_competition_changed(engine: Engine) -> None:
    seed(engine)
    bus = MemoryBus()
    service = JudgeService(engine, Announcer(bus))
    async with bus.subscribe() as queue:
        await service.create("cup", "j8", "新评委", "t1", ["hot"], [], actor="test")
        await service.assign("cup", "j8", ["hot", "other"], ["other"], "", actor="test")
        assert drained(queue) == [CompetitionChanged("cup"), CompetitionChanged("cup")]
    assert audited(engine, "judge.created") == ["judge:j8"]


async def test_cards_that_cannot_be_made_leave_the_old_cards_working(engine: Engine) -> None:
    seed(engine)
    service = JudgeService(engine, Announcer(MemoryBus()))
    old = await service.tokens("cup", None, actor="test")

    def fail(page: CardsPage) -> None:
        raise OSError("the disk is full")

    with pytest.raises(OSError):
        await service.cards("cup", None, "test", "http://t:1", fail)
    with session(engine) as s:
        assert all(identify(s, token) is not None for token in old.values())
    names = await service.cards("cup", ["j2"], "test", "http://t:1", lambda page: [c.name for c in page.cards])
    assert len(names) == 1
    with session(engine) as s:
        assert identify(s, old["j2"]) is None and identify(s, old["j1"]) is not None


async def test_a_console_session_is_touched_at_most_once_a_minute_and_ends_when_idle(engine: Engine) -> None:
    now = [float(int(time.time()))]  # whole seconds: stored exactly
    service = AccountService(engine, clock=lambda: now[0])
    service.create("admin", "correct horse battery")
    account = await service.authenticate("admin", "correct horse battery")
    assert account is not None and await service.authenticate("admin", "wrong password") is None
    sid = await service.sign_in(account)

    def seen() -> datetime:
        with session(engine) as s:
            row = s.exec(select(db.ConsoleSession)).one()
            return row.seen_at.replace(tzinfo=UTC)

    assert seen() == datetime.fromtimestamp(now[0], UTC)
    now[0] += 60
    assert await service.current(sid) == account
    assert seen() == datetime.fromtimestamp(now[0] - 60, UTC)  # a minute later: not written again
    now[0] += 1
    assert await service.current(sid) == account
    assert seen() == datetime.fromtimestamp(now[0], UTC)
    now[0] += IDLE + 1
    assert await service.current(sid) is None
    with session(engine) as s:
        assert s.exec(select(db.ConsoleSession)).first() is None  # the ended session is removed
