"""Team standings set up in the console, a competition's page linking every public view, and the
console's links to each view (issue 12), in-process.

The competition "links": three teams, two events judged on the hot-dishes rubric by the same
five judges, not blind, live. Every judge gives an entry the same marks, so its total is their
sum (trimming changes nothing): taste is all that varies.

    hot:  h1 A 85   h2 B 80   h3 C 87   h4 A 70
    cold: c1 A 80   c2 B 87   c3 C (no sheet: no total, no rank)

Worked by hand, per rule:

    sum, both events       A 85+70+80 = 235   B 80+87 = 167   C 87          → A, B, C
    mean, both events      C 87   B 167/2 = 83.50   A 235/3 = 78.33         → C, B, A
    best N, N = 0          N = the fewest entries a team entered = 2 (B, C):
                           C 87 (one ranked)   B (87+80)/2 = 83.50   A (85+80)/2 = 82.50 → C, B, A
    sum, hot only          A 155   C 87   B 80                             → A, C, B
    best N, N = 1          B 87 = C 87 > A 85; equal B and C share rank 1 — unless silver
    (silver counted)       medals break it: B has 2 (h2 80, c2 87), C 1 (h3 87) → B, C, A
"""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import segno
from bs4 import BeautifulSoup
from sqlalchemy import Engine

from scoreboard.app import create_app
from scoreboard.competition import parse_competition, read_team_rule
from scoreboard.errors import UserError
from scoreboard.rubric.load import preset_names
from scoreboard.rubric.trades import OTHER, TRADES, by_trade
from scoreboard.settings import Settings
from scoreboard.store import tables as db
from scoreboard.store.accounts import create_account
from scoreboard.store.audit import audit_log
from scoreboard.store.engine import make_engine, migrate, session
from scoreboard.store.events import set_event_state, set_event_visibility
from scoreboard.store.load import save_competition
from scoreboard.web.public import qr_file
from tests.support import running

PASSWORD = "correct horse battery"
ZH = {"Accept-Language": "zh-CN"}
MARKS = {"texture": 16, "technique": 12, "appearance": 12, "hygiene": 4, "innovation": 8}  # 52, and taste
TASTE = {85: 33, 80: 28, 87: 35, 70: 18}
SCORES = {"h1": 85, "h2": 80, "h3": 87, "h4": 70, "c1": 80, "c2": 87}
LINKS: dict[str, Any] = {
    "competition": {"key": "links", "name": {"zh": "工匠杯建筑", "en": "Craftsman Cup"}, "date": "2026-05-12",
                    "venue": "大同市职业技术学院"},
    "events": [{"key": "hot", "name": {"zh": "热菜", "en": "Hot dishes"}, "rubric": "cooking_hot"},
               {"key": "cold", "name": {"zh": "凉菜", "en": "Cold dishes"}, "rubric": "cooking_hot"}],
    "teams": [{"key": k, "name": {"zh": f"{k}队", "en": f"Team {k}"}} for k in ("A", "B", "C")],
    "entries": [{"key": k, "event": "hot" if k[0] == "h" else "cold", "team": t, "title": f"作品{k}"}
                for k, t in (("h1", "A"), ("h2", "B"), ("h3", "C"), ("h4", "A"), ("c1", "A"), ("c2", "B"),
                             ("c3", "C"))],
    "judges": [{"key": f"j{i}", "name": f"评委{i}", "events": ["hot", "cold"]} for i in range(1, 6)],
}
Client = tuple[httpx.AsyncClient, dict[str, Any]]


def sheets() -> list[dict[str, Any]]:
    """Each judge's sheet of each scored entry: the same marks from every judge."""
    return [{"id": f"{entry}-j{j}", "entry": entry, "judge": f"j{j}", "marks": {**MARKS, "taste": TASTE[score]}}
            for entry, score in SCORES.items() for j in range(1, 6)]


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path / 'links.db'}")
    migrate(engine)
    with session(engine, write=True) as s:
        save_competition(s, parse_competition(LINKS, "links"))
        for event in ("hot", "cold"):
            set_event_state(s, "links", event, "open", actor="test")
        create_account(s, "admin", PASSWORD)
        create_account(s, "chief", PASSWORD, ["links:hot"])
        s.commit()
    return engine


