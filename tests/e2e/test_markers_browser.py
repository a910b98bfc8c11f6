"""Who marks what, in a real Chromium: on the masonry rubric the measuring judge's tablet shows the
measurements (and the judgements), a plain judge's only the four judgements — its subtotal and
maximum on the final scale — and the clerk's theory scores are entered by the organizer on the
event's clerk page in the console.

A plain judge's levels F 2, G 2, H 1, I 3: 10 × 2/3 + 10 × 2/3 + 5 × 1/3 + 10 × 3/3 = 25 of the
practical part's 100 points, which weighs 70: subtotal 70 × 25/100 = 17.5, of the 70 × 35/100 =
24.5 the judgements can give. Screenshots (800×1280 tablet, 1440×900 console) go to
``MARKERS_SHOTS`` or the test's temporary folder.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.servers import Served, competition_server, stored_sheets

pytestmark = pytest.mark.e2e
PASSWORD = "markers e2e password"
CUP: dict[str, Any] = {
    "competition": {"key": "trades", "name": {"zh": "建筑技能大赛", "en": "Construction trades"}},
    "events": [{"key": "wall", "name": {"zh": "砌筑", "en": "Masonry"}, "rubric": "masonry"}],
    "teams": [{"key": "t1", "name": "城区代表队"}],
    "entries": [{"key": "w1", "event": "wall", "team": "t1", "title": "清水墙", "code": "M-001"},
                {"key": "w2", "event": "wall", "team": "t1", "title": "空斗墙", "code": "M-002"}],
    "judges": [{"key": "m1", "name": "张测量", "events": ["wall"], "roles": {"wall": ["measuring"]}},
               {"key": "j1", "name": "王建国", "events": ["wall"]},
               {"key": "clerk", "name": "李录分", "events": ["wall"], "roles": {"wall": ["clerk"]}}],
}
MEASUREMENTS = ["dimensions", "level", "plumb", "flatness", "gauge"]
JUDGEMENTS = ["joints", "cuts", "bond", "safety"]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with competition_server(tmp_path_factory.mktemp("markers"), CUP, ["m1", "j1"], password=PASSWORD) as served:
        yield served


def _shots(tmp_path: Path) -> Path:
    shots = Path(os.environ.get("MARKERS_SHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    return shots


def test_each_judge_s_tablet_shows_only_what_they_mark(served: Served, browser: Browser, tmp_path: Path) -> None:
    shots = _shots(tmp_path)
    context = browser.new_context(locale="zh-CN", viewport={"width": 800, "height": 1280})
    page = context.new_page()
    page.goto(served.links["m1"])
    page.locator("#entry-w1").click()
    for key in [*MEASUREMENTS, *JUDGEMENTS]:
        expect(page.locator(f"#crit-{key}")).to_be_visible()
    expect(page.locator("#crit-theory")).to_have_count(0)
    page.screenshot(path=str(shots / "tablet-measuring-judge.png"))
    context.close()

    context = browser.new_context(locale="zh-CN", viewport={"width": 800, "height": 1280})
    page = context.new_page()
    page.goto(served.links["j1"])
    page.locator("#entry-w1").click()
    for key in ["theory", *MEASUREMENTS]:
        expect(page.locator(f"#crit-{key}")).to_have_count(0)
    expect(page.locator("#empties")).to_have_text(
        "尚未打分：F 灰缝饱满与勾缝、G 砍砖切割与砖面清洁、H 组砌形式与整体观感、I 安全文明施工与工作组织")
    for key, level in zip(JUDGEMENTS, (2, 2, 1, 3), strict=True):
        page.locator(f"#crit-{key} button.level").nth(level).click()
    expect(page.locator("#subtotal")).to_have_text("17.5")
    expect(page.locator("#form-foot .subtotal")).to_contain_text("24.5")
    expect(page.locator("#empties")).to_have_class("empties done")
    page.screenshot(path=str(shots / "tablet-plain-judge.png"))
    page.locator("#review").click()
    page.locator("#send").click()
    expect(page.locator("#entry-w1")).to_have_attribute("data-state", "received")
    [(_uid, entry, revision, marks, _deds)] = stored_sheets(served.db, "j1")
    assert (entry, revision) == ("w1", 1) and set(json.loads(marks)) == set(JUDGEMENTS)
    context.close()


def test_the_organizer_enters_theory_scores_as_the_clerk(served: Served, browser: Browser, tmp_path: Path) -> None:
    shots = _shots(tmp_path)
    context = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.goto(served.base + "/console/login")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit].primary")
    page.goto(served.base + "/console/c/trades/e/wall")
    page.locator("#clerk-link").click()
    expect(page.locator("h1")).to_have_text("录分 · 砌筑")
    expect(page.locator("#clerk-table thead")).to_contain_text("理论知识")

    page.fill("input[name='v:w1:theory']", "80")
    page.fill("input[name='v:w2:theory']", "101")  # out of 0–100: nothing is stored
    page.click("button[type=submit].primary")
    expect(page.locator(".problems")).to_contain_text("M-002")
    expect(page.locator(".problems")).to_contain_text("101")
    assert stored_sheets(served.db, "clerk") == []
    expect(page.locator("input[name='v:w2:theory']")).to_have_value("101")  # what was typed stays

    page.fill("input[name='v:w2:theory']", "87.5")
    page.click("button[type=submit].primary")
    expect(page.locator("[role=status]")).to_have_text("已保存 2 件参赛作品的分数。")
    expect(page.locator("input[name='v:w1:theory']")).to_have_value("80")
    expect(page.locator("input[name='v:w2:theory']")).to_have_value("87.5")
    page.screenshot(path=str(shots / "console-clerk.png"))
    clerk = stored_sheets(served.db, "clerk")
    assert sorted((entry, json.loads(marks)) for _uid, entry, _rev, marks, _deds in clerk) == [
        ("w1", {"theory": "80"}), ("w2", {"theory": "87.5"})]
    context.close()
