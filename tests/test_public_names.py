"""Contestants are named in public where ``states.shown`` lets names be seen: a blind event's once
it is published, an open event's from the start — on the phone page, the projector, the ceremony
and the team board; several contestants of one entry are joined with 、.

The competition half judged (tests.support), with contestants: e1 (blind hot dishes, Datong Hotel)
by 李红梅, e2 (Yungang Restaurant) by 赵建国 and 钱立新, e3 (Datong) by 孙秀英; o1 in the open
pastry event (Yungang) by 周大勇."""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from bs4 import BeautifulSoup
from sqlalchemy import Engine

from scoreboard import i18n
from scoreboard.app import create_app
from scoreboard.changes import CompetitionChanged
from scoreboard.competition import Entry, parse_competition
from scoreboard.settings import Settings
from scoreboard.store.engine import make_engine, migrate, session
from scoreboard.store.events import set_event_state
from scoreboard.store.load import save_competition
from scoreboard.web import pages
from tests.support import COMPETITION, half_judged, running

ZH = {"Accept-Language": "zh-CN"}
COOKS = {"e1": ["李红梅"], "e2": ["赵建国", "钱立新"], "e3": ["孙秀英"], "o1": ["周大勇"]}


def with_cooks(data: dict[str, Any]) -> dict[str, Any]:
    data = copy.deepcopy(data)
    teams = {e["key"]: e["team"] for e in data["entries"]}
    data["contestants"] = [{"key": f"{e}-{n}", "name": name, "team": teams[e]}
                           for e, names in COOKS.items() for n, name in enumerate(names)]
    for entry in data["entries"]:
        entry["contestants"] = [f"{entry['key']}-{n}" for n in range(len(COOKS[entry["key"]]))]
    return data


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[tuple[httpx.AsyncClient, dict[str, Any], Engine]]:
    engine = make_engine(f"sqlite:///{tmp_path / 'names.db'}")
    migrate(engine)
    with session(engine, write=True) as s:
        save_competition(s, parse_competition(with_cooks(COMPETITION), "test"))
        for event in ("hot", "other"):
            set_event_state(s, "cup", event, "open", actor="test")
        s.commit()
    app = create_app(Settings.from_env(env_file=None, database_url="sqlite://", organizer_key="k"), engine=engine)
    async with running(app) as (http, state):
        for raw in half_judged():
            await state["service"].submit("cup", str(raw["judge"]), raw)
        yield http, state, engine


async def publish(state: dict[str, Any], engine: Engine, *moves: str) -> None:
    with session(engine, write=True) as s:
        for move in moves:
            set_event_state(s, "cup", "hot", move, actor="test")
        s.commit()
    state["book"].apply(CompetitionChanged("cup"))


async def soup(http: httpx.AsyncClient, url: str) -> BeautifulSoup:
    page = await http.get(url, headers=ZH)
    assert page.status_code == 200, page.text
    return BeautifulSoup(page.text, "html.parser")


def people(page: BeautifulSoup, scope: str = "") -> dict[str, str]:
    """Each row's contestants by its id on the page."""
    return {str(tr["id"]): "".join(p.get_text() for p in tr.select(".people"))
            for tr in page.select(f"{scope} tr[id^=entry-]")}


def header(page: BeautifulSoup, event: str) -> str:
    return page.select_one(f"#live-{event} th.who").get_text(strip=True)  # type: ignore[union-attr]


async def test_a_blind_event_names_its_contestants_once_published(
        client: tuple[httpx.AsyncClient, dict[str, Any], Engine]) -> None:
    http, state, engine = client
    before = await soup(http, "/c/cup/e/hot")
    assert people(before) == {"entry-c-H-101": "", "entry-c-H-102": "", "entry-c-H-103": ""}
    assert header(before, "hot") == "盲评编号"
    await publish(state, engine, "locked", "published")
    after = await soup(http, "/c/cup/e/hot")
    assert people(after) == {"entry-c-H-101": "李红梅", "entry-c-H-102": "赵建国、钱立新", "entry-c-H-103": "孙秀英"}
    assert header(after, "hot") == "作品 · 选手"
    first = after.select_one("#entry-c-H-101 .who")
    assert first is not None and first.get_text(" ", strip=True) == "H-101 黄花炒肉丝 李红梅"
    board = await soup(http, "/c/cup/board")
    assert people(board, "#live-hot")["entry-c-H-102"] == "赵建国、钱立新"


