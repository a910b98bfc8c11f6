"""Benchmark: the console's live progress page — one update's bytes and server time — beside the
old poll, which fetched the whole matrix every 3 s, at the demo's size and at 10×.

For the cooking demo's hot-dishes event (its biggest), with the first half of the demo's judging
stored, in one process (the app's lifespan, in-process HTTP, a subscriber on the console's feed
standing in for one open console socket):
- *poll*: ``GET /console/c/…/e/hot`` as htmx asked for it every 3 s (the matrix fragment; the page
  still serves it once, and a socket's first frame is the same matrix): bytes and server time;
- *update*: the next sheets sent one at a time through the sheet service; for each, the frame the
  console socket gets (its bytes) and the server time the feed spent on it (one round: the
  entry's row from the book and the store, rendered: CPU time of its worker thread) — median and
  p90 over the sheets — and the time from the submit to the frame (the sheet's commit included).
``--scale 10`` copies every entry of the demo ten times (2,500 dishes in the event). Bounded: a
fixed number of sheets, nothing leaves the process.

Run: ``.venv/bin/python benchmarks/console.py [--scale 1,10] [--updates 40]``.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import re
import statistics
import tempfile
import time
from collections.abc import Sequence
from copy import deepcopy
from pathlib import Path
from typing import Any

import httpx

from scoreboard.app import create_app
from scoreboard.competition import parse_competition
from scoreboard.demo.build import cooking_competition
from scoreboard.demo.plan import demo_sheets
from scoreboard.live.console import ConsoleFeed, Watch
from scoreboard.services.accounts import AccountService
from scoreboard.settings import Settings
from scoreboard.store.engine import make_engine, migrate, session
from scoreboard.store.events import set_event_state
from scoreboard.store.load import save_competition

EVENT = "hot"
PASSWORD = "benchmark password"


def scaled(scale: int) -> dict[str, Any]:
    data = cooking_competition(2023)
    copies = [dict(deepcopy(e), key=f"{e['key']}-x{k}") for k in range(1, scale) for e in data["entries"]]
    data["entries"] = [*data["entries"], *copies]
    return data


def pct(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def measure(scale: int, updates: int, folder: Path) -> dict[str, float]:
    engine = make_engine(f"sqlite:///{folder / f'console-{scale}.db'}")
    migrate(engine)
    competition = parse_competition(scaled(scale), "benchmark")
    with session(engine, write=True) as s:
        save_competition(s, competition)
        for event in competition.events:
            set_event_state(s, competition.key, event.key, "open", actor="benchmark")
        s.commit()
    AccountService(engine).create("admin", PASSWORD, actor="benchmark")
    c = competition.key
    raws = [r for r in demo_sheets(competition, 2023) if any(e.key == r["entry"] and e.event == EVENT
                                                              for e in competition.entries_of(EVENT))]
    half = len(raws) // 2
    app = create_app(Settings.from_env(env_file=None, database_url="sqlite://"), engine=engine)
    async with app.router.lifespan_context(app) as lifespan:
        state: Any = lifespan
        async def with_state(scope: Any, receive: Any, send: Any) -> None:
            await app({**scope, "state": dict(state)}, receive, send)

        service = state["service"]
        last = await service.submit(c, str(raws[0]["judge"]), raws[0])  # loads the competition: the rest queue in order
        for i in range(1, half, 500):
            done = await asyncio.gather(*(service.submit(c, str(r["judge"]), r) for r in raws[i:min(i + 500, half)]))
            last = max([last, *done], key=lambda receipt: receipt.seq)
        feed: ConsoleFeed = state["console_feed"]
        while feed._seq < last.seq:  # the book and the feed have heard every sheet stored so far
            await asyncio.sleep(0.1)
        transport = httpx.ASGITransport(app=with_state)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
            page = await http.get("/console/login")
            csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
            assert csrf
            await http.post("/console/login", data={"csrf": csrf.group(1), "username": "admin",
                                                    "password": PASSWORD, "next": "/console/"})
            path = f"/console/c/{c}/e/{EVENT}"
            await http.get(path, headers={"HX-Request": "true"})  # the book loaded
            polls, body = [], b""
            for _ in range(5):
                started = time.perf_counter()
                r = await http.get(path, headers={"HX-Request": "true"})
                polls.append(time.perf_counter() - started)
                body = r.content
                assert r.status_code == 200 and b'id="matrix"' in body
        rounds: list[float] = []
        original = feed._round

        def timed(*args: Any) -> Any:
            started = time.thread_time()
            try:
                return original(*args)
            finally:
                rounds.append(time.thread_time() - started)

        feed._round = timed  # type: ignore[method-assign,assignment]
        frames: asyncio.Queue[str] = asyncio.Queue()

        async def send(frame: str) -> None:
            frames.put_nowait(frame)

        async with feed.subscribe(Watch(c, EVENT, locale="zh_CN", organizer=True), send):
            first = await frames.get()
            sizes, spent, latency, silent = [], [], [], 0
            for raw in raws[half:half + updates]:
                rounds.clear()
                started = time.perf_counter()
                await service.submit(c, str(raw["judge"]), raw)
                try:
                    frame = await asyncio.wait_for(frames.get(), 2)
                except TimeoutError:  # nothing the matrix shows changed (a deduction on an entry without a total)
                    silent += 1
                    continue
                latency.append(time.perf_counter() - started)
                sizes.append(len(frame.encode()))
                spent.append(sum(rounds))  # the feed's CPU for this sheet (a worker thread's)
    engine.dispose()
    entries = len(competition.entries_of(EVENT))
    return {"entries": entries, "poll_kb": len(body) / 1024, "poll_gz_kb": len(gzip.compress(body)) / 1024,
            "poll_ms": statistics.median(polls) * 1000, "first_kb": len(first.encode()) / 1024,
            "update_b": statistics.median(sizes), "update_b_p90": pct(sizes, 0.9),
            "update_ms": statistics.median(spent) * 1000, "update_ms_p90": pct(spent, 0.9) * 1000,
            "latency_ms": statistics.median(latency) * 1000, "silent": silent, "updates": len(sizes)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="1,10", help="copies of the demo's entries, comma-separated")
    parser.add_argument("--updates", type=int, default=40, help="sheets sent one at a time, each measured")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="console-bench-") as folder:
        for scale in (int(x) for x in args.scale.split(",")):
            rows.append((scale, asyncio.run(measure(scale, args.updates, Path(folder)))))
    print("| demo × | dishes in the event | poll: matrix fetched every 3 s | first frame of a socket "
          "| update frame (median / p90) | server time per update (median / p90) | submit → frame |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for scale, f in rows:
        print(f"| {scale}× | {f['entries']:.0f} | {f['poll_kb']:.0f} KB ({f['poll_gz_kb']:.0f} KB gzipped), "
              f"{f['poll_ms']:.0f} ms | {f['first_kb']:.0f} KB | {f['update_b']:.0f} B / {f['update_b_p90']:.0f} B "
              f"| {f['update_ms']:.1f} ms / {f['update_ms_p90']:.1f} ms | {f['latency_ms']:.0f} ms |")
    print("\n" + "; ".join(f"{s}×: {f['updates']:.0f} sheets measured, {f['silent']:.0f} changed nothing shown"
                           for s, f in rows))
    if len(rows) > 1:
        (s0, a), (s1, b) = rows[0], rows[-1]
        print(f"\n{s1}×/{s0}×: update bytes {b['update_b'] / a['update_b']:.2f}×, server time per update "
              f"{b['update_ms'] / a['update_ms']:.2f}×; the poll {b['poll_kb'] / a['poll_kb']:.1f}× the bytes, "
              f"{b['poll_ms'] / a['poll_ms']:.1f}× the time")


if __name__ == "__main__":
    main()
