"""The kill -9 campaign across workers (issue 10): three ``scoreboard serve`` workers on one
PostgreSQL schema and the local Redis, 30 judge clients (``judges.client.JudgeClient``) spread
over them, each scoring ten dishes three times over (revisions 1 to 3), a few sheets in flight at once;
meanwhile a worker chosen at random is killed (kill -9) every second or so, its judges sent to
another worker that is up (as a load balancer would) and the worker started again in the
background; one worker at least is always up. Afterwards:

- every sheet was acknowledged, and every acknowledged sheet is stored exactly once;
- each worker's event page (its board socket open all along, so that its standings book is kept
  live rather than loaded afresh) shows the same standings — rank and total of every dish — as the
  offline ``scoreboard standings`` computes from the archive of the stored sheets.

The campaign's random choices come from a seed, printed on failure (``CAMPAIGN_SEED`` replays one).
Bounded: about half a minute, two at most.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from bs4 import BeautifulSoup
from sqlmodel import select

from judges.client import JudgeClient
from scoreboard.store import tables as db
from scoreboard.store.engine import session
from tests.cluster import REDIS_URL, Cluster, Spectator, Worker, cluster, postgres_schema

pytestmark = [pytest.mark.cluster, pytest.mark.postgres]
JUDGES = [f"j{i}" for i in range(30)]
DISHES = [f"d{e}" for e in range(10)]
CAMP: dict[str, Any] = {
    "competition": {"key": "camp", "name": {"zh": "故障演练", "en": "Fault campaign"}},
    "events": [{"key": "dish", "name": {"zh": "热菜", "en": "Hot dishes"}, "rubric": "cooking_hot"}],
    "entries": [{"key": d, "event": "dish", "title": f"dish {d}", "code": f"D-{d[1:]}"} for d in DISHES],
    "judges": [{"key": j, "name": f"评委{j[1:]}", "events": ["dish"]} for j in JUDGES],
}
REVISIONS = 3
WINDOW = 4  # sheets a judge keeps in flight, so that a kill finds some unanswered
PAUSE = (0.1, 0.5)  # seconds a judge takes between two sheets


def marks(judge: int, dish: int, revision: int) -> dict[str, float]:
    """Marks that differ by judge, dish and revision, in whole and half points within the maxima."""
    spread = (judge * 7 + dish * 3 + revision * 5) % 31
    return {"taste": 20 + spread / 2, "texture": 10 + (judge + dish * 5) % 21 / 2, "technique": 12,
            "appearance": 8 + (dish * 3 + revision) % 15 / 2, "hygiene": 4, "innovation": 5 + judge % 11 / 2}


def rounds_of(judge: int) -> list[list[dict[str, Any]]]:
    """A judge's sheets in rounds: every dish, then a second and a third revision of each."""
    return [[{"id": f"j{judge}-d{d}-r{rev}", "entry": f"d{d}", "revision": rev, "marks": marks(judge, d, rev)}
             for d in range(len(DISHES))] for rev in range(1, REVISIONS + 1)]


@pytest.fixture
def three(tmp_path: Path) -> Iterator[Cluster]:
    with postgres_schema() as url, cluster(tmp_path, url, REDIS_URL, CAMP, JUDGES, workers=3) as made:
        yield made


class Campaign:
    """Kills a worker at random every second or so while the judges score, and starts it again."""

    def __init__(self, made: Cluster, judges: list[JudgeClient], rng: random.Random) -> None:
        self.made, self.judges, self.rng = made, judges, rng
        self.kills: list[str] = []
        self.down: set[str] = set()

    async def run(self, scoring: asyncio.Future[Any]) -> None:
        restarts = []
        while not scoring.done():
            await asyncio.sleep(self.rng.uniform(0.5, 1.5))
            up = [w for w in self.made.workers if w.name not in self.down]
            if scoring.done() or len(up) < 2:
                continue
            victim = self.rng.choice(up)
            victim.kill()
            self.kills.append(victim.name)
            for judge in self.judges:
                if judge.url == victim.judge_url:
                    judge.url = self.rng.choice([w for w in up if w is not victim]).judge_url
            self.down.add(victim.name)
            restarts.append(asyncio.create_task(self.restart(victim)))
        await asyncio.gather(*restarts)

    async def restart(self, worker: Worker) -> None:
        await asyncio.to_thread(worker.start)
        self.down.discard(worker.name)