@pytest.fixture
async def client(engine: Engine) -> AsyncIterator[Client]:
    app = create_app(Settings.from_env(env_file=None, database_url="sqlite://"), engine=engine)
    async with running(app) as (http, state):
        for raw in sheets():
            await state["service"].submit("links", raw["judge"], raw)
        yield http, state


async def sign_in(http: httpx.AsyncClient, username: str = "admin") -> str:
    page = await http.get("/console/login")
    csrf = BeautifulSoup(page.text, "html.parser").select_one("input[name=csrf]")["value"]
    r = await http.post("/console/login", data={"csrf": csrf, "username": username, "password": PASSWORD,
                                                "next": "/console/"})
    assert r.status_code == 303, r.text
    page = await http.get("/console/")
    return str(BeautifulSoup(page.text, "html.parser").select_one("input[name=csrf]")["value"])


async def set_rule(http: httpx.AsyncClient, csrf: str, **form: Any) -> httpx.Response:
    data = {"csrf": csrf, "enabled": "1", "method": "mean", "n": "0", "events": ["hot", "cold"], "count_award": "",
            "reason": "", **form}
    return await http.post("/console/c/links/teams", data=data, headers=ZH)


async def team_board(http: httpx.AsyncClient, marks: dict[str, str] | None = None) -> list[list[str]]:
    """The team board's rows, each score without its mark; ``marks`` gets each marked team's mark (暂定)."""
    r = await http.get("/c/links/teams", headers=ZH)
    assert r.status_code == 200, r.text
    soup = BeautifulSoup(r.text, "html.parser")
    for tr in soup.select("table tbody tr"):
        for mark in tr.select(".total .mark"):
            if marks is not None:
                marks[tr.select("td")[1].get_text(strip=True)] = mark.get_text()
            mark.decompose()
    return [[td.get_text(strip=True) for td in tr.select("td")] for tr in soup.select("table tbody tr")]


def audited(engine: Engine) -> list[db.AuditLog]:
    with session(engine) as s:
        return audit_log(s, action="competition.team_rule")


def select(html: str, css: str) -> list[Any]:
    return BeautifulSoup(html, "html.parser").select(css)


# --- team standings from the console ----------------------------------------------------------------

async def test_team_standings_set_up_in_the_console_rank_the_teams(client: Client, engine: Engine) -> None:
    http, _state = client
    assert (await http.get("/c/links/teams")).status_code == 404  # not set up: no team board yet
    csrf = await sign_in(http)
    form = await http.get("/console/c/links/teams", headers=ZH)
    assert form.status_code == 200
    assert select(form.text, "input[name=enabled][value='0']")[0].has_attr("checked")

    r = await set_rule(http, csrf, method="sum", reason="按团体总分")
    assert r.status_code == 200 and "已保存" in r.text
    marks: dict[str, str] = {}
    assert await team_board(http, marks) == [["1", "A队", "235.00", "3 / 3"], ["2", "B队", "167.00", "2 / 2"],
                                             ["3", "C队", "87.00", "1 / 2"]]
    assert marks == {"C队": "暂定"}  # c3 is still to be scored: C's score may change
    # the console shows the same standings beside the form
    assert [td.get_text(strip=True) for td in select(r.text, "#team-standings tbody tr td:nth-of-type(3)")] == [
        "235.00", "167.00", "87.00暂定"]

    await set_rule(http, csrf, method="mean")
    assert await team_board(http) == [["1", "C队", "87.00", "1 / 2"], ["2", "B队", "83.50", "2 / 2"],
                                      ["3", "A队", "78.33", "3 / 3"]]
    await set_rule(http, csrf, method="best_n", n="0")
    assert await team_board(http) == [["1", "C队", "87.00", "1 / 2"], ["2", "B队", "83.50", "2 / 2"],
                                      ["3", "A队", "82.50", "2 / 3"]]
    await set_rule(http, csrf, method="sum", events=["hot"])
    assert await team_board(http) == [["1", "A队", "155.00", "2 / 2"], ["2", "C队", "87.00", "1 / 1"],
                                      ["3", "B队", "80.00", "1 / 1"]]
    await set_rule(http, csrf, method="best_n", n="1")
    assert await team_board(http) == [["1=", "B队", "87.00", "1 / 2"], ["1=", "C队", "87.00", "1 / 2"],
                                      ["3", "A队", "85.00", "1 / 3"]]
    await set_rule(http, csrf, method="best_n", n="1", count_award="silver")
    assert await team_board(http) == [["1", "B队", "87.00", "1 / 2", "2"], ["2", "C队", "87.00", "1 / 2", "1"],
                                      ["3", "A队", "85.00", "1 / 3", "2"]]

    again = await set_rule(http, csrf, method="best_n", n="1", count_award="silver")
    assert "没有改动" in again.text  # the same rule again: no audit record

    await set_rule(http, csrf, enabled="0")
    assert (await http.get("/c/links/teams")).status_code == 404

    rules = [(a.actor, a.subject, a.detail["to"]) for a in audited(engine)]
    assert len(rules) == 7 and all(a == "organizer:admin" and s == "competition:links" for a, s, _to in rules)
    assert rules[0][2] == {"method": "sum", "n": 0, "events": [], "count_award": ""}  # every event: stored as []
    assert rules[3][2] == {"method": "sum", "n": 0, "events": ["hot"], "count_award": ""}
    assert rules[-1][2] is None and audited(engine)[0].reason == "按团体总分"