async def test_an_open_event_names_its_contestants_from_the_start(
        client: tuple[httpx.AsyncClient, dict[str, Any], Engine]) -> None:
    http, _state, _engine = client
    assert people(await soup(http, "/c/cup/e/other")) == {"entry-o1": "周大勇"}
    board = await soup(http, "/c/cup/board")
    assert people(board, "#live-other") == {"entry-o1": "周大勇"}
    assert people(board, "#live-hot") == {"entry-c-H-101": "", "entry-c-H-102": "", "entry-c-H-103": ""}


async def test_the_ceremony_names_the_contestants_of_a_locked_event(
        client: tuple[httpx.AsyncClient, dict[str, Any], Engine]) -> None:
    http, state, engine = client
    await publish(state, engine, "locked")
    ceremony = await soup(http, "/c/cup/board?ceremony=1&key=k")
    assert people(ceremony, "#live-hot") == {"entry-c-H-101": "李红梅", "entry-c-H-102": "赵建国、钱立新",
                                             "entry-c-H-103": "孙秀英"}
    public = await soup(http, "/c/cup/e/hot")  # locked is not yet published: the public still sees codes
    assert set(people(public).values()) == {""}


async def test_the_team_board_names_the_members_it_counts(
        client: tuple[httpx.AsyncClient, dict[str, Any], Engine]) -> None:
    http, state, engine = client

    async def members() -> dict[str, str]:
        page = await soup(http, "/c/cup/teams")
        return {td.contents[0].get_text(strip=True): (m.get_text() if (m := td.select_one(".members")) else "")
                for td in page.select("table tbody td.who")}

    # the blind event counts only once published: before, Yungang's o1 (pastry) is all that is named
    assert await members() == {"大同宾馆": "", "云冈餐厅": "周大勇"}
    await publish(state, engine, "locked", "published")
    assert await members() == {"大同宾馆": "李红梅、孙秀英", "云冈餐厅": "赵建国、钱立新、周大勇"}


def test_the_entry_column_says_what_its_entries_carry() -> None:
    """Codes while a blind event's names are hidden; else the entries' titles, their contestants,
    or both — a masonry event's entries have contestants and no titles."""
    comp = parse_competition(with_cooks(COMPETITION), "test")
    plain = parse_competition(COMPETITION, "test")
    hot, other = comp.event("hot"), comp.event("other")
    assert hot is not None and other is not None
    data = with_cooks(COMPETITION)
    for entry in data["entries"]:
        entry.pop("title")
    untitled = parse_competition(data, "test")
    assert pages.who_label(comp, hot, names=False) == "Blind code"
    assert pages.who_label(comp, hot, names=True) == "Entry · contestant"
    assert pages.who_label(plain, hot, names=True) == "Entry"
    assert pages.who_label(untitled, other, names=True) == "Contestant"
    assert pages.who_label(comp, other, names=False) == "Entry"  # an open event has no codes to stand in


def test_a_team_board_row_names_a_few_members_then_counts_the_rest() -> None:
    known = pages.Directory({}, {f"p{i}": f"选手{i}" for i in range(9)})
    big = [Entry(key=f"x{i}", event="hot", team="t1", contestants=(f"p{i}",)) for i in range(9)]
    assert pages.members(known, "t1", big[:2] + big[:1]) == "选手0、选手1"  # each once
    with i18n.using("zh_CN"):
        assert pages.members(known, "t1", big) == "选手0、选手1、选手2、选手3、选手4、选手5等9人"
    with i18n.using("en"):
        assert pages.members(known, "t1", big) == "选手0、选手1、选手2、选手3、选手4、选手5 and others (9 in all)"
    assert pages.members(known, "t2", big) == ""
