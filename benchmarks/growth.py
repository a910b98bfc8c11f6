"""Benchmark: how the server's costs grow with the competition — the cooking demo at 1×, 3× and 10×.

For each size (``growth_db``: every dish copied within its event, 2,490 hot dishes at 10×; every
sheet stored but the last ``--sheets`` of the plan), one ``scoreboard`` server process on
127.0.0.1 (uvicorn, SQLite, test hooks on, default settings: compression on) and measured:
- *restart → first page*: the server is stopped and started again on the full database; the
  time from starting the process to its port taking connections, and on to the home page ``/``
  and then the hot dishes' event page being served;
- *pages*: the home page, the hot dishes' event page and the console's progress page of the hot
  dishes (signed in as an organizer; its matrix as the browser fetches it, ``HX-Request``), each
  asked ``REPEAT`` times with gzip and without: median latency and bytes on the wire;
- *per accepted sheet*: with one projector socket (``/ws/board/COMP``), one phone socket
  (``/ws/board/COMP/hot``) and one console progress page open — polling its matrix every 3 s as the
  browser does today (``--console poll``), or over the console's live socket (``--console socket``,
  ``/ws/console/COMP/hot``, where the server has one), or none — the held sheets are replayed at
  ``--rate`` a second through ``POST /_test/c/COMP/sheet`` (the sheet service's path); the server
  process's CPU (``/proc/PID/stat``, user + system) over the replay divided by the sheets, and
  each socket's bytes received (on the wire, compressed or not) per update frame, beside the
  frames' size uncompressed;
then the 10×/1× ratios (largest size over smallest).

``--soak MINUTES`` instead serves one size (``--soak-size``, default 10) to 300 spectator sockets
(a tenth on the projector, the rest phones spread over the events), each reconnecting after a
random 20–60 s, while sheets arrive at ``--rate`` a second; every minute it prints the server's
RSS, open file descriptors, the sockets' reconnects, and the p50/p99 from a sheet's submit to the
next frame on each socket watching its event.

Bounded: a fixed number of sheets and repeats, 127.0.0.1 only, stops by itself (the default run
takes a few minutes; ``--sizes 1,3`` is quicker). To measure another checkout's server (before and
after a change, same machine), run this file with ``PYTHONPATH=`` that checkout.
Run: ``.venv/bin/python benchmarks/growth.py [--sizes 1,3,10] [--sheets 200] [--console poll]``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import re
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect

sys.path.insert(0, str(Path(__file__).resolve().parent))
import board  # benchmarks/board.py: starting our server, percentiles, RSS
import growth_db

COMP = growth_db.COOKING
EVENT = "hot"
ACCOUNT = ("growth", "growth benchmark password")
REPEAT = 5
POLL = 3.0  # the console's progress page polls its matrix this often (console_progress.POLL_SECONDS)
CLOCK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK  # utime, stime


def open_fds(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


class Counted(ClientConnection):
    """A client socket that counts the bytes it receives on the wire and the frames it reads."""

    wire = 0
    frames = 0
    text = 0

    def data_received(self, data: bytes) -> None:
        self.wire += len(data)
        super().data_received(data)


async def listen(ws: Counted, on_frame: Any = None) -> None:
    with contextlib.suppress(Exception):
        async for frame in ws:
            ws.frames += 1
            ws.text += len(frame if isinstance(frame, bytes) else frame.encode())
            if on_frame is not None:
                on_frame()


@dataclass
class Page:
    latency: float  # seconds, median
    plain: int  # bytes
    zipped: int


@dataclass
class Figures:
    size: int
    entries: int
    start_to_port: float = 0.0
    port_to_home: float = 0.0
    home_to_event: float = 0.0
    pages: dict[str, Page] = field(default_factory=dict)
    cpu_per_sheet: float = 0.0
    sheets: int = 0
    sockets: dict[str, tuple[int, int, int]] = field(default_factory=dict)  # name → (wire, text, frames)
    console: tuple[int, int] = (0, 0)  # bytes on the wire, fetches or frames


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    if not found:
        raise RuntimeError("no CSRF field on the sign-in page")
    return found.group(1)


async def sign_in(http: httpx.AsyncClient) -> None:
    page = await http.get("/console/login")
    r = await http.post("/console/login", data={"csrf": csrf_of(page.text), "username": ACCOUNT[0],
                                                "password": ACCOUNT[1], "next": "/console/"})
    if r.status_code != 303:
        raise RuntimeError(f"signing in answered {r.status_code}")


async def fetch(http: httpx.AsyncClient, url: str, gzip: bool, htmx: bool = False) -> tuple[float, int]:
    headers = {"Accept-Encoding": "gzip" if gzip else "identity", **({"HX-Request": "true"} if htmx else {})}
    started = time.perf_counter()
    async with http.stream("GET", url, headers=headers) as r:
        size = sum([len(chunk) async for chunk in r.aiter_raw()])
        if r.status_code != 200:
            raise RuntimeError(f"{url} answered {r.status_code}")
    return time.perf_counter() - started, size


async def pages(http: httpx.AsyncClient) -> dict[str, Page]:
    urls = {"home /": ("/", False), "event page": (f"/c/{COMP}/e/{EVENT}", False),
            "console progress": (f"/console/c/{COMP}/e/{EVENT}", True)}
    out = {}
    for name, (url, htmx) in urls.items():
        times, sizes = [], {}
        for _ in range(REPEAT):
            for gzip in (True, False):
                took, sizes[gzip] = await fetch(http, url, gzip, htmx)
                times.append(took)
        out[name] = Page(statistics.median(times), sizes[False], sizes[True])
    return out


async def first_pages(base: str) -> tuple[float, float]:
    """Right after the port opens: the home page, then the event page (seconds each)."""
    async with httpx.AsyncClient(base_url=base, timeout=120) as http:
        home, _ = await fetch(http, "/", True)
        event, _ = await fetch(http, f"/c/{COMP}/e/{EVENT}", True)
    return home, event


def remove(db: Path) -> None:
    for path in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        path.unlink(missing_ok=True)


def start(db: str, port: int) -> tuple[Any, float]:
    started = time.perf_counter()
    proc = board.start(["--serve", db, str(port)], port)
    return proc, time.perf_counter() - started


def stop(proc: Any) -> None:
    proc.terminate()
    proc.wait(30)


async def console_feed(mode: str, base: str, http: httpx.AsyncClient, stop: asyncio.Event) -> tuple[int, int]:
    """The console's progress page kept open: (bytes on the wire, fetches or frames); over a
    socket, the updates after its first, whole frame."""
    if mode == "poll":
        wire = fetches = 0
        while not stop.is_set():
            _took, size = await fetch(http, f"/console/c/{COMP}/e/{EVENT}", True, htmx=True)
            wire, fetches = wire + size, fetches + 1
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), POLL)
        return wire, fetches
    if mode == "socket":
        cookie = "; ".join(f"{k}={v}" for k, v in http.cookies.items())
        url = base.replace("http://", "ws://") + f"/ws/console/{COMP}/{EVENT}"
        async with connect(url, create_connection=Counted, additional_headers={"Cookie": cookie},
                           max_size=None, max_queue=None) as ws:
            assert isinstance(ws, Counted)
            task = asyncio.create_task(listen(ws))
            for _ in range(1200):  # the first frame is the whole matrix: the updates are counted after it
                if ws.frames:
                    break
                await asyncio.sleep(0.05)
            first_wire, first_frames = ws.wire, ws.frames
            await stop.wait()
            task.cancel()
            return ws.wire - first_wire, ws.frames - first_frames
    await stop.wait()
    return 0, 0


async def replay(base: str, sheets: list[dict[str, Any]], rate: float) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        started = time.perf_counter()
        for n, raw in enumerate(sheets):
            await asyncio.sleep(max(0.0, started + n / rate - time.perf_counter()))
            r = await http.post(f"/_test/c/{COMP}/sheet", json=raw)
            if r.status_code != 200:
                raise RuntimeError(f"the server refused sheet {raw['id']}: {r.text}")


async def per_sheet(base: str, pid: int, sheets: list[dict[str, Any]], rate: float, console: str,
                    http: httpx.AsyncClient) -> tuple[float, dict[str, tuple[int, int, int]], tuple[int, int]]:
    ws_base = base.replace("http://", "ws://")
    projector = await connect(f"{ws_base}/ws/board/{COMP}", create_connection=Counted, max_size=None, max_queue=None)
    phone = await connect(f"{ws_base}/ws/board/{COMP}/{EVENT}", create_connection=Counted, max_size=None,
                          max_queue=None)
    sockets = {"projector": projector, "phone": phone}
    listeners = [asyncio.create_task(listen(ws)) for ws in sockets.values()]  # type: ignore[arg-type]
    done = asyncio.Event()
    feed = asyncio.create_task(console_feed(console, base, http, done))
    events = len(growth_db.copied(1)["events"])
    for _ in range(1200):  # every event's first (full) state in before counting: at 10× they take seconds
        if projector.frames >= events and phone.frames >= 1:  # type: ignore[attr-defined]
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.5)
    before = {name: (ws.wire, ws.text, ws.frames) for name, ws in sockets.items()}  # type: ignore[attr-defined]
    cpu = cpu_seconds(pid)
    await replay(base, sheets, rate)
    await asyncio.sleep(1.0)  # the last renders out
    used = cpu_seconds(pid) - cpu
    done.set()
    console_bytes = await feed
    after = {name: (ws.wire, ws.text, ws.frames) for name, ws in sockets.items()}  # type: ignore[attr-defined]
    for ws in sockets.values():
        await ws.close()
    for task in listeners:
        task.cancel()
    counts = {name: (after[name][0] - before[name][0], after[name][1] - before[name][1],
                     after[name][2] - before[name][2]) for name in sockets}
    return used / len(sheets), counts, console_bytes


async def measure_size(size: int, folder: Path, held: int, rate: float, console: str) -> Figures:
    db = folder / f"growth-{size}.db"
    sheets = growth_db.build(db, size, held, ACCOUNT)
    figures = Figures(size, len(growth_db.copied(size)["entries"]))
    port = board.free_port()
    base = f"http://127.0.0.1:{port}"
    proc, _ = start(str(db), port)
    try:
        await first_pages(base)  # everything loaded once
        async with httpx.AsyncClient(base_url=base, timeout=120) as http:
            await sign_in(http)
            figures.pages = await pages(http)
            figures.cpu_per_sheet, figures.sockets, figures.console = await per_sheet(
                base, proc.pid, sheets, rate, console, http)
            figures.sheets = len(sheets)
    finally:
        stop(proc)
    proc, figures.start_to_port = start(str(db), port)  # a restart on the full database
    try:
        figures.port_to_home, figures.home_to_event = await first_pages(base)
    finally:
        stop(proc)
    remove(db)
    return figures


def show(results: list[Figures], rate: float, console: str) -> None:
    print(f"\ncooking demo copied within its events; one server process; {os.cpu_count()} cores; sheets replayed "
          f"at {rate:g}/s with a projector, a phone and a console progress page ({console}) open")
    head = f"{'measure':<44}" + "".join(f"{f'{f.size}× ({f.entries} dishes)':>20}" for f in results)
    print(head)
    first, last = results[0], results[-1]

    def row(name: str, values: list[float], unit: str, digits: int = 1) -> None:
        cells = "".join(f"{v:>{20 - len(unit)}.{digits}f}{unit}" for v in values)
        ratio = f"{values[-1] / values[0]:>8.2f}×" if len(values) > 1 and values[0] else ""
        print(f"{name:<44}{cells}{ratio}")

    row("server CPU per accepted sheet", [f.cpu_per_sheet * 1000 for f in results], " ms", 2)
    for name in ("projector", "phone"):
        row(f"{name} socket: bytes on the wire per update", [f.sockets[name][0] / max(1, f.sockets[name][2])
                                                             for f in results], " B", 0)
        row(f"{name} socket: frame size uncompressed", [f.sockets[name][1] / max(1, f.sockets[name][2])
                                                        for f in results], " B", 0)
        row(f"{name} socket: frames over the replay", [float(f.sockets[name][2]) for f in results], "", 0)
    if console != "none":
        row(f"console ({console}): bytes per {'fetch' if console == 'poll' else 'frame'}",
            [f.console[0] / max(1, f.console[1]) for f in results], " B", 0)
    for name in first.pages:
        row(f"{name}: latency", [f.pages[name].latency * 1000 for f in results], " ms")
        row(f"{name}: size plain", [f.pages[name].plain / 1024 for f in results], " KB")
        row(f"{name}: size gzipped", [f.pages[name].zipped / 1024 for f in results], " KB")
    row("restart: process start → port open", [f.start_to_port for f in results], " s", 2)
    row("restart: port open → home page", [f.port_to_home for f in results], " s", 2)
    row("restart: then the event page", [f.home_to_event for f in results], " s", 2)
    row("restart: process start → both pages", [f.start_to_port + f.port_to_home + f.home_to_event
                                                 for f in results], " s", 2)
    print(f"(last column: {last.size}×/{first.size}×)")


# --- soak -------------------------------------------------------------------------------------------

class Soak:
    """Spectator sockets that reconnect now and then, and the latency from a submit to their next frame."""

    def __init__(self, urls: list[tuple[str, str | None]], rng: random.Random) -> None:
        self.urls = urls  # (url, event or None for a projector)
        self.rng = rng
        self.waiting: dict[int, list[float]] = {}  # socket → submit times not yet followed by a frame
        self.latencies: list[float] = []
        self.reconnects = 0
        self.watching: dict[int, str | None] = {}

    def submitted(self, event: str) -> None:
        now = time.perf_counter()
        for i, watched in self.watching.items():
            if watched is None or watched == event:
                self.waiting.setdefault(i, []).append(now)

    def frame(self, i: int) -> None:
        now = time.perf_counter()
        self.latencies += [now - t for t in self.waiting.pop(i, [])]

    async def spectator(self, i: int, stop: asyncio.Event) -> None:
        url, event = self.urls[i]
        while not stop.is_set():
            try:
                async with connect(url, open_timeout=30, max_size=None, max_queue=None) as ws:
                    self.watching[i] = event
                    lifetime = self.rng.uniform(20, 60)
                    ends = time.perf_counter() + lifetime
                    while not stop.is_set() and time.perf_counter() < ends:
                        with contextlib.suppress(TimeoutError):
                            await asyncio.wait_for(ws.recv(), max(0.1, min(1.0, ends - time.perf_counter())))
                            self.frame(i)
            except Exception:  # refused or cut: try again shortly
                await asyncio.sleep(0.5)
            finally:
                self.watching.pop(i, None)
                self.waiting.pop(i, None)
            self.reconnects += 1


async def soak(minutes: float, size: int, rate: float, spectators: int, folder: Path) -> None:
    held = int(minutes * 60 * rate) + 10
    db = folder / f"soak-{size}.db"
    sheets = growth_db.build(db, size, held, ACCOUNT)
    events = sorted({str(raw["entry"]).split("-")[0] for raw in sheets})
    port = board.free_port()
    base = f"ws://127.0.0.1:{port}"
    proc, _ = start(str(db), port)
    rng = random.Random(2023)
    projectors = spectators // 10
    urls: list[tuple[str, str | None]] = [(f"{base}/ws/board/{COMP}", None) for _ in range(projectors)]
    urls += [(f"{base}/ws/board/{COMP}/{events[i % len(events)]}", events[i % len(events)])
             for i in range(spectators - projectors)]
    state = Soak(urls, rng)
    stop_all = asyncio.Event()
    try:
        await first_pages(f"http://127.0.0.1:{port}")
        tasks = [asyncio.create_task(state.spectator(i, stop_all)) for i in range(spectators)]
        await asyncio.sleep(3.0)
        print(f"soak: {spectators} spectators, {rate:g} sheets/s, {size}× cooking demo, {minutes:g} min; "
              f"{os.cpu_count()} cores")
        print(f"{'minute':>6} {'RSS MB':>7} {'fds':>5} {'reconnects':>10} {'p50 ms':>7} {'p99 ms':>7} {'CPU %':>6} "
              f"{'sheets':>6}")
        sent = 0
        started = time.perf_counter()
        deadline = started + minutes * 60
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
            minute = 0
            while time.perf_counter() < deadline and sent < len(sheets):
                minute += 1
                state.latencies, state.reconnects = [], 0
                cpu, t0 = cpu_seconds(proc.pid), time.perf_counter()
                ends = min(deadline, t0 + 60)
                while time.perf_counter() < ends and sent < len(sheets):
                    raw = sheets[sent]
                    sent += 1
                    state.submitted(str(raw["entry"]).split("-")[0])
                    await http.post(f"/_test/c/{COMP}/sheet", json=raw)
                    await asyncio.sleep(max(0.0, started + sent / rate - time.perf_counter()))
                lat = state.latencies or [0.0]
                share = (cpu_seconds(proc.pid) - cpu) / max(0.001, time.perf_counter() - t0) * 100
                print(f"{minute:>6} {board.rss_mb(proc.pid):>7.0f} {open_fds(proc.pid):>5} {state.reconnects:>10} "
                      f"{board.pct(lat, 50):>7.1f} {board.pct(lat, 99):>7.1f} {share:>6.0f} {sent:>6}", flush=True)
        stop_all.set()
        await asyncio.gather(*tasks, return_exceptions=True)
    finally:
        stop(proc)
        remove(db)


def main() -> None:
    board.raise_file_limit()
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--sizes", default="1,3,10", help="copies of the cooking demo, e.g. 1,3,10")
    p.add_argument("--sheets", type=int, default=200, help="sheets replayed per size")
    p.add_argument("--rate", type=float, default=10.0, help="sheets a second")
    p.add_argument("--console", choices=("poll", "socket", "none"), default="poll",
                   help="how the open console progress page follows changes")
    p.add_argument("--soak", type=float, default=0.0, metavar="MINUTES", help="run the soak for MINUTES instead")
    p.add_argument("--soak-size", type=int, default=10)
    p.add_argument("--spectators", type=int, default=300, help="spectator sockets in the soak")
    args = p.parse_args()
    os.environ.setdefault("PYTHONHASHSEED", "0")
    with tempfile.TemporaryDirectory(prefix="scoreboard-growth-") as tmp:
        if args.soak > 0:
            asyncio.run(soak(min(args.soak, 120), args.soak_size, args.rate, min(args.spectators, 2000), Path(tmp)))
            return
        sizes = [int(s) for s in args.sizes.split(",")]
        results = []
        for size in sizes:
            print(f"measuring {size}× …", flush=True)
            results.append(asyncio.run(measure_size(size, Path(tmp), args.sheets, args.rate, args.console)))
        show(results, args.rate, args.console)


if __name__ == "__main__":
    main()
