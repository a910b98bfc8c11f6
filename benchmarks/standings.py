"""Benchmark: standings after one new sheet, small event vs huge event; offline demo standings.

Prints, measured side by side in one run on this machine:
- the cost of one standings update (rescore the entry from its sheets, move it in the event's
  ``Ranking``, read its rank) for an event of 100 and of 10,000 entries, 7 judges each, and the
  ratio (target ≤ 3×: an update must not re-rank the world); beside it, a full ``rank_event``
  of each event, to show what a re-rank of the world would cost;
- the time of the offline ``scoreboard standings`` over the full ~700-dish demo (command run
  as a subprocess on files written by ``scoreboard demo --write``).

Run: ``.venv/bin/python benchmarks/standings.py`` (or ``make bench``).
"""

from __future__ import annotations

import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from scoreboard.competition import Entry
from scoreboard.rubric.load import load_rubric_text, preset_text
from scoreboard.rubric.score import score_entry
from scoreboard.rubric.sheet import Sheet, parse_sheet
from scoreboard.standings import Ranking, rank_event

JUDGES = 7
UPDATES = 300


def make_event(n: int, rng: random.Random):  # type: ignore[no-untyped-def]
    rubric = load_rubric_text(preset_text("cooking_hot").replace("panel = 5", f"panel = {JUDGES}"), "bench")
    entries = [Entry(f"e{i}", "bench", code=f"H{i:05d}") for i in range(n)]
    sheets: dict[str, list[Sheet]] = {}
    seq = 0
    for e in entries:
        quality = rng.uniform(0.6, 0.95)
        for j in range(JUDGES):
            seq += 1
            marks = {c.key: min(c.max, max(c.min, round(float(c.max) * (quality + rng.uniform(-0.05, 0.05)) * 2) / 2))
                     for c in rubric.criteria}
            sheets.setdefault(e.key, []).append(
                parse_sheet(rubric, {"id": f"s{seq}", "entry": e.key, "judge": f"j{j}", "marks": marks, "seq": seq}))
    return rubric, entries, sheets, seq


def measure(n: int, rng: random.Random) -> tuple[float, float]:
    rubric, entries, sheets, seq = make_event(n, rng)
    ranking = Ranking(rubric, entries)
    results = {}
    for e in entries:
        results[e.key] = score_entry(rubric, e.key, sheets[e.key], e.attrs)
        ranking.update(results[e.key])
    times = []
    for _ in range(UPDATES):
        e = rng.choice(entries)
        old = sheets[e.key][rng.randrange(JUDGES)]
        seq += 1
        marks = {k: v + (rng.choice((-1, 1)) * (v > 0 and v < rubric.criterion(k).max)) * 0.5  # type: ignore[union-attr]
                 for k, v in ((k, float(v)) for k, v in old.marks.items())}  # type: ignore[arg-type]
        new = parse_sheet(rubric, {"id": f"s{seq}", "entry": e.key, "judge": old.judge, "marks": marks,
                                   "revision": old.revision + 1, "seq": seq})
        sheets[e.key].append(new)
        t0 = time.perf_counter()
        result = score_entry(rubric, e.key, sheets[e.key], e.attrs)
        ranking.update(result)
        ranking.rank_of(e.key)
        times.append(time.perf_counter() - t0)
        results[e.key] = result
    t0 = time.perf_counter()
    rank_event(rubric, entries, results)
    full = time.perf_counter() - t0
    return statistics.median(times), full


def offline_demo() -> float:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "scoreboard.cli", "demo", "--write", tmp], check=True,
                       stdout=subprocess.DEVNULL)
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "scoreboard.cli", "standings", str(Path(tmp) / "cooking.toml"),
                        str(Path(tmp) / "cooking-sheets.jsonl"), "--format", "json"], check=True,
                       stdout=subprocess.DEVNULL)
        return time.perf_counter() - t0


def main() -> None:
    rng = random.Random(7)
    small, small_full = measure(100, rng)
    big, big_full = measure(10_000, rng)
    print(f"standings update after one sheet, {JUDGES} judges, median of {UPDATES}:")
    print(f"  100 entries:     {small * 1e6:9.1f} µs   (full rank_event {small_full * 1e3:8.2f} ms)")
    print(f"  10,000 entries:  {big * 1e6:9.1f} µs   (full rank_event {big_full * 1e3:8.2f} ms)")
    print(f"  ratio 10,000 / 100: {big / small:.2f}×   (target ≤ 3×)")
    print(f"offline `scoreboard standings` on the ~700-dish cooking demo: {offline_demo():.2f} s")


if __name__ == "__main__":
    main()
