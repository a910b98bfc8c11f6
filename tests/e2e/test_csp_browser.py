"""Every kind of page under the Content-Security-Policy, in a real Chromium: the home page, the
event page on a phone, the projector with live updates arriving over its websocket, the team
page, every console page, the printable login cards, and a judge's tablet scoring an entry — each
loads with no policy violation and no console error, and still works.

The server is the real command (`scoreboard init`, `scoreboard admin create`, `scoreboard judges
tokens`, `scoreboard serve` with TEST_HOOKS=1) in a subprocess on 127.0.0.1. Screenshots (projector
1920×1080, phone 390×844, console 1440×900, tablet 1280×800) go to ``$CSP_SHOTS`` or a temporary
folder, printed at the end.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, expect

from tests.e2e.servers import competition_server, post_sheet
from tests.support import COMPETITION, EIGHTY, GOLDEN, sheet

pytestmark = pytest.mark.e2e
PASSWORD = "csp e2e password"
SHOTS = Path(os.environ.get("CSP_SHOTS") or tempfile.mkdtemp(prefix="csp-shots-"))
# Runs before any script of the page (Playwright injects it outside the page's policy): records
# violations, and stands in for the print dialog so a test can see the print button work.
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"}: ${e.sample}`);
});
window.print = () => { window.__printed = (window.__printed || 0) + 1; };
"""


@dataclass
class Server:
    base: str
    link: str  # judge j1's login link


@dataclass
class Watched:
    context: BrowserContext
    errors: list[str] = field(default_factory=list)

    def page(self) -> Page:
        return self.context.new_page()

    def clean(self, page: Page) -> None:
        """No violation in the page since it loaded, and no console or script error in the context."""
        assert page.evaluate("window.__violations") == [], page.url
        assert self.errors == [], page.url


def watched(browser: Browser, width: int, height: int, **options: object) -> Watched:
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": height}, **options)  # type: ignore[arg-type]
    context.add_init_script(WATCH)
    w = Watched(context)

    def console(m: ConsoleMessage) -> None:
        if m.type == "error" and not m.location["url"].endswith("/favicon.ico"):  # we serve no icon
            w.errors.append(f"console: {m.text} ({m.location['url']})")

    context.on("console", console)
    context.on("weberror", lambda e: w.errors.append(f"error: {e.error}"))
    return w


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with competition_server(tmp_path_factory.mktemp("csp"), COMPETITION, ["j6"], password=PASSWORD,
                            env={"TEST_HOOKS": "1", "ORGANIZER_KEY": "csp-organizer"}) as served:
        yield Server(served.base, served.links["j6"])
    print(f"\nCSP screenshots: {SHOTS}")


def test_projector_takes_live_updates_under_the_policy(server: Server, browser: Browser) -> None:
    w = watched(browser, 1920, 1080)
    board = w.page()
    response = board.goto(server.base + "/c/cup/board?pace=600&reveal=2")
    assert response is not None and "style-src 'self'" in response.headers["content-security-policy"]
    expect(board.locator("body")).to_have_attribute("data-socket", "open")  # a websocket to the same host
    progress = board.locator("#live-hot progress.progress")
    expect(progress).to_have_attribute("value", "0")
    board.screenshot(path=str(SHOTS / "projector-before-1920.png"))
    for s in GOLDEN:  # e1 complete: 88.83, one entry of three scored
        post_sheet(server.base, sheet("e1", s["judge"], dict(s["marks"]), deductions=s.get("deductions", [])))
    expect(board.locator("#entry-c-H-101 td.total")).to_have_text("88.83", timeout=3000)
    expect(board.locator("#live-hot progress.progress")).to_have_attribute("value", "33")
    bar = board.locator("#live-hot progress.progress").bounding_box()
    assert bar is not None and bar["width"] > 100 and bar["height"] >= 5  # 10em by .5em at the projector's size
    board.screenshot(path=str(SHOTS / "projector-live-1920.png"))
    w.clean(board)
    w.context.close()


