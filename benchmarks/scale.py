"""Benchmark: one process on SQLite beside one, two and three workers on PostgreSQL + Redis.

For each setup, measured in one run on this machine, over the real sockets on 127.0.0.1:
- *spectator latency*: ``SPECTATORS`` board sockets dealt round the workers, one event's board
  each; each round one judge (on the next worker in turn) sends a sheet for an entry nobody has
  scored yet, and the time from sending it to each spectator's receiving the changed board is
  recorded (p50/p99 over every spectator of every round) — for a spectator on another worker
  than the judge's, that includes the trip over the bus;
- *acknowledged sheets per second*: 50 judge clients dealt round the workers, each keeping
  16 sheets in flight (``judge_sheets.throughput``; every sheet stored durably before its ack).

The workers are ``judge_sheets.serve`` processes (the real app, its flood limit lifted) on one
fresh database: an SQLite file (``synchronous=FULL``, the ``memory://`` bus) or a PostgreSQL
schema with ``BROADCAST_URL=redis://127.0.0.1:6379/0``. Bounded: a few minutes in all.
Run: ``.venv/bin/python benchmarks/scale.py [--spectators 300] [--rounds 20]``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import board  # benchmarks/board.py, beside this file
import judge_sheets

from tests.cluster import REDIS_URL, postgres_schema

SCORED_ENTRY = judge_sheets.THROUGHPUT_PER_JUDGE  # rounds score entries from here on: throughput uses those below


@dataclass(frozen=True)
class Figures:
    setup: str
    workers: int
    latencies: list[float]
    rate: float


@contextlib.contextmanager
def workers(url: str, count: int, env: dict[str, str]) -> Iterator[list[str]]:
    """``count`` server processes on ``url``: their base addresses (ws://)."""
    started = []
    try:
        for _ in range(count):
            started.append(judge_sheets.start_server(url, env))
        yield [f"ws://127.0.0.1:{port}" for _server, port in started]
    finally:
        for server, _port in started:
            judge_sheets.stop_server(server)


async def spectator_latency(bases: list[str], tokens: dict[str, str], spectators: int, rounds: int) -> list[float]:
    from judges.client import JudgeClient

    spec = board.Spectators()
    sockets = []
    for i, base in enumerate(bases):
        share = spectators // len(bases) + (1 if i < spectators % len(bases) else 0)
        sockets += await board.open_many(f"{base}/ws/board/bench/hot?lang=en", share)
    watchers = [asyncio.create_task(spec.watch(ws, 'id="live-hot"')) for ws in sockets]
    judges = [JudgeClient(f"{base}/ws/judge", tokens[f"j{i}"]) for i, base in enumerate(bases)]
    await asyncio.gather(*(j.start() for j in judges))
    await asyncio.sleep(1.0)  # every first state in
    for n in range(rounds):
        judge = judges[n % len(judges)]
        sheet = judge_sheets.sheet(judge.hello["judge"]["key"], SCORED_ENTRY + n)

        async def send(judge: JudgeClient = judge, sheet: dict[str, object] = sheet) -> None:
            await judge.submit(sheet)

        await board.run_round(spec, len(sockets), send)
    await asyncio.gather(*(j.close() for j in judges))
    for ws in sockets:
        await ws.close()
    for task in watchers:
        task.cancel()
    return spec.latencies


def measure(setup: str, url: str, count: int, env: dict[str, str], spectators: int, rounds: int) -> Figures:
    tokens = judge_sheets.prepare(url)
    with workers(url, count, env) as bases:
        latencies = asyncio.run(asyncio.wait_for(spectator_latency(bases, tokens, spectators, rounds), 120))
        done, elapsed = asyncio.run(asyncio.wait_for(
            judge_sheets.throughput([f"{b}/ws/judge" for b in bases], tokens), 120))
    return Figures(setup, count, latencies, done / elapsed)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--spectators", type=int, default=300)
    p.add_argument("--rounds", type=int, default=20, help=f"at most {judge_sheets.ENTRIES - SCORED_ENTRY}")
    args = p.parse_args()
    board.raise_file_limit()
    results = []
    with tempfile.TemporaryDirectory(prefix="scoreboard-scale-") as tmp:
        env = {**os.environ, "BROADCAST_URL": "memory://"}
        results.append(measure("SQLite, one process", f"sqlite:///{Path(tmp) / 'bench.db'}", 1, env,
                               args.spectators, args.rounds))
    for count in (1, 2, 3):
        with postgres_schema() as url:
            env = {**os.environ, "BROADCAST_URL": REDIS_URL}
            results.append(measure("PostgreSQL + Redis", url, count, env, args.spectators, args.rounds))
    print(f"\n{args.spectators} spectators and 50 judges dealt round the workers; {os.cpu_count()} cores")
    print(f"{'setup':<22} {'workers':>7} {'spectator p50':>14} {'p99':>9} {'acked sheets/s':>15}")
    for f in results:
        p50, p99 = board.pct(f.latencies, 50), board.pct(f.latencies, 99)
        print(f"{f.setup:<22} {f.workers:>7} {p50:>12.1f}ms {p99:>7.1f}ms {f.rate:>15.0f}")


if __name__ == "__main__":
    main()
