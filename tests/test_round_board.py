"""A contest in rounds on the live boards: the final's page shows each contestant's total with the
preliminary carried in and who went on, and a judge's sheet moves it live over the board socket;
a sheet of an earlier round re-renders the rounds that carry it.

The contest (rubric ``diving``: drop 2 high and 2 low of 7, sum the middle 3, × difficulty 2): when
all seven judges give the same mark m, a dive scores 3 × m × 2 = 6m. Preliminary: a 5 → 30,
b 8 → 48, c 4 → 24; the best 2 go on (b, a). Final, carrying 50 %: a 7 → 42 + 15 = 57; b 3 → 18 +
24 = 42.
"""

from __future__ import annotations

import asyncio
from fractions import Fraction
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup
from httpx import AsyncClient
from websockets.asyncio.client import connect

from judges.client import JudgeClient
from scoreboard.changes import SheetAccepted
from scoreboard.competition import parse_competition
from scoreboard.live.book import StandingsBook
from scoreboard.rubric.sheet import Sheet
from scoreboard.store.engine import make_engine, migrate, session
from scoreboard.store.events import set_event_state
from scoreboard.store.load import save_competition
from scoreboard.store.sheets import record_sheet
from tests.live import judge_server, tokens

JUDGES = [f"j{i}" for i in range(1, 8)]
CONTEST: dict[str, Any] = {
    "competition": {"key": "cup", "name": {"zh": "跳水邀请赛", "en": "Diving Invitational"}},
    "events": [
        {"key": "pre", "name": {"zh": "预赛", "en": "Preliminary"}, "rubric": "diving", "totals": "contestant",
         "round": {"name": {"zh": "预赛", "en": "Preliminary"}, "qualify": 2}},
        {"key": "fin", "name": {"zh": "决赛", "en": "Final"}, "rubric": "diving", "totals": "contestant",
         "round": {"name": {"zh": "决赛", "en": "Final"}, "after": "pre", "carry": 50}},
    ],
    "teams": [{"key": "t1", "name": {"zh": "一队", "en": "Team One"}}],
    "contestants": [{"key": k, "name": n, "team": "t1"} for k, n in (("a", "张三"), ("b", "李四"), ("c", "王五"))],
    "entries": [{"key": f"pre-{k}", "event": "pre", "contestants": [k], "attrs": {"difficulty": 2}} for k in "abc"]
    + [{"key": f"fin-{k}", "event": "fin", "contestants": [k], "attrs": {"difficulty": 2}} for k in "ab"],
    "judges": [{"key": j, "name": f"评委{j[1]}", "events": ["pre", "fin"]} for j in JUDGES],
}
MARKS = {"pre-a": 5, "pre-b": 8, "pre-c": 4, "fin-a": 7}


def seeded(path: Path) -> Any:
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    with session(engine, write=True) as s:
        save_competition(s, parse_competition(CONTEST, "contest"))
        for event in ("pre", "fin"):
            set_event_state(s, "cup", event, "open", actor="test")
        for entry, mark in MARKS.items():
            for j in JUDGES:
                record_sheet(s, "cup", Sheet(f"{entry}-{j}", entry, j, {"execution": Fraction(mark)}), "test")
        s.commit()
    return engine


def table(markup: str) -> list[list[str]]:
    rows = BeautifulSoup(markup, "html.parser").select("#round-fin tbody tr")
    return [[td.get_text(" ", strip=True) for td in tr.select("td")] + [" ".join(tr.get("class") or [])]
            for tr in rows]


async def test_the_final_carries_the_preliminary_and_moves_live(tmp_path: Path) -> None:
    engine = seeded(tmp_path / "rounds.db")
    async with judge_server(engine, seeded=True) as live:
        cards = tokens(engine, ["j1", "j2", "j3", "j4", "j5", "j6", "j7"])
        base = live.url.replace("ws://", "http://").replace("/ws/judge", "")
        async with AsyncClient(base_url=base) as http:
            page = (await http.get("/c/cup/e/fin?lang=zh-CN")).text
        soup = BeautifulSoup(page, "html.parser")
        assert soup.select_one("#round-name-fin").get_text(strip=True) == "决赛"
        assert "含其预赛得分的 50%" in soup.select_one("#round-fin .round-rule").get_text()
        # place, contestant, team, entries, carried, total, state; b has no final dive yet
        assert table(page) == [["1", "张三", "一队", "42.00", "15.00", "57.00", "", ""],
                               ["", "李四", "一队", "—", "24.00", "—", "未评分", ""]]
        async with connect(live.url.replace("/ws/judge", "/ws/board/cup/fin") + "?lang=zh-CN") as board:
            assert "57.00" in await asyncio.wait_for(board.recv(), 5)
            for j in JUDGES:
                async with JudgeClient(live.url, cards[j]) as judge:
                    await judge.submit({"id": f"fin-b-{j}", "entry": "fin-b", "revision": 1,
                                        "marks": {"execution": 3}})
            frame = ""
            while "42.00" not in frame or "18.00" not in frame:
                frame = await asyncio.wait_for(board.recv(), 5)
        # the head carries the table: b's 18 + 24 = 42, both complete now
        assert table(frame.split("\n", 1)[1]) == [["1", "张三", "一队", "42.00", "15.00", "57.00", "", ""],
                                                  ["2", "李四", "一队", "18.00", "24.00", "42.00", "", ""]]


async def test_the_preliminary_shows_who_goes_on_and_the_cut(tmp_path: Path) -> None:
    engine = seeded(tmp_path / "rounds.db")
    async with judge_server(engine, seeded=True) as live:
        base = live.url.replace("ws://", "http://").replace("/ws/judge", "")
        async with AsyncClient(base_url=base) as http:
            page = (await http.get("/c/cup/e/pre?lang=en")).text
    rows = BeautifulSoup(page, "html.parser").select("#round-pre tbody tr")
    assert [(tr.select_one(".who").get_text(), " ".join(tr.get("class") or [])) for tr in rows] == [
        ("李四", "qualified"), ("张三", "qualified cut"), ("王五", "")]
    assert [tr.select_one(".goes-on").get_text() if tr.select_one(".goes-on") else "" for tr in rows] == [
        "Goes on", "Goes on", ""]
    assert "The best 2 go on to the next round" in page


def test_a_sheet_of_the_preliminary_touches_the_final_that_carries_it(tmp_path: Path) -> None:
    engine = seeded(tmp_path / "rounds.db")
    book = StandingsBook(engine)
    before = {s.total.contestant: s.total.total for s in book.rounds("cup", "fin")}
    assert before == {"a": 57, "b": None}
    with session(engine, write=True) as s:  # three judges mark a's preliminary dive 8: the middle three move to 5, 8, 8
        seqs = [record_sheet(s, "cup", Sheet(f"pre-a-{j}-2", "pre-a", j, {"execution": Fraction(8)}, revision=2,
                                             reason="误录"), "test").seq for j in ("j1", "j2", "j3")]
        s.commit()
    touched = book.apply(SheetAccepted("cup", "pre", "pre-a", "j3", seqs[-1]))
    assert set(touched) == {("cup", "pre"), ("cup", "fin")}
    # a's preliminary: marks 8, 8, 8, 5, 5, 5, 5 → middle three 5, 5, 8 = 18 × 2 = 36; the final carries 18
    assert {s.total.contestant: s.total.total for s in book.rounds("cup", "fin")} == {"a": 42 + 18, "b": None}