def test_phone_event_page_and_team_page(server: Server, browser: Browser) -> None:
    w = watched(browser, 390, 844, device_scale_factor=2, is_mobile=True, has_touch=True)
    phone = w.page()
    phone.goto(server.base + "/c/cup/e/hot")
    expect(phone.locator("body")).to_have_attribute("data-socket", "open")
    for i in range(1, 6):  # e2: 80.00
        post_sheet(server.base, sheet("e2", f"j{i}", EIGHTY))
    expect(phone.locator("#entry-c-H-102 td.total")).to_have_text("80.00", timeout=3000)
    phone.screenshot(path=str(SHOTS / "phone-event-390.png"), full_page=True)
    w.clean(phone)
    phone.goto(server.base + "/c/cup/teams")
    expect(phone.locator("main")).to_contain_text("大同宾馆")
    phone.screenshot(path=str(SHOTS / "phone-teams-390.png"), full_page=True)
    w.clean(phone)
    w.context.close()


def test_home_and_every_console_page(server: Server, browser: Browser) -> None:
    w = watched(browser, 1440, 900)
    page = w.page()

    def visit(path: str, name: str, check: str) -> None:
        page.goto(server.base + path)
        expect(page.locator(check).first).to_be_visible()
        page.screenshot(path=str(SHOTS / f"console-{name}.png"))
        w.clean(page)

    visit("/", "home", "progress.progress")
    bars = page.locator("progress.progress")
    assert bars.first.evaluate("p => getComputedStyle(p).width") == "128px"  # 8rem: the bar as before
    visit("/console/", "login", "input[name=password]")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit].primary")
    expect(page.locator("h1")).to_be_visible()
    w.clean(page)
    visit("/console/", "competitions", "h1")
    visit("/console/new", "new", "input[type=file]")
    visit("/console/c/cup", "overview", "table.events progress.progress")
    visit("/console/c/cup/e/hot", "progress", "#matrix")
    page.wait_for_timeout(2500)  # the matrix polls itself through htmx
    w.clean(page)
    visit("/console/c/cup/e/hot/entry/e1", "review", ".marks")
    visit("/console/c/cup/judges", "judges", "#judge-j1")
    visit("/console/c/cup/import", "import", "input[type=file]")
    visit("/console/c/cup/labels", "labels", ".labels")
    page.click("button[data-print]")
    assert page.evaluate("window.__printed") == 1  # the print button works without inline script
    visit("/console/c/cup/e/hot/edit", "event-edit", "textarea.rubric-text")
    assert page.locator("textarea.rubric-text").evaluate("t => getComputedStyle(t).whiteSpace") == "pre"
    visit("/console/c/cup/audit", "audit", "#log")
    page.select_option("select[name=action]", "event.state")  # htmx swaps the log in place
    expect(page.locator("#log tbody tr[data-action='event.state']").first).to_be_visible()
    w.clean(page)
    visit("/console/c/cup/downloads", "downloads", "main")

    page.goto(server.base + "/console/c/cup/judges")
    with w.context.expect_page() as popup:
        page.locator("#judge-j1 button:has-text('打印登录卡')").click()
    card = popup.value
    card.wait_for_load_state()
    expect(card.locator("#card-j1")).to_contain_text("评委1")
    width = card.locator("#card-j1").evaluate("c => c.getBoundingClientRect().width")
    assert abs(width - 105 / 25.4 * 96) < 1  # 105 mm: its own inline style applied, by hash
    card.screenshot(path=str(SHOTS / "console-card.png"))
    w.clean(card)
    w.context.close()


def test_tablet_scores_under_the_policy(server: Server, browser: Browser) -> None:
    w = watched(browser, 1280, 800)
    page = w.page()
    page.goto(server.link)
    expect(page.locator("#net")).to_have_attribute("data-state", "online")  # its websocket is open
    page.locator("#entry-o1").click()
    for key, value in EIGHTY.items():
        box = page.locator(f"#crit-{key} input.value")
        box.fill(str(value))
        box.dispatch_event("change")
    page.screenshot(path=str(SHOTS / "tablet-form-1280.png"))
    page.locator("#review").click()
    page.locator("#send").click()
    expect(page.locator("#entry-o1")).to_have_attribute("data-state", "received", timeout=10_000)
    page.screenshot(path=str(SHOTS / "tablet-list-1280.png"))
    w.clean(page)
    w.context.close()
