"""Readable records in a real Chromium, in Chinese: the audit log says what happened in words —
who by name, the entry by its blind code and title, sentences, Asia/Shanghai time; the chief
judge's review page names the flagged criterion, shows each judge's total on the final score's
scale and asks the judge who differs to re-score; a judge's tablet says a draft event has not
opened yet.

The masonry entry M-001 has the marks of the preset's golden case M1 (hand-worked in
``scoreboard/rubric/presets/masonry.toml``): theory 80 → 24; measurements 45; judges' levels
F 2/2/3, G 2/2/2, H 1/2/2, I 3/3/2; 7 PPE breaches −5 → 68.78. On the final scale (theory
30 % + practical 70 %, before deductions): 王建国 24 + 0.7 × (45 + 25) = 73.00; 赵丽 and 陈刚
24 + 0.7 × (45 + 80/3) = 74.17; the clerk and the measuring judge, whose marks are the counted
ones, 664/9 = 73.78, as is the panel. M-002: 陈刚 gives F level 0 where the others give 2, a
spread over 1: flagged on F, and 陈刚 is the judge asked to re-score. Screenshots at 1440×900
go to ``$RECORDS_SHOTS`` or the test's temporary folder.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from scoreboard.rubric.load import load_preset
from tests.e2e.servers import Served, competition_server, post_sheet

pytestmark = pytest.mark.e2e
PASSWORD = "records e2e password"
M1 = [dict(s) for s in load_preset("masonry").golden[0].sheets]
ROLES = {"theory": ("clerk",), "m1": ("measuring",)}  # the clerk enters theory, 张测量 reads the measurements
NAMES = {"theory": "李录分", "m1": "张测量", "j1": "王建国", "j2": "赵丽", "j3": "陈刚"}
CUP: dict[str, Any] = {
    "competition": {"key": "trades", "name": {"zh": "建筑技能大赛", "en": "Construction trades"}},
    "events": [{"key": "wall", "name": {"zh": "砌筑", "en": "Masonry"}, "rubric": "masonry", "blind": True},
               {"key": "paint", "name": {"zh": "彩画", "en": "Painting"}, "rubric": "painting"}],
    "teams": [{"key": "t1", "name": "城区代表队"}, {"key": "t2", "name": "南县代表队"}],
    "entries": [{"key": "w1", "event": "wall", "team": "t1", "title": "清水墙", "code": "M-001"},
                {"key": "w2", "event": "wall", "team": "t2", "title": "空斗墙", "code": "M-002"},
                {"key": "w3", "event": "wall", "team": "t2", "title": "花墙", "code": "M-003"},
                {"key": "p1", "event": "paint", "team": "t1", "title": "旋子彩画"}],
    "judges": [{"key": k, "name": n, "events": ["wall", "paint"] if k == "j1" else ["wall"],
                "roles": {"wall": list(ROLES.get(k, ()))}} for k, n in NAMES.items()],
}


def _sheets() -> list[dict[str, Any]]:
    sheets = [{**s, "id": f"w1-{s['judge']}", "entry": "w1"} for s in M1]
    levels = {"j1": 2, "j2": 2, "j3": 0}
    for s in M1:
        marks = dict(s["marks"])
        if s["judge"] in levels:
            marks = {"joints": levels[s["judge"]], "cuts": 2, "bond": 2, "safety": 2}
        sheets.append({"id": f"w2-{s['judge']}", "entry": "w2", "judge": s["judge"], "marks": marks})
    return sheets


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with competition_server(tmp_path_factory.mktemp("records"), CUP, ["j1", "theory"], password=PASSWORD,
                            env={"TEST_HOOKS": "1"}, drafts=["paint"]) as served:
        for raw in _sheets():
            post_sheet(served.base, raw, "trades")
        yield served


def test_the_records_read_in_chinese(served: Served, browser: Browser, tmp_path: Path) -> None:
    shots = Path(os.environ.get("RECORDS_SHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.goto(served.base + "/console/login")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit].primary")
    expect(page).to_have_title("竞赛列表 · 赛事管理后台")

    # the review page of M-001: every judge on the final score's scale
    page.goto(served.base + "/console/c/trades/e/wall/entry/w1")
    scaled = [td.inner_text() for td in page.locator(".marks tr.totals.scaled td").all()]
    assert scaled == ["评委折合总分", "73.78", "73.78", "73.00", "74.17", "74.17", "73.78"]
    expect(page.locator(".marks tr.deductions td").last).to_have_text("−5.00")
    expect(page.locator(".marks tr.totals.final td").last).to_have_text("68.78")
    expect(page.locator("select[name=judge] option:checked")).to_have_text("王建国（j1）")  # the lowest
    page.screenshot(path=str(shots / "records-review-scale.png"), full_page=True)

    # M-002 is flagged on F: the reason names the criterion, and 陈刚 is asked to re-score
    page.goto(served.base + "/console/c/trades/e/wall/entry/w2")
    expect(page.locator(".flags li")).to_have_text(["F 灰缝饱满与勾缝：评委分数相差超过 1"])
    expect(page.locator("select[name=judge] option:checked")).to_have_text("陈刚（j3）")
    page.click("form[action$='/rescore'] button[type=submit]")
    expect(page.locator("p.done")).to_have_text("已要求评委陈刚复评。")
    page.screenshot(path=str(shots / "records-review-flagged.png"))

    # the audit log: words, names, blind codes, local time in Asia/Shanghai
    page.goto(served.base + "/console/c/trades/audit")
    expect(page.locator("table.audit th").nth(1)).to_have_text("时间（Asia/Shanghai）")
    rescore = page.locator("tr[data-action='entry.rescore']")
    expect(rescore.locator("td.who")).to_have_text("admin 组织者")
    expect(rescore.locator("td.what")).to_have_text("要求重新评分")
    expect(rescore.locator("td.object")).to_have_text("砌筑 · M-002 空斗墙")
    expect(rescore.locator("td.detail")).to_have_text("请陈刚重新评分。")
    sheet = page.locator("tr[data-action='sheet.recorded']").filter(has_text="M-001").filter(has_text="王建国")
    expect(sheet.locator("td.what")).to_have_text("收到评分表")
    expect(sheet.locator("td.detail")).to_contain_text("第 1 版，评分表 #3。分数：F 灰缝饱满与勾缝 2、"
                                                       "G 砍砖切割与砖面清洁 2")
    expect(sheet.locator("td.detail")).to_contain_text("扣分：安全防护违规 7 次（未戴安全帽等7次）。")
    opened = page.locator("tr[data-action='event.state']")
    expect(opened.locator("td.detail")).to_have_text("由“草稿”改为“评分中”。")
    expect(opened.locator("td.who")).to_have_text("测试")
    stamp = rescore.locator("time")
    utc = datetime.fromisoformat(str(stamp.get_attribute("datetime")))
    assert stamp.inner_text() == (utc + timedelta(hours=8)).strftime("%Y-%m-%d %H:%M:%S")
    for raw in ("sheet.recorded", "event.state", "judge:", "entry:", "organizer:admin", '{"'):
        assert raw not in page.locator("table.audit tbody").inner_text(), raw
    page.screenshot(path=str(shots / "records-audit.png"))

    # filtering by what a person knows: a blind code, a judge's name
    page.fill("input[name=subject]", "M-002")
    page.click(".filters button[type=submit]")
    expect(page.locator("#log td.object")).to_have_text(["砌筑 · M-002 空斗墙"] * 6)  # 5 sheets, the request
    page.fill("input[name=subject]", "陈刚")
    page.click(".filters button[type=submit]")
    expect(page.locator("#log td.who")).to_have_text(["陈刚 评委"] * 2)  # what 陈刚 did: two sheets
    context.close()


def test_a_draft_event_has_not_opened_yet_on_the_tablet(served: Served, browser: Browser, tmp_path: Path) -> None:
    shots = Path(os.environ.get("RECORDS_SHOTS") or tmp_path)
    context = browser.new_context(locale="zh-CN", viewport={"width": 800, "height": 1280})
    page = context.new_page()
    page.goto(served.links["j1"])
    tile = page.locator("#entry-p1")
    expect(tile.locator(".status")).to_have_text("尚未开始评分")
    expect(page.locator("#event-paint .badge")).to_have_text("尚未开始评分")
    assert "评分已结束" not in page.locator("#event-paint").inner_text()
    page.screenshot(path=str(shots / "records-tablet-list.png"))
    page.locator("#entry-w3").click()  # a plain judge: the four judgements only
    expect(page.locator("#empties")).to_contain_text("尚未打分：F 灰缝饱满与勾缝、G 砍砖切割与砖面清洁")
    page.screenshot(path=str(shots / "records-tablet-form.png"))
    page.goto(served.links["theory"])  # the clerk: the theory score, on a stepper
    page.locator("#entry-w3").click()
    expect(page.locator("#empties")).to_contain_text("尚未打分：理论知识")
    expect(page.locator("#crit-theory button.minus")).to_have_attribute("aria-label", "减少理论知识的分数")
    expect(page.locator("#crit-theory button.plus")).to_have_attribute("aria-label", "增加理论知识的分数")
    context.close()
