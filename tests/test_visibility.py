"""Visibility is applied before the organizer's action returns: once the console has answered a
change of state or visibility, no page served and no frame sent afterwards shows what the new mode
hides. ``hidden`` shows nothing of an event's scoring; ``progress`` is the mode that shows progress;
a blind event's public pages and frames carry no entry key, only blind codes."""

from __future__ import annotations

import contextlib
import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from scoreboard.app import create_app
from scoreboard.live.hub import Hub, Topic
from scoreboard.settings import Settings
from scoreboard.store.engine import make_engine, migrate
from tests.support import half_judged, running, seed
from tests.test_hub import Recorder, settle

TOTALS = ("88.83", "80.00")
ENTRY_KEYS = re.compile(r"\be[1-3]\b")  # the blind event's entry keys


@pytest.fixture
def db(tmp_path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path / 'visibility.db'}")
    migrate(engine)
    seed(engine)
    return engine


def progress_shown(text: str) -> bool:
    return "<progress" in text or "entries scored" in text


async def test_a_phone_connecting_right_after_the_switch_sees_the_new_mode(db: Engine) -> None:
    app = create_app(Settings.from_env(env_file=None, database_url="sqlite://"), engine=db)
    async with running(app) as (http, state):
        hub: Hub = state["boards"].hub
        for raw in half_judged():
            await state["service"].submit("cup", str(raw["judge"]), raw)
        watching = Recorder()
        async with hub.subscribe([Topic("cup", "hot", "public", "en")], watching.send):
            await settle(hub)
            assert "88.83" in watching.frames[-1]  # live: the projector shows the totals (and caches them)
            for mode in ("hidden", "progress", "frozen", "live", "hidden"):
                await state["events"].set_visibility("cup", "hot", mode, actor="test")
                # no await between the switch returning and the phone arriving
                phone = Recorder()
                async with hub.subscribe([Topic("cup", "hot", "public", "en")], phone.send):
                    page = (await http.get("/c/cup/e/hot?lang=en")).text
                    first = phone.frames[0] if phone.frames else ""
                    await settle(hub, 0.3)
                    later = phone.frames + watching.frames[-1:]
                shown = mode in ("live", "frozen")  # frozen: the snapshot taken while live showed them
                for text in (page, first, *later):
                    assert ("88.83" in text) == shown or not text, (mode, text[:300])
                    if mode == "hidden":
                        assert not progress_shown(text), (mode, text[:300])


@pytest.mark.parametrize("visibility", ["live", "progress", "frozen", "hidden"])
async def test_hidden_shows_no_scoring_and_blind_pages_carry_no_entry_key(db: Engine, visibility: str) -> None:
    app = create_app(Settings.from_env(env_file=None, database_url="sqlite://"), engine=db)
    async with running(app) as (http, state):
        hub: Hub = state["boards"].hub
        await state["events"].set_visibility("cup", "hot", visibility, actor="test")
        recorders = [Recorder() for _ in range(3)]
        async with contextlib.AsyncExitStack() as stack:
            for rec, variant in zip(recorders, ("zh_CN", "en", "bi"), strict=True):
                await stack.enter_async_context(hub.subscribe([Topic("cup", "hot", "public", variant)], rec.send))
            for raw in half_judged():
                await state["service"].submit("cup", str(raw["judge"]), raw)
            await settle(hub, 0.5)
        pages: list[Any] = [(await http.get(url)).text for url in
                            ("/c/cup/e/hot", "/c/cup/e/hot?lang=en", "/c/cup/board?event=hot",
                             "/c/cup/board?event=hot&bilingual=1")]
        home = (await http.get("/?lang=en")).text
    public = [*pages, *(f for r in recorders for f in r.frames)]
    for text in public:
        assert not ENTRY_KEYS.search(text), "a blind event's entry key"
        assert "88.83" not in text or visibility == "live"  # frozen before any sheet: an empty snapshot
        if "live-head" in text:  # a page, a full state or a delta with the head (one with a row alone has none)
            assert progress_shown(text) == (visibility != "hidden"), text[:300]
    assert all("88.83" in page for page in pages) == (visibility == "live")
    scored = {"live": "3 of 3 scored", "progress": "3 of 3 scored", "frozen": "0 of 3 scored"}  # e3 partial counts
    assert scored[visibility] in home if visibility in scored else "of 3 scored" not in home
    assert 'id="entry-c-H-101"' in pages[0] or visibility in ("progress", "hidden")