@pytest.mark.parametrize(("form", "said"), [
    ({"events": []}, "请至少选择一个计入的赛项"),
    ({"method": "best_n", "n": "two"}, "须为 0 到 1000 之间的整数"),
    ({"method": "best_n", "n": "5000"}, "1000"),
    ({"method": "median"}, "sum, mean, best_n"),
    ({"events": ["hot", "nope"]}, "没有赛项 nope"),
    ({"count_award": "platinum"}, "platinum"),
])
async def test_a_bad_team_rule_is_refused_and_nothing_changes(client: Client, engine: Engine,
                                                              form: dict[str, Any], said: str) -> None:
    http, _state = client
    csrf = await sign_in(http)
    r = await set_rule(http, csrf, **form)
    assert r.status_code == 422
    problems = " ".join(li.get_text() for li in select(r.text, ".problems li"))
    assert said in problems, problems
    assert audited(engine) == [] and (await http.get("/c/links/teams")).status_code == 404
    # what was posted is shown again, to correct
    assert [i["value"] for i in select(r.text, "input[name=events][checked]")] == [
        e for e in form.get("events", ["hot", "cold"]) if e != "nope"]


def test_a_team_rule_names_known_events_and_award_tiers() -> None:
    comp = parse_competition(LINKS, "links")
    assert read_team_rule({"method": "best_n", "n": 2, "events": ["cold"], "count_award": "gold"}, comp, "t").n == 2
    with pytest.raises(UserError) as e:
        read_team_rule({"method": "sum", "events": ["hot", "x"], "count_award": "first_place"}, comp, "团体")
    assert [p.render() for p in e.value.problems] == ["团体: events: no event x",
                                                       "团体: count_award: no award first_place in the events counted"]
    # a competition file is held to the same: an award tier no event has is refused
    with pytest.raises(UserError) as e:
        parse_competition({**LINKS, "team_standings": {"method": "sum", "count_award": "gld"}}, "cup.toml")
    assert [p.render() for p in e.value.problems] == [
        "cup.toml: team_standings.count_award: no award gld in the events counted"]


async def test_a_competition_made_from_presets_gets_team_standings_from_the_console(client: Client) -> None:
    http, _state = client
    csrf = await sign_in(http)
    r = await http.post("/console/new/presets", data={"csrf": csrf, "key": "build", "name_zh": "建筑技能",
                                                      "preset": ["masonry", "painting", "waterproofing"]})
    assert r.status_code == 303
    assert (await http.get("/c/build/teams")).status_code == 404
    form = await http.get("/console/c/build/teams", headers=ZH)
    assert "还没有参赛单位" in form.text  # no teams yet: the page says where they come from
    r = await http.post("/console/c/build/teams", data={"csrf": csrf, "enabled": "1", "method": "mean",
                                                        "events": ["masonry", "painting", "waterproofing"]})
    assert r.status_code == 200
    board = await http.get("/c/build/teams", headers=ZH)
    assert board.status_code == 200 and "计入赛项：砌筑、彩画、防水" in board.text


