"""Locking an event with entries short of judges, through the service and the console, and the
暂定 / 待复核 marks on the public pages.

The "half judged" competition of ``tests.support`` (hot dishes: five judges, ``panel_min`` 4 in the
preset): e1 has all five sheets (88.83), e2 five (80.00), e3 two (no total yet).
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from bs4 import BeautifulSoup
from sqlalchemy import Engine

from scoreboard.changes import EventChanged
from scoreboard.errors import UserError
from scoreboard.store.engine import session
from scoreboard.store.events import event_state
from tests.support import EIGHTY, sheet
from tests.test_console import Client, audited, post, sign_in
from tests.test_console import client as console_client
from tests.test_console import engine as console_engine

engine = pytest.fixture(console_engine.__wrapped__, name="engine")  # test_console's competition and accounts
client = pytest.fixture(console_client.__wrapped__, name="client")  # ... with the half-judged sheets

ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
LOW = {**EIGHTY, "taste": 10, "texture": 5}  # a judge's total of 51 where the others gave 80


async def submit(state: dict[str, Any], judge: str, marks: dict[str, object], entry: str = "e3") -> None:
    await state["service"].submit("cup", judge, sheet(entry, judge, marks))


async def judged(state: dict[str, Any], entry: str, judges: int) -> None:
    """Once the standings book has heard of ``judges`` sheets of ``entry`` (it follows the bus)."""
    for _ in range(200):
        _event, _state, standings = state["book"].standings("cup", "hot")
        if next(s for s in standings if s.entry.key == entry).result.judges == judges:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"the book never heard of {judges} sheets of {entry}")


def hot_state(engine: Engine) -> str:
    with session(engine) as s:
        return event_state(s, "cup", "hot")


async def test_the_lock_waits_until_the_entry_is_accepted_with_a_reason(client: Client, engine: Engine) -> None:
    _http, state = client
    events, entries = state["events"], state["entries"]
    # e3 with two of five judges: the lock is refused, whatever the reason, and e3 cannot be accepted (2 < 4)
    try:
        await events.set_state("cup", "hot", "locked", "organizer:admin", "time is up")
        raise AssertionError("locked with an incomplete entry")
    except UserError as e:
        assert e.code == "entries_incomplete" and e.problems[0].params["entries"] == "H-103"
    try:
        await entries.accept("cup", "e3", True, "organizer:admin", "j5 sat out")
        raise AssertionError("accepted with two judges")
    except UserError as e:
        assert e.code == "panel_short"
    # two more judges: four of five, the preset's minimum: accepted with a reason, logged
    await submit(state, "j3", EIGHTY)
    await submit(state, "j4", EIGHTY)
    await judged(state, "e3", 4)
    await entries.accept("cup", "e3", True, "organizer:admin", "j5 sat out: own team")
    assert [(a.subject, a.reason, a.detail["judges"], a.detail["panel"]) for a in audited(engine, "entry.accepted")] \
        == [("entry:e3", "j5 sat out: own team", 4, 5)]
    state["book"].apply(EventChanged("cup", "hot"))  # as the app does when the change comes back on the bus
    _event, _state, standings = state["book"].standings("cup", "hot")
    e3 = next(s for s in standings if s.entry.key == "e3")
    assert (str(e3.result.state), e3.result.shown, e3.rank) == ("complete", 80, 2)
    await events.set_state("cup", "hot", "locked", "organizer:admin", "")
    assert hot_state(engine) == "locked"
    try:  # the results are fixed now: the acceptance stays
        await entries.accept("cup", "e3", False, "organizer:admin", "a mistake")
        raise AssertionError("acceptance withdrawn from a locked event")
    except UserError as e:
        assert e.code == "event_fixed"


def _decide(html: str) -> list[list[str]]:
    soup = BeautifulSoup(html, "html.parser")
    return [[td.get_text(" ", strip=True) for td in tr.select("td")[:3]] for tr in soup.select("#decide tbody tr")]


async def test_the_console_asks_for_a_decision_and_logs_it_in_words(client: Client, engine: Engine) -> None:
    http, state = client
    csrf = await sign_in(http)
    await submit(state, "j3", EIGHTY)
    await judged(state, "e3", 3)
    refused = await http.post("/console/c/cup/e/hot/state", data={"csrf": csrf, "to": "locked", "reason": ""},
                              headers=ZH)
    assert refused.status_code == 422
    soup = BeautifulSoup(refused.text, "html.parser")
    assert "H-103" in soup.select_one(".problems").get_text() and "锁定前" in soup.select_one(".problems").get_text()
    assert _decide(refused.text) == [["H-103 黄花饺子", "3 / 5", "80.00 暂定"]]  # 3 of 5 judges: it must wait
    assert not soup.select("#decide-e3 form") and "至少需要 4 名" in soup.select_one("#decide-e3").get_text()
    await submit(state, "j4", EIGHTY)
    await judged(state, "e3", 4)
    page = await post(http, "/console/c/cup/e/hot/state", csrf, to="locked", reason="")
    assert page.status_code == 422
    form = BeautifulSoup(page.text, "html.parser").select_one("#decide-e3 form")
    assert form is not None and str(form["action"]).endswith("/console/c/cup/e/hot/entry/e3/accept")
    no_reason = await post(http, "/console/c/cup/e/hot/entry/e3/accept", csrf, accept="1", reason=" ")
    assert no_reason.status_code == 422 and not audited(engine, "entry.accepted")
    done = await http.post("/console/c/cup/e/hot/entry/e3/accept", headers=ZH,
                           data={"csrf": csrf, "accept": "1", "reason": "5号评委回避本队作品"})
    assert done.status_code == 200
    soup = BeautifulSoup(done.text, "html.parser")
    assert "H-103" in soup.select_one("#accepted-e3").get_text() and not soup.select("#decide tbody tr")
    assert (await post(http, "/console/c/cup/e/hot/state", csrf, to="locked", reason="")).status_code == 200
    log = BeautifulSoup((await http.get("/console/c/cup/audit?action=entry.accepted", headers=ZH)).text,
                        "html.parser")
    [row] = log.select("#log tbody tr")
    text = row.get_text(" ", strip=True)
    assert "认定作品评分（评委不足）" in text and "5 名评委中有 4 名评分。" in text and "5号评委回避本队作品" in text


async def test_a_chief_judge_sees_the_entries_but_an_organizer_decides(client: Client) -> None:
    http, _state = client
    csrf = await sign_in(http, "chief-hot")
    page = await post(http, "/console/c/cup/e/hot/state", csrf, to="locked", reason="")
    assert page.status_code == 422 and not BeautifulSoup(page.text, "html.parser").select("#decide form")
    assert (await post(http, "/console/c/cup/e/hot/entry/e3/accept", csrf, accept="1", reason="x")).status_code == 403


async def shown(http: httpx.AsyncClient, url: str, headers: dict[str, str], wanted: str) -> str:
    """The page once it shows ``wanted`` (a sheet reaches the public pages after the bus has
    carried it); the last one seen if it never does."""
    for _ in range(200):
        page = (await http.get(url, headers=headers)).text
        if wanted in page:
            break
        await asyncio.sleep(0.02)
    return page


def _row(html: str, code: str) -> tuple[str, str]:
    soup = BeautifulSoup(html, "html.parser")
    row = soup.select_one(f"#standings tr#entry-c-{code}")
    assert row is not None
    mark = row.select_one(".total .mark")
    return row.select_one(".total").get_text(" ", strip=True), mark.get_text() if mark else ""


async def test_public_pages_mark_a_provisional_and_a_flagged_total(client: Client) -> None:
    http, state = client
    await submit(state, "j3", EIGHTY)  # e3: three of five judges, trimmed mean 80: provisional
    page = await shown(http, "/c/cup/e/hot", ZH, "暂定</span>")
    assert _row(page, "H-103") == ("80.00 暂定", "暂定")
    assert _row(page, "H-101") == ("88.83", "")  # complete: no mark
    phone = (await http.get("/c/cup/e/hot", headers={**ZH, "User-Agent": "Mobile"})).text
    assert _row(phone, "H-103")[1] == "暂定"  # the phone hides the state column, never the mark
    board = (await http.get("/c/cup/board?event=hot", headers=ZH)).text
    assert "暂定" in BeautifulSoup(board, "html.parser").select_one("#entry-c-H-103 .total .mark").get_text()
    await submit(state, "j4", LOW)  # 80, 80, 80, 51: more than 20 apart, flagged for the chief judge
    page = await shown(http, "/c/cup/e/hot", ZH, "待复核</span>")
    assert _row(page, "H-103") == ("80.00 待复核", "待复核")
    english = (await http.get("/c/cup/e/hot", headers={"Accept-Language": "en"})).text
    assert _row(english, "H-103")[1] == "under review"


async def test_the_team_board_marks_a_score_with_an_entry_to_come(client: Client) -> None:
    http, _state = client
    page = BeautifulSoup((await http.get("/c/cup/teams", headers=ZH)).text, "html.parser")
    marks = [m.get_text() for m in page.select("table tbody .total .mark")]
    assert all(m == "暂定" for m in marks)