MARKS = {"partial": "provisional", "flagged": "under review"}  # what a total that is not final says


def live_standings(worker: Worker) -> dict[str, tuple[str, str, str]]:
    """Dish code → (rank, total, its mark) as the worker's public event page shows them."""
    page = httpx.get(f"{worker.base}/c/camp/e/dish?lang=en", timeout=10)
    out = {}
    for row in BeautifulSoup(page.text, "html.parser").select("tr[id^=entry-]"):
        total = row.select_one(".total")
        assert total is not None
        mark = total.select_one(".mark")
        said = mark.extract().text.strip() if mark is not None else ""
        out[row.select_one(".code").text] = (row.select_one(".rank").text.strip(),  # type: ignore[union-attr]
                                             total.text.strip(), said)
    return out


def offline_standings(made: Cluster) -> dict[str, tuple[str, str, str]]:
    """Dish code → (rank, total, its mark) from ``scoreboard standings`` over an archive of the stored sheets."""
    archive = made.folder / "archive.json"
    made.cli("export", "camp", "--format", "json", "--out", str(archive))
    rows = json.loads(made.cli("standings", str(archive), "--format", "json"))["standings"]
    return {row["code"]: (f"={row['rank']}" if row["shared"] else str(row["rank"]), row["total"],
                          MARKS.get(row["state"], "")) for row in rows}


async def test_killing_workers_at_random_loses_and_doubles_nothing(three: Cluster) -> None:
    seed = int(os.environ.get("CAMPAIGN_SEED", random.randrange(1 << 30)))
    rng = random.Random(seed)
    judges = [JudgeClient(three.workers[i % 3].judge_url, three.tokens[key], backoff=(0.05, 0.5))
              for i, key in enumerate(JUDGES)]
    await asyncio.gather(*(j.start() for j in judges))
    acked: list[str] = []

    async def score(index: int, judge: JudgeClient) -> None:
        pace, window = random.Random(seed + index), asyncio.Semaphore(WINDOW)

        async def one(sheet: dict[str, Any]) -> None:
            async with window:
                ack = await judge.submit(sheet)
                assert ack["type"] == "ack", ack
                acked.append(sheet["id"])

        for sheets in rounds_of(index):  # a revision is sent once the one before it is answered
            sending = []
            for sheet in sheets:
                sending.append(asyncio.create_task(one(sheet)))
                await asyncio.sleep(pace.uniform(*PAUSE))
            await asyncio.gather(*sending)

    started = time.monotonic()
    async with contextlib.AsyncExitStack() as boards:  # each worker's book is kept live from the start
        for worker in three.workers:
            await boards.enter_async_context(Spectator(f"{worker.ws}/ws/board/camp/dish?lang=en"))
        scoring = asyncio.gather(*(score(i, j) for i, j in enumerate(judges)))
        campaign = Campaign(three, judges, rng)
        try:
            await asyncio.wait_for(asyncio.gather(scoring, campaign.run(scoring)), 120)
        finally:
            await asyncio.gather(*(j.close() for j in judges))
    print(f"seed {seed}: killed {campaign.kills} in {time.monotonic() - started:.1f} s; "
          f"{sum(sum(j.sent.values()) for j in judges) - len(acked)} sheets resent")
    assert len(campaign.kills) >= 3, f"seed {seed}: too few kills to mean anything"

    engine = three.engine()
    try:
        with session(engine) as s:
            stored = list(s.exec(select(db.Sheet.uid)).all())
    finally:
        engine.dispose()
    assert len(acked) == len(set(acked)) == len(JUDGES) * len(DISHES) * REVISIONS
    assert sorted(stored) == sorted(acked), f"seed {seed}: lost or doubled"

    expected = offline_standings(three)
    assert len(expected) == len(DISHES) and all(total for _rank, total, _mark in expected.values())
    deadline = time.monotonic() + 5
    for worker in three.workers:
        while (shown := await asyncio.to_thread(live_standings, worker)) != expected:
            assert time.monotonic() < deadline, f"seed {seed}: worker {worker.name} shows {shown}, not {expected}"
            await asyncio.sleep(0.2)
