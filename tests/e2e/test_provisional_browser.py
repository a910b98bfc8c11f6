"""Locking an event with an entry short of judges, in a real Chromium: the organizer (1440×900)
asks to lock hot dishes while e3 (H-103) has three of its five judges — refused, the entry listed
with "wait"; a fourth judge's sheet comes, the lock is refused again, now with the choice to accept
e3 with four judges; without a reason nothing happens, with one it is accepted, logged, and the
event locks. Meanwhile the projector (1920×1080) shows H-103's total marked 暂定.

The competition is ``tests.support``'s, half judged, its sheets sent through the test hook (the
path a tablet's sheet takes). Screenshots go to ``$PROVISIONAL_SHOTS`` or the test's temporary
folder.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.servers import competition_server, post_sheet
from tests.support import COMPETITION, EIGHTY, half_judged

pytestmark = pytest.mark.e2e
PASSWORD = "provisional e2e password"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with competition_server(tmp_path_factory.mktemp("provisional"), COMPETITION, password=PASSWORD,
                            env={"TEST_HOOKS": "1"}) as served:
        for raw in half_judged():
            post_sheet(served.base, raw)
        post_sheet(served.base, {"id": "e3-j3", "entry": "e3", "judge": "j3", "marks": EIGHTY})
        yield served.base


def test_locking_waits_for_a_decision_on_an_entry_short_of_judges(server: str, browser: Browser,
                                                                  tmp_path: Path) -> None:
    shots = Path(os.environ.get("PROVISIONAL_SHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.goto(server + "/console/login")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit].primary")
    page.goto(server + "/console/c/cup/e/hot")

    # three of five judges: the lock is refused, H-103 listed, nothing to accept yet (the preset's minimum is 4)
    page.fill(".actions input[name=reason]", "评分时间到")
    page.click(".actions button[value=locked]")
    expect(page.locator(".problems")).to_contain_text("H-103")
    expect(page.locator("#event-state")).to_have_text("评分中")
    row = page.locator("#decide-e3")
    expect(row).to_contain_text("3 / 5")
    expect(row).to_contain_text("至少需要 4 名评委")
    expect(row.locator("form")).to_have_count(0)

    # the projector meanwhile: H-103's 80.00 says it is provisional
    board = browser.new_page(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    board.goto(server + "/c/cup/board?event=hot")
    expect(board.locator("#entry-c-H-103 .total .mark")).to_have_text("暂定")
    board.screenshot(path=str(shots / "provisional-projector-1920.png"))
    board.set_viewport_size({"width": 1280, "height": 720})
    board.screenshot(path=str(shots / "provisional-projector-1280.png"))
    phone = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    phone.goto(server + "/c/cup/e/hot")
    expect(phone.locator("#entry-c-H-103 .total .mark")).to_be_visible()
    phone.screenshot(path=str(shots / "provisional-phone-390.png"))

    # a fourth judge: e3 may now be accepted with four, with a reason (the live matrix shows the sheet
    # once the standings, which the lock asks, have it)
    post_sheet(server, {"id": "e3-j4", "entry": "e3", "judge": "j4", "marks": EIGHTY})
    expect(page.locator("#entry-e3 .cell").nth(3)).to_have_attribute("data-status", "received", timeout=10_000)
    expect(board.locator("#entry-c-H-103 .total .mark")).to_have_text("暂定")  # still four of five
    page.click(".actions button[value=locked]")
    expect(row).to_contain_text("4 / 5", timeout=10_000)
    accept = row.locator("form")
    expect(accept.locator("button")).to_have_text("以 4 名评委的评分认定")
    page.screenshot(path=str(shots / "provisional-console-decision-1440.png"))
    accept.locator("button").click()  # no reason: the browser asks for one, nothing is sent
    expect(page.locator("#accepted-e3")).to_have_count(0)
    accept.locator("input[name=reason]").fill("5号评委为本队回避")
    accept.locator("button").click()
    expect(page.locator(".done")).to_contain_text("H-103")
    expect(page.locator("#accepted-e3")).to_contain_text("5号评委为本队回避")
    page.screenshot(path=str(shots / "provisional-console-accepted-1440.png"))
    expect(board.locator("#entry-c-H-103 .total .mark")).to_have_count(0, timeout=10_000)  # complete now

    # the lock goes through; the audit log says what was decided, in words
    page.click(".actions button[value=locked]")
    expect(page.locator("#event-state")).to_have_text("已锁定")
    page.goto(server + "/console/c/cup/audit?action=entry.accepted")
    expect(page.locator("#log tbody tr")).to_have_count(1)
    expect(page.locator("#log tbody tr")).to_contain_text("认定作品评分（评委不足）")
    expect(page.locator("#log tbody tr")).to_contain_text("5 名评委中有 4 名评分。")
    page.screenshot(path=str(shots / "provisional-audit-1440.png"))
    context.close()
