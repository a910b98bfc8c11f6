"""Certificates are worded by the trade: a dish is quoted as a work (在热菜比赛中，参赛作品《…》荣获),
a construction trade names the contestant's result in the event (在砌筑项目比赛中荣获) — the
rubric's ``award_for`` says which, never the code. A title or a name is never broken across
lines where it fits on one. Pure data (``from_sheets``), then the PDF read with pdftotext."""

from __future__ import annotations

import copy
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from scoreboard.competition import parse_competition
from scoreboard.demo.build import construction_competition
from scoreboard.demo.plan import demo_sheets
from scoreboard.errors import UserError
from scoreboard.exports.data import ExportData, from_sheets
from scoreboard.exports.pdf import WORDING, certificates, export_certificates
from scoreboard.rubric.load import load_preset, load_rubric_text
from scoreboard.rubric.sheet import parse_sheet
from tests.support import COMPETITION, half_judged

pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext missing: run make system")
LONG_NAME = "大同市第三届“工匠杯”职工职业技能竞赛 · 建筑行业技能竞赛"


def cooking(title: str) -> ExportData:
    """The half-judged hot dishes: e1 (李红梅, 大同宾馆) 88.83 银奖 · 二等奖, e2 80.00 银奖."""
    data: dict[str, Any] = copy.deepcopy(COMPETITION)
    data["competition"]["name"] = {"zh": LONG_NAME.replace("建筑行业", "黄花主题烹饪"), "en": "Test Cup"}
    data["entries"][0]["title"] = title
    data["contestants"] = [{"key": "p1", "name": "李红梅", "team": "t1"}]
    data["entries"][0]["contestants"] = ["p1"]
    comp = parse_competition(data, "test")
    hot = comp.event("hot")
    assert hot is not None
    return from_sheets(comp, [parse_sheet(hot.rubric, raw) for raw in half_judged()])


def masonry() -> ExportData:
    """Four masonry contestants of the demo's construction contest, every sheet in; entries carry
    no title, as a trades roster has none."""
    data = construction_competition()
    data["events"] = [e for e in data["events"] if e["key"] == "masonry"]
    data["entries"] = [{k: v for k, v in e.items() if k != "title"} for e in data["entries"]
                       if e["event"] == "masonry"][:4]
    data["judges"] = [j for j in data["judges"] if "masonry" in [*j.get("events", []), *j.get("chief_of", [])]]
    comp = parse_competition(data, "test")
    event = comp.events[0]
    return from_sheets(comp, [parse_sheet(event.rubric, raw) for raw in demo_sheets(comp, 2023)])


def pages(path: Path) -> list[list[str]]:
    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return [[line.strip() for line in page.splitlines() if line.strip()] for page in text.split("\f") if page.strip()]


def test_the_wording_is_the_rubrics() -> None:
    assert [load_preset(k).award_for for k in ("cooking_hot", "cooking_banquet", "masonry", "painting",
                                               "waterproofing")] == ["work", "work", "event", "event", "event"]
    assert [c.wording for c in certificates(cooking("黄花炒肉丝"), "zh_CN")] == [WORDING["work"]] * 2
    assert {c.wording for c in certificates(masonry(), "zh_CN")} == {WORDING["event"]}
    untitled = certificates(cooking(""), "zh_CN")[0]  # a work without a title is worded by its event
    assert untitled.wording == WORDING["event"]


def test_an_unknown_wording_is_refused() -> None:
    text = ('key = "x"\nname = "X"\naward_for = "dish"\n'
            'criteria = [{ key = "a", name = "A", kind = "score", max = 10 }]\n')
    with pytest.raises(UserError) as e:
        load_rubric_text(text, "test")
    assert "award_for" in str(e.value) and "work, event" in str(e.value)


@pdftotext
def test_a_construction_certificate_names_the_event_not_a_work(tmp_path: Path) -> None:
    path = tmp_path / "masonry.pdf"
    data = masonry()
    assert export_certificates(data, path) == 3  # 一/二/三等奖 to places 1–3 of 4
    first = pages(path)[0]
    winner = next(s for s in data.standings["masonry"] if s.rank == 1)
    person = next(p for p in data.competition.contestants if p.key == winner.entry.contestants[0])
    assert first[1] == person.name
    assert LONG_NAME in first and "在砌筑项目比赛中荣获" in first and "一等奖" in first
    assert not any("参赛作品" in line or "《" in line for line in first)


@pdftotext
def test_a_dish_is_quoted_and_its_title_kept_on_one_line(tmp_path: Path) -> None:
    path = tmp_path / "cooking.pdf"
    export_certificates(cooking("黄花炒肉丝"), path)
    assert "在热菜比赛中，参赛作品《黄花炒肉丝》荣获" in pages(path)[0]
    # 37 characters do not fit the line: it breaks before the title (not inside it, as CJK text may)
    title = "黄花菜炖土鸡配手工莜面鱼鱼及时令山野菜大拼盘"
    export_certificates(cooking(title), path)
    lines = pages(path)[0]
    assert lines[4:6] == ["在热菜比赛中，参赛作品", f"《{title}》荣获"], lines
