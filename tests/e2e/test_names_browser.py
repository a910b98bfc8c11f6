"""Names in public, in a real Chromium: a blind event's phone page and projector show blind codes
only while it is judged, locked and even uncovered in the ceremony's rehearsal; once published,
they name each dish's contestants and team. A phone at 390×844, a projector at 1920×1080.
Screenshots go to ``NAMES_SHOTS`` or the test's temporary folder."""

from __future__ import annotations

import os
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.servers import competition_server, post_sheet
from tests.support import EIGHTY

pytestmark = pytest.mark.e2e
CUP: dict[str, Any] = {
    "competition": {"key": "cup", "name": {"zh": "工匠杯", "en": "Craftsman Cup"}},
    "events": [{"key": "hot", "name": {"zh": "热菜", "en": "Hot dishes"}, "rubric": "cooking_hot", "blind": True}],
    "teams": [{"key": "t1", "name": {"zh": "大同宾馆", "en": "Datong Hotel"}}],
    "contestants": [{"key": "p1", "name": "张伟", "team": "t1"}, {"key": "p2", "name": "李娜", "team": "t1"}],
    "entries": [{"key": "e1", "event": "hot", "team": "t1", "title": "黄花炒肉丝", "code": "H-101",
                 "contestants": ["p1"]},
                {"key": "e2", "event": "hot", "team": "t1", "title": "凉拌黄花菜", "code": "H-102",
                 "contestants": ["p2"]}],
    "judges": [{"key": f"j{i}", "name": f"评委{i}", "events": ["hot"]} for i in range(1, 6)],
}


def move(base: str, to: str) -> None:
    request = urllib.request.Request(f"{base}/_test/c/cup/e/hot/state/{to}", data=b"", method="POST")
    urllib.request.urlopen(request, timeout=10).close()


def test_a_blind_event_names_its_contestants_once_published(browser: Browser, tmp_path: Path) -> None:
    shots = Path(os.environ.get("NAMES_SHOTS") or tmp_path)
    (tmp_path / "names").mkdir()
    with competition_server(tmp_path / "names", CUP, env={"TEST_HOOKS": "1"}) as served:
        for entry, taste in (("e1", 30), ("e2", 26)):
            for i in range(1, 6):
                post_sheet(served.base, {"id": f"{entry}-j{i}", "entry": entry, "judge": f"j{i}", "revision": 1,
                                         "marks": {**EIGHTY, "taste": taste}})
        phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True,
                                    has_touch=True).new_page()
        phone.goto(served.base + "/c/cup/e/hot")
        expect(phone.locator("#entry-c-H-101 td.total")).to_contain_text("82.00")
        expect(phone.locator("#live-hot")).not_to_contain_text("张伟")
        expect(phone.locator("#live-hot")).not_to_contain_text("黄花炒肉丝")
        move(served.base, "closed")
        move(served.base, "locked")
        phone.reload()
        expect(phone.locator("#live-hot")).not_to_contain_text("张伟")  # locked is not published
        board = browser.new_context(locale="zh-CN", viewport={"width": 1920, "height": 1080}).new_page()
        board.goto(served.base + "/c/cup/board?pace=600")
        expect(board.locator("#entry-c-H-101")).to_be_visible()
        move(served.base, "published")
        # the open phone page and the projector follow over their sockets: names, titles, the team
        expect(phone.locator("#entry-c-H-101 .people")).to_have_text("张伟", timeout=5000)
        expect(phone.locator("#entry-c-H-102 .people")).to_have_text("李娜")
        expect(phone.locator("#entry-c-H-101")).to_contain_text("黄花炒肉丝")
        expect(board.locator("#entry-c-H-101")).to_contain_text("张伟", timeout=5000)
        expect(board.locator("#entry-c-H-101")).to_contain_text("大同宾馆")
        phone.wait_for_timeout(3000)  # the rows settle (the flash of a changed row, the glide)
        phone.screenshot(path=str(shots / "names-phone-390.png"), full_page=True)
        board.screenshot(path=str(shots / "names-projector-1920.png"))
    print(f"\nscreenshots: {shots}")
