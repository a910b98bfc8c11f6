"""The organizer console, in-process: who may reach what (no session, a judge's session, a chief
judge of another event, no CSRF token), signing in and out, and the main flows — import with a
bad row, the progress matrix, locking, re-score requests, deductions, publishing — each audited."""

from __future__ import annotations

import io
import re
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from bs4 import BeautifulSoup
from openpyxl import Workbook
from sqlalchemy import Engine
from sqlmodel import select
from starlette.routing import Route

from judges.registry import Connection
from scoreboard import i18n
from scoreboard.app import create_app
from scoreboard.changes import RescoreRequested
from scoreboard.errors import UserError
from scoreboard.services.accounts import IDLE
from scoreboard.settings import Settings
from scoreboard.store import tables as db
from scoreboard.store.accounts import create_account
from scoreboard.store.audit import audit_log
from scoreboard.store.engine import make_engine, migrate, session
from scoreboard.store.load import load_competition
from scoreboard.store.tokens import issue_token
from scoreboard.web import console
from scoreboard.web.console_downloads import DOWNLOADS, XLSX, writer
from scoreboard.web.console_progress import outbox_label, seen_label
from tests.support import EIGHTY, finish_hot, half_judged, running, seed, sheet

PASSWORD = "correct horse battery"
Client = tuple[httpx.AsyncClient, dict[str, Any]]

# Who may reach each console route (by name): organizers only, a chief judge in their own events
# too, or any signed-in account. ``ROUTES`` reads every route from ``console.routes``, with a path
# that exists in the test competition; a route missing here fails ``test_every_route_has_an_audience``.
ORGANIZER, SCOPED, ANY = "organizer", "scoped", "any"
WHO = {
    "console_home": ANY, "console_new": ORGANIZER, "console_new_file": ORGANIZER, "console_new_presets": ORGANIZER,
    "console_competition": ANY, "console_import": ORGANIZER, "console_import_preview": ORGANIZER,
    "console_import_confirm": ORGANIZER, "console_codes": ORGANIZER, "console_labels": ORGANIZER,
    "console_judges": ORGANIZER, "console_judge_new": ORGANIZER, "console_cards": ORGANIZER,
    "console_judge_assign": ORGANIZER, "console_judge_revoke": ORGANIZER, "console_audit": ORGANIZER,
    "console_downloads": ORGANIZER, "console_download": ORGANIZER, "console_event_edit": ORGANIZER,
    "console_event_save": ORGANIZER, "console_event": SCOPED, "console_event_state": SCOPED,
    "console_entry": SCOPED, "console_rescore": SCOPED, "console_deduction": SCOPED, "console_lock": SCOPED,
    "console_import_template": ORGANIZER, "console_roster": ORGANIZER, "console_entry_edit": ORGANIZER,
    "console_entry_save": ORGANIZER, "console_entry_delete": ORGANIZER, "console_entry_withdraw": ORGANIZER,
    "console_entry_reinstate": ORGANIZER, "console_contestant_edit": ORGANIZER, "console_contestant_save": ORGANIZER,
    "console_contestant_delete": ORGANIZER, "console_team_edit": ORGANIZER, "console_team_save": ORGANIZER,
    "console_team_delete": ORGANIZER, "console_judges_preview": ORGANIZER, "console_judges_confirm": ORGANIZER,
    "console_judges_template": ORGANIZER,
    "console_teams": ORGANIZER, "console_teams_save": ORGANIZER, "console_accept": ORGANIZER,
    "console_clerk": ORGANIZER, "console_clerk_save": ORGANIZER, "console_paper": ORGANIZER,
    "console_paper_enter": ORGANIZER, "console_paper_resolve": ORGANIZER,
}
UNGUARDED = {"console_login", "console_logout"}
PARAMS = {"competition": "cup", "event": "hot", "entry": "e1", "judge": "j1", "kind": "csv", "contestant": "p1",
          "team": "t1", "paper": "1"}
