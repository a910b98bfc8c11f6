"""The command line's side of the exports: ``scoreboard export`` and ``scoreboard archive verify``.

Words: the *progress bar* is one line on standard error, redrawn in place (``\\r``) as an export
advances: ``[#########.........]  45%  315/700``; on a terminal only, plus a final line always.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from scoreboard import i18n
from scoreboard.errors import N_, UserError
from scoreboard.exports.data import ExportData, Progress
from scoreboard.i18n import gettext as _


class ProgressBar:
    def __init__(self, label: str, stream: IO[str] | None = None, width: int = 30) -> None:
        self.label, self.stream, self.width = label, stream or sys.stderr, width
        self.shown = (-1, -1)
        self.live = self.stream.isatty()
        self.last = ""

    def __call__(self, done: int, total: int) -> None:
        total = max(total, 1)
        pct = min(100, done * 100 // total)
        if (pct, done == total) == self.shown:
            return
        self.shown = (pct, done == total)
        filled = self.width * pct // 100
        line = f"{self.label} [{'#' * filled}{'.' * (self.width - filled)}] {pct:3d}%  {done}/{total}"
        if self.live:
            self.stream.write("\r" + line)
            self.stream.flush()
        self.last = line

    def finish(self) -> None:
        if self.shown[0] >= 0:
            self.stream.write(("\r" if self.live else "") + self.last + "\n")
            self.stream.flush()


def _writer(form: str) -> Callable[..., Any]:
    from scoreboard.exports import archive, consistency, csv, pdf, xlsx

    return {"xlsx": xlsx.export_xlsx, "json": archive.export_archive, "pdf": pdf.export_results,
            "certificates": pdf.export_certificates, "consistency": consistency.export_consistency,
            "csv": csv.export_csv_files}[form]


def run_export(data: ExportData, form: str, out: Path, event: str | None, locale: str,
               progress: Progress | None = None) -> list[Path]:
    """Write one export of ``data`` (narrowed to ``event`` when given); returns the files written."""
    from scoreboard.exports.archive import fingerprint

    if event is not None and data.competition.event(event) is None:
        raise UserError.one("event_unknown", N_("no event {event}"), event=event)
    if form == "json" and event is not None:
        raise UserError.one("archive_whole", N_("the archive is always of the whole competition: leave out --event"))
    narrowed = data.only(event)
    if form == "csv":
        return list(_writer(form)(narrowed, out, progress, locale))
    if form == "pdf":
        _writer(form)(narrowed, out, progress, locale, fingerprint=fingerprint(data))
    elif form == "consistency":
        _writer(form)(narrowed, out, progress, locale, pdf=out.suffix.lower() == ".pdf")
    else:
        _writer(form)(narrowed, out, progress, locale)
    return [out]


def cmd_export(competition: str, form: str, out: str, event: str | None, database_url: str | None,
               engine_for: Callable[[str | None], Any]) -> int:
    from scoreboard.exports.source import load_export_data
    from scoreboard.store.engine import session

    with session(engine_for(database_url)) as s:
        data = load_export_data(s, competition)
    bar = ProgressBar(form)
    try:
        written = run_export(data, form, Path(out), event, i18n.current(), bar)
    finally:
        bar.finish()
    for path in written:
        print(path)
    return 0


def cmd_archive_verify(path: str) -> int:
    from scoreboard.exports.archive import read_archive, results_differ
    from scoreboard.offline import compute

    competition, sheets, archive = read_archive(Path(path))
    differ = results_differ(archive, compute(competition, sheets))
    if differ:
        raise UserError.one("archive_results_differ", N_(
            "the chains are intact, but recomputing gives other results than the archive records for: {events}"),
            path, events=", ".join(differ))
    print(_("%(file)s: intact — %(sheets)s sheets and %(audit)s audit records chained; the results recompute "
            "exactly. Fingerprint %(fingerprint)s") % {
        "file": path, "sheets": len(archive["sheets"]), "audit": len(archive["audit"]),
        "fingerprint": archive["fingerprint"]})
    return 0
