"""What a judge types on the tablet is never lost, in a real Chromium against a real server.

- Typing into every reading box of a masonry measurement by tapping each box in turn, and into
  other criteria's boxes by Tab, keeps every value: the stored sheet holds each reading exactly as
  typed. A value typed and not yet blurred survives pressing Review.
- No form control is replaced while a judge edits, for every mark type (score stepper and box,
  judgement levels, yes/no, readings, deductions with amount and reason, the correction reason).
- The open form's boxes are kept as a draft in the tablet's storage: they survive a reload, also
  one without network, and the draft goes when the sheet is sent or discarded.
- Readings are checked on the tablet as the server will check them: plain decimals of bounded
  size, inside the plausible range the hello gives (`measure.min`, `measure.max`).
- A `server_error` answer is transient: the sheet is sent again a few times with backoff, then
  shown as not stored with the server's message, and the judge can send it again.

Where a frame of the server is changed on the way (the range in the hello, a `server_error`), the
test routes the tablet's real socket through Playwright and changes only that frame.
Screenshots of the masonry form at 1280×800 (tablet) and 390×844 (phone) go to the test's
temporary folder (printed).
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, WebSocketRoute, expect

from tests.e2e.servers import Served, competition_server, stored_sheets
from tests.support import COMPETITION

pytestmark = pytest.mark.e2e

KIT = {  # one criterion of every mark type, and every kind of deduction with an amount
    "key": "kit", "name": {"zh": "全类型", "en": "Every kind"}, "panel": 1, "aggregate_on": "criterion",
    "aggregation": {"method": "single"},
    "criteria": [
        {"key": "taste", "name": {"zh": "口味", "en": "Taste"}, "kind": "score", "max": 10, "step": 0.5},
        {"key": "finish", "name": {"zh": "完成度", "en": "Finish"}, "kind": "judgement", "max": 9},
        {"key": "clean", "name": {"zh": "整洁", "en": "Clean"}, "kind": "check", "max": 5},
        {"key": "gap", "name": {"zh": "缝隙", "en": "Gap"}, "kind": "measurement", "max": 10, "points": 3,
         "unit": "mm", "bands": [{"within": 1, "pct": 100}]},
    ],
    "deductions": [
        {"key": "overtime", "name": {"zh": "超时", "en": "Overtime"}, "kind": "per_minute", "value": 1, "dq_after": 10},
        {"key": "ppe", "name": {"zh": "防护违规", "en": "PPE breach"}, "kind": "per_occurrence", "value": 1, "cap": 5},
        {"key": "mess", "name": {"zh": "脏乱", "en": "Mess"}, "kind": "fixed", "value": 2},
    ],
}

CUP: dict[str, Any] = {
    "competition": COMPETITION["competition"],
    "events": [{"key": "wall", "name": {"zh": "砌筑", "en": "Masonry"}, "rubric": "masonry"},
               {"key": "kit", "name": {"zh": "全类型", "en": "Every kind"}, "rubric": KIT}],
    "teams": COMPETITION["teams"],
    "entries": [*({"key": f"w{i}", "event": "wall", "team": "t1", "title": f"清水墙{i}"} for i in range(1, 7)),
                {"key": "k1", "event": "kit", "team": "t2", "title": "样品"}],
    "judges": [{"key": "j1", "name": "王建国", "events": ["wall", "kit"], "roles": {"wall": ["measuring"]}}],
}

# The masonry readings as a judge types them (canonical decimals, so "as typed" is also "as stored").
DIMENSIONS = ["1.5", "-2", "3", "0.25", "-0.5", "4"]  # tapped box by box
BY_TAB = {"level": ["0.5", "1", "1.5", "2", "0", "3"], "plumb": ["0", "0", "1", "1", "2", "2"],
          "flatness": ["1", "2", "3", "5"], "gauge": ["10", "11", "9", "12", "13", "10", "8", "10", "11", "10.75"]}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with competition_server(tmp_path_factory.mktemp("typing"), CUP, ["j1"]) as served:
        yield served


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    ctx = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
    yield ctx
    ctx.close()


def signed_in(context: BrowserContext, server: Served, route: Callable[[WebSocketRoute], None] | None = None,
              ) -> Page:
    page = context.new_page()
    if route:
        page.route_web_socket("**/ws/judge", route)
    page.goto(server.links["j1"])
    expect(page.locator("#net")).to_have_attribute("data-state", "online")
    return page


def readings(page: Page, criterion: str) -> list[str]:
    return page.locator(f"#crit-{criterion} input.value").evaluate_all("(boxes) => boxes.map((b) => b.value)")


def sheets_of(server: Served, entry: str) -> list[tuple[str, int, dict[str, Any], list[dict[str, Any]]]]:
    return [(uid, rev, json.loads(marks), json.loads(deds))
            for uid, e, rev, marks, deds in stored_sheets(server.db, "j1") if e == entry]


def test_every_reading_typed_by_tap_or_tab_is_stored_as_typed(server: Served, context: BrowserContext,
                                                              tmp_path: Path) -> None:
    page = signed_in(context, server)
    page.locator("#entry-w1").click()
    for i, value in enumerate(DIMENSIONS):  # tap each box in turn and type: no Tab, no blur before the next tap
        page.locator("#crit-dimensions input.value").nth(i).click()
        page.keyboard.type(value)
    assert readings(page, "dimensions") == DIMENSIONS
    page.locator("#crit-level input.value").first.click()
    for n, key in enumerate(BY_TAB):  # the next 26 boxes, across four criteria, by Tab alone
        for i, value in enumerate(BY_TAB[key]):
            if n or i:
                page.keyboard.press("Tab")
            page.keyboard.type(value)
    for key, values in BY_TAB.items():
        assert readings(page, key) == values
    for key, level in (("joints", 2), ("cuts", 3), ("bond", 1), ("safety", 0)):
        page.locator(f"#crit-{key} button.level").nth(level).click()
    page.locator("#ded-ppe button").click()
    page.locator("#ded-ppe input[type=number]").click()
    page.keyboard.type("2")
    page.keyboard.press("Tab")
    page.keyboard.type("未戴安全帽")
    assert readings(page, "dimensions") == DIMENSIONS  # nothing redrawn under the judge's fingers
    for name, width, height in (("tablet", 1280, 800), ("phone", 390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(tmp_path / f"masonry-{name}.png"))
        page.screenshot(path=str(tmp_path / f"masonry-{name}-all.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing to scroll sideways
    page.set_viewport_size({"width": 1280, "height": 800})

    page.locator("#crit-gauge input.value").last.click()  # retype the last reading, and press Review at once
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("10.5")
    page.locator("#review").click()
    expect(page.locator("#confirm")).to_contain_text("1.5 / -2 / 3 / 0.25 / -0.5 / 4 mm")
    expect(page.locator("#confirm")).to_contain_text("10 / 11 / 9 / 12 / 13 / 10 / 8 / 10 / 11 / 10.5 mm")
    page.locator("#send").click()
    expect(page.locator("#entry-w1")).to_have_attribute("data-state", "received")

    [(_uid, revision, marks, deductions)] = sheets_of(server, "w1")
    assert revision == 1
    assert marks == {"dimensions": DIMENSIONS, **{k: v for k, v in BY_TAB.items() if k != "gauge"},
                     "gauge": [*BY_TAB["gauge"][:-1], "10.5"], "joints": "2", "cuts": "3", "bond": "1", "safety": "0"}
    assert deductions == [{"key": "ppe", "amount": "2", "reason": "未戴安全帽"}]
    print(f"\nscreenshots: {tmp_path}")


WATCH_REPLACED = """() => {  // every form control taken out of the form from now on
  window.replaced = [];
  new MutationObserver((changes) => {
    for (const change of changes) for (const node of change.removedNodes) {
      if (node.nodeType !== 1 || node.closest?.("#confirm") || node.id === "confirm") continue;
      const kinds = "input, button, textarea, select";
      const controls = node.matches(kinds) ? [node] : [...node.querySelectorAll(kinds)];
      window.replaced.push(...controls.map((c) => c.outerHTML.slice(0, 120)));
    }
  }).observe(document.getElementById("form"), { childList: true, subtree: true });
}"""


def test_no_control_is_replaced_while_a_judge_edits_any_mark_type(server: Served,
                                                                  context: BrowserContext) -> None:
    page = signed_in(context, server)
    page.locator("#entry-k1").click()
    page.evaluate(WATCH_REPLACED)
    taste = page.locator("#crit-taste")
    taste.locator("button.plus").click()  # the stepper: empty → 0 → 0.5 → back to 0
    taste.locator("button.plus").click()
    taste.locator("button.minus").click()
    expect(taste.locator("input.value")).to_have_value("0")
    taste.locator("input.value").click()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("7.25")
    page.keyboard.press("Tab")  # left the box: its problem shows, the text stays
    expect(taste.locator(".hint")).to_have_text("7.25 不符合步长 0.5")
    expect(taste.locator("input.value")).to_have_class("value bad")
    expect(page.locator("#review")).to_be_disabled()
    taste.locator("input.value").click()
    page.keyboard.press("End")
    page.keyboard.press("Backspace")
    page.keyboard.press("Backspace")
    page.keyboard.type("5")
    expect(taste.locator(".hint")).to_have_text("0–10 · 0.5")  # right again as soon as it is typed
    expect(taste.locator("input.value")).to_have_value("7.5")
    levels = page.locator("#crit-finish button.level")
    for n in (2, 3, 3, 2):  # pick 2, change to 3, take 3 back, pick 2
        levels.nth(n).click()
    expect(levels.nth(2)).to_have_attribute("aria-pressed", "true")
    assert levels.evaluate_all("(bs) => bs.map((b) => b.getAttribute('aria-pressed'))") == ["false", "false", "true",
                                                                                            "false"]
    page.locator("#crit-clean button", has_text="是").click()
    page.locator("#crit-clean button", has_text="否").click()
    expect(page.locator("#crit-clean button", has_text="否")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#crit-clean button", has_text="是")).to_have_attribute("aria-pressed", "false")
    for i, value in enumerate(["0.5", "-0.25", "1"]):
        page.locator("#crit-gap input.value").nth(i).click()
        page.keyboard.type(value)
    page.locator("#ded-overtime button").click()
    page.locator("#ded-overtime input[type=number]").click()
    page.keyboard.type("3")
    page.keyboard.press("Tab")
    page.keyboard.type("超时3分钟")
    expect(page.locator("#ded-overtime .took")).to_have_text("−3")
    page.locator("#ded-overtime button").click()  # off and on again: the amount and the reason are kept
    expect(page.locator("#ded-overtime input.reason")).to_be_hidden()
    page.locator("#ded-overtime button").click()
    expect(page.locator("#ded-overtime input[type=number]")).to_have_value("3")
    expect(page.locator("#ded-overtime input.reason")).to_have_value("超时3分钟")
    page.locator("#ded-ppe button").click()
    page.locator("#ded-ppe input[type=number]").click()
    page.keyboard.type("2")
    page.locator("#ded-mess button").click()
    # 7.5 + 9 × 2/3 + 0 (no) + 10 (the gap's readings 0.5, −0.25, 1 are all within 1 mm of 0: 100 %)
    # − 3 − 2 − 2 = 16.5
    expect(page.locator("#subtotal")).to_have_text("16.5")
    assert readings(page, "gap") == ["0.5", "-0.25", "1"]
    assert page.evaluate("window.replaced") == []
    page.locator("#review").click()
    page.locator("#send").click()
    expect(page.locator("#entry-k1")).to_have_attribute("data-state", "received")

    page.locator("#entry-k1").click()  # a correction: revision 2, with its reason box
    page.evaluate(WATCH_REPLACED)
    expect(page.locator("#review")).to_be_disabled()  # a correction needs a reason
    page.locator("#crit-taste button.plus").click()
    page.locator("#correction-reason").click()
    page.keyboard.type("口味复核")
    page.locator("#crit-gap input.value").nth(1).click()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("0.75")
    expect(page.locator("#correction-reason")).to_have_value("口味复核")
    assert page.evaluate("window.replaced") == []
    page.locator("#review").click()
    page.locator("#send").click()
    expect(page.locator("#list")).to_be_visible()  # the sheet is in the outbox: the tile waits for its ack
    expect(page.locator("#entry-k1")).to_have_attribute("data-state", "received")
    expect(page.locator("#queue")).to_have_attribute("data-count", "0")

    [first, second] = sheets_of(server, "k1")
    deductions = [{"key": "overtime", "amount": "3", "reason": "超时3分钟"},
                  {"key": "ppe", "amount": "2", "reason": ""},
                  {"key": "mess", "amount": "0", "reason": ""}]  # a fixed deduction is stored with no amount
    assert first[1:] == (1, {"taste": "7.5", "finish": "2", "clean": False, "gap": ["0.5", "-0.25", "1"]}, deductions)
    assert second[1:] == (2, {"taste": "8", "finish": "2", "clean": False, "gap": ["0.5", "0.75", "1"]}, deductions)


def test_a_draft_survives_a_reload_and_an_offline_reload_and_goes_when_sent(server: Served,
                                                                          context: BrowserContext) -> None:
    page = signed_in(context, server)
    page.evaluate("navigator.serviceWorker.ready")  # the app is kept for a reload without network
    page.locator("#entry-w2").click()
    for i, value in enumerate(["1", "2", "3", "1e5"]):  # four of six readings, the last one refused
        page.locator("#crit-dimensions input.value").nth(i).click()
        page.keyboard.type(value)
    page.locator("#crit-joints button.level").nth(1).click()
    page.locator("#ded-ppe button").click()
    page.locator("#ded-ppe input[type=number]").fill("1")
    page.locator("#ded-ppe input.reason").fill("手套")
    expect(page.locator("#crit-dimensions .hint")).to_have_text("读数 4: 1e5 不是数字")
    expect(page.locator("#review")).to_be_disabled()
    expect(page.locator("#fix")).to_have_text("请更正或清空标红的输入框。")
    expect(page.locator("#form")).to_have_attribute("data-draft", "saved")

    def kept() -> None:
        page.locator("#entry-w2").click()
        expect(page.locator("#draft-note")).to_be_visible()
        assert readings(page, "dimensions") == ["1", "2", "3", "1e5", "", ""]
        expect(page.locator("#crit-dimensions input.value").nth(3)).to_have_class("value bad")
        expect(page.locator("#crit-dimensions .hint")).to_have_text("读数 4: 1e5 不是数字")
        expect(page.locator("#crit-joints button.level").nth(1)).to_have_attribute("aria-pressed", "true")
        expect(page.locator("#ded-ppe button")).to_have_attribute("aria-pressed", "true")
        expect(page.locator("#ded-ppe input[type=number]")).to_have_value("1")
        expect(page.locator("#ded-ppe input.reason")).to_have_value("手套")

    page.reload()
    expect(page.locator("#entry-w2 .draft")).to_have_text("草稿，未发送")
    expect(page.locator("#entry-w1 .draft")).to_have_count(0)
    kept()
    context.set_offline(True)
    page.reload()  # no network: the service worker's copy of the app, the draft from IndexedDB
    expect(page.locator("#net")).to_have_attribute("data-state", "offline")
    kept()

    page.locator("#crit-dimensions input.value").nth(3).click()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("4")
    expect(page.locator("#crit-dimensions input.value").nth(3)).to_have_class("value")
    expect(page.locator("#fix")).to_have_text("以下评分项的读数须全部填写或全部留空：A 总体尺寸。")
    expect(page.locator("#review")).to_be_disabled()  # two readings are still empty
    page.keyboard.press("Tab")
    page.keyboard.type("5")
    page.keyboard.press("Tab")
    page.keyboard.type("-6.5")
    expect(page.locator("#fix")).to_be_hidden()
    page.locator("#review").click()
    page.locator("#send").click()
    expect(page.locator("#entry-w2")).to_have_attribute("data-state", "waiting")
    expect(page.locator("#entry-w2 .draft")).to_have_count(0)  # the outbox holds the marks now
    context.set_offline(False)
    expect(page.locator("#entry-w2")).to_have_attribute("data-state", "received", timeout=20_000)
    page.reload()
    expect(page.locator("#entry-w2")).to_have_attribute("data-state", "received")
    expect(page.locator("#entry-w2 .draft")).to_have_count(0)
    [(_uid, revision, marks, deductions)] = sheets_of(server, "w2")
    assert (revision, marks) == (1, {"dimensions": ["1", "2", "3", "4", "5", "-6.5"], "joints": "1"})
    assert deductions == [{"key": "ppe", "amount": "1", "reason": "手套"}]

    page.locator("#entry-w3").click()  # a draft the judge throws away
    page.locator("#crit-dimensions input.value").first.click()
    page.keyboard.type("66")
    expect(page.locator("#form")).to_have_attribute("data-draft", "saved")
    page.locator("button.back").click()
    expect(page.locator("#entry-w3 .draft")).to_be_visible()
    page.locator("#entry-w3").click()
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#draft-note button").click()
    expect(page.locator("#crit-dimensions input.value").first).to_have_value("")
    expect(page.locator("#draft-note")).to_have_count(0)
    page.reload()
    expect(page.locator("#entry-w3")).to_have_attribute("data-state", "todo")
    expect(page.locator("#entry-w3 .draft")).to_have_count(0)


def with_range(ws: WebSocketRoute) -> None:
    """The server's frames, with a plausible range of −1000 to 1000 on every measurement criterion."""
    server = ws.connect_to_server()

    def to_page(message: str | bytes) -> None:
        frame = json.loads(message)
        if frame.get("type") == "hello":
            for event in frame["events"]:
                for c in event["rubric"]["criteria"]:
                    if c["measure"]:
                        c["measure"].update({"min": "-1000", "max": "1000"})
            message = json.dumps(frame)
        ws.send(message)

    server.on_message(to_page)