GUARDED = [r for r in console.routes if isinstance(r, Route) and r.name not in UNGUARDED]
ROUTES = [("POST" if "POST" in (r.methods or ()) else "GET", r.path.format(**PARAMS), WHO.get(r.name, ""))
          for r in GUARDED]


def test_every_route_has_an_audience() -> None:
    assert sorted(r.name for r in GUARDED) == sorted(WHO)
    assert len(ROUTES) == len(WHO) == 50


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path / 'console.db'}")
    migrate(engine)
    seed(engine)
    with session(engine, write=True) as s:
        create_account(s, "admin", PASSWORD)
        create_account(s, "chief-other", PASSWORD, ["cup:other"])
        create_account(s, "chief-hot", PASSWORD, ["cup:hot"])
        chief = s.exec(select(db.Judge).where(db.Judge.key == "j5")).one()
        hot = s.exec(select(db.Event).where(db.Event.key == "hot")).one()
        assert chief.id is not None and hot.id is not None
        s.add(db.Assignment(judge_id=chief.id, event_id=hot.id, role="chief"))
        s.commit()
    return engine


@pytest.fixture
async def client(engine: Engine) -> AsyncIterator[Client]:
    app = create_app(Settings.from_env(env_file=None, database_url="sqlite://"), engine=engine)
    async with running(app) as (http, state):
        for raw in half_judged():
            await state["service"].submit("cup", str(raw["judge"]), raw)
        yield http, state


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF field on the page"
    return found.group(1)


async def sign_in(http: httpx.AsyncClient, username: str = "admin", password: str = PASSWORD) -> str:
    """Sign in; returns the session's CSRF token."""
    page = await http.get("/console/login")
    r = await http.post("/console/login", data={"csrf": csrf_of(page.text), "username": username,
                                                "password": password, "next": "/console/"})
    assert r.status_code == 303, r.text
    return csrf_of((await http.get("/console/")).text)


async def post(http: httpx.AsyncClient, path: str, csrf: str, **data: Any) -> httpx.Response:
    return await http.post(path, data={"csrf": csrf, **data})


def audited(engine: Engine, action: str) -> list[db.AuditLog]:
    with session(engine) as s:
        return audit_log(s, action=action)


# --- who may reach what -------------------------------------------------------------------------

async def _refused_without_console_session(http: httpx.AsyncClient) -> None:
    for method, path, _who in ROUTES:
        r = await http.request(method, path)
        if method == "GET":
            assert r.status_code == 303, (method, path, r.status_code)
            assert r.headers["location"].startswith("/console/login?next="), path
        else:
            assert r.status_code == 401, (method, path, r.status_code)


async def test_every_route_refused_without_a_session(client: Client) -> None:
    http, _state = client
    await _refused_without_console_session(http)


async def test_every_route_refused_with_a_judges_session(client: Client, engine: Engine) -> None:
    http, _state = client
    with session(engine, write=True) as s:
        token = issue_token(s, "cup", "j1", actor="test")
        s.commit()
    r = await http.get(f"/j/login/{token}")
    assert r.status_code in (302, 303, 307) and http.cookies.get("scoreboard_session")
    await _refused_without_console_session(http)


async def test_a_chief_judge_of_another_event_is_refused(client: Client) -> None:
    http, _state = client
    csrf = await sign_in(http, "chief-other")
    for method, path, who in ROUTES:
        r = await http.request(method, path, data={"csrf": csrf} if method == "POST" else None)
        if who == ANY:
            assert r.status_code == 200, (method, path, r.status_code)
        else:
            assert r.status_code == 403, (method, path, r.status_code)
    overview = BeautifulSoup((await http.get("/console/c/cup")).text, "html.parser")
    assert [a.get_text() for a in overview.select("table.events td:first-child a")] == ["面点"]


