"""The console's live pages in a real Chromium at 1440×900, against `scoreboard serve` with test
hooks: an event of seven judges — two with a tablet open (one with sheets in its outbox), one that
went away, four never seen — shows every judge's header on one or two short lines with no column
wider than its chips and the matrix inside the window; a judge's sheet turns its cell to ✓
without a reload or a poll; the review page takes the next sheet of its entry the same way.
Screenshots go to ``$CONSOLE_SHOTS`` or a temporary folder (printed)."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect
from websockets.sync.client import ClientConnection, connect

from tests.e2e.servers import Served, competition_server, post_sheet
from tests.support import EIGHTY

pytestmark = pytest.mark.e2e
PASSWORD = "console live password"
SHOTS = Path(os.environ.get("CONSOLE_SHOTS") or tempfile.mkdtemp(prefix="console-live-shots-"))
NAMES = ["王建国", "李秀英", "欧阳明华", "张伟", "陈志强", "刘芳芳", "赵德胜"]
CUP: dict[str, Any] = {
    "competition": {"key": "cup", "name": {"zh": "工匠杯·砌筑", "en": "Craftsman Cup"}},
    "events": [{"key": "hot", "name": {"zh": "热菜", "en": "Hot dishes"}, "rubric": "cooking_hot", "blind": True}],
    "teams": [{"key": "t1", "name": {"zh": "大同宾馆", "en": "Datong Hotel"}},
              {"key": "t2", "name": {"zh": "云冈餐厅", "en": "Yungang Restaurant"}}],
    "entries": [{"key": f"e{i}", "event": "hot", "team": "t1" if i % 2 else "t2", "title": title, "code": f"H-10{i}"}
                for i, title in enumerate(["黄花炒肉丝", "凉拌黄花菜", "黄花饺子", "黄花焖鸡", "黄花鱼片",
                                           "金针菇黄花汤"], 1)],
    "judges": [{"key": f"j{i}", "name": name, "events": ["hot"], **({"team": "t1"} if i == 7 else {})}
               for i, name in enumerate(NAMES, 1)],
}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with competition_server(tmp_path_factory.mktemp("console-live"), CUP, judges=[f"j{i}" for i in range(1, 8)],
                            password=PASSWORD, env={"TEST_HOOKS": "1"}) as s:
        for i in range(1, 7):
            post_sheet(s.base, {"id": f"e1-j{i}" if i != 7 else "x", "entry": "e1", "judge": f"j{i}", "marks": EIGHTY})
        post_sheet(s.base, {"id": "e2-j1", "entry": "e2", "judge": "j1", "marks": EIGHTY})
        yield s


def tablet(tablets: ExitStack, served: Served, judge: str, waiting: int) -> ClientConnection:
    """A judge's tablet: signed in on the judges' socket, saying how many sheets wait in its outbox."""
    token = urlsplit(served.links[judge]).path.rsplit("/", 1)[-1]
    ws = tablets.enter_context(connect(served.base.replace("http://", "ws://") + "/ws/judge",
                                       additional_headers={"Authorization": f"Bearer {token}"}))
    assert json.loads(ws.recv(timeout=5))["type"] == "hello"
    ws.send(json.dumps({"v": 1, "type": "ping", "t": 1, "waiting": waiting}))
    ws.recv(timeout=5)
    return ws


def signed_in(browser: Browser, served: Served) -> Page:
    page = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 900}).new_page()
    page.goto(served.base + "/console/login")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit].primary")
    return page


def fits(page: Page, shot: str) -> None:
    """Every header: the name on one line, each chip whole on its line; the matrix inside the window."""
    page.screenshot(path=str(SHOTS / shot))
    layout = page.evaluate("""() => {
      const line = (el) => parseFloat(getComputedStyle(el).lineHeight);
      const heads = [...document.querySelectorAll("th.judge")];
      return {
        judges: heads.length,
        tallest_chip: Math.max(...[...document.querySelectorAll("th.judge .chip, th.judge .judge-name")]
          .map((c) => c.getBoundingClientRect().height / line(c))),
        tallest_head: Math.max(...heads.map((h) => h.getBoundingClientRect().height)),
        right: document.querySelector("table.matrix").getBoundingClientRect().right,
        page: document.documentElement.scrollWidth,
      };
    }""")
    assert layout["judges"] == 7
    assert layout["tallest_chip"] < 1.5, layout  # no chip or name broken over lines
    assert layout["tallest_head"] < 90, layout  # a dot and name, then at most two short lines
    assert layout["right"] <= 1440 and layout["page"] <= 1440, layout


def test_seven_judges_fit_and_a_sheet_turns_its_cell_live(served: Served, browser: Browser) -> None:
    tablets = ExitStack()
    tablet(tablets, served, "j3", 0).close()  # j3's tablet went away: offline, last seen just now
    tablet(tablets, served, "j1", 2)
    tablet(tablets, served, "j2", 0)
    page = signed_in(browser, served)
    pages_fetched: list[str] = []
    page.on("request", lambda r: pages_fetched.append(r.url) if "/console/c/cup/e/hot" in r.url else None)
    page.goto(served.base + "/console/c/cup/e/hot")
    expect(page.locator("body")).to_have_attribute("data-socket", "open")
    expect(page.locator("#device-j1")).to_have_attribute("data-online", "yes", timeout=10_000)
    expect(page.locator("#judge-j1 .outbox")).to_have_text("2 份评分表等待发送")
    expect(page.locator("#device-j3 .seen")).to_contain_text("最近在线")
    expect(page.locator("#device-j4 .seen")).to_have_text("从未在线")
    fits(page, "console-progress-7-judges.png")
    page.goto(served.base + "/console/c/cup/e/hot?lang=en")
    expect(page.locator("#judge-j1 .outbox")).to_have_text("2 sheets waiting")
    fits(page, "console-progress-7-judges-en.png")
    page.goto(served.base + "/console/c/cup/e/hot?lang=zh_CN")
    expect(page.locator("body")).to_have_attribute("data-socket", "open")

    page.evaluate("window.__kept = 'no reload'")
    cell = page.locator("#entry-e3 .cell").nth(2)
    expect(cell).to_have_attribute("data-status", "missing")
    fetched = len(pages_fetched)
    post_sheet(served.base, {"id": "e3-j3", "entry": "e3", "judge": "j3", "marks": EIGHTY})
    expect(cell).to_have_attribute("data-status", "received", timeout=5_000)
    expect(cell).to_have_text("✓")
    expect(page.locator("#judge-j3 .togo")).to_have_text("还差 4 份")
    assert page.evaluate("window.__kept") == "no reload"
    page.wait_for_timeout(3_500)  # longer than the old poll's 3 s
    assert len(pages_fetched) == fetched, pages_fetched[fetched:]  # nothing fetched: the socket brought it
    page.screenshot(path=str(SHOTS / "console-progress-after-sheet.png"))

    page.click("#entry-e3 a")
    expect(page.locator("body")).to_have_attribute("data-socket", "open")
    expect(page.locator("#review-history tr")).to_have_count(1)
    post_sheet(served.base, {"id": "e3-j4", "entry": "e3", "judge": "j4", "marks": EIGHTY})
    expect(page.locator("#review-history tr")).to_have_count(2, timeout=5_000)
    expect(page.locator("#review-history tr").first).to_contain_text("张伟")  # j4, by name
    page.screenshot(path=str(SHOTS / "console-review-live.png"))
    tablets.close()
    print(f"\nconsole live screenshots: {SHOTS}")
