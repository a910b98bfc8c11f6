"""Helpers for tests of the app: a small "competition half judged", and running the app in-process.

The competition: one blind event of hot dishes (preset cooking_hot, five judges), three entries.
Entry e1 has all five sheets (judges' totals 87, 88.5, 90, 91, 93 and overtime 2 min → 88.83),
e2 five sheets of 80 each (→ 80.00), e3 two sheets (too few to trim: no total yet).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Mapping
from typing import Any

import httpx
from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.types import Receive, Scope, Send

from scoreboard.competition import Competition, parse_competition
from scoreboard.rubric.load import load_preset
from scoreboard.store.engine import session
from scoreboard.store.events import set_event_state
from scoreboard.store.load import save_competition

HOT = load_preset("cooking_hot")
GOLDEN = [dict(s) for s in HOT.golden[0].sheets]  # e1's five sheets (j3 records the overtime)
EIGHTY = {"taste": 28, "texture": 16, "technique": 12, "appearance": 12, "hygiene": 4, "innovation": 8}

COMPETITION: dict[str, Any] = {
    "competition": {"key": "cup", "name": {"zh": "工匠杯测试", "en": "Test Cup"}},
    "team_standings": {"method": "mean"},
    "events": [
        {"key": "hot", "name": {"zh": "热菜", "en": "Hot dishes"}, "rubric": "cooking_hot", "blind": True},
        {"key": "other", "name": {"zh": "面点", "en": "Pastry"}, "rubric": "cooking_hot"},
    ],
    "teams": [{"key": "t1", "name": {"zh": "大同宾馆", "en": "Datong Hotel"}},
              {"key": "t2", "name": {"zh": "云冈餐厅", "en": "Yungang Restaurant"}}],
    "entries": [
        {"key": "e1", "event": "hot", "team": "t1", "title": "黄花炒肉丝", "code": "H-101"},
        {"key": "e2", "event": "hot", "team": "t2", "title": "凉拌黄花菜", "code": "H-102"},
        {"key": "e3", "event": "hot", "team": "t1", "title": "黄花饺子", "code": "H-103"},
        {"key": "o1", "event": "other", "team": "t2", "title": "黄花莜面", "code": "O-1"},
    ],
    "judges": [
        *({"key": f"j{i}", "name": f"评委{i}", "events": ["hot"]} for i in range(1, 6)),
        {"key": "j6", "name": "评委6", "events": ["other"]},
        {"key": "j7", "name": "评委7", "events": ["hot"], "team": "t1"},
    ],
}


def competition() -> Competition:
    return parse_competition(COMPETITION, "test")


def sheet(entry: str, judge: str, marks: dict[str, Any], sid: str | None = None, **extra: Any) -> dict[str, Any]:
    return {"id": sid or f"{entry}-{judge}", "entry": entry, "judge": judge, "marks": marks, **extra}


def half_judged() -> list[dict[str, Any]]:
    out = [sheet("e1", s["judge"], dict(s["marks"]), deductions=s.get("deductions", [])) for s in GOLDEN]
    out += [sheet("e2", f"j{i}", EIGHTY) for i in range(1, 6)]
    out += [sheet("e3", f"j{i}", EIGHTY) for i in range(1, 3)]
    return out


def rest_of_hot() -> list[dict[str, Any]]:
    """e3's three missing sheets: with them every entry of hot is complete, and hot can be locked."""
    return [sheet("e3", f"j{i}", EIGHTY) for i in range(3, 6)]


async def finish_hot(state: Mapping[str, Any]) -> None:
    """Send ``rest_of_hot`` through the app's sheet service, and return once the standings book
    (which follows the bus) has every entry of hot complete: locking asks the book."""
    for raw in rest_of_hot():
        await state["service"].submit("cup", str(raw["judge"]), raw)
    for _ in range(500):
        _event, _state, standings = state["book"].standings("cup", "hot")
        if all(s.result.complete for s in standings):
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the standings book never saw hot complete")


def seed(engine: Engine, state: str = "open") -> None:
    with session(engine, write=True) as s:
        save_competition(s, competition())
        for event in ("hot", "other"):
            set_event_state(s, "cup", event, state, actor="test")
        s.commit()


@contextlib.asynccontextmanager
async def running(app: Starlette) -> AsyncIterator[tuple[httpx.AsyncClient, dict[str, Any]]]:
    """The app with its lifespan run, and an httpx client talking to it in-process."""
    async with app.router.lifespan_context(app) as state:

        async def with_state(scope: Scope, receive: Receive, send: Send) -> None:
            await app({**scope, "state": dict(state)}, receive, send)

        transport = httpx.ASGITransport(app=with_state)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield client, state