def test_readings_are_checked_as_the_server_will_and_keep_their_text(server: Served,
                                                                     context: BrowserContext) -> None:
    page = signed_in(context, server, with_range)
    page.locator("#entry-w4").click()
    hint = page.locator("#crit-dimensions .hint")
    first = page.locator("#crit-dimensions input.value").first
    expect(hint).to_have_text("读数范围 -1000 至 1000 mm")
    for typed, problem in (("1500", "1500 超出 -1000–1000 的范围"), ("-1000.5", "-1000.5 超出 -1000–1000 的范围"),
                           ("1e5", "1e5 不是数字"), ("0x10", "0x10 不是数字"), ("1.2.3", "1.2.3 不是数字"),
                           ("1234567890123", "1234567890123 位数过多：整数部分最多12位，小数部分最多12位"),
                           ("0.0000000000001", "0.0000000000001 位数过多：整数部分最多12位，小数部分最多12位")):
        first.click()
        page.keyboard.press("ControlOrMeta+a")
        page.keyboard.type(typed)
        page.keyboard.press("Tab")
        expect(hint).to_have_text(f"读数 1: {problem}")
        expect(first).to_have_value(typed)  # the text stays for the judge to fix
        expect(first).to_have_class("value bad")
        expect(page.locator("#review")).to_be_disabled()
    for typed in ("-1000", "1000", "0.000000000001", "-0", "+12,5"):
        first.click()
        page.keyboard.press("ControlOrMeta+a")
        page.keyboard.type(typed)
        expect(hint).to_have_text("读数范围 -1000 至 1000 mm")
        expect(first).to_have_class("value")


