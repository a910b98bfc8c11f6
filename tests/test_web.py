"""Public pages, in-process: what a spectator sees of a half-judged competition, in both languages,
and what they must never see (a blind event's entrants, judges, scores the organizer keeps back)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from bs4 import BeautifulSoup
from sqlalchemy import Engine
from sqlmodel import select

from scoreboard.app import create_app
from scoreboard.changes import CompetitionChanged
from scoreboard.settings import Settings
from scoreboard.store.engine import make_engine, migrate, session
from scoreboard.store.events import set_event_state
from tests.support import half_judged, running, seed

ZH = {"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"}
EN = {"Accept-Language": "en-US,en;q=0.8"}


@pytest.fixture
def db(tmp_path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path / 'web.db'}")
    migrate(engine)
    seed(engine)
    return engine


@pytest.fixture
async def client(db: Engine) -> AsyncIterator[tuple[httpx.AsyncClient, dict[str, Any]]]:
    app = create_app(Settings.from_env(env_file=None, database_url="sqlite://"), engine=db)
    async with running(app) as (client, state):
        for raw in half_judged():
            await state["service"].submit("cup", str(raw["judge"]), raw)
        yield client, state


def rows(page: str) -> list[list[str]]:
    soup = BeautifulSoup(page, "html.parser")
    return [[td.get_text(" ", strip=True) for td in tr.select("td")] for tr in soup.select("#standings tbody tr")]


async def test_event_page_ranks_the_half_judged_event(client: tuple[httpx.AsyncClient, Any]) -> None:
    http, _state = client
    page = await http.get("/c/cup/e/hot", headers=ZH)
    assert page.status_code == 200
    # Quotas count the field, all 3 entered: 10 % → round(0.3) = 0 places, 30 % → round(0.9) = 1, 60 % →
    # round(1.8) = 2. e1: 88.83 silver (≥ 80) and 二等奖; e2: 80.00 silver and 三等奖; e3: two judges of
    # five, too few to trim: no total, no rank.
    assert rows(page.text) == [
        ["1", "H-101", "88.83", "银奖 二等奖", "已完成"],
        ["2", "H-102", "80.00", "银奖 三等奖", "已完成"],
        ["", "H-103", "—", "", "暂定"],
    ]


async def test_blind_event_hides_entrants_until_published(client: tuple[httpx.AsyncClient, Any], db: Engine) -> None:
    http, state = client
    before = (await http.get("/c/cup/e/hot", headers=ZH)).text
    for secret in ("大同宾馆", "云冈餐厅", "黄花炒肉丝", "评委1", "j1"):
        assert secret not in before
    with session(db, write=True) as s:
        for move in ("locked", "published"):
            set_event_state(s, "cup", "hot", move, actor="test")
        s.commit()
    state["book"].apply(CompetitionChanged("cup"))
    after = (await http.get("/c/cup/e/hot", headers=ZH)).text
    assert rows(after)[0] == ["1", "H-101 黄花炒肉丝", "大同宾馆", "88.83", "银奖 二等奖", "已完成"]
    assert "评委1" not in after


async def test_english_by_accept_language_and_switchable(client: tuple[httpx.AsyncClient, Any]) -> None:
    http, _state = client
    english = await http.get("/c/cup/e/hot", headers=EN)
    assert "Hot dishes" in english.text and rows(english.text)[0][3] == "Silver Second prize"
    chosen = await http.get("/c/cup/e/hot?lang=zh_CN", headers=EN)
    assert "热菜" in chosen.text
    assert "lang=zh_CN" in chosen.headers["set-cookie"]
    http.cookies.clear()
    http.cookies.set("lang", "zh_CN")
    remembered = await http.get("/c/cup/e/hot", headers=EN)
    assert "热菜" in remembered.text


async def test_home_shows_progress_and_leaders(client: tuple[httpx.AsyncClient, Any]) -> None:
    http, _state = client
    soup = BeautifulSoup((await http.get("/", headers=ZH)).text, "html.parser")
    cells = [[td.get_text(" ", strip=True) for td in tr.select("td")] for tr in soup.select("table.events tbody tr")]
    assert cells[0][0] == "热菜" and cells[0][1] == "3"
    assert "3 项中已评 3 项" in cells[0][2] or "3" in cells[0][2]
    assert cells[0][3] == "H-101 88.83"  # blind: the leader by code only


async def test_progress_only_event_shows_no_scores(db: Engine) -> None:
    from scoreboard.store import tables

    with session(db, write=True) as s:
        row = s.exec(select(tables.Event).where(tables.Event.key == "hot")).one()
        row.visibility = "progress"
        s.add(row)
        s.commit()
    app = create_app(Settings.from_env(env_file=None, database_url="sqlite://"), engine=db)
    async with running(app) as (http, state):
        for raw in half_judged():
            await state["service"].submit("cup", str(raw["judge"]), raw)
        page = (await http.get("/c/cup/e/hot", headers=EN)).text
        assert rows(page) == [] and "88.83" not in page
        assert "3 of 3 entries scored" in page


async def test_team_standings_count_a_blind_event_only_once_published(client: tuple[httpx.AsyncClient, Any],
                                                                       db: Engine) -> None:
    http, state = client

    async def table() -> list[list[str]]:
        soup = BeautifulSoup((await http.get("/c/cup/teams", headers=EN)).text, "html.parser")
        return [[td.get_text(strip=True) for td in tr.select("td")] for tr in soup.select("table tbody tr")]

    # hot is blind and not published: a team's score would tell whose dishes are whose. Only "other"
    # counts, where Yungang's o1 is entered but unscored.
    assert await table() == [["", "Datong Hotel", "—", "0 / 0"], ["", "Yungang Restaurant", "—", "0 / 1"]]
    with session(db, write=True) as s:
        for move in ("locked", "published"):
            set_event_state(s, "cup", "hot", move, actor="test")
        s.commit()
    state["book"].apply(CompetitionChanged("cup"))
    # mean of ranked entries: Datong Hotel e1 88.83 (e3 entered, no total); Yungang e2 80 (o1 entered, unscored).
    # Each team still has an entry to come (e3 partial, o1 unscored): both scores say they are provisional.
    assert await table() == [["1", "Datong Hotel", "88.83provisional", "1 / 2"],
                             ["2", "Yungang Restaurant", "80.00provisional", "1 / 2"]]


async def test_unknown_pages_are_404_in_the_page_language(client: tuple[httpx.AsyncClient, Any]) -> None:
    http, _state = client
    missing = await http.get("/c/cup/e/nope", headers=EN)
    assert missing.status_code == 404 and "No such event." in missing.text
    assert (await http.get("/c/nope/e/hot", headers=EN)).status_code == 404


async def test_an_unknown_address_says_so_in_the_page_language(client: tuple[httpx.AsyncClient, Any]) -> None:
    http, _state = client
    page = await http.get("/no/such/page", headers=ZH)
    assert page.status_code == 404 and "此地址没有页面。" in page.text and "Not Found" not in page.text
