"""Correcting a roster and importing judges in a real Chromium, as an organizer does it: a roster with
a bad row and an empty contestant name is refused with the reasons shown (the import button stays
disabled); the fixed file imports; a corrected file imported again updates one entry; an entry is
edited; a scored entry is withdrawn with a reason (it leaves the public ranking and comes back when
reinstated); judges come from the blank judges' list downloaded from the console.

The server is the real command on 127.0.0.1 (``tests.e2e.servers``). Screenshots at 1440×900 go to
``$CONSOLE_SHOTS`` or the test's temporary folder (printed at the end).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, expect

from tests.e2e.servers import competition_server, post_sheet, xlsx
from tests.support import COMPETITION, half_judged

pytestmark = pytest.mark.e2e
PASSWORD = "roster e2e password"
HEAD = ["赛项", "作品编号", "作品名称", "参赛单位", "选手"]
BAD = [HEAD,
       ["热菜", "e20", "黄花焖鸡", "大同宾馆", "张师傅"],
       ["冷菜", "e21", "黄花拌木耳", "浑源饭店", "李师傅、王师傅"],  # no such event
       ["热菜", "e22", "黄花鱼片", "云冈餐厅", ""]]  # no contestant
FIXED = [HEAD, BAD[1], ["热菜", "e21", "黄花拌木耳", "浑源饭店", "李师傅、王师傅"],
         ["热菜", "e22", "黄花鱼片", "云冈餐厅", "赵师傅"]]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with competition_server(tmp_path_factory.mktemp("roster"), COMPETITION, password=PASSWORD,
                            env={"TEST_HOOKS": "1"}) as served:
        for raw in half_judged():
            post_sheet(served.base, raw)
        yield served.base


def test_correct_a_roster_and_import_judges(server: str, browser: Browser, tmp_path: Path) -> None:
    shots = Path(os.environ.get("CONSOLE_SHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 900}, accept_downloads=True)
    page = context.new_page()

    def shot(name: str, p: Page = page, full: bool = False) -> None:
        p.screenshot(path=str(shots / f"roster-{name}.png"), full_page=full)

    page.goto(server + "/console/login?next=/console/c/cup/import")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit].primary")
    expect(page.locator("h1")).to_have_text("导入参赛单位和选手")
    expect(page.locator(".columns-help")).to_contain_text("菜品名称")  # a cooking contest: its dishes' words
    shot("01-import-help")

    # a bad row and an empty name: each refused with its reason, and the button stays disabled
    page.set_input_files("input[type=file]", str(xlsx(tmp_path / "bad.xlsx", BAD)))
    page.click("button:has-text('预览')")
    expect(page.locator("#row-3.bad")).to_contain_text("没有赛项 冷菜")
    expect(page.locator("#row-4.bad")).to_contain_text("未填写选手姓名")
    expect(page.locator("#row-2")).to_contain_text("新增")
    button = page.locator("#import-button")
    expect(button).to_be_disabled()
    shot("02-preview-bad")
    page.check("input[name=skip_bad]")  # ticking "skip the bad rows" would import the one good row
    expect(button).to_be_enabled()
    expect(button).to_have_text("导入 1 行")
    page.uncheck("input[name=skip_bad]")
    expect(button).to_be_disabled()

    page.set_input_files("input[type=file]", str(xlsx(tmp_path / "fixed.xlsx", FIXED)))
    page.click("button:has-text('预览')")
    expect(page.locator("tr.bad")).to_have_count(0)
    expect(button).to_have_text("导入 3 行")
    button.click()
    expect(page.locator("#import-done")).to_contain_text("新增作品 3 件")
    shot("03-import-done")

    # the corrected file again: one title changed, the other rows unchanged
    again = [r if r[1] != "e22" else [*r[:2], "黄花熘鱼片", *r[3:]] for r in FIXED]
    page.set_input_files("input[type=file]", str(xlsx(tmp_path / "again.xlsx", again)))
    page.click("button:has-text('预览')")
    expect(page.locator("#row-4")).to_contain_text("更新：名称")
    expect(page.locator("#row-2")).to_contain_text("无变化")
    expect(button).to_have_text("导入 1 行")
    shot("04-reimport-preview")
    button.click()
    expect(page.locator("#import-done")).to_contain_text("更新 1 件")

    # the roster: edit an entry
    page.click("nav.tabs >> text=参赛名单")
    expect(page.locator("#entry-e22")).to_contain_text("黄花熘鱼片")
    shot("05-roster")
    page.locator("#entry-e20 a:has-text('编辑')").click()
    page.fill("input[name=title]", "黄花焖土鸡")
    page.fill("input[name=contestants]", "张师傅、孙师傅")
    shot("06-edit-entry")
    page.click("button:has-text('保存')")
    expect(page.locator("p.done")).to_contain_text("已保存参赛作品 e20")
    expect(page.locator("#entry-e20")).to_contain_text("黄花焖土鸡")
    expect(page.locator("#entry-e20")).to_contain_text("张师傅、孙师傅")

    # a scored entry cannot be deleted; it is withdrawn with a reason and leaves the public ranking
    public = context.new_page()
    public.goto(server + "/c/cup/e/hot")
    expect(public.locator("#standings")).to_contain_text("H-101")
    expect(page.locator("#entry-e1 button:has-text('删除')")).to_be_disabled()
    page.locator("#entry-e1 input[name=reason]").fill("选手因伤退赛")
    page.locator("#entry-e1 button:has-text('退赛')").click()
    expect(page.locator("p.done")).to_contain_text("已退赛")
    expect(page.locator("#entry-e1")).to_contain_text("原因：选手因伤退赛")
    shot("07-withdrawn")
    public.reload()
    expect(public.locator("#standings")).not_to_contain_text("H-101")
    expect(public.locator("#standings")).to_contain_text("H-102")
    page.locator("#entry-e1 button:has-text('恢复参赛')").click()
    expect(page.locator("#entry-e1 .pill-withdrawn")).to_have_count(0)
    public.reload()
    expect(public.locator("#standings")).to_contain_text("H-101")
    public.close()
    page.click("nav.tabs >> text=审计日志")
    expect(page.locator("#log")).to_contain_text("选手因伤退赛")
    expect(page.locator("#log")).to_contain_text("参赛作品退赛")
    shot("08-audit")

    # judges: the blank list downloaded, filled in, previewed and imported
    page.click("nav.tabs >> text=评委")
    with page.expect_download() as got:
        page.click("text=下载评委名单模板（XLSX）")
    blank = tmp_path / "judges.xlsx"
    got.value.save_as(blank)
    rows = [list(r) for r in load_workbook(blank).active.iter_rows(values_only=True)]
    assert rows[0] == ["评委编号", "姓名", "所属单位", "评分赛项", "裁判长赛项", "分工"]
    rows += [["J11", "周评委", "云冈餐厅", "热菜、面点", "面点"], ["J12", "吴评委", "", "烧烤", ""]]
    page.set_input_files("#judges-import input[type=file]", str(xlsx(tmp_path / "judges-filled.xlsx", rows)))
    page.click("#judges-import button:has-text('预览')")
    expect(page.locator("#row-4.bad")).to_contain_text("没有赛项 烧烤")
    shot("09-judges-preview")
    rows[-1][3] = "热菜"
    page.set_input_files("#judges-import input[type=file]", str(xlsx(tmp_path / "judges-fixed.xlsx", rows)))
    page.click("#judges-import button:has-text('预览')")
    expect(page.locator("#import-button")).to_have_text("导入 3 行")
    page.click("#import-button")
    expect(page.locator("p.done")).to_contain_text("新增 3 名")
    expect(page.locator("#judge-J11")).to_contain_text("周评委")
    expect(page.locator("#judge-J11 input[name=chief_of][value=other]")).to_be_checked()
    expect(page.locator("#judge-J01")).to_contain_text("王五")  # the example row, imported as it was
    shot("10-judges-imported")
    print(f"\nroster screenshots: {shots}")
