"""Benchmark: exporting the ~700-dish demo cooking contest.

Seeds the demo cooking contest into a temporary SQLite database (as ``scoreboard demo`` does),
records every demo sheet of the cooking contest straight into the store (the service's
``record_sheet``, in batches), reads the export data once, then prints the time of each export:
XLSX, CSV, the JSON archive, PDF result sheets, certificates and the consistency report, with
the number of rows, pages or certificates and the file's size.

Run: ``.venv/bin/python benchmarks/exports.py`` (add ``--keep DIR`` to keep the files).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from scoreboard.competition import parse_competition
from scoreboard.demo.build import cooking_competition
from scoreboard.demo.plan import demo_sheets
from scoreboard.exports.archive import export_archive
from scoreboard.exports.consistency import export_consistency
from scoreboard.exports.csv import export_csv_files
from scoreboard.exports.pdf import export_certificates, export_results
from scoreboard.exports.source import load_export_data
from scoreboard.exports.xlsx import export_xlsx
from scoreboard.intake import Lookup, check_sheet
from scoreboard.store.engine import make_engine, migrate, session
from scoreboard.store.events import set_event_state
from scoreboard.store.load import load_competition, save_competition
from scoreboard.store.sheets import record_sheet

BATCH = 200


def pages(path: Path) -> str:
    if not shutil.which("pdfinfo"):
        return "?"
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    return next((line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")), "?")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--keep", metavar="DIR", help="write the exports here and keep them")
    args = p.parse_args()
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="scoreboard-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    engine = make_engine(f"sqlite:///{folder / 'bench.db'}", "NORMAL")
    migrate(engine)
    t = time.perf_counter()
    with session(engine, write=True) as s:
        parsed = parse_competition(cooking_competition(2023), "demo:cooking")
        save_competition(s, parsed)
        for event in parsed.events:
            set_event_state(s, parsed.key, event.key, "open", actor="bench")
        s.commit()
        cooking = load_competition(s, parsed.key)
    lookup = Lookup(cooking)
    raws = demo_sheets(cooking, 2023)
    for i in range(0, len(raws), BATCH):
        with session(engine, write=True) as s:
            for raw in raws[i:i + BATCH]:
                record_sheet(s, cooking.key, check_sheet(lookup, raw)[2], actor=f"judge:{raw['judge']}")
            s.commit()
    print(f"seeded {len(cooking.entries)} dishes, {len(raws)} sheets in {time.perf_counter() - t:.1f} s")
    t = time.perf_counter()
    with session(engine) as s:
        data = load_export_data(s, cooking.key)
    print(f"{'read and rank (load_export_data)':<34} {time.perf_counter() - t:6.2f} s")

    def timed(label: str, path: Path, run: Callable[[], object], what: str) -> None:
        start = time.perf_counter()
        result = run()
        took = time.perf_counter() - start
        extra = what.format(result=result, pages=pages(path) if path.suffix == ".pdf" else "")
        print(f"{label:<34} {took:6.2f} s   {extra}, {path.stat().st_size / 1e6:.1f} MB")

    rows = sum(len(v) for v in data.standings.values())
    timed("XLSX", folder / "cooking.xlsx", lambda: export_xlsx(data, folder / "cooking.xlsx"),
          f"{rows} standings rows + {len(data.sheets)} detail rows")
    timed("CSV (3 files)", folder / "cooking.csv", lambda: export_csv_files(data, folder / "cooking.csv"),
          f"{rows} + {len(data.sheets)} rows")
    timed("JSON archive", folder / "cooking.json", lambda: export_archive(data, folder / "cooking.json"),
          f"{len(data.sheets)} sheets, {len(data.audit)} audit records")
    timed("PDF result sheets", folder / "results.pdf", lambda: export_results(data, folder / "results.pdf"),
          "{pages} pages")
    timed("PDF certificates", folder / "certificates.pdf",
          lambda: export_certificates(data, folder / "certificates.pdf"), "{result} certificates, {pages} pages")
    timed("consistency report (HTML)", folder / "consistency.html",
          lambda: export_consistency(data, folder / "consistency.html"), f"{len(data.events)} events")
    if not args.keep:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
