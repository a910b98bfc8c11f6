"""The organizer console in a real Chromium: sign in; import a spreadsheet with one bad row
(the row named, the import button disabled), fix it, import; assign a judge and print their card; watch a judge's
sheet appear in the progress matrix; review an entry; lock; publish — and the public page shows
the names.

The server is the real command (`scoreboard init`, `scoreboard admin create --password-stdin`,
`scoreboard serve` with TEST_HOOKS=1, whose sheet hook goes through SheetService as a tablet's
sheet does) in a subprocess on 127.0.0.1. Screenshots of each page at 1440×900 go to
``$CONSOLE_SHOTS`` or the test's temporary folder (printed at the end).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.servers import competition_server, post_sheet, xlsx
from tests.support import COMPETITION, EIGHTY, half_judged, rest_of_hot, sheet

pytestmark = pytest.mark.e2e
PASSWORD = "console e2e password"
ROWS = [["赛项", "作品编号", "作品名称", "参赛单位", "选手"],
        ["热菜", "e20", "黄花焖鸡", "大同宾馆", "张师傅"],
        ["冷菜", "e21", "黄花拌木耳", "浑源饭店", "李师傅、王师傅"],
        ["热菜", "e22", "黄花鱼片", "云冈餐厅", "赵师傅"]]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with competition_server(tmp_path_factory.mktemp("console"), COMPETITION, password=PASSWORD,
                            env={"TEST_HOOKS": "1"}) as served:
        for raw in half_judged():
            post_sheet(served.base, raw)
        yield served.base


def test_organizer_flow(server: str, browser: Browser, tmp_path: Path) -> None:
    shots = Path(os.environ.get("CONSOLE_SHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 900})
    page = context.new_page()

    def shot(name: str, p: Page = page) -> None:
        p.screenshot(path=str(shots / f"console-{name}.png"), full_page=False)

    page.goto(server + "/console/c/cup")
    assert "/console/login" in page.url
    shot("01-login")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit].primary")
    expect(page.locator("h1")).to_have_text("工匠杯测试")
    shot("02-overview")

    # import: one bad row is refused and named; the fixed file imports
    page.click("nav.tabs >> text=导入选手")
    page.set_input_files("input[type=file]", str(xlsx(tmp_path / "roster.xlsx", ROWS)))
    page.click("button:has-text('预览')")
    expect(page.locator("#row-3.bad")).to_contain_text("冷菜")
    shot("03-import-preview-bad")
    expect(page.locator("#preview button.primary")).to_be_disabled()  # nothing is imported while a row is bad
    fixed = [r if r[1] != "e21" else ["热菜", *r[1:]] for r in ROWS]
    page.set_input_files("input[type=file]", str(xlsx(tmp_path / "roster-fixed.xlsx", fixed)))
    page.click("button:has-text('预览')")
    expect(page.locator("tr.bad")).to_have_count(0)
    page.click("#preview button.primary")
    expect(page.locator("#import-done")).to_contain_text("3")
    shot("04-import-done")
    page.click("nav.tabs >> text=盲评编号")
    expect(page.locator(".label")).to_have_count(6)
    shot("05-labels")

    # a judge: created, assigned to hot, their card printed
    page.click("nav.tabs >> text=评委")
    form = page.locator("form.grid-form")
    form.locator("input[name=key]").fill("j9")
    form.locator("input[name=name]").fill("刘评委")
    form.locator("select[name=team]").select_option("t2")
    form.locator("input[name=events][value=hot]").check()
    form.locator("button[type=submit]").click()
    expect(page.locator("#judge-j9")).to_contain_text("刘评委")
    expect(page.locator("#judge-j9 input[name=events][value=hot]")).to_be_checked()
    shot("06-judges")
    with context.expect_page() as popup:
        page.locator("#judge-j9 button:has-text('打印登录卡')").click()
    card = popup.value
    card.wait_for_load_state()
    expect(card.locator("body")).to_contain_text("刘评委")
    shot("07-card", card)
    card.close()

    # the progress matrix: a judge's sheet appears by itself
    page.goto(server + "/console/c/cup/e/hot")
    cell = page.locator("#entry-e3 .cell").nth(2)
    expect(cell).to_have_attribute("data-status", "missing")
    shot("08-progress")
    post_sheet(server, {"id": "e3-j3", "entry": "e3", "judge": "j3", "marks": EIGHTY})
    expect(cell).to_have_attribute("data-status", "received", timeout=10_000)
    shot("09-progress-after-sheet")

    # review an entry; the last sheets come (locking waits for every entry: test_provisional_browser); lock, publish
    for raw in [*rest_of_hot()[1:], *(sheet(e, f"j{j}", EIGHTY) for e in ("e20", "e21", "e22") for j in range(1, 6))]:
        post_sheet(server, raw)
    page.click("#entry-e1 a")
    expect(page.locator(".marks tr.totals.final")).to_contain_text("88.83")
    shot("10-review")
    page.goto(server + "/console/c/cup/e/hot")
    page.fill(".actions input[name=reason]", "评分结束")
    page.click(".actions button[value=locked]")
    expect(page.locator("#event-state")).to_have_text("已锁定")
    expect(page.locator("#entry-e1 .cell").first).to_have_attribute("data-status", "locked")
    page.click(".actions button[value=published]")
    expect(page.locator("#event-state")).to_have_text("已发布")
    shot("11-published")
    public = context.new_page()
    public.goto(server + "/c/cup/e/hot")
    expect(public.locator("#standings")).to_contain_text("黄花炒肉丝")
    public.close()

    page.click("nav.tabs >> text=审计日志")
    expect(page.locator("#log tbody tr").first).to_be_visible()
    page.select_option("select[name=action]", "event.state")
    expect(page.locator("#log tbody tr[data-action='sheet.recorded']")).to_have_count(0)
    expect(page.locator("#log tbody tr[data-action='event.state']").first).to_be_visible()
    shot("12-audit")
    page.click("nav.tabs >> text=下载")
    shot("13-downloads")
    page.goto(server + "/console/")
    shot("14-home")
    print(f"\nconsole screenshots: {shots}")
