"""Nothing private reaches a public page or a public board socket, in any visibility state:
not a judge's name, key or token, not a mark before the visibility allows, not a blind entry's
title, team or contestant's name before publication. Pages and every public frame (Chinese, English, bilingual) are
collected while the half-judged competition's sheets arrive, with the reveal card on."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from scoreboard.app import create_app
from scoreboard.competition import parse_competition
from scoreboard.live.hub import Hub, Topic
from scoreboard.settings import Settings
from scoreboard.store import tables
from scoreboard.store.engine import make_engine, migrate, session
from scoreboard.store.events import set_event_state
from scoreboard.store.load import save_competition
from scoreboard.store.tokens import issue_token
from tests.support import COMPETITION, finish_hot, half_judged, running
from tests.test_hub import Recorder, settle

NAMES = [f"王师傅{i}" for i in range(1, 8)]
BLIND = ["黄花炒肉丝", "凉拌黄花菜", "黄花饺子"]  # the blind event's titles (its teams also have an open event)
TEAMS = ["大同宾馆", "云冈餐厅", "Datong Hotel", "Yungang Restaurant"]
PEOPLE = {"e1": ["李红梅"], "e2": ["赵建国", "钱立新"], "e3": ["孙秀英"]}  # the blind event's contestants
OPEN_COOK = "周大勇"  # o1's, in the open event: named from the start
MARKS = ["88.83", "80.00", "87.00", "88.50", "90.00", "91.00", "93.00"]  # totals and e1's judges' totals
JUDGE_KEY = re.compile(r"\bj[1-7]\b")


def seeded(tmp_path: Path, visibility: str) -> tuple[Any, list[str]]:
    data = copy.deepcopy(COMPETITION)
    for j, name in zip(data["judges"], NAMES, strict=True):
        j["name"] = name
    data["events"][0].update(visibility=visibility, reveal=True)
    cooks = {**PEOPLE, "o1": [OPEN_COOK]}
    data["contestants"] = [{"key": f"{e}-{n}", "name": name, "team": entry["team"]}
                           for entry in data["entries"] for e in [entry["key"]]
                           for n, name in enumerate(cooks[e])]
    for entry in data["entries"]:
        entry["contestants"] = [f"{entry['key']}-{n}" for n in range(len(cooks[entry["key"]]))]
    engine = make_engine(f"sqlite:///{tmp_path / 'leak.db'}")
    migrate(engine)
    with session(engine, write=True) as s:
        save_competition(s, parse_competition(data, "test"))
        for event in ("hot", "other"):
            set_event_state(s, "cup", event, "open", actor="test")
        tokens = [issue_token(s, "cup", f"j{i}", actor="test") for i in range(1, 8)]
        s.commit()
    return engine, tokens


@pytest.mark.parametrize("visibility", ["live", "progress", "frozen", "hidden"])
async def test_public_pages_and_frames_leak_nothing(tmp_path: Path, visibility: str) -> None:
    engine, tokens = seeded(tmp_path, visibility)
    app = create_app(Settings.from_env(env_file=None, database_url="sqlite://", organizer_key="k"), engine=engine)
    async with running(app) as (http, state):
        hub: Hub = state["boards"].hub
        recorders = [Recorder() for _ in range(4)]
        topics = [[Topic("cup", "hot", "public", v)] for v in ("zh_CN", "en", "bi")] + [
            [Topic("cup", "hot"), Topic("cup", "other")]]
        import contextlib

        async with contextlib.AsyncExitStack() as stack:
            for rec, ts in zip(recorders, topics, strict=True):
                await stack.enter_async_context(hub.subscribe(ts, rec.send))
            for raw in half_judged():
                await state["service"].submit("cup", str(raw["judge"]), raw)
            await settle(hub, 0.5)
            pages = [(await http.get(url, headers={"Accept-Language": lang})).text
                     for url in ("/", "/c/cup/e/hot", "/c/cup/board", "/c/cup/board?bilingual=1",
                                 "/c/cup/e/hot?lang=en")
                     for lang in ("zh-CN", "en")]
            teams = (await http.get("/c/cup/teams")).text
            boss = (await http.get("/c/cup/e/hot?key=k")).text
    frames = [f for r in recorders for f in r.frames]
    assert frames, "the public sockets got their first state"
    public = [*pages, *frames]
    for text in [*public, teams]:
        assert not any(n in text for n in NAMES), "a judge's name"
        assert not any(t in text for t in tokens), "a judge's token"
        assert not JUDGE_KEY.search(text), "a judge's key"
    hot_only = [f for r in recorders[:3] for f in r.frames] + pages[2:4] + pages[8:]
    for text in hot_only:
        assert not any(t in text for t in TEAMS), "a blind entry's team before publication"
    for text in [*public, teams]:
        assert not any(b in text for b in BLIND), "a blind entry's title before publication"
        assert not any(p in text for names in PEOPLE.values() for p in names), "a blind entry's contestant"
        if visibility != "live":
            assert not any(m in text for m in MARKS), "a mark the visibility keeps back"
    reveal = [f for f in frames if 'id="reveal"' in f]
    assert bool(reveal) == (visibility == "live")  # the card only where the scores are public anyway
    assert "88.83" in boss and "黄花炒肉丝" in boss and "李红梅" in boss  # the organizer's level sees everything
    # the open event's cook is named from the start: on the projector and as a member of the team
    assert OPEN_COOK in pages[4] and OPEN_COOK in teams


async def test_an_event_changed_reaches_the_board(tmp_path: Path) -> None:
    engine, _tokens = seeded(tmp_path, "progress")
    app = create_app(Settings.from_env(env_file=None, database_url="sqlite://"), engine=engine)
    async with running(app) as (_http, state):
        for raw in half_judged():
            await state["service"].submit("cup", str(raw["judge"]), raw)
        await finish_hot(state)
        rec = Recorder()
        async with state["boards"].hub.subscribe([Topic("cup", "hot", "public", "en")], rec.send):
            await settle(state["boards"].hub)
            assert "88.83" not in rec.frames[-1] and "李红梅" not in "".join(rec.frames)
            await state["events"].set_state("cup", "hot", "closed", actor="test")
            await state["events"].set_state("cup", "hot", "locked", actor="test", reason="results checked")
            await state["events"].set_state("cup", "hot", "published", actor="test")
            await settle(state["boards"].hub)
            assert "88.83" in rec.frames[-1] and "黄花炒肉丝" in rec.frames[-1]
            assert "李红梅" in rec.frames[-1] and "赵建国、钱立新" in rec.frames[-1]  # names, once published
        with session(engine) as s:
            assert s.exec(select(tables.Event.state).where(tables.Event.key == "hot")).one() == "published"
