"""The demo as a newcomer meets it: `scoreboard demo --simulate` in a real Chromium.

Runs the real command as a subprocess on 127.0.0.1 (outside the test's event loop), and drives
Debian's chromium through Playwright: the home page in Chinese for a Chinese browser, standings
filling in as simulated judges submit, and the switch to English.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.servers import free_port, serving

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("demo")
    port = free_port()
    with serving([sys.executable, "-m", "scoreboard.cli", "demo", "--port", str(port), "--simulate", "--rate", "60",
                  "--db", str(folder / "demo.db")], port, folder / "demo.log") as base:
        yield base


def chinese_page(browser: Browser) -> Page:
    return browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 900}).new_page()


def test_demo_home_in_chinese_fills_in_as_judges_score(demo: str, browser: Browser, tmp_path: Path) -> None:
    page = chinese_page(browser)
    page.goto(demo + "/")
    expect(page.locator("h1").first).to_contain_text("烹饪")
    expect(page.get_by_role("link", name="热菜")).to_be_visible()
    # simulated judges at 60 sheets a second: within seconds some event has a leader
    for _ in range(60):
        leaders = [t for t in page.locator("table.events tbody tr td:nth-child(4)").all_inner_texts() if t != "—"]
        if leaders:
            break
        page.wait_for_timeout(500)
        page.reload()
    assert leaders, "no event has a leader after 30 s of simulated judging"
    row = page.locator("table.events tbody tr", has_not_text="—").first
    row.locator("a").click()
    expect(page.locator("#standings tbody tr").first.locator("td.rank")).to_have_text("1")
    expect(page.locator("#standings thead")).to_contain_text("名次")
    page.screenshot(path=str(tmp_path / "event-zh.png"))


def test_switching_to_english_is_remembered(demo: str, browser: Browser) -> None:
    page = chinese_page(browser)
    page.goto(demo + "/")
    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("link", name="Hot dishes")).to_be_visible()
    page.get_by_role("link", name="Hot dishes").click()
    expect(page.locator("h1")).to_contain_text("Hot dishes")
