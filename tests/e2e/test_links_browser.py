"""Team standings set up in the console, and a competition's page followed link by link, in a real
Chromium: an organizer (1440×900) ranks the teams by their summed scores, sees the console's links
to every view, locks an event and opens its ceremony (no organizer badge for the audience); a
spectator's phone (390×844) opens the competition's page, scans nothing but follows each link:
an event's phone page, the team board, the projector.

The competition is ``tests.test_links``'s, its sheets sent through the test hook (the path a
tablet's sheet takes). Screenshots go to ``$LINKS_SHOTS`` or the test's temporary folder.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.servers import competition_server, post_sheet
from tests.test_links import LINKS, sheets

pytestmark = pytest.mark.e2e
PASSWORD = "links e2e password"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with competition_server(tmp_path_factory.mktemp("links"), LINKS, password=PASSWORD,
                            env={"TEST_HOOKS": "1"}) as served:
        for raw in sheets():
            post_sheet(served.base, raw, competition="links")
        yield served.base


def _shots(tmp_path: Path) -> Path:
    shots = Path(os.environ.get("LINKS_SHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    return shots


def _loaded(page: Page, selector: str) -> None:
    """The image has arrived and is drawn (the QR code's SVG, from our own server)."""
    page.wait_for_function("s => { const i = document.querySelector(s); return i && i.complete && i.naturalWidth > 0 }",
                           arg=selector)


def test_organizer_sets_up_team_standings_and_follows_every_link(server: str, browser: Browser,
                                                                 tmp_path: Path) -> None:
    shots = _shots(tmp_path)
    context = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.goto(server + "/console/c/links")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit].primary")
    expect(page.locator("h1")).to_have_text("工匠杯建筑")
    expect(page.locator("#view-teams")).to_contain_text("请先设置团体总分")
    _loaded(page, "#views img")
    page.screenshot(path=str(shots / "links-01-overview.png"))

    # team standings: the sum of every ranked entry, both events (hand-worked in tests.test_links)
    page.click("#view-teams a")
    expect(page.locator("h1")).to_have_text("团体总分设置")
    page.check("input[name=enabled][value='1']")
    page.check("input[name=method][value=sum]")
    page.fill("input[name=reason]", "按总分排名")
    page.click("form button.primary")
    expect(page.locator(".done")).to_have_text("已保存。")
    expect(page.locator("#team-standings tbody tr")).to_have_count(3)
    expect(page.locator("#team-standings tbody tr").first).to_contain_text("235.00")
    page.screenshot(path=str(shots / "links-02-team-standings.png"), full_page=True)

    # an event's console page: every view of it, its phone page's QR code; locking brings the ceremony
    page.goto(server + "/console/c/links/e/hot")
    expect(page.locator("#view-ceremony")).to_contain_text("锁定或发布后可用")
    page.click(".actions button[value=locked]")
    expect(page.locator("#event-state")).to_have_text("已锁定")
    _loaded(page, "#views img")
    page.screenshot(path=str(shots / "links-03-event-views.png"))
    with context.expect_page() as opened:
        page.click("#view-ceremony a")
    ceremony = opened.value
    ceremony.wait_for_load_state()
    expect(ceremony.locator("body.ceremony")).to_have_count(1)
    expect(ceremony.locator(".pj-level")).to_have_count(0)  # the audience sees no organizer badge
    ceremony.close()
    with context.expect_page() as opened:
        page.click("#view-phone a")
    phone = opened.value
    expect(phone.locator("h1")).to_have_text("热菜")
    phone.close()

    page.goto(server + "/console/new")
    expect(page.locator("#trade-construction legend")).to_have_text("建筑工种")
    page.screenshot(path=str(shots / "links-04-new-presets.png"), full_page=True)
    context.close()

    # a spectator's phone: the competition's page, then each of its links
    phone_context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True,
                                        has_touch=True, device_scale_factor=2)
    p = phone_context.new_page()
    p.goto(server + "/c/links")
    expect(p.locator("h1")).to_have_text("工匠杯建筑")
    expect(p.locator("#event-hot")).to_contain_text("已锁定")
    _loaded(p, ".page-qr img")
    p.screenshot(path=str(shots / "links-05-competition-phone.png"), full_page=True)
    p.click("#event-cold")
    expect(p.locator("h1")).to_have_text("凉菜")
    expect(p.locator("#standings")).to_contain_text("87.00")
    p.screenshot(path=str(shots / "links-06-event-phone.png"))
    p.click(".crumb a")  # back to the competition's page
    p.click("#view-teams")
    expect(p.locator("table tbody tr").first).to_contain_text("A队")
    expect(p.locator("table tbody tr").first).to_contain_text("235.00")
    p.screenshot(path=str(shots / "links-07-teams-phone.png"))
    p.click(".crumb a")
    p.click("#view-board")
    expect(p.locator("body.projector")).to_have_count(1)
    phone_context.close()
    print(f"\nlinks screenshots: {shots}")