async def test_only_an_organizer_sets_team_standings(client: Client, engine: Engine) -> None:
    http, _state = client
    csrf = await sign_in(http, "chief")
    assert (await http.get("/console/c/links/teams")).status_code == 403
    assert (await set_rule(http, csrf)).status_code == 403
    assert audited(engine) == []


# --- the competition's page ------------------------------------------------------------------------

async def test_the_competition_page_links_every_public_view(client: Client, engine: Engine) -> None:
    http, state = client
    with session(engine, write=True) as s:
        set_event_visibility(s, "links", "cold", "hidden", actor="test")
        s.commit()
    await state["events"].set_visibility("links", "cold", "hidden", actor="test")  # announced: the book reloads
    r = await http.get("/c/links", headers=ZH)
    assert r.status_code == 200
    soup = BeautifulSoup(r.text, "html.parser")
    assert soup.select_one("h1").get_text() == "工匠杯建筑"
    assert "2026-05-12" in soup.select_one(".meta").get_text() and "大同市职业技术学院" in r.text
    hot, cold = soup.select_one("#event-hot"), soup.select_one("#event-cold")
    assert hot["href"] == "http://test/c/links/e/hot"
    assert hot.get_text(" ", strip=True) == "热菜 评分中 已评 4 / 4"
    assert cold.get_text(" ", strip=True) == "凉菜 评分中"  # hidden: not even how many are scored
    assert soup.select_one("#view-board")["href"] == "http://test/c/links/board"
    assert soup.select_one("#view-bilingual")["href"] == "http://test/c/links/board?bilingual=1"
    assert soup.select_one("#view-teams") is None  # no team standings: no team board
    assert soup.select_one(".page-qr img")["src"] == "http://test/c/links/qr.svg"
    for a in soup.select("a.link-card"):
        assert (await http.get(a["href"])).status_code == 200, a["href"]

    csrf = await sign_in(http)
    await set_rule(http, csrf)
    page = BeautifulSoup((await http.get("/c/links")).text, "html.parser")
    assert page.select_one("#view-teams")["href"] == "http://test/c/links/teams"
    assert (await http.get("/c/nope")).status_code == 404


async def test_qr_codes_open_the_competition_page_and_an_events_phone_page(client: Client) -> None:
    http, _state = client
    page = await http.get("/c/links/qr.svg")
    assert page.status_code == 200 and page.headers["content-type"] == "image/svg+xml"
    assert page.content == qr_file("http://test/c/links")  # the same symbol as the address's
    phone = await http.get("/c/links/e/hot/qr.svg")
    assert phone.content == qr_file("http://test/c/links/e/hot") != page.content
    assert phone.content.startswith(b"<svg")
    out = io.BytesIO()
    segno.make("http://test/c/links/e/hot", error="m").save(out, kind="svg", scale=8, border=2, dark="#111",
                                                            light="#fff", xmldecl=False)
    assert phone.content == out.getvalue()
    assert (await http.get("/c/links/e/nope/qr.svg")).status_code == 404
    assert (await http.get("/c/nope/qr.svg")).status_code == 404


# --- the console links every view ------------------------------------------------------------------

