"""Benchmark: a fuzz campaign against the whole surface, counted per class of input (issue 8).

The server is a stage process (``tests.fuzz_server --ticker``): Scoreboard served by uvicorn in its
own thread and event loop, with a *ticker* coroutine on that loop that sleeps 1 ms at a time and
keeps its worst lateness, so the loop's holds are measured without touching the product's code.
The clients run in this process: judge j1's websocket and raw HTTP requests, the inputs of
``tests.fuzz_frames`` and ``tests.fuzz_requests`` chosen at random (seeded), the ones issue 8 names
first. For each class — valid sheets, wrong types, malformed JSON, bad texts, deep nesting, huge
numbers; http paths, http headers/cookies, console forms — a burst of inputs, one at a time, each
answered before the next; around each input the ticker's worst is reset and read, so each input's
hold on the loop is known. Prints a table: sent; refused (error frames, 4xx); accepted (acks,
pongs, 2xx/3xx); closed, by close code (1006: dropped without a close frame); 5xx/crashes: the
inputs that broke a promise (5xx, ``server_error``, drops, tracebacks, a refusal that changed the
database, an ack that does not read back, no answer in 5 s); the slowest answer; and the longest
time one refusal (and one input of any kind) held the server's event loop, against the target: no
refusal over 5 ms. Below the table, each class's longest hold with its input, and each broken
promise with its simplest input and where the server broke.

A server that stops answering is killed and the next class gets a new one. SQLite in a temporary
folder; 127.0.0.1 only; stops by itself: about 90 s by default, 15 s with ``--quick``.
Run: ``.venv/bin/python benchmarks/fuzz.py [--quick] [--seconds S] [--seed N]``.
"""

from __future__ import annotations

import argparse
import os
import platform
import shlex
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the stage and the inputs live in tests/, shared with tests/test_fuzz.py

from scoreboard.store.engine import make_engine, migrate  # noqa: E402
from tests.fuzz_frames import CLASSES as FRAME_CLASSES  # noqa: E402
from tests.fuzz_frames import RandomChooser, listed_frames  # noqa: E402
from tests.fuzz_probes import Findings, HttpProbe, JudgeProbe, Outcome  # noqa: E402
from tests.fuzz_requests import CLASSES as REQUEST_CLASSES  # noqa: E402
from tests.fuzz_requests import listed_requests  # noqa: E402
from tests.fuzz_server import StageProcess  # noqa: E402

TARGET_MS = 5.0
IDLE = 1.0  # seconds of no traffic: the loop's lateness with nothing to do, for reference
ORDER = ["valid sheets", "wrong types", "malformed JSON", "bad texts", "deep nesting", "huge numbers",
         "http paths", "http headers/cookies", "console forms"]  # the ones that can leave a server stuck last


@dataclass
class Row:
    kind: str
    sent: int = 0
    refused: int = 0
    accepted: int = 0
    closed: Counter[int | None] = field(default_factory=Counter)
    broken: int = 0
    slowest: float = 0.0
    held: list[float] = field(default_factory=list)  # each input's hold on the loop, seconds
    held_refused: float = 0.0
    longest: dict[str, tuple[float, str]] = field(default_factory=dict)  # refusal, any input → (hold, input)
    stuck: bool = False

    def count(self, sent: Any, outcome: Outcome, held: float) -> None:
        self.sent += 1
        self.refused += outcome.refused
        self.accepted += outcome.accepted
        if outcome.kind == "closed":
            self.closed[outcome.code if isinstance(outcome.code, int) else None] += 1
        self.broken += bool(outcome.problems)
        self.slowest = max(self.slowest, outcome.seconds)
        self.held.append(held)
        for which in ("refusal", "input") if outcome.refused else ("input",):
            if held > self.longest.get(which, (-1.0, ""))[0]:
                self.longest[which] = (held, sent.show(160))
        if outcome.refused:
            self.held_refused = max(self.held_refused, held)


