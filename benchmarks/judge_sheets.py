"""Benchmark: judges' sheets acknowledged per second, and ack latency, over the real socket.

Prints, measured side by side in one run on this machine:
- the raw SQLite commit rate: one row per commit, WAL, ``synchronous=FULL`` (Python's sqlite3);
- with 50 judge clients (``judges.client``, one websocket each) against a real server
  subprocess on 127.0.0.1 (uvicorn, SQLite with ``synchronous=FULL`` in a temp dir): how many
  sheets a second are acknowledged — each stored durably before its ack — when every judge keeps
  a window of sheets in flight (target ≥ 2,000/s: more than one commit per sheet allows, so the
  service's group commit puts many sheets in one commit);
- the ack latency p50/p99 at a steady 200 sheets a second, the 50 judges taking turns
  (target p99 ≤ 50 ms).

The server's per-connection flood limit (20 frames/s) is lifted for the run: 2,000/s from 50
judges is 40/s each, a load no human judge makes. Bounded (stops by itself within ~2 minutes),
127.0.0.1 only. Run: ``.venv/bin/python benchmarks/judge_sheets.py``.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

JUDGES = 50
ENTRIES = 200
THROUGHPUT_PER_JUDGE = 150  # sheets each judge sends as fast as acks come back
WINDOW = 16  # sheets a judge keeps in flight
STEADY_RATE = 200  # sheets a second, all judges together
STEADY_SECONDS = 5
MARKS = {"taste": 28, "texture": 16, "technique": 12, "appearance": 12, "hygiene": 4, "innovation": 8}


def raw_sqlite_commits(folder: Path, seconds: float = 2.0) -> float:
    db = sqlite3.connect(folder / "raw.db", isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = FULL")
    db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)")
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        db.execute("BEGIN")
        db.execute("INSERT INTO t (body) VALUES (?)", ("x" * 200,))
        db.execute("COMMIT")
        n += 1
    rate = n / (time.perf_counter() - start)
    db.close()
    return rate


def prepare(url: str) -> dict[str, str]:
    """A competition of one event (hot dishes, not blind), 200 entries and 50 judges; their tokens."""
    from scoreboard.competition import parse_competition
    from scoreboard.store.engine import make_engine, migrate, session
    from scoreboard.store.events import set_event_state
    from scoreboard.store.load import save_competition
    from scoreboard.store.tokens import issue_token

    data = {
        "competition": {"key": "bench", "name": {"zh": "压测", "en": "Bench"}},
        "events": [{"key": "hot", "name": {"zh": "热菜", "en": "Hot dishes"}, "rubric": "cooking_hot"}],
        "entries": [{"key": f"e{i}", "event": "hot", "title": f"dish {i}"} for i in range(ENTRIES)],
        "judges": [{"key": f"j{i}", "name": f"评委{i}", "events": ["hot"]} for i in range(JUDGES)],
    }
    engine = make_engine(url, "FULL")
    migrate(engine)
    with session(engine, write=True) as s:
        save_competition(s, parse_competition(data, "bench"))
        set_event_state(s, "bench", "hot", "open", actor="bench")
        tokens = {f"j{i}": issue_token(s, "bench", f"j{i}", actor="bench") for i in range(JUDGES)}
        s.commit()
    engine.dispose()
    return tokens


def serve(url: str) -> None:
    """The server subprocess: the real app, flood limit lifted, on a free port of 127.0.0.1."""
    import uvicorn

    from judges.protocol import Limits
    from scoreboard.app import create_app
    from scoreboard.settings import Settings

    settings = Settings.from_env(env_file=None, database_url=url, sqlite_synchronous="FULL")
    app = create_app(settings, judge_limits=Limits(per_second=10_000, burst=10_000))
    ws = os.environ.get("BENCH_WS", "auto")  # uvicorn's websocket implementation, as `scoreboard serve` picks it
    uvicorn.run(app, host="127.0.0.1", port=0, log_level="info", ws=ws, access_log=False)


def sheet(judge: str, entry: int) -> dict[str, Any]:
    return {"id": f"{judge}-e{entry}", "entry": f"e{entry}", "revision": 1, "marks": MARKS}


async def throughput(urls: list[str], tokens: dict[str, str]) -> tuple[int, float]:
    """Every judge sends its sheets, a window in flight; the judges are dealt round the ``urls``
    (one server's, or several workers')."""
    from judges.client import JudgeClient

    clients = [JudgeClient(urls[i % len(urls)], tokens[j]) for i, j in enumerate(sorted(tokens))]
    await asyncio.gather(*(c.start() for c in clients))

    async def judge(client: JudgeClient) -> int:
        key = client.hello["judge"]["key"]
        window = asyncio.Semaphore(WINDOW)

        async def one(entry: int) -> None:
            async with window:
                await client.submit(sheet(key, entry))

        await asyncio.gather(*(one(e) for e in range(THROUGHPUT_PER_JUDGE)))
        return THROUGHPUT_PER_JUDGE

    start = time.perf_counter()
    done = sum(await asyncio.gather(*(judge(c) for c in clients)))
    elapsed = time.perf_counter() - start
    await asyncio.gather(*(c.close() for c in clients))
    return done, elapsed


async def steady(url: str, tokens: dict[str, str]) -> list[float]:
    from judges.client import JudgeClient

    clients = [JudgeClient(url, tokens[j]) for j in sorted(tokens)]
    await asyncio.gather(*(c.start() for c in clients))
    latencies: list[float] = []

    async def one(client: JudgeClient, entry: int) -> None:
        sent = time.perf_counter()
        await client.submit(sheet(client.hello["judge"]["key"], entry))
        latencies.append(time.perf_counter() - sent)

    tasks, start = [], time.perf_counter()
    for n in range(STEADY_RATE * STEADY_SECONDS):
        await asyncio.sleep(max(0.0, start + n / STEADY_RATE - time.perf_counter()))
        client = clients[n % len(clients)]
        tasks.append(asyncio.create_task(one(client, THROUGHPUT_PER_JUDGE + n // len(clients))))
    await asyncio.gather(*tasks)
    await asyncio.gather(*(c.close() for c in clients))
    return latencies


def start_server(url: str, env: dict[str, str] | None = None) -> tuple[subprocess.Popen[str], int]:
    """``serve(url)`` in a subprocess (with ``env``, say a BROADCAST_URL); it and its port, once it serves."""
    server = subprocess.Popen([sys.executable, __file__, "--serve", url], stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True, env=env)
    assert server.stderr is not None
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = server.stderr.readline()
        if not line and server.poll() is not None:
            raise SystemExit("the server did not start")
        found = re.search(r"http://127\.0\.0\.1:(\d+)", line)
        if found:
            return server, int(found.group(1))
    stop_server(server)
    raise SystemExit("the server did not start within 30 s")


def stop_server(server: subprocess.Popen[str]) -> None:
    server.terminate()
    with contextlib.suppress(subprocess.TimeoutExpired):
        server.wait(10)
    if server.poll() is None:
        server.kill()


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="scoreboard-bench-") as tmp:
        folder = Path(tmp)
        raw = raw_sqlite_commits(folder)
        url = f"sqlite:///{folder / 'bench.db'}"
        tokens = prepare(url)
        server, port = start_server(url)
        try:
            ws = f"ws://127.0.0.1:{port}/ws/judge"
            done, elapsed = asyncio.run(asyncio.wait_for(throughput([ws], tokens), 60))
            latencies = asyncio.run(asyncio.wait_for(steady(ws, tokens), 40))
        finally:
            stop_server(server)
    rate = done / elapsed
    print(f"raw SQLite, one row per commit (WAL, synchronous=FULL): {raw:8.0f} commits/s")
    print(f"{JUDGES} judges, {WINDOW} sheets in flight each, {done} sheets: {rate:8.0f} acked sheets/s "
          f"(target >= 2000; {rate / raw:.2f}x the raw commit rate)")
    print(f"steady {STEADY_RATE} sheets/s for {STEADY_SECONDS} s ({len(latencies)} sheets): ack latency "
          f"p50 {pct(latencies, 0.5) * 1000:.1f} ms, p99 {pct(latencies, 0.99) * 1000:.1f} ms, "
          f"max {max(latencies) * 1000:.1f} ms (target p99 <= 50 ms); mean {statistics.mean(latencies) * 1000:.1f} ms")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--serve":
        serve(sys.argv[2])
    else:
        main()