async def test_the_overview_and_each_event_page_link_every_view(client: Client, engine: Engine) -> None:
    http, state = client
    await sign_in(http)
    overview = BeautifulSoup((await http.get("/console/c/links", headers=ZH)).text, "html.parser")
    links = {li["id"]: li.select_one("a") for li in overview.select("#views li")}
    assert {k: a["href"] if a else None for k, a in links.items() if k != "view-teams"} == {
        "view-page": "http://test/c/links", "view-board": "http://test/c/links/board",
        "view-bilingual": "http://test/c/links/board?bilingual=1",
        "view-ceremony": None}  # nothing locked yet: no ceremony to show
    assert links["view-teams"]["href"] == "http://test/console/c/links/teams"  # set it up first
    assert overview.select_one("#views img")["src"] == "http://test/c/links/qr.svg"
    row = [a["href"] for a in overview.select("table.events tbody tr")[0].select("td.links-row a")]
    assert row == ["http://test/c/links/e/hot", "http://test/c/links/board?event=hot"]

    await state["events"].set_state("links", "hot", "locked", actor="test", reason="done")
    event = BeautifulSoup((await http.get("/console/c/links/e/hot", headers=ZH)).text, "html.parser")
    hrefs = {li["id"]: li.select_one("a")["href"] for li in event.select("#views li") if li.select_one("a")}
    assert hrefs == {"view-phone": "http://test/c/links/e/hot",
                     "view-board": "http://test/c/links/board?event=hot",
                     "view-bilingual": "http://test/c/links/board?event=hot&bilingual=1",
                     "view-ceremony": "http://test/c/links/board?ceremony=1&event=hot",
                     "view-teams": "http://test/console/c/links/teams",
                     "view-page": "http://test/c/links"}
    assert event.select_one("#views img")["src"] == "http://test/c/links/e/hot/qr.svg"
    assert event.select_one("#view-phone").get_text(" ", strip=True).startswith("手机成绩页")
    assert event.select_one("#views-local") is None  # http://test is not this computer's own name
    for href in hrefs.values():
        assert (await http.get(href)).status_code == 200, href


async def test_a_chief_judge_gets_the_views_but_not_the_ceremony(client: Client) -> None:
    http, state = client
    await state["events"].set_state("links", "hot", "locked", actor="test", reason="done")
    await sign_in(http, "chief")
    event = BeautifulSoup((await http.get("/console/c/links/e/hot")).text, "html.parser")
    assert event.select_one("#view-phone a") is not None and event.select_one("#view-ceremony") is None


async def test_the_ceremony_shows_the_audience_no_organizer_badge(client: Client) -> None:
    http, state = client
    await state["events"].set_state("links", "hot", "locked", actor="test", reason="done")
    await sign_in(http)
    organizer = await http.get("/c/links/board?view=organizer", headers=ZH)
    assert select(organizer.text, ".pj-level")  # the organizer's own board says whose view it is
    ceremony = await http.get("/c/links/board?ceremony=1", headers=ZH)
    assert ceremony.status_code == 200 and not select(ceremony.text, ".pj-level") and "组委会视图" not in ceremony.text


# --- presets grouped by trade ----------------------------------------------------------------------

def test_every_shipped_preset_has_a_trade() -> None:
    groups = by_trade(preset_names())
    assert [t.key for t, _names in groups] == ["cooking", "construction", "diving", "barbecue"]
    assert sorted(p for _t, names in groups for p in names) == preset_names()
    assert dict((t.key, names) for t, names in groups)["construction"] == ["masonry", "painting", "waterproofing"]
    assert by_trade(["kcbs", "zz_new", "masonry"]) == [(TRADES[1], ["masonry"]), (TRADES[3], ["kcbs"]),
                                                        (OTHER, ["zz_new"])]


async def test_the_new_competition_page_groups_presets_by_trade(client: Client) -> None:
    http, _state = client
    await sign_in(http)
    soup = BeautifulSoup((await http.get("/console/new", headers=ZH)).text, "html.parser")
    groups = {f["id"]: (f.select_one("legend").get_text(), [i["value"] for i in f.select("input[name=preset]")])
              for f in soup.select(".preset-groups fieldset")}
    assert groups == {
        "trade-cooking": ("烹饪", ["cooking_cold", "cooking_hot", "cooking_staple", "cooking_snack", "cooking_carving",
                                  "cooking_banquet"]),
        "trade-construction": ("建筑工种", ["masonry", "painting", "waterproofing"]),
        "trade-diving": ("跳水（参考规则）", ["diving", "diving_2000"]),
        "trade-barbecue": ("烧烤（参考规则）", ["kcbs"]),
    }