async def test_a_chief_judge_acts_in_their_event_only(client: Client, engine: Engine) -> None:
    http, _state = client
    csrf = await sign_in(http, "chief-hot")
    assert (await http.get("/console/c/cup/e/hot")).status_code == 200
    assert (await http.get("/console/c/cup/e/other")).status_code == 403
    assert (await http.get("/console/c/cup/judges")).status_code == 403
    r = await post(http, "/console/c/cup/e/hot/entry/e2/lock", csrf, locked="1", reason="checked")
    assert r.status_code == 200
    # an entry of another event through this event's path is not theirs to touch
    assert (await post(http, "/console/c/cup/e/hot/entry/o1/lock", csrf, locked="1")).status_code == 404
    # a chief judge may lock, not publish
    assert (await post(http, "/console/c/cup/e/hot/state", csrf, to="published")).status_code == 403
    assert [a.actor for a in audited(engine, "entry.locked")] == ["chief:chief-hot"]


async def test_every_post_refused_without_the_csrf_token(client: Client) -> None:
    http, _state = client
    await sign_in(http)
    for method, path, _who in ROUTES:
        if method != "POST":
            continue
        assert (await http.post(path, data={})).status_code == 403, path
        assert (await http.post(path, data={"csrf": "forged"})).status_code == 403, path
    # the header htmx sends works like the field
    csrf = csrf_of((await http.get("/console/")).text)
    r = await http.post("/console/c/cup/e/hot/entry/e1/lock", data={"locked": "1", "reason": "ok"},
                        headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200
    # the sign-in and sign-out forms need it too
    assert (await http.post("/console/logout")).status_code == 403
    assert (await http.post("/console/login", data={"username": "admin", "password": PASSWORD})).status_code == 403


# --- signing in and out --------------------------------------------------------------------------

async def test_sign_in_and_out(client: Client) -> None:
    http, _state = client
    page = await http.get("/console/login")
    assert page.status_code == 200 and "工匠杯" not in page.text
    wrong = await http.post("/console/login", data={"csrf": csrf_of(page.text), "username": "admin", "password": "x"})
    assert wrong.status_code == 401
    csrf = await sign_in(http)
    home = BeautifulSoup((await http.get("/console/")).text, "html.parser")
    assert [a.get_text() for a in home.select("table.list td a")] == ["工匠杯测试"]
    assert (await post(http, "/console/logout", csrf)).status_code == 303
    assert (await http.get("/console/")).status_code == 303


async def test_the_next_address_stays_inside_the_console(client: Client) -> None:
    http, _state = client
    page = await http.get("/console/login")
    r = await http.post("/console/login", data={"csrf": csrf_of(page.text), "username": "admin",
                                                "password": PASSWORD, "next": "https://evil.example/"})
    assert r.headers["location"] == "/console/"


async def test_sessions_expire(client: Client) -> None:
    http, state = client
    await sign_in(http)
    assert (await http.get("/console/")).status_code == 200
    later = time.time() + IDLE + 5
    state["accounts"].clock = lambda: later
    assert (await http.get("/console/")).status_code == 303


async def test_sign_in_is_rate_limited_per_address(client: Client) -> None:
    http, state = client
    csrf = csrf_of((await http.get("/console/login")).text)
    for _ in range(state["console"].limiter.failures):
        r = await http.post("/console/login", data={"csrf": csrf, "username": "admin", "password": "guess"})
        assert r.status_code == 401
    r = await http.post("/console/login", data={"csrf": csrf, "username": "admin", "password": PASSWORD})
    assert r.status_code == 429  # even the right password waits


# --- before: competitions, imports, codes, judges ----------------------------------------------

BAD_CSV = "赛项,作品编号,作品名称,参赛单位,选手\n热菜,e10,黄花鱼,大同宾馆,张三\n冷菜,e11,黄花拌豆腐,新单位,李四\n"
GOOD_CSV = BAD_CSV.replace("冷菜", "热菜")


async def test_import_refuses_a_bad_row_then_imports_the_fixed_file(client: Client, engine: Engine) -> None:
    http, _state = client
    csrf = await sign_in(http)
    files = {"file": ("roster.csv", BAD_CSV.encode(), "text/csv")}
    preview = await http.post("/console/c/cup/import/preview", data={"csrf": csrf}, files=files)
    assert preview.status_code == 422
    soup = BeautifulSoup(preview.text, "html.parser")
    assert [tr["id"] for tr in soup.select("tr.bad")] == ["row-3"]
    assert "冷菜" in soup.select_one("#row-3 .problem").get_text()
    table = soup.select_one("input[name=table]")["value"]
    refused = await post(http, "/console/c/cup/import/confirm", csrf, table=table)
    assert refused.status_code == 422 and "e10" not in _entry_keys(engine)
    preview = await http.post("/console/c/cup/import/preview", data={"csrf": csrf},
                              files={"file": ("roster.csv", GOOD_CSV.encode("gb18030"), "text/csv")})
    assert preview.status_code == 200
    table = BeautifulSoup(preview.text, "html.parser").select_one("input[name=table]")["value"]
    done = await post(http, "/console/c/cup/import/confirm", csrf, table=table)
    assert done.status_code == 200 and "#import-done" and "2" in done.text
    assert {"e10", "e11"} <= _entry_keys(engine)
    with session(engine) as s:
        new = s.exec(select(db.Entry).where(db.Entry.key == "e11")).one()
        assert new.code and new.code.startswith("H")  # a blind event: a code was drawn
        assert s.exec(select(db.Team).where(db.Team.name_zh == "新单位")).one()
    assert audited(engine, "roster.imported")[0].detail["entries"] == 2


async def test_import_may_skip_bad_rows_when_asked(client: Client, engine: Engine) -> None:
    http, _state = client
    csrf = await sign_in(http)
    book = Workbook()
    for row in [line.split(",") for line in BAD_CSV.strip().split("\n")]:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    preview = await http.post("/console/c/cup/import/preview", data={"csrf": csrf},
                              files={"file": ("roster.xlsx", out.getvalue(), "application/octet-stream")})
    table = BeautifulSoup(preview.text, "html.parser").select_one("input[name=table]")["value"]
    done = await post(http, "/console/c/cup/import/confirm", csrf, table=table, skip_bad="1")
    assert done.status_code == 200
    assert "e10" in _entry_keys(engine) and "e11" not in _entry_keys(engine)
    assert audited(engine, "roster.imported")[0].detail["skipped_rows"] == 1


def _entry_keys(engine: Engine) -> set[str]:
    with session(engine) as s:
        return set(s.exec(select(db.Entry.key)).all())


async def test_create_a_competition_from_presets_and_refuse_a_bad_file(client: Client, engine: Engine) -> None:
    http, _state = client
    csrf = await sign_in(http)
    r = await post(http, "/console/new/presets", csrf, key="build", name_zh="建筑技能", name_en="Building",
                   preset=["masonry", "painting"])
    assert r.status_code == 303 and r.headers["location"] == "/console/c/build"
    bad = b'[competition]\nkey = "x"\nname = { zh = "x", en = "x" }\n[[events]]\nkey = "e"\nrubric = "nope"\n'
    r = await http.post("/console/new/file", data={"csrf": csrf}, files={"file": ("bad.toml", bad, "text/plain")})
    assert r.status_code == 422
    problems = [li.get_text() for li in BeautifulSoup(r.text, "html.parser").select(".problems li")]
    assert len(problems) >= 2 and all(p.startswith("bad.toml") for p in problems)
    with session(engine) as s:
        assert set(s.exec(select(db.Competition.key)).all()) == {"cup", "build"}
    assert [a.subject for a in audited(engine, "competition.created")] == ["competition:build"]


async def test_judges_created_assigned_carded_and_revoked(client: Client, engine: Engine) -> None:
    http, _state = client
    csrf = await sign_in(http)
    r = await post(http, "/console/c/cup/judges/new", csrf, key="j9", name="新评委", team="t2", events=["hot"])
    assert r.status_code == 200
    r = await post(http, "/console/c/cup/judges/j9/assign", csrf, team="t2", events=["hot", "other"])
    assert r.status_code == 200
    cards = await post(http, "/console/c/cup/judges/cards", csrf, judge="j9")
    assert cards.status_code == 200 and "/j/login/" in cards.text and "新评委" in cards.text
    assert (await post(http, "/console/c/cup/judges/j9/revoke", csrf, reason="card lost")).status_code == 200
    with session(engine) as s:
        j9 = s.exec(select(db.Judge).where(db.Judge.key == "j9")).one()
        assert j9.revoked and j9.team_id is not None
    for action in ("judge.created", "judge.assigned", "judge.token", "judge.revoked"):
        assert audited(engine, action), action
    assert audited(engine, "judge.revoked")[0].reason == "card lost"


async def test_a_judge_s_roles_are_set_on_the_judges_page(client: Client, engine: Engine) -> None:
    http, _state = client
    csrf = await sign_in(http)
    r = await post(http, "/console/c/cup/judges/j1/assign", csrf, events=["hot"], roles=["measuring"])
    assert r.status_code == 200
    boxes = BeautifulSoup(r.text, "html.parser").select("#judge-j1 td.roles input")
    assert [(b["value"], b.has_attr("checked")) for b in boxes] == [("measuring", True), ("clerk", False),
                                                                    ("trainee", False)]
    r = await post(http, "/console/c/cup/judges/j1/assign", csrf, events=["hot"], roles=["taster"])
    assert r.status_code == 422
    assert "taster" in BeautifulSoup(r.text, "html.parser").select_one(".problems").get_text()
    with session(engine) as s:
        assert load_competition(s, "cup").roles_in("hot")["j1"] == {"measuring"}  # the refusal changed nothing


# --- during: progress, review, lock -------------------------------------------------------------

def _cells(html: str, entry: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    return [c["data-status"] for c in soup.select(f"#entry-{entry} .cell")]


async def test_the_progress_matrix_shows_a_sheet_sent_through_the_service(client: Client) -> None:
    http, state = client
    await sign_in(http)
    page = (await http.get("/console/c/cup/e/hot")).text
    # e3: j1 and j2 sent; j3–j5 not yet; j7 is of e3's own team (t1)
    assert _cells(page, "e3") == ["received", "received", "missing", "missing", "missing", "conflict"]
    await state["service"].submit("cup", "j3", sheet("e3", "j3", EIGHTY))
    fragment = await http.get("/console/c/cup/e/hot", headers={"HX-Request": "true"})
    assert fragment.text.lstrip().startswith('<div id="matrix"')
    assert _cells(fragment.text, "e3")[:3] == ["received"] * 3


async def test_the_progress_page_shows_each_judges_device(client: Client) -> None:
    """Drives the app's real judge registry (the one ``create_app`` hands the console) with a
    connection object rather than a socket: the websocket side is in test_judge_socket.py."""
    http, state = client
    await sign_in(http)
    sockets = state["judges"]
    tablet = Connection("cup", "j1", "en")
    sockets.add(tablet)
    tablet.heard_from(2, now=datetime.now(UTC) - timedelta(seconds=90))

    def device(html: str, judge: str) -> Any:
        return BeautifulSoup(html, "html.parser").select_one(f"#device-{judge}")

    page = (await http.get("/console/c/cup/e/hot?lang=en")).text  # the language stays for the fragment
    j1 = device(page, "j1")
    assert (j1["data-online"], j1["data-waiting"]) == ("yes", "2")
    assert j1.select_one(".device-state").text == "online" and j1.select_one(".seen") is None  # online is now
    header = BeautifulSoup(page, "html.parser").select_one("#judge-j1")
    assert header.select_one(".outbox").text == "2 sheets waiting"
    assert header["title"] == "评委1 · online · 2 sheets waiting"
    assert header.select_one(".togo").text == "0 to go"
    assert BeautifulSoup(page, "html.parser").select_one("#judge-j3 .togo").text == "1 to go"  # e3: none from j3 yet
    j2 = device(page, "j2")
    assert j2["data-online"] == "no" and not j2.has_attr("data-waiting")
    assert j2.select_one(".seen").text == "never seen" and not j2.select_one(".seen").has_attr("data-ago")
    assert BeautifulSoup(page, "html.parser").select_one("#judge-j2 .outbox") is None
    tablet.heard_from(0)
    sockets.remove(tablet)  # the tablet went away: offline, but last seen and its outbox are kept
    fragment = (await http.get("/console/c/cup/e/hot", headers={"HX-Request": "true"})).text
    j1 = device(fragment, "j1")
    assert (j1["data-online"], j1["data-waiting"]) == ("no", "0")
    assert j1.select_one(".seen").text == "last seen 0 s ago" and j1.select_one(".seen")["data-ago"] == "0"
    header = BeautifulSoup(fragment, "html.parser").select_one("#judge-j1")
    assert header.select_one(".outbox") is None and header["title"] == "评委1 · offline · no sheets waiting"
    zh = device((await http.get("/console/c/cup/e/hot?lang=zh_CN")).text, "j1")
    assert zh.select_one(".device-state").text == "离线" and "最近在线" in zh.select_one(".seen").text


def test_device_labels() -> None:
    now = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
    with i18n.using("zh_CN"):
        assert (seen_label(now - timedelta(seconds=75), now), outbox_label(3)) == ("最近在线：1 分钟前",
                                                                                  "3 份评分表等待发送")
    with i18n.using("en"):
        _english_labels(now)


def _english_labels(now: datetime) -> None:
    assert seen_label(now - timedelta(seconds=12), now) == "last seen 12 s ago"
    assert seen_label(now - timedelta(minutes=5, seconds=59), now) == "last seen 5 min ago"
    assert seen_label(now - timedelta(hours=3), now) == "last seen 3 h ago"
    assert seen_label(now + timedelta(seconds=3), now) == "last seen 0 s ago"  # a clock a little ahead
    assert [outbox_label(n) for n in (None, 0, 1, 7)] == ["", "no sheets waiting", "1 sheet waiting",
                                                          "7 sheets waiting"]


async def test_lock_then_a_sheet_is_refused(client: Client, engine: Engine) -> None:
    http, state = client
    csrf = await sign_in(http)
    r = await post(http, "/console/c/cup/e/hot/entry/e3/lock", csrf, locked="1", reason="")
    assert r.status_code == 200
    assert _cells((await http.get("/console/c/cup/e/hot")).text, "e3")[0] == "locked"
    with pytest.raises(UserError) as refused:
        await state["service"].submit("cup", "j3", sheet("e3", "j3", EIGHTY))
    assert refused.value.code == "entry_locked"
    assert (await post(http, "/console/c/cup/e/hot/entry/e3/lock", csrf, locked="0")).status_code == 422  # why?
    assert (await post(http, "/console/c/cup/e/hot/entry/e3/lock", csrf, locked="0", reason="re-judged")).status_code \
        == 200
    assert [(a.action, a.reason) for a in audited(engine, "entry.unlocked")] == [("entry.unlocked", "re-judged")]
    # the whole event: not while an entry lacks judges' sheets, whatever the reason
    assert (await post(http, "/console/c/cup/e/hot/state", csrf, to="locked", reason="end")).status_code == 422
    await finish_hot(state)
    assert (await post(http, "/console/c/cup/e/hot/state", csrf, to="locked", reason="end")).status_code == 200
    with pytest.raises(UserError) as closed:
        await state["service"].submit("cup", "j4", sheet("e3", "j4", EIGHTY, sid="late"))
    assert closed.value.code == "event_not_open"
    assert (await post(http, "/console/c/cup/e/hot/state", csrf, to="open")).status_code == 422  # reopen needs why
    assert (await post(http, "/console/c/cup/e/hot/state", csrf, to="open", reason="appeal")).status_code == 200
    assert [a.reason for a in audited(engine, "event.state")][-2:] == ["end", "appeal"]


async def test_a_refused_move_is_told_with_the_states_names(client: Client, engine: Engine) -> None:
    http, _state = client
    csrf = await sign_in(http)

    def told(page: str) -> list[str]:
        return [li.get_text() for li in BeautifulSoup(page, "html.parser").select(".problems li")]

    back = await post(http, "/console/c/cup/e/hot/state", csrf, to="draft", reason="start again")
    assert back.status_code == 422 and told(back.text) == ["赛项不能从“评分中”变为“草稿”。"]
    assert (await post(http, "/console/c/cup/e/hot/state", csrf, to="closed")).status_code == 200
    reopen = await post(http, "/console/c/cup/e/hot/state", csrf, to="open")
    assert reopen.status_code == 422 and told(reopen.text) == ["请填写重新开放的原因。"]
    assert [a.detail["to"] for a in audited(engine, "event.state")] == ["open", "open", "closed"]  # seeded, then one

async def test_a_rescore_request_is_audited_and_announced(client: Client, engine: Engine) -> None:
    http, state = client
    csrf = await sign_in(http)
    async with state["bus"].subscribe() as queue:
        r = await post(http, "/console/c/cup/e/hot/entry/e1/rescore", csrf, judge="j2", reason="差异过大")
        assert r.status_code == 200
        event = await queue.get()
    assert event == RescoreRequested("cup", "hot", "e1", "j2", "差异过大")
    [row] = audited(engine, "entry.rescore")
    assert (row.actor, row.subject, row.reason) == ("organizer:admin", "entry:e1", "差异过大")
    assert row.detail["judge"] == "j2"


async def test_a_deduction_is_a_chief_judges_sheet(client: Client, engine: Engine) -> None:
    http, state = client
    csrf = await sign_in(http, "chief-hot")
    rule = state["book"].book("cup").competition.event("hot").rubric.deductions[0]
    r = await post(http, "/console/c/cup/e/hot/entry/e2/deduction", csrf, rule=rule.key, amount="2", reason="卫生")
    assert r.status_code == 200, r.text
    with session(engine) as s:
        stored = s.exec(select(db.Sheet).join(db.Judge).where(db.Judge.key == "j5", db.Sheet.reason == "卫生")).one()
    assert stored.marks == {} and stored.deductions[0]["key"] == rule.key
    assert [a.actor for a in audited(engine, "sheet.recorded") if a.reason == "卫生"] == ["judge:j5"]
    assert [a.actor for a in audited(engine, "entry.deduction")] == ["chief:chief-hot"]
    no_reason = await post(http, "/console/c/cup/e/hot/entry/e2/deduction", csrf, rule=rule.key, amount="1")
    assert no_reason.status_code == 422


async def test_the_entry_review_shows_each_judges_marks(client: Client) -> None:
    http, _state = client
    await sign_in(http)
    soup = BeautifulSoup((await http.get("/console/c/cup/e/hot/entry/e2")).text, "html.parser")
    totals = [td.get_text(strip=True) for td in soup.select(".marks tr.totals.scaled td")]
    assert totals == ["评委折合总分", "80.00", "80.00", "80.00", "80.00", "80.00", "—", "80.00"]
    assert [td.get_text(strip=True) for td in soup.select(".marks tr.totals.final td")][-1] == "80.00"


# --- after: publish, audit log, downloads ---------------------------------------------------------

async def test_publishing_shows_names_on_the_public_page(client: Client, engine: Engine) -> None:
    http, state = client
    csrf = await sign_in(http)
    await finish_hot(state)
    assert "黄花炒肉丝" not in (await http.get("/c/cup/e/hot")).text  # blind until published
    assert (await post(http, "/console/c/cup/e/hot/state", csrf, to="locked", reason="done")).status_code == 200
    assert (await post(http, "/console/c/cup/e/hot/state", csrf, to="published")).status_code == 200
    assert "黄花炒肉丝" in (await http.get("/c/cup/e/hot")).text
    assert [a.detail["to"] for a in audited(engine, "event.state")][-2:] == ["locked", "published"]


async def test_the_audit_log_filters_by_action_and_subject(client: Client) -> None:
    http, _state = client
    csrf = await sign_in(http)
    await post(http, "/console/c/cup/e/hot/entry/e1/lock", csrf, locked="1", reason="ok")
    page = BeautifulSoup((await http.get("/console/c/cup/audit?action=entry.locked")).text, "html.parser")
    assert [tr["data-action"] for tr in page.select("#log tbody tr")] == ["entry.locked"]
    page = BeautifulSoup((await http.get("/console/c/cup/audit?subject=entry:e2")).text, "html.parser")
    assert {tr["data-action"] for tr in page.select("#log tbody tr")} == {"sheet.recorded"}
    fragment = await http.get("/console/c/cup/audit?action=entry.locked", headers={"HX-Request": "true"})
    assert fragment.text.lstrip().startswith('<div id="log">')


async def test_downloads_call_the_exports(client: Client) -> None:
    http, _state = client
    await sign_in(http)
    page = BeautifulSoup((await http.get("/console/c/cup/downloads")).text, "html.parser")
    assert page.select("ul.downloads a")
    r = await http.get("/console/c/cup/downloads/csv")
    assert r.status_code == 200 and r.headers["content-disposition"].startswith("attachment")
    assert "H-101" in r.content.decode("utf-8-sig")
    magic = {"application/pdf": b"%PDF", "application/json": b"{", XLSX: b"PK"}
    for d in DOWNLOADS:
        if writer(d) is None:
            continue
        r = await http.get(f"/console/c/cup/downloads/{d.key}")
        assert r.status_code == 200, d.key
        assert r.content.startswith(magic.get(d.media_type, b"")), d.key


# --- accounts ------------------------------------------------------------------------------------

def test_accounts_never_take_a_short_password(engine: Engine) -> None:
    with session(engine, write=True) as s, pytest.raises(UserError) as refused:
        create_account(s, "x", "short")
    assert refused.value.code == "password_short"
    with session(engine, write=True) as s, pytest.raises(UserError) as unknown:
        create_account(s, "y", PASSWORD, ["cup:nope"])
    assert unknown.value.code == "event_unknown"


def test_admin_create_reads_the_password_and_never_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    from scoreboard import cli

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert cli.main(["--lang", "en", "admin", "create", "boss", "--password-stdin", "--database-url", url]) == 0
    assert "boss (organizer)" in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", io.StringIO("\n"))
    assert cli.main(["--lang", "en", "admin", "create", "nopass", "--password-stdin", "--database-url", url]) == 2
    assert "at least 8 characters" in capsys.readouterr().err
    engine = make_engine(url)
    with session(engine) as s:
        assert s.exec(select(db.Account.username)).all() == ["boss"]
    engine.dispose()


async def test_a_signed_in_organizer_sees_the_organizer_board_and_the_ceremony(client: Client) -> None:
    http, state = client
    await sign_in(http)
    # hot is blind and not published: an organizer sees the public view unless asking for their own
    assert "黄花炒肉丝" not in (await http.get("/c/cup/e/hot")).text
    assert "黄花炒肉丝" in (await http.get("/c/cup/e/hot?view=organizer")).text
    http.cookies.clear()
    assert "黄花炒肉丝" not in (await http.get("/c/cup/e/hot?view=organizer")).text  # signed out: public
    await finish_hot(state)
    await state["events"].set_state("cup", "hot", "locked", actor="test", reason="end")
    await state["events"].set_state("cup", "hot", "published", actor="test")
    assert (await http.get("/c/cup/board?ceremony=1")).status_code == 403
    await sign_in(http, "chief-hot")  # a chief judge is not the organizer
    assert (await http.get("/c/cup/board?ceremony=1")).status_code == 403
    http.cookies.clear()
    await sign_in(http)
    assert (await http.get("/c/cup/board?ceremony=1")).status_code == 200
