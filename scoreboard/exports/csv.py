"""CSV exports: the standings of every event (one table, an event column first), the detail of
every judge's marks, and the team standings — UTF-8 with a byte-order mark, so Excel opens the
Chinese text correctly, and numbers as shown (``88.83``, ``80.00``). A formula-like text (see
``tables``) is prefixed with ``'`` so no spreadsheet runs it; numbers are never prefixed.

``export_csv(data, out, progress=None, locale="zh_CN", table="standings")`` writes one table
(``standings``, ``detail`` or ``teams``); ``export_csv_files(data, path, …)`` writes all three:
``PATH`` and, beside it, ``STEM-detail.csv`` and ``STEM-teams.csv``; it returns the paths.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

from scoreboard import i18n
from scoreboard.errors import N_, UserError
from scoreboard.exports.data import ExportData, Out, Progress, no_progress, opened
from scoreboard.exports.tables import Cell, Table, as_text, detail_table, standings_table, teams_table

TABLES = ("standings", "detail", "teams")


def table_of(data: ExportData, table: str, locale: str) -> Table:
    if table == "standings":
        return standings_table(data, data.events, locale, with_event=True)
    if table == "detail":
        return detail_table(data, data.events, locale)
    if table == "teams":
        return teams_table(data, locale)
    raise UserError.one("table_unknown", N_("{table} is not one of {tables}"), table=table, tables=", ".join(TABLES))


def field(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, int):
        return str(value)
    return as_text(value)


def csv_bytes(table: Table) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow([field(h) for h in table.headers])
    for row in table.rows:
        writer.writerow([field(v) for v in row])
    return text.getvalue().encode("utf-8-sig")


def export_csv(data: ExportData, out: Out, progress: Progress | None = None, locale: str = "zh_CN",
               table: str = "standings") -> None:
    with i18n.using(locale):
        body = csv_bytes(table_of(data, table, locale))
    with opened(out) as f:
        f.write(body)
    (progress or no_progress)(1, 1)


def export_csv_files(data: ExportData, path: Path, progress: Progress | None = None,
                     locale: str = "zh_CN") -> list[Path]:
    progress = progress or no_progress
    tables = [t for t in TABLES if t != "teams" or (data.competition.team_rule and
                                                     len(data.standings) == len(data.competition.events))]
    written = []
    for n, table in enumerate(tables, 1):
        target = path if table == "standings" else path.with_name(f"{path.stem}-{table}.csv")
        export_csv(data, target, None, locale, table)
        written.append(target)
        progress(n, len(tables))
    return written
