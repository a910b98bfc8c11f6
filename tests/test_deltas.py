"""Board deltas end where a fresh page begins: over a random day of sheets, corrections, locks and
visibility changes, a socket that applied every frame (tests.boardmodel, as static/frames.js
does) shows exactly the block a fresh page renders from the full standings (``rank_event``),
for the public and the organizer, in each language; and a delta costs what it moves."""

from __future__ import annotations

import asyncio
import contextlib
import random
import re
from pathlib import Path
from typing import Any

import pytest
from markupsafe import Markup
from sqlalchemy import Engine

from scoreboard import i18n
from scoreboard.app import create_app
from scoreboard.competition import parse_competition
from scoreboard.live.hub import Hub, Topic
from scoreboard.settings import Settings
from scoreboard.store.engine import make_engine, migrate, session
from scoreboard.store.events import set_event_state
from scoreboard.store.load import save_competition
from tests.boardmodel import BoardModel
from tests.support import running

MAXES = {"taste": 35, "texture": 20, "technique": 15, "appearance": 15, "hygiene": 5, "innovation": 10}
TOPICS = [Topic("big", "hot", "public", "zh_CN"), Topic("big", "hot", "organizer", "en"),
          Topic("big", "hot", "public", "bi"), Topic("big", "cold", "public", "en")]


def big_competition(n: int) -> dict[str, Any]:
    entries = [{"key": f"h{i:02}", "event": "hot", "team": f"t{i % 3}", "title": f"菜品{i}", "code": f"H-{100 + i}",
                "contestants": [f"p{i % 8}"]} for i in range(n)]
    entries += [{"key": f"c{i:02}", "event": "cold", "team": f"t{i % 3}", "title": f"凉菜{i}", "code": f"C-{i}",
                 "contestants": [f"p{i}", f"p{i + 1}"]} for i in range(6)]
    return {
        "competition": {"key": "big", "name": {"zh": "大赛", "en": "Big cup"}},
        "events": [{"key": "hot", "name": {"zh": "热菜", "en": "Hot"}, "rubric": "cooking_hot", "blind": True},
                   {"key": "cold", "name": {"zh": "凉菜", "en": "Cold"}, "rubric": "cooking_hot"}],
        "teams": [{"key": f"t{i}", "name": {"zh": f"队{i}", "en": f"Team {i}"}} for i in range(3)],
        "contestants": [{"key": f"p{i}", "name": f"厨师{i}", "team": f"t{i % 3}"} for i in range(8)],
        "entries": entries,
        "judges": [{"key": f"j{i}", "name": f"评委{i}", "events": ["hot", "cold"]} for i in range(1, 6)],
    }


@pytest.fixture
def db(tmp_path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path / 'deltas.db'}")
    migrate(engine)
    with session(engine, write=True) as s:
        save_competition(s, parse_competition(big_competition(24), "test"))
        for event in ("hot", "cold"):
            set_event_state(s, "big", event, "open", actor="test")
        s.commit()
    return engine


def flat(markup: str) -> str:
    return re.sub(r">\s+<", "><", markup).strip()


def fresh_block(state: dict[str, Any], topic: Topic) -> str:
    """The block as a page renders it: every standing from ``rank_event``, through the page macro."""
    renderer = state["boards"].renderer
    snap = renderer.snapshot(topic.competition, topic.event)
    with i18n.using("zh_CN" if topic.variant == "bi" else topic.variant):
        block = renderer.block(snap, topic.audience)
        return str(renderer.env.get_template("_live.html").module.event_block(block, topic.variant == "bi"))


class Page:
    def __init__(self) -> None:
        self.model = BoardModel()
        self.sizes: list[int] = []

    async def send(self, frame: str) -> None:
        self.sizes.append(len(frame.encode()))
        assert self.model.apply(frame) != "again", frame[:300]


