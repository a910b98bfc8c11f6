"""The XLSX workbook (openpyxl): one sheet of standings per event, a detail sheet with every
judge's marks, and the team standings.

``export_xlsx(data, out, progress=None, locale="zh_CN")``. Each worksheet has a title row
(competition and table), the header row below it, both frozen; scores are numbers, rounded half
up as shown (``0.00`` for two decimals), ranks and counts whole numbers; column widths follow
their content (a Chinese character counts double), capped. Every text — title, headers, names —
is a string cell, never a formula, even when it starts with ``=`` (openpyxl would otherwise store
it as one; see ``tables``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from scoreboard import i18n
from scoreboard.exports.data import ExportData, Out, Progress, no_progress, opened
from scoreboard.exports.tables import Cell, Table, detail_table, standings_table, teams_table

HEADER = PatternFill("solid", fgColor="DDE3EC")
MAX_WIDTH = 40


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def sheet_title(text: str, taken: set[str]) -> str:
    """A worksheet name Excel accepts: at most 31 characters, none of []:*?/\\, unique."""
    base = re.sub(r"[\[\]:*?/\\]", " ", text).strip()[:31] or "Sheet"
    title, n = base, 2
    while title.lower() in taken:
        suffix = f" ({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(title.lower())
    return title


def append(ws: Worksheet, values: Sequence[Cell]) -> None:
    """Append a row; texts become string cells (openpyxl reads a text starting with ``=`` as a formula)."""
    ws.append([float(v) if isinstance(v, Decimal) else v for v in values])
    for cell, v in zip(ws[ws.max_row], values, strict=False):
        if isinstance(v, str):
            cell.data_type = "s"


def write_table(ws: Worksheet, table: Table, heading: str) -> None:
    append(ws, [heading])
    ws.cell(1, 1).font = Font(bold=True, size=13)
    append(ws, table.headers)
    widths = [width(h) for h in table.headers]
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.fill = HEADER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    number_format = "0." + "0" * table.decimals if table.decimals else "0"
    for row in table.rows:
        append(ws, row)
        for i, v in enumerate(row):
            if v is not None:
                widths[i] = max(widths[i], width(str(v)))
    for col, (w, _h) in enumerate(zip(widths, table.headers, strict=True), 1):
        ws.column_dimensions[get_column_letter(col)].width = min(MAX_WIDTH, w + 2)
        decimals = [r[col - 1] for r in table.rows if isinstance(r[col - 1], Decimal)]
        if decimals:
            for (cell,) in ws.iter_rows(min_row=3, min_col=col, max_col=col):
                if isinstance(cell.value, float):
                    cell.number_format = number_format
    ws.freeze_panes = "A3"


def export_xlsx(data: ExportData, out: Out, progress: Progress | None = None, locale: str = "zh_CN") -> None:
    progress = progress or no_progress
    with i18n.using(locale):
        name = data.competition.name.get(locale)
        wb = Workbook()
        wb.remove(wb.worksheets[0])
        taken: set[str] = set()
        events = data.events
        total = len(events) + 2
        for n, event in enumerate(events, 1):
            table = standings_table(data, [event], locale)
            write_table(wb.create_sheet(sheet_title(event.name.get(locale), taken)), table, f"{name} · {table.title}")
            progress(n, total)
        detail = detail_table(data, events, locale)
        write_table(wb.create_sheet(sheet_title(detail.title, taken)), detail, f"{name} · {detail.title}")
        progress(total - 1, total)
        if data.competition.team_rule and len(data.standings) == len(data.competition.events):
            teams = teams_table(data, locale)
            write_table(wb.create_sheet(sheet_title(teams.title, taken)), teams, f"{name} · {teams.title}")
        wb.properties.title = name
        with opened(out) as f:
            wb.save(f)
        progress(total, total)
