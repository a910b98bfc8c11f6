"""The tablet pages in-process: a login link becomes a session cookie and leaves the address
bar; bad, replaced and revoked links, and a tablet without a session, get a translated page."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from bs4 import BeautifulSoup
from sqlalchemy import Engine

from scoreboard.app import create_app
from scoreboard.settings import Settings
from scoreboard.store.engine import make_engine, migrate, session
from scoreboard.store.tokens import issue_token, revoke
from tests.support import running, seed

EN = {"Accept-Language": "en"}
ZH = {"Accept-Language": "zh-CN"}


@pytest.fixture
def db(tmp_path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path / 'tablet.db'}")
    migrate(engine)
    seed(engine)
    return engine


@pytest.fixture
async def client(db: Engine) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings.from_env(env_file=None, database_url="sqlite://"), engine=db)
    async with running(app) as (client, _state):
        yield client


def token(db: Engine, judge: str = "j1") -> str:
    with session(db, write=True) as s:
        t = issue_token(s, "cup", judge, actor="test")
        s.commit()
    return t


async def test_login_link_sets_the_session_and_drops_the_token(client: httpx.AsyncClient, db: Engine) -> None:
    t = token(db)
    r = await client.get(f"/j/login/{t}", headers=EN)
    assert r.status_code == 303 and r.headers["location"].endswith("/j/")
    assert r.headers["cache-control"] == "no-store" and "scoreboard_session" in r.headers["set-cookie"]
    assert t not in r.headers["set-cookie"]
    page = await client.get("/j/", headers=EN)
    assert page.status_code == 200
    soup = BeautifulSoup(page.text, "html.parser")
    assert soup.select_one("#judge-name").get_text() == "评委1"
    assert soup.select_one("#app")["data-judge"] == "j1" and soup.select_one("#app")["data-ws"] == "/ws/judge"
    strings: dict[str, Any] = json.loads(soup.select_one("#tablet-strings").get_text())
    assert strings["state_received"] == "received ✓ #{seq}"
    zh = json.loads(BeautifulSoup((await client.get("/j/", headers=ZH)).text, "html.parser")
                    .select_one("#tablet-strings").get_text())
    assert zh["state_received"] == "已接收 ✓ #{seq}" and zh["offline"] == "离线"


async def test_without_a_session_the_tablet_says_how_to_sign_in(client: httpx.AsyncClient) -> None:
    r = await client.get("/j/", headers=ZH)
    assert r.status_code == 401
    assert "请登录" in BeautifulSoup(r.text, "html.parser").select_one("h1").get_text()


@pytest.mark.parametrize("how", ["unknown", "replaced", "revoked"])
async def test_a_bad_link_is_refused_and_signs_out(client: httpx.AsyncClient, db: Engine, how: str) -> None:
    t = token(db)
    assert (await client.get(f"/j/login/{t}")).status_code == 303
    if how == "unknown":
        t = "not-a-token"
    elif how == "replaced":
        token(db)
    else:
        with session(db, write=True) as s:
            revoke(s, "cup", "j1", actor="test", reason="lost")
            s.commit()
    r = await client.get(f"/j/login/{t}", headers=EN)
    assert r.status_code == 403
    assert BeautifulSoup(r.text, "html.parser").select_one("h1").get_text() == "This login link does not work"
    assert (await client.get("/j/")).status_code == 401


async def test_the_service_worker_is_served_with_the_apps_scope(client: httpx.AsyncClient) -> None:
    r = await client.get("/j/sw.js")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/javascript")
    assert "scoreboard-tablet" in r.text


async def test_the_service_worker_keeps_every_module_the_tablet_loads(client: httpx.AsyncClient, db: Engine) -> None:
    """A reload without a network starts only if every module main.js imports, however deep, is kept."""
    static = Path(__file__).resolve().parent.parent / "static" / "tablet"
    imported: set[str] = set()
    todo = ["main"]
    while todo:
        name = todo.pop()
        imported.add(name)
        text = (static / f"{name}.js").read_text(encoding="utf-8")
        todo += [m for m in re.findall(r'from "\./(\w+)\.js"', text) if m not in imported]
    assert imported == {p.stem for p in static.glob("*.js")}
    worker = (await client.get("/j/sw.js")).text
    listed = re.search(r"const MODULES = \[([^\]]*)\]", worker)
    assert listed is not None and set(re.findall(r'"(\w+)"', listed.group(1))) == imported
    page = BeautifulSoup((await client.get(f"/j/login/{token(db)}", follow_redirects=True)).text, "html.parser")
    src = urlsplit(str(page.select_one("script[type=module]")["src"]))  # its version in the query: the
    assert src.path.endswith("/static/tablet/main.js") and src.query.startswith("v=")  # worker keeps it by path
    for name in sorted(imported):
        r = await client.get(f"/static/tablet/{name}.js")
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/javascript"), name
