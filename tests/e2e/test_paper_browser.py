"""Paper sheets entered twice, in a real Chromium: two clerks (two console accounts) type the same
judge's paper sheet. Once they agree and the sheet counts; once the second types 26 where the
paper says 28 — nothing counts, both entries are shown side by side, and the sheet counts once
the entry the paper shows is taken. The audit log says who typed what. The person clicks and
types as at a desk: choose the entry and the judge, tap a box, type, Tab to the next.
Screenshots (1440×900) go to ``PAPER_SHOTS`` or the test's temporary folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.servers import Served, competition_server, stored_sheets
from tests.support import COMPETITION

pytestmark = pytest.mark.e2e
PASSWORD = "paper e2e password"
SECOND = "paper e2e second password"
EIGHTY = {"taste": "28", "texture": "16", "technique": "12", "appearance": "12", "hygiene": "4", "innovation": "8"}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("paper")
    with competition_server(folder, COMPETITION, password=PASSWORD) as served:
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{served.db}", "LANG": "C"}
        subprocess.run([sys.executable, "-m", "scoreboard.cli", "admin", "create", "li", "--password-stdin"],
                       env=env, check=True, capture_output=True, input=SECOND + "\n", text=True)
        yield served


def clerk(browser: Browser, served: Served, user: str, password: str) -> Page:
    page = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 900}).new_page()
    page.goto(served.base + "/console/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", password)
    page.click("button[type=submit].primary")
    page.goto(served.base + "/console/c/cup/e/hot")
    page.locator("#paper-link").click()
    expect(page.locator("h1")).to_have_text("纸质评分表录入 · 热菜")
    return page


def type_sheet(page: Page, entry: str, judge: str, marks: dict[str, str], overtime: str = "") -> None:
    page.select_option("#paper-entry", entry)
    page.select_option("#paper-judge", judge)
    page.locator("#paper-taste input").click()  # the first box, then Tab from box to box
    for key in ("taste", "texture", "technique", "appearance", "hygiene", "innovation"):
        page.keyboard.press("Control+A")  # a refused entry's boxes keep what was typed: type over it
        page.keyboard.type(marks[key])
        page.keyboard.press("Tab")
    if overtime:  # the paper takes the overtime deduction: tick it, then its minutes and reason
        page.locator("#paper-d-overtime input[type=checkbox]").check()
        page.locator("#paper-d-overtime input[name='d:overtime:amount']").click()
        page.keyboard.press("Control+A")
        page.keyboard.type(overtime)
        page.keyboard.press("Tab")
        page.keyboard.press("Control+A")
        page.keyboard.type(f"超时{overtime}分钟")
    page.locator("#paper-save").click()


def marks_of(db: Path, judge: str, entry: str) -> list[dict[str, Any]]:
    return [json.loads(m) for _uid, e, _rev, m, _d in stored_sheets(db, judge) if e == entry]


def test_two_clerks_type_a_paper_sheet_alike_or_not(served: Served, browser: Browser, tmp_path: Path) -> None:
    shots = Path(os.environ.get("PAPER_SHOTS") or tmp_path)
    wang, li = clerk(browser, served, "admin", PASSWORD), clerk(browser, served, "li", SECOND)

    type_sheet(wang, "e1", "j1", EIGHTY, overtime="3")
    expect(wang.locator("p.done")).to_contain_text("另一位录分员再次录入")
    assert marks_of(served.db, "j1", "e1") == []
    li.reload()
    expect(li.locator("#paper-waiting")).to_contain_text("H-101")
    expect(li.locator("#paper-waiting")).not_to_contain_text("28")  # what the first clerk typed stays hidden
    li.locator("#paper-waiting a").first.click()
    expect(li.locator("#paper-entry")).to_have_value("e1")
    expect(li.locator("#paper-judge")).to_have_value("j1")
    li.screenshot(path=str(shots / "paper-second-entry-1440.png"))
    type_sheet(li, "e1", "j1", EIGHTY, overtime="3")
    expect(li.locator("p.done")).to_contain_text("两次录入一致")
    assert marks_of(served.db, "j1", "e1") == [EIGHTY]
    [(_uid, _e, _rev, _m, deductions)] = [x for x in stored_sheets(served.db, "j1") if x[1] == "e1"]
    assert json.loads(deductions) == [{"key": "overtime", "amount": "3", "reason": "超时3分钟"}]

    type_sheet(wang, "e2", "j2", EIGHTY)
    type_sheet(wang, "e2", "j2", EIGHTY)  # the same clerk again is not a second entry
    expect(wang.locator(".problems")).to_contain_text("另一位录分员")
    type_sheet(li, "e2", "j2", {**EIGHTY, "taste": "26"})
    expect(li.locator("p.done")).to_contain_text("两次录入不一致")
    assert marks_of(served.db, "j2", "e2") == []
    differs = li.locator("#paper-differing .differs").first
    expect(differs.locator("tr.differs-row")).to_have_count(1)
    expect(differs.locator("tr.differs-row")).to_contain_text("口味")
    expect(differs.locator("tr.differs-row")).to_contain_text("28")
    expect(differs.locator("tr.differs-row")).to_contain_text("26")
    li.screenshot(path=str(shots / "paper-differs-1440.png"), full_page=True)
    differs.get_by_role("button", name="纸质评分表与第一次录入相符").click()
    expect(li.locator("p.done")).to_contain_text("已处理")
    assert marks_of(served.db, "j2", "e2") == [EIGHTY]

    # a typing mistake is refused in the criterion's name, and the boxes keep what was typed: fix one, not all
    type_sheet(wang, "e3", "j3", {**EIGHTY, "taste": "36"}, overtime="2")
    expect(wang.locator(".problems")).to_contain_text("口味：36 超出范围")
    expect(wang.locator("#paper-texture input")).to_have_value("16")
    expect(wang.locator("#paper-d-overtime input[type=checkbox]")).to_be_checked()
    expect(wang.locator("#paper-d-overtime input[name='d:overtime:amount']")).to_have_value("2")
    wang.locator("#paper-taste input").click()
    wang.keyboard.press("Control+A")
    wang.keyboard.type("28")
    wang.locator("#paper-save").click()
    expect(wang.locator("p.done")).to_contain_text("另一位录分员再次录入")

    li.goto(served.base + "/console/c/cup/audit")
    expect(li.locator("body")).to_contain_text("纸质评分表两次录入一致：已生效")
    expect(li.locator("body")).to_contain_text("先由 admin 录入，再由 li 录入")
    expect(li.locator("body")).to_contain_text("采用第一次录入")
    li.screenshot(path=str(shots / "paper-audit-1440.png"))
    print(f"\nscreenshots: {shots}")