def flaky(fail: dict[str, int], submits: list[tuple[float, str, str]]) -> Callable[[WebSocketRoute], None]:
    """The tablet's socket, where the first `fail[entry]` submits of an entry are answered `server_error`."""

    def route(ws: WebSocketRoute) -> None:
        server = ws.connect_to_server()

        def from_page(message: str | bytes) -> None:
            frame = json.loads(message)
            if frame.get("type") == "submit":
                sheet = frame["sheet"]
                submits.append((time.monotonic(), sheet["entry"], sheet["id"]))
                if fail.get(sheet["entry"], 0) > 0:
                    fail[sheet["entry"]] -= 1
                    text = "服务器未能保存评分表，将重新发送"
                    ws.send(json.dumps({"v": 1, "type": "error", "code": "server_error", "message": text,
                                        "id": sheet["id"], "problems": [{"code": "server_error", "message": text}]}))
                    return
            server.send(message)

        ws.on_message(from_page)

    return route


def test_a_server_error_is_sent_again_a_few_times_then_shown(server: Served, context: BrowserContext) -> None:
    fail = {"w5": 2, "w6": 4}
    submits: list[tuple[float, str, str]] = []
    page = signed_in(context, server, flaky(fail, submits))
    for entry in ("w5", "w6"):
        page.locator(f"#entry-{entry}").click()
        page.locator("#crit-joints button.level").nth(2).click()
        page.locator("#review").click()
        page.locator("#send").click()
    expect(page.locator("#entry-w5 .detail")).to_have_text("服务器未能保存，正在重新发送")
    expect(page.locator("#entry-w5")).to_have_attribute("data-state", "received", timeout=15_000)
    expect(page.locator("#entry-w6")).to_have_attribute("data-state", "error", timeout=15_000)
    expect(page.locator("#entry-w6 .detail")).to_have_text("服务器未能保存评分表，将重新发送")
    expect(page.locator("#queue")).to_have_attribute("data-count", "0")

    for entry, tries in (("w5", 3), ("w6", 4)):  # one id, sent again after 1, 2 (and 4) s
        times = [t for t, e, _id in submits if e == entry]
        assert len(times) == tries and len({i for _t, e, i in submits if e == entry}) == 1
        gaps = [b - a for a, b in itertools.pairwise(times)]
        assert all(gap >= 0.9 * 2**n for n, gap in enumerate(gaps)), gaps
    assert len(sheets_of(server, "w5")) == 1 and sheets_of(server, "w6") == []

    page.locator("#entry-w6").click()  # the judge sends it again
    expect(page.locator(".error-note")).to_contain_text("服务器未能保存评分表，将重新发送")
    expect(page.locator("#crit-joints button.level").nth(2)).to_have_attribute("aria-pressed", "true")
    page.locator("#review").click()
    page.locator("#send").click()
    expect(page.locator("#entry-w6")).to_have_attribute("data-state", "received")
    [(_uid, revision, marks, _deds)] = sheets_of(server, "w6")
    assert (revision, marks) == (1, {"joints": "2"})
