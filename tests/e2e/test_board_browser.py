"""The projector and the phone view in a real Chromium, against a real server with test hooks:
a sheet changes the row within a second, the reveal card appears when the last judge of an entry
submits, freezing stops the public board while the organizer's keeps moving, and a cut
connection shows the staleness notice and comes back right. Screenshots go to a temp folder."""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.servers import free_port, serving
from tests.support import EIGHTY, GOLDEN, sheet

pytestmark = pytest.mark.e2e
KEY = "organizer-secret"
SHOTS = Path(os.environ.get("BOARD_SHOTS") or tempfile.mkdtemp(prefix="board-shots-"))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("board")
    port = free_port()
    with serving([sys.executable, "-m", "tests.e2e.board_server", str(folder / "b.db"), str(port), KEY], port,
                 folder / "server.log") as base:
        yield base


def post(base: str, path: str, body: object = None) -> dict[str, object]:
    data = json.dumps(body).encode() if body is not None else b""
    req = urllib.request.Request(base + path, data=data, method="POST", headers={"content-type": "application/json"})
    with urllib.request.urlopen(req, timeout=5) as r:
        return dict(json.loads(r.read()))


def projector(browser: Browser, url: str) -> Page:
    page = browser.new_context(locale="zh-CN", viewport={"width": 1920, "height": 1080}).new_page()
    page.goto(url)
    expect(page.locator("body")).to_have_attribute("data-socket", "open")
    return page


def test_projector_live_reveal_freeze_and_staleness(server: str, browser: Browser) -> None:
    board = projector(browser, server + "/c/cup/board?pace=600&reveal=3")
    boss = projector(browser, server + f"/c/cup/board?pace=600&key={KEY}")
    for s in GOLDEN:  # e1 complete: 88.83 — the last judge's sheet brings the reveal card
        post(server, "/_test/c/cup/sheet", sheet("e1", s["judge"], dict(s["marks"]),
                                                 deductions=s.get("deductions", [])))
    expect(board.locator("#entry-c-H-101 td.total")).to_have_text("88.83", timeout=2000)
    expect(board.locator("#reveal .reveal-card")).to_be_visible(timeout=2000)
    expect(board.locator("#reveal .reveal-judges li")).to_have_count(5)
    expect(board.locator("#reveal .dropped")).to_have_count(2)
    expect(board.locator("#reveal")).to_contain_text("去掉一个最高分，去掉一个最低分，最后得分")
    board.screenshot(path=str(SHOTS / "reveal-1920.png"))
    expect(board.locator("#reveal")).to_be_hidden(timeout=5000)
    board.screenshot(path=str(SHOTS / "projector-before-1920.png"))

    started = time.monotonic()
    for i in range(1, 6):
        post(server, "/_test/c/cup/sheet", sheet("e2", f"j{i}", {**EIGHTY, "taste": 34}))
    expect(board.locator("#entry-c-H-102 td.total")).to_have_text("86.00", timeout=1000)
    assert time.monotonic() - started < 1.5
    board.wait_for_timeout(3500)  # the card for e2 comes and goes
    board.screenshot(path=str(SHOTS / "projector-after-1920.png"))

    post(server, "/_test/c/cup/e/hot/visibility/frozen")
    for i in range(1, 4):
        post(server, "/_test/c/cup/sheet", sheet("e3", f"j{i}", {**EIGHTY, "taste": 35}))
    expect(boss.locator("#entry-c-H-103 td.total")).to_contain_text("87.00", timeout=1500)
    expect(boss.locator("#entry-c-H-103 td.total .mark")).to_have_text("暂定")  # 3 of 5 judges
    board.wait_for_timeout(500)
    expect(board.locator("#entry-c-H-103 td.total")).to_have_text("—")  # the public board stood still

    post(server, "/_test/cut?seconds=4")
    expect(board.locator("#stale")).to_be_visible(timeout=3000)
    expect(board.locator("#stale")).to_contain_text("秒前更新")
    board.screenshot(path=str(SHOTS / "stale-1920.png"))
    post(server, "/_test/c/cup/e/hot/visibility/live")  # changes while the board is away
    expect(board.locator("#stale")).to_be_hidden(timeout=10000)
    expect(board.locator("#entry-c-H-103 td.total")).to_contain_text("87.00", timeout=2000)
    expect(board.locator("#entry-c-H-103 td.total .mark")).to_have_text("暂定")


def test_phone_view_and_bilingual_720(server: str, browser: Browser) -> None:
    phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, device_scale_factor=2,
                                is_mobile=True, has_touch=True).new_page()
    phone.goto(server + "/c/cup/e/hot")
    expect(phone.locator("body")).to_have_attribute("data-socket", "open")
    expect(phone.locator("#entry-c-H-101 td.total")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=str(SHOTS / "phone-390.png"), full_page=True)
    small = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 720}).new_page()
    small.goto(server + "/c/cup/board?bilingual=1&pace=600")
    expect(small.locator("thead").first).to_contain_text("Rank")
    expect(small.locator("thead").first).to_contain_text("名次")
    small.screenshot(path=str(SHOTS / "projector-bilingual-1280.png"))


def test_ceremony_needs_the_key_and_uncovers_bottom_up(server: str, browser: Browser) -> None:
    page = browser.new_context(locale="zh-CN", viewport={"width": 1920, "height": 1080}).new_page()
    assert page.goto(server + "/c/cup/board?ceremony=1").status == 403  # type: ignore[union-attr]
    for i in range(1, 6):  # every judge's sheet of e3: an event with an entry short of judges is not locked
        try:
            post(server, "/_test/c/cup/sheet", sheet("e3", f"j{i}", {**EIGHTY, "taste": 35}))
        except urllib.error.HTTPError as e:  # this judge's sheet is in already (an earlier test)
            assert e.code == 400
    post(server, "/_test/c/cup/e/hot/state/closed")
    for _ in range(50):  # the lock asks the standings, which follow the sheets a moment later
        try:
            post(server, "/_test/c/cup/e/hot/state/locked")
            break
        except urllib.error.HTTPError:
            time.sleep(0.1)
    page.goto(server + f"/c/cup/board?ceremony=1&key={KEY}")
    expect(page.locator("tr.covered")).to_have_count(3)
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")
    expect(page.locator("tr.covered")).to_have_count(1)
    page.screenshot(path=str(SHOTS / "ceremony-1920.png"))