def marks(rng: random.Random) -> dict[str, Markup | int]:
    return {k: rng.randint(m // 2, m) for k, m in MAXES.items()}


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_a_socket_applying_deltas_ends_on_the_fresh_page(db: Engine, seed: int) -> None:
    rng = random.Random(seed)
    app = create_app(Settings.from_env(env_file=None, database_url="sqlite://"), engine=db)
    revisions: dict[tuple[str, str], int] = {}
    async with running(app) as (_http, state):
        hub: Hub = state["boards"].hub
        pages = [Page() for _ in TOPICS]
        async with contextlib.AsyncExitStack() as stack:
            for topic, page in zip(TOPICS, pages, strict=True):
                await stack.enter_async_context(hub.subscribe([topic], page.send))
            for _step in range(30):
                roll = rng.random()
                if roll < 0.75:  # a burst of sheets, corrections among them
                    sheets = []
                    for _ in range(rng.choice([1, 1, 1, 3, 6])):
                        event = rng.choice(["hot", "hot", "hot", "cold"])
                        entry = f"{event[0]}{rng.randrange(24 if event == 'hot' else 6):02}"
                        judge = f"j{rng.randint(1, 5)}"
                        if any(s["entry"] == entry and s["judge"] == judge for s in sheets):
                            continue
                        rev = revisions[(entry, judge)] = revisions.get((entry, judge), 0) + 1
                        sheets.append({"id": f"{entry}-{judge}-{rev}", "entry": entry, "judge": judge,
                                       "revision": rev, "marks": marks(rng),
                                       **({"reason": "correction"} if rev > 1 else {})})
                    done = await asyncio.gather(*(state["service"].submit("big", s["judge"], s) for s in sheets),
                                                return_exceptions=True)
                    assert all(not isinstance(d, Exception) or "locked" in str(d) for d in done), done
                elif roll < 0.85:
                    with contextlib.suppress(Exception):
                        await state["entries"].lock("big", f"h{rng.randrange(24):02}", rng.random() < 0.7, actor="t")
                else:
                    await state["events"].set_visibility("big", "hot", rng.choice(["live", "progress", "frozen",
                                                                                   "hidden", "live"]), actor="t")
                await asyncio.sleep(rng.choice([0.0, 0.02, 0.12]))
            await asyncio.sleep(0.4)
            for topic, page in zip(TOPICS, pages, strict=True):
                assert flat(page.model.text(topic.event)) == flat(fresh_block(state, topic)), topic
                newcomer = Page()  # and a socket that comes now starts from the same page
                async with hub.subscribe([topic], newcomer.send):
                    await asyncio.sleep(0.1)
                assert flat(newcomer.model.text(topic.event)) == flat(fresh_block(state, topic)), topic
    assert max(len(p.sizes) for p in pages) > 10


async def test_one_sheet_sends_the_changed_rows_not_the_page(db: Engine) -> None:
    app = create_app(Settings.from_env(env_file=None, database_url="sqlite://"), engine=db)
    async with running(app) as (_http, state):
        hub: Hub = state["boards"].hub
        page = Page()
        async with hub.subscribe([Topic("big", "hot", "public", "zh_CN")], page.send):
            await asyncio.sleep(0.2)
            rng = random.Random(7)
            full_marks = dict(MAXES)
            for i in [*range(12), 20]:  # half the field scored by the five judges; h20 by four, full marks
                for j in range(1, 6 if i != 20 else 5):
                    await state["service"].submit("big", f"j{j}", {"id": f"s{i}-{j}", "entry": f"h{i:02}",
                                                                   "judge": f"j{j}", "marks": marks(rng)
                                                                   if i != 20 else full_marks})
            await asyncio.sleep(0.3)
            full, before = page.sizes[0], len(page.sizes)
            provisional = '<span class="mark mark-partial">暂定</span>'  # beside a total (the state column says it too)
            assert page.model.text("hot").count(provisional) == 1  # h20, four of five judges: 100.00 is provisional
            await state["service"].submit("big", "j5", {"id": "s20-5", "entry": "h20", "judge": "j5",
                                                        "marks": full_marks})
            await asyncio.sleep(0.3)
        delta = page.sizes[before:]
        assert len(delta) == 1 and delta[0] < 1024 < full * 3, (delta, full)
        assert page.model.text("hot").index("H-120") < page.model.text("hot").index("H-100")  # 100 points: first
        assert provisional not in page.model.text("hot")  # the delta took the mark away with the fifth sheet
        assert flat(page.model.text("hot")) == flat(fresh_block(state, Topic("big", "hot", "public", "zh_CN")))