class Bench:
    """Stages on demand, one per family of inputs (judge, http), a new one after a stuck one."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.made = folder, 0
        self.stage: StageProcess | None = None
        self.family = ""
        self.judge: JudgeProbe | None = None
        self.http: HttpProbe | None = None

    def ready(self, family: str) -> StageProcess:
        if self.stage is not None and family == self.family:
            return self.stage
        self.close()
        self.made += 1
        folder = self.folder / f"stage{self.made}"
        folder.mkdir()
        engine = make_engine(f"sqlite:///{folder / 'scoreboard.db'}")
        migrate(engine)
        self.stage, self.family = StageProcess(engine, folder, ticker=True), family
        if family == "judge":
            self.judge = JudgeProbe(self.stage, self.stage.trap)
        else:
            self.http = HttpProbe(self.stage, self.stage.trap)
        return self.stage

    def close(self) -> None:
        if self.judge is not None:
            self.judge.close()
        if self.stage is not None:
            self.stage.close(timeout=2)
            self.stage.engine.dispose()
        self.stage, self.judge, self.http = None, None, None


def held(stage: StageProcess) -> float:
    try:
        return float(stage.ask("worst"))
    except (TimeoutError, ValueError):
        return float("nan")


def burst(bench: Bench, kind: str, seconds: float, seed: int, findings: Findings) -> Row:
    family = "judge" if kind in FRAME_CLASSES else "http"
    stage = bench.ready(family)
    row, chooser, until = Row(kind), RandomChooser(seed), time.monotonic() + seconds
    if family == "judge":
        assert bench.judge is not None
        bench.judge.connect()  # the hello tells which revision comes next
        listed: Iterator[Any] = (f for f in listed_frames(bench.judge.view) if f.kind == kind)
    else:
        listed = (r for r in listed_requests() if r.kind == kind)
    while time.monotonic() < until:
        sent: Any = next(listed, None)
        if sent is None and bench.judge is not None:
            sent = FRAME_CLASSES[kind](chooser, bench.judge.view)
        elif sent is None:
            sent = REQUEST_CLASSES[kind](chooser)
        stage.ask("mark")
        outcome = bench.judge.send(sent) if bench.judge is not None else bench.http.send(sent)  # type: ignore[union-attr]
        row.count(sent, outcome, held(stage))
        if outcome.problems:
            findings.add((len(sent.show(10**6)),), sent, outcome)
        if outcome.kind == "silent":
            row.stuck = True
            findings.stuck = sent.show(300)
            bench.close()  # this server computes for minutes: the next class gets a new one
            break
    return row


def ms(seconds: float) -> str:
    return "—" if seconds != seconds else f"{seconds * 1000:.1f}"


def table(rows: list[Row], idle: float) -> str:
    head = ("class", "sent", "refused", "accepted", "closed (code×n)", "5xx/crashes", "slowest ms",
            "loop held ms: worst refusal", "any input", "p50")
    lines = [head]
    for r in rows:
        closed = " ".join(f"{'1006' if c is None else c}×{n}" for c, n in sorted(r.closed.items(), key=str)) or "—"
        mark = " ✗" if r.held_refused * 1000 > TARGET_MS else ""
        lines.append((r.kind + (" (stuck)" if r.stuck else ""), str(r.sent), str(r.refused), str(r.accepted), closed,
                      str(r.broken), ms(r.slowest), ms(r.held_refused) + mark, ms(max(r.held, default=0)),
                      ms(statistics.median(r.held) if r.held else 0)))
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    out = ["  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(line, widths,
                                                                                                   strict=True)))
           for line in lines]
    out.insert(1, "-" * len(out[0]))
    out.append(f"idle loop (no traffic, {IDLE:g} s): worst lateness {ms(idle)} ms; "
               f"target: no refusal holds the loop over {TARGET_MS:.0f} ms (✗)")
    out += ["", "The longest hold of each class (a refusal's, and any input's when it was longer):"]
    for r in rows:
        for which, (hold, shown) in sorted(r.longest.items(), reverse=True):
            if which == "refusal" or hold > r.longest.get("refusal", (-1.0, ""))[0]:
                out.append(f"  {ms(hold):>8} ms  {which:7}  {shown}")
    return "\n".join(out)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--quick", action="store_true", help="about 15 s instead of about 90 s")
    p.add_argument("--seconds", type=float, help="each class's burst, in seconds (default 8, quick 0.8)")
    p.add_argument("--seed", type=int, default=1, help="the random choices' seed")
    args = p.parse_args()
    seconds = args.seconds or (0.8 if args.quick else 8.0)
    print(f"command: {shlex.join([sys.executable, *sys.argv])}")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores ({len(os.sched_getaffinity(0))} usable), "
          f"{platform.system()} {platform.release()}, Python {platform.python_version()}, "
          f"load {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"each class: the inputs issue 8 names, then random ones for {seconds:g} s (seed {args.seed}); "
          "SQLite, 127.0.0.1", flush=True)
    findings, rows = Findings(), []
    with tempfile.TemporaryDirectory(prefix="scoreboard-fuzz-") as tmp:
        bench = Bench(Path(tmp))
        try:
            stage = bench.ready("judge")
            stage.ask("mark")
            time.sleep(IDLE)
            idle = held(stage)
            for i, kind in enumerate(ORDER):
                started = time.monotonic()
                rows.append(burst(bench, kind, seconds, args.seed + i, findings))
                print(f"  {kind}: {rows[-1].sent} inputs in {time.monotonic() - started:.1f} s", flush=True)
        finally:
            bench.close()
    findings.sent = sum(r.sent for r in rows)
    findings.stuck = ""  # each stuck class is marked in the table
    print()
    print(table(rows, idle))
    print()
    print(findings.report() if findings.seen else f"{findings.sent} inputs sent; no promise broken.")


if __name__ == "__main__":
    main()
