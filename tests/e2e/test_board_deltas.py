"""Board deltas in a real Chromium: the phone page and the projector follow a random run of sheets
and corrections through deltas alone (one sheet's well under 1 KB) and end on exactly the page a fresh
load renders; a row that climbs glides there (FLIP); a board cut off while sheets come recovers
with a full state and is right again; a delta out of turn makes the page ask for a full state."""

from __future__ import annotations

import json
import os
import random
import re
import statistics
import sys
import tempfile
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.servers import free_port, serving
from tests.test_deltas import MAXES

pytestmark = pytest.mark.e2e
SHOTS = Path(os.environ.get("BOARD_SHOTS") or tempfile.mkdtemp(prefix="board-shots-"))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("deltas")
    port = free_port()
    with serving([sys.executable, "-m", "tests.e2e.board_server", str(folder / "b.db"), str(port), "k", "big"], port,
                 folder / "server.log") as base:
        yield base


def post(base: str, path: str, body: object = None) -> None:
    data = json.dumps(body).encode() if body is not None else b""
    req = urllib.request.Request(base + path, data=data, method="POST", headers={"content-type": "application/json"})
    urllib.request.urlopen(req, timeout=5).read()


def watched(browser: Browser, url: str, viewport: dict[str, int]) -> tuple[Page, list[str]]:
    page = browser.new_context(locale="zh-CN", viewport=viewport).new_page()  # type: ignore[arg-type]
    frames: list[str] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda f: frames.append(str(f))))
    page.goto(url)
    expect(page.locator("body")).to_have_attribute("data-socket", "open")
    expect(page.locator("#rows-hot tr").first).to_be_visible()
    return page, frames


def block(page: Page) -> str:
    """The hot event's block as shown, without what the animation adds (style, the changed mark)."""
    html = page.locator("#live-hot").evaluate("e => e.outerHTML")
    html = re.sub(r' style="[^"]*"', "", html).replace(" changed", "")
    return re.sub(r">\s+<", "><", html).strip()


def fresh(browser: Browser, url: str) -> str:
    page = browser.new_context(locale="zh-CN").new_page()
    page.goto(url)
    expect(page.locator("#rows-hot tr").first).to_be_visible()
    out = block(page)
    page.context.close()
    return out


def sheets(server: str, rng: random.Random, revisions: dict[tuple[str, str], int], n: int) -> None:
    for _ in range(n):
        entry, judge = f"h{rng.randrange(24):02}", f"j{rng.randint(1, 5)}"
        rev = revisions[(entry, judge)] = revisions.get((entry, judge), 0) + 1
        post(server, "/_test/c/big/sheet", {"id": f"{entry}-{judge}-{rev}", "entry": entry, "judge": judge,
                                            "revision": rev, "marks": {k: rng.randint(m // 2, m) for k, m in
                                                                       MAXES.items()},
                                            **({"reason": "correction"} if rev > 1 else {})})


def test_pages_follow_deltas_to_the_fresh_page_glide_and_recover(server: str, browser: Browser) -> None:
    phone_url, projector_url = server + "/c/big/e/hot?lang=en", server + "/c/big/board?event=hot&pace=600"
    phone, phone_frames = watched(browser, phone_url, {"width": 390, "height": 844})
    board, _frames = watched(browser, projector_url, {"width": 1920, "height": 1080})
    rng, revisions = random.Random(11), {}
    sheets(server, rng, revisions, 60)
    phone.wait_for_timeout(800)
    assert block(phone) == fresh(browser, phone_url)
    assert block(board) == fresh(browser, projector_url)
    updates = [f for f in phone_frames[1:] if '"seq"' in f]
    heads = [f.partition("\n")[0] for f in phone_frames]
    assert updates and not any('"full":1' in f for f in updates), heads  # deltas alone after the first state
    # one sheet's update (a frame with one row; a burst of sheets coalesces into frames of several)
    single = [f for f in updates if f.count("<tr ") == 1]
    assert single and statistics.median(len(f.encode()) for f in single) < 1024

    # a full-marks sheet from every judge takes the last-placed dish to the top: its row glides up
    last = board.locator("#rows-hot tr").last.get_attribute("id")
    assert last is not None
    entry = next(f"h{i:02}" for i in range(24) if last.endswith(f"H-{100 + i}"))
    for j in range(1, 6):
        rev = revisions[(entry, f"j{j}")] = revisions.get((entry, f"j{j}"), 0) + 1
        post(server, "/_test/c/big/sheet", {"id": f"{entry}-j{j}-{rev}-top", "entry": entry, "judge": f"j{j}",
                                            "revision": rev, "marks": dict(MAXES),
                                            **({"reason": "correction"} if rev > 1 else {})})
    expect(board.locator("#rows-hot tr").first).to_have_attribute("id", last, timeout=2000)
    assert "transform" in (board.locator(f"#{last}").get_attribute("style") or "")
    board.wait_for_timeout(300)
    board.screenshot(path=str(SHOTS / "deltas-projector-1920.png"))
    phone.screenshot(path=str(SHOTS / "deltas-phone-390.png"), full_page=True)

    # cut off while sheets come: back with a full state, and right again
    post(server, "/_test/cut?seconds=2")
    expect(phone.locator("body")).to_have_attribute("data-socket", "closed", timeout=3000)
    sheets(server, rng, revisions, 15)
    expect(phone.locator("body")).to_have_attribute("data-socket", "open", timeout=10000)
    phone.wait_for_timeout(800)
    assert block(phone) == fresh(browser, phone_url)
    assert any('"full":1' in f for f in phone_frames[len(updates) + 1:])

    # a delta that does not follow the last frame: the page asks for a full state
    answer = phone.evaluate("""async () => {
        const { applyFrame } = await import("/static/frames.js");
        return applyFrame(document, '{"e":"hot","seq":999999}\\n', { hot: 1 });
    }""")
    assert answer == "again"
