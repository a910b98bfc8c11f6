"""Blank spreadsheets to fill in: the entrants' roster and the judges' panel file, as XLSX.

Each has the header the import reads (``roster.COLUMNS``, ``panel.COLUMNS``) in the console's
language, and one example row that imports as it is: its keys are free in the competition, its
event is the competition's first, its team the first team (or a new one). Entrants' title column
is named by the trade (菜品名称 for a cooking contest, 作品名称 otherwise: ``roster.entry_noun``).
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from scoreboard.competition import Competition
from scoreboard.roster import entry_noun

ZH = "zh_CN"


def _free(prefix: str, taken: set[str]) -> str:
    return next(f"{prefix}{n:02d}" for n in range(1, len(taken) + 2) if f"{prefix}{n:02d}" not in taken)


def _book(title: str, header: list[str], example: list[str]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    sheet.append(header)
    sheet.append(example)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE6F0")
    for i, text in enumerate(header, start=1):
        width = max(len(text), *(len(str(row[i - 1])) for row in (example,))) * 2 + 4
        sheet.column_dimensions[sheet.cell(1, i).column_letter].width = min(max(width, 12), 40)
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def entrants_template(competition: Competition, locale: str) -> bytes:
    zh = locale == ZH
    dish = entry_noun(competition) == "dish"
    event = competition.events[0] if competition.events else None
    team = competition.teams[0].name.get(locale) if competition.teams else ("示例单位" if zh else "Example team")
    factors = list(dict.fromkeys(e.rubric.factor for e in competition.events if e.rubric.factor))
    header = (["赛项", "作品编号", "菜品名称" if dish else "作品名称", "参赛单位", "选手", "盲评编号"] if zh
              else ["event", "entry", "title", "team", "contestants", "code"]) + factors
    title = ("示例菜品" if dish else "示例作品") if zh else ("Example dish" if dish else "Example entry")
    example = [event.name.get(locale) if event else "", _free("0", {e.key for e in competition.entries}), title,
               team, "张三、李四" if zh else "Zhang San, Li Si", "", *("1" for _ in factors)]
    return _book("参赛名单" if zh else "Entrants", header, example)


def judges_template(competition: Competition, locale: str) -> bytes:
    zh = locale == ZH
    event = competition.events[0].name.get(locale) if competition.events else ""
    header = (["评委编号", "姓名", "所属单位", "评分赛项", "裁判长赛项", "分工"] if zh
              else ["judge", "name", "team", "events", "chief judge of", "roles"])
    example = [_free("J", {j.key for j in competition.judges}), "王五" if zh else "Wang Wu", "", event, "", ""]
    return _book("评委名单" if zh else "Judges", header, example)
