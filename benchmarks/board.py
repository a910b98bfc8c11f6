"""Benchmark: a judge's sheet → the update on every spectator's board socket, beside a bare server.

For 50, 500, 1,000 and 2,000 spectator sockets on 127.0.0.1, with compression on and off, in one run:
- *ours*: one ``scoreboard`` server process (uvicorn, the demo's construction contest, test hooks
  on); each round a sheet is submitted (``POST /_test/…/sheet`` → ``SheetService.submit`` → bus →
  standings book → hub: one render → fan-out) and the time from the submit to each spectator's
  receiving the new frame (a delta) is recorded;
- *bare*: a bare ``websockets`` server process that, on a trigger, sends the event's full state
  (what every update was before deltas) to the same number of clients with
  ``websockets.broadcast()``.
Prints p50/p99 per count (over every spectator of every round), the ratio ours/bare at p99, the
server's RSS after each count, and the bytes of an update (ours: the deltas; the full state
beside them), uncompressed and deflated as the sockets deflate them. Bounded: a fixed number of
rounds, 127.0.0.1 only.

Run: ``.venv/bin/python benchmarks/board.py [--rounds 12] [--counts 50,500,1000,2000]
[--compression both|on|off]`` (``WS_COMPRESSION``, the setting, for both servers).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import zlib
from pathlib import Path

from websockets.asyncio.client import ClientConnection, connect

COMPETITION = "datong-construction-2023"
EVENTS = ("masonry", "painting", "waterproofing")  # in turn, one per count: each round submits its next sheet
MARK = '"seq":'  # a frame of an event (not a heartbeat)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def raise_file_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(hard, 65536) if hard != resource.RLIM_INFINITY else 65536
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))


def serve_ours(db: str, port: int) -> None:
    import uvicorn

    from scoreboard.app import create_app
    from scoreboard.serving import uvicorn_options
    from scoreboard.settings import Settings
    from scoreboard.store.engine import make_engine

    settings = Settings.from_env(env_file=None, database_url=f"sqlite:///{db}", test_hooks="1",
                                 ws_compression=os.environ.get("WS_COMPRESSION", "1"))
    engine = make_engine(settings.database_url, settings.sqlite_synchronous)
    uvicorn.run(create_app(settings, engine=engine), host="127.0.0.1", port=port, log_level="error",
                backlog=4096, **uvicorn_options(settings))  # as `scoreboard serve` serves


def serve_bare(port: int, frame_file: str) -> None:
    import websockets
    from websockets.asyncio.server import ServerConnection, serve

    frame = Path(frame_file).read_text(encoding="utf-8")
    clients: set[ServerConnection] = set()

    async def handler(ws: ServerConnection) -> None:
        if ws.request is not None and ws.request.path == "/control":
            async for _ in ws:
                websockets.broadcast(clients, frame)
            return
        clients.add(ws)
        try:
            await ws.wait_closed()
        finally:
            clients.discard(ws)

    async def main() -> None:
        compression = "deflate" if os.environ.get("WS_COMPRESSION", "1") != "0" else None
        async with serve(handler, "127.0.0.1", port, backlog=4096, max_queue=None, compression=compression):
            await asyncio.Future()

    asyncio.run(main())


def start(args: list[str], port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen([sys.executable, __file__, *args], stdout=subprocess.DEVNULL)
    for _ in range(300):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"server {args} did not start")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Spectators:
    """``n`` sockets; each records the delay from ``armed`` to its next frame matching ``mark``."""

    def __init__(self) -> None:
        self.armed = 0.0
        self.latencies: list[float] = []
        self.pending = 0
        self.done = asyncio.Event()
        self.last = ""

    async def watch(self, ws: ClientConnection, mark: str) -> None:
        async for frame in ws:
            if self.armed and mark in frame:
                self.latencies.append(time.perf_counter() - self.armed)
                self.last = str(frame)
                self.pending -= 1
                if self.pending == 0:
                    self.done.set()

    def arm(self, n: int) -> None:
        self.pending, self.armed = n, time.perf_counter()
        self.done.clear()


async def open_many(url: str, n: int) -> list[ClientConnection]:
    out: list[ClientConnection] = []
    for i in range(0, n, 100):
        out += await asyncio.gather(*(connect(url, open_timeout=30, max_queue=None) for _ in range(min(100, n - i))))
    return out


async def run_round(spec: Spectators, n: int, trigger: object, quiet: float = 10.0) -> bool:
    """One round; False when nobody heard anything within ``quiet`` seconds (a sheet that moved
    nothing a spectator sees: the panel not yet enough to show a total), which is not counted."""
    heard = len(spec.latencies)
    spec.arm(n)
    await trigger()  # type: ignore[operator]
    try:
        await asyncio.wait_for(spec.done.wait(), quiet)
    except TimeoutError:
        if len(spec.latencies) == heard:
            spec.armed = 0.0
            return False
        print(f"  (round timed out: {spec.pending} of {n} spectators missed it)")
    spec.armed = 0.0
    await asyncio.sleep(0.3)
    return True


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] * 1000


def deflated(frame: str) -> int:
    """The bytes of a frame as the sockets send it compressed (permessage-deflate, no context takeover)."""
    encoder = zlib.compressobj(wbits=-12, memLevel=5)
    return len(encoder.compress(frame.encode()) + encoder.flush(zlib.Z_SYNC_FLUSH)) - 4


async def measure(counts: list[int], rounds: int) -> list[tuple[int, list[float], list[float], float, list[str], str]]:
    from scoreboard.competition import parse_competition
    from scoreboard.demo.build import construction_competition
    from scoreboard.demo.plan import demo_sheets
    from scoreboard.demo.run import seed
    from scoreboard.store.engine import make_engine, migrate

    folder = Path(tempfile.mkdtemp(prefix="scoreboard-bench-"))
    db = str(folder / "bench.db")
    engine = make_engine(f"sqlite:///{db}")
    migrate(engine)
    seed(engine)
    engine.dispose()
    competition = parse_competition(construction_competition(2023), "bench")
    queued: dict[str, list[dict[str, object]]] = {}
    event_of = {e.key: e.event for e in competition.entries}
    for raw in demo_sheets(competition, 2023):  # in the order the demo judges them
        queued.setdefault(event_of[str(raw["entry"])], []).append(dict(raw))
    port, bare_port = free_port(), free_port()
    ours = start(["--serve", db, str(port)], port)
    results = []
    try:
        for i, n in enumerate(counts):
            event = EVENTS[i % len(EVENTS)]
            sheets = queued[event]
            spec = Spectators()
            board = await open_many(f"ws://127.0.0.1:{port}/ws/board/{COMPETITION}/{event}?lang=en", n)
            fulls: list[str] = []
            watchers = [asyncio.create_task(spec.watch(ws, MARK)) for ws in board]
            await asyncio.sleep(1.0)  # every first state in
            probe = await connect(f"ws://127.0.0.1:{port}/ws/board/{COMPETITION}/{event}?lang=en")
            fulls.append(str(await probe.recv()))
            await probe.close()
            deltas: list[str] = []

            async def submit(sheets: list[dict[str, object]] = sheets) -> None:
                raw = sheets.pop(0)
                data = json.dumps(raw, default=str).encode()
                request = urllib.request.Request(f"http://127.0.0.1:{port}/_test/c/{COMPETITION}/sheet", data=data,
                                                 headers={"content-type": "application/json"})
                await asyncio.to_thread(lambda: urllib.request.urlopen(request, timeout=10).read())

            measured = 0
            while measured < rounds and sheets:
                if await run_round(spec, n, submit, quiet=1.5):
                    measured += 1
                    deltas.append(spec.last)
            ours_lat = spec.latencies
            rss = rss_mb(ours.pid)
            for ws in board:
                await ws.close()
            for t in watchers:
                t.cancel()
            # the bare server, the full state, the same number of clients
            frame_file = folder / "frame.html"
            frame_file.write_text(fulls[0], encoding="utf-8")
            bare = start(["--bare", str(bare_port), str(frame_file)], bare_port)
            try:
                spec = Spectators()
                clients = await open_many(f"ws://127.0.0.1:{bare_port}/", n)
                control = await connect(f"ws://127.0.0.1:{bare_port}/control")
                watchers = [asyncio.create_task(spec.watch(ws, MARK)) for ws in clients]
                await asyncio.sleep(0.5)

                async def trigger(control: ClientConnection = control) -> None:
                    await control.send("go")

                for _ in range(rounds):
                    await run_round(spec, n, trigger)
                for ws in [*clients, control]:
                    await ws.close()
                for t in watchers:
                    t.cancel()
            finally:
                bare.terminate()
                bare.wait(10)
            results.append((n, ours_lat, spec.latencies, rss, deltas, fulls[0]))
            await asyncio.sleep(1.0)
    finally:
        ours.terminate()
        ours.wait(10)
    return results


def report(results: list[tuple[int, list[float], list[float], float, list[str], str]], rounds: int,
           compression: bool) -> None:
    state = "on" if compression else "off"
    print(f"\nboard fan-out, {rounds} rounds per count, one server process, compression {state}")
    print(f"{'spectators':>10} {'ours p50':>9} {'ours p99':>9} {'bare p50':>9} {'bare p99':>9} {'p99 ×':>6} "
          f"{'RSS MB':>7}")
    for n, o, b, rss, _deltas, _full in results:
        print(f"{n:>10} {pct(o, 50):>8.1f}ms {pct(o, 99):>8.1f}ms {pct(b, 50):>8.1f}ms {pct(b, 99):>8.1f}ms "
              f"{pct(o, 99) / pct(b, 99):>6.2f} {rss:>7.0f}")
    deltas = [d for r in results for d in r[4] if d]
    full = results[-1][5]
    raw = sorted(len(d.encode()) for d in deltas)
    packed = sorted(deflated(d) for d in deltas)
    print(f"bytes of one sheet's update per spectator: median {statistics.median(raw):.0f} (max {raw[-1]}), "
          f"deflated {statistics.median(packed):.0f} (max {packed[-1]}); "
          f"the full state: {len(full.encode())}, deflated {deflated(full)}")


def main() -> None:
    raise_file_limit()
    if len(sys.argv) > 1 and sys.argv[1] == "--serve":
        serve_ours(sys.argv[2], int(sys.argv[3]))
        return
    if len(sys.argv) > 1 and sys.argv[1] == "--bare":
        serve_bare(int(sys.argv[2]), sys.argv[3])
        return
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--rounds", type=int, default=12, help="rounds per count (at most 30)")
    p.add_argument("--counts", default="50,500,1000,2000")
    p.add_argument("--compression", choices=["both", "on", "off"], default="both")
    args = p.parse_args()
    os.environ.setdefault("PYTHONHASHSEED", "0")
    for on in {"both": [True, False], "on": [True], "off": [False]}[args.compression]:
        os.environ["WS_COMPRESSION"] = "1" if on else "0"  # both servers, started from here, read it
        report(asyncio.run(measure([int(c) for c in args.counts.split(",")], args.rounds)), args.rounds, on)


if __name__ == "__main__":
    main()
