"""The board hub, in-process: bursts coalesce, one render per level whatever the audience, a slow
subscriber catches up with a full state, a frozen event stops the public board but not the
organizer's, and the score-reveal card numbers judges without naming them."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from scoreboard.app import create_app
from scoreboard.live.fanout import Subscriber
from scoreboard.live.hub import Hub, Topic
from scoreboard.settings import Settings
from scoreboard.store.engine import make_engine, migrate
from tests.boardmodel import BoardModel
from tests.support import EIGHTY, GOLDEN, running, seed, sheet


@pytest.fixture
def db(tmp_path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path / 'hub.db'}")
    migrate(engine)
    seed(engine)
    return engine


@pytest.fixture
async def app_state(db: Engine) -> AsyncIterator[dict[str, Any]]:
    app = create_app(Settings.from_env(env_file=None, database_url="sqlite://", organizer_key="k"), engine=db)
    async with running(app) as (_client, state):
        yield state


class Recorder:
    def __init__(self) -> None:
        self.frames: list[str] = []

    async def send(self, frame: str) -> None:
        self.frames.append(frame)


async def settle(hub: Hub, seconds: float = 0.4) -> None:
    await asyncio.sleep(seconds)


def marks(value: float) -> dict[str, Any]:
    return {**EIGHTY, "taste": value}


class Page(Recorder):
    """A subscriber that keeps the page its frames make (tests.boardmodel)."""

    def __init__(self) -> None:
        super().__init__()
        self.model = BoardModel()

    async def send(self, frame: str) -> None:
        self.frames.append(frame)
        assert self.model.apply(frame) != "again", frame[:200]


async def test_a_burst_of_sheets_coalesces_and_a_lone_one_is_one_delta(app_state: dict[str, Any]) -> None:
    hub: Hub = app_state["boards"].hub
    page = Page()
    service = app_state["service"]
    async with hub.subscribe([Topic("cup", "hot")], page.send):
        await settle(hub)
        before, began = hub.renders, asyncio.get_running_loop().time()
        await asyncio.gather(*(service.submit("cup", f"j{j}", sheet(f"e{e}", f"j{j}", marks(20 + j + e)))
                               for e in (1, 2, 3) for j in range(1, 6)))  # 15 sheets at once
        await settle(hub)
        took = asyncio.get_running_loop().time() - began  # the settling included: renders go on in it
        renders = hub.renders - before  # one render a burst, at most one per interval, never one a sheet
        assert 1 <= renders < 15 and renders <= 2 + took / hub.interval, (renders, took)
        frames = len(page.frames)
        await service.submit("cup", "j1", sheet("e2", "j1", marks(30), sid="e2-j1-again", revision=2))
        await settle(hub)
        assert len(page.frames) == frames + 1  # a lone sheet: one delta (how soon: benchmarks/board.py)
    assert 'id="entry-c-H-102"' in page.model.text("hot")  # e2, known by its blind code
    assert 'id="entry-e2"' not in "".join(page.frames)


async def test_one_render_per_level_whatever_the_audience(app_state: dict[str, Any]) -> None:
    hub: Hub = app_state["boards"].hub
    public = [Recorder() for _ in range(200)]
    boss = Recorder()
    async with contextlib_stack() as stack:
        for r in public:
            await stack.enter_async_context(hub.subscribe([Topic("cup", "hot")], r.send))
        await stack.enter_async_context(hub.subscribe([Topic("cup", "hot", "organizer")], boss.send))
        for _ in range(200):  # every first state in
            if boss.frames and all(r.frames for r in public):
                break
            await asyncio.sleep(0.05)
        await settle(hub)
        before = hub.renders
        await app_state["service"].submit("cup", "j1", sheet("e1", "j1", EIGHTY))
        await settle(hub)
        assert hub.renders - before == 2  # public and organizer, once each
    last = {id(r.frames[-1]) for r in public}
    assert len(last) == 1  # the very same string went to every public subscriber
    assert public[0].frames[-1] != boss.frames[-1]
    assert len(public[0].frames[-1].encode()) < 1024  # a delta: the head and one row, not the page


def contextlib_stack() -> Any:
    import contextlib

    return contextlib.AsyncExitStack()


async def test_a_slow_subscriber_gets_a_full_state_not_a_backlog() -> None:
    gate = asyncio.Event()
    got: list[str] = []

    async def slow(frame: str) -> None:
        await gate.wait()
        got.append(frame)

    sub = Subscriber(slow, catch_up=lambda: ["FULL"], limit=4)
    fast: list[str] = []
    quick = Subscriber(lambda f: _append(fast, f), limit=4)
    for i in range(50):
        sub.offer(f"m{i}")
        quick.offer(f"m{i}")
        assert len(sub.backlog) <= 4
    assert len(fast) == 50  # the quick one never waited for the slow one
    gate.set()
    await asyncio.sleep(0.05)
    assert got == ["m0", "FULL"] and sub.caught_up == 1


async def _append(out: list[str], frame: str) -> None:
    out.append(frame)


async def test_frozen_stops_the_public_board_not_the_organizers(app_state: dict[str, Any]) -> None:
    hub: Hub = app_state["boards"].hub
    public, boss = Page(), Page()
    service = app_state["service"]
    for raw in [sheet("e2", f"j{i}", EIGHTY) for i in range(1, 6)]:
        await service.submit("cup", str(raw["judge"]), raw)
    async with hub.subscribe([Topic("cup", "hot")], public.send), \
            hub.subscribe([Topic("cup", "hot", "organizer")], boss.send):
        await app_state["events"].set_visibility("cup", "hot", "frozen", actor="test")
        await settle(hub)
        frozen_public, frozen_boss = len(public.frames), len(boss.frames)
        assert "80.00" in public.model.text("hot")  # the snapshot keeps what was public at freezing
        for s in GOLDEN:
            await service.submit("cup", s["judge"], sheet("e1", s["judge"], dict(s["marks"]),
                                                          deductions=s.get("deductions", [])))
        await settle(hub)
        assert len(public.frames) == frozen_public  # nothing new for the public
        assert len(boss.frames) > frozen_boss and "88.83" in boss.model.text("hot")
        await app_state["events"].set_visibility("cup", "hot", "live", actor="test")
        await settle(hub)
        assert "88.83" in public.model.text("hot")
        assert '"full":1' in public.frames[-1]  # a mode change sends a full state


async def test_the_reveal_card_numbers_judges_and_strikes_the_trimmed(db: Engine) -> None:
    from sqlmodel import select

    from scoreboard.store import tables
    from scoreboard.store.engine import session

    with session(db, write=True) as s:
        row = s.exec(select(tables.Event).where(tables.Event.key == "hot")).one()
        row.reveal = True
        s.add(row)
        s.commit()
    app = create_app(Settings.from_env(env_file=None, database_url="sqlite://"), engine=db)
    async with running(app) as (_client, state):
        hub: Hub = state["boards"].hub
        rec = Recorder()
        async with hub.subscribe([Topic("cup", "hot", "public", "zh_CN")], rec.send):
            await settle(hub)
            for s in GOLDEN:
                await state["service"].submit("cup", s["judge"], sheet("e1", s["judge"], dict(s["marks"]),
                                                                       deductions=s.get("deductions", [])))
                await asyncio.sleep(0.15)
            await settle(hub)
    cards = [f for f in rec.frames if 'id="reveal"' in f]
    assert len(cards) == 1
    card = cards[0]
    for n in range(1, 6):
        assert f"评委{n}" in card  # "Judge n" in Chinese: numbered, in the competition's order
    assert card.count("dropped-high") == 1 and card.count("dropped-low") == 1
    assert "88.83" in card and "去掉一个最高分，去掉一个最低分，最后得分" in card
    assert "黄花炒肉丝" not in card and "j1" not in card  # blind, unpublished: no title; never a judge key


class Failing:
    """A renderer that fails once while advancing a view (a bug), then works."""

    def __init__(self, error: BaseException | None = None) -> None:
        self.made = 0
        self.failed = False
        self.error = error or RuntimeError("a bug")

    def view(self, topic: Topic, seq: int = 0) -> Any:
        self.made += 1
        made = self.made

        class V:
            def __init__(self) -> None:
                self.seq = seq

            def full(self) -> str:
                return f"full {made}"

            def commit(self, step: Any) -> None:
                self.seq += 1

        return V()

    def advance(self, view: Any, moved: Any) -> tuple[Any, list[str]]:
        if not self.failed:
            self.failed = True
            raise self.error
        return "step", [f"delta {view.seq + 1}"]


@pytest.mark.parametrize("error", [RuntimeError("a bug"), asyncio.CancelledError()])
async def test_a_failed_render_does_not_silence_the_boards(caplog: pytest.LogCaptureFixture,
                                                          error: BaseException) -> None:
    """A bug in one render used to end the hub's loop: no frame, no heartbeat, no newcomer's state
    ever again. Now it is logged and every socket gets a full state of a fresh view — also when the
    render raised a cancel that was not the hub being stopped."""
    renderer = Failing(error)
    hub = Hub(renderer, interval=0.01)
    loop = asyncio.create_task(hub.run())
    try:
        page = Recorder()
        async with hub.subscribe([Topic("cup", "hot")], page.send):
            for _ in range(100):
                if page.frames:
                    break
                await asyncio.sleep(0.01)
            assert page.frames == ["full 1"]
            hub.changed(object(), {("cup", "hot"): "moved"})  # type: ignore[arg-type]
            for _ in range(300):  # the failure waits AFTER_FAILURE before the next render
                if len(page.frames) > 1:
                    break
                await asyncio.sleep(0.01)
            assert page.frames == ["full 1", "full 2"]  # a fresh view, whole
            hub.changed(object(), {("cup", "hot"): "moved"})  # type: ignore[arg-type]
            for _ in range(100):
                if len(page.frames) > 2:
                    break
                await asyncio.sleep(0.01)
            assert page.frames == ["full 1", "full 2", "delta 1"]
        assert "a board render" in caplog.text and not loop.done()
    finally:
        loop.cancel()
