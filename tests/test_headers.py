"""Security headers on every HTTP response, in-process: pages, redirects, errors, static files and
downloads all carry the policy, ``nosniff``, the referrer policy and the frame refusal; no page
holds an inline script, an inline style or an event-handler attribute the policy would block; and
the printable login cards answer their own stricter policy, allowing exactly their inline style."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from bs4 import BeautifulSoup
from sqlalchemy import Engine

from scoreboard.app import create_app
from scoreboard.settings import Settings
from scoreboard.store.accounts import create_account
from scoreboard.store.engine import make_engine, migrate, session
from scoreboard.store.tokens import issue_token
from tests.support import running, seed

POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
          "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
PASSWORD = "headers test password"
KEY = "headers-organizer-key"


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path / 'headers.db'}")
    migrate(engine)
    seed(engine)
    with session(engine, write=True) as s:
        create_account(s, "admin", PASSWORD)
        s.commit()
    return engine


@pytest.fixture
async def http(engine: Engine) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings.from_env(env_file=None, database_url="sqlite://", organizer_key=KEY)
    async with running(create_app(settings, engine=engine)) as (client, _state):
        yield client


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF field on the page"
    return found.group(1)


def assert_secured(r: httpx.Response, referrer: str = "same-origin") -> None:
    assert r.headers["content-security-policy"] == POLICY, r.url
    assert r.headers["x-content-type-options"] == "nosniff", r.url
    assert r.headers["referrer-policy"] == referrer, r.url
    assert r.headers["x-frame-options"] == "DENY", r.url


def inline_code(html: str) -> list[str]:
    """What the policy would block in a page: inline scripts, style elements and attributes, handlers."""
    soup = BeautifulSoup(html, "html.parser")
    found = [f"<script> {s.get_text()[:40]}" for s in soup.select("script")
             if not s.get("src") and s.get("type") != "application/json"]
    found += [f"<style> {s.get_text()[:40]}" for s in soup.select("style")]
    for tag in soup.find_all(True):
        found += [f"<{tag.name} {a}>" for a in tag.attrs if a == "style" or a.startswith("on")]
    return found


PUBLIC = ["/", "/c/cup/e/hot", "/c/cup/board", f"/c/cup/board?key={KEY}", "/c/cup/board?bilingual=1", "/c/cup/teams",
          "/console/login"]
CONSOLE = ["/console/", "/console/new", "/console/c/cup", "/console/c/cup/e/hot", "/console/c/cup/e/hot/entry/e1",
           "/console/c/cup/judges", "/console/c/cup/import", "/console/c/cup/labels", "/console/c/cup/audit",
           "/console/c/cup/downloads", "/console/c/cup/e/hot/edit"]


async def test_every_page_is_secured_and_holds_no_inline_code(http: httpx.AsyncClient, engine: Engine) -> None:
    for path in PUBLIC:
        r = await http.get(path)
        assert r.status_code == 200, path
        assert_secured(r)
        assert inline_code(r.text) == [], path
    page = await http.get("/console/login")
    r = await http.post("/console/login", data={"csrf": csrf_of(page.text), "username": "admin",
                                                "password": PASSWORD, "next": "/console/"})
    assert r.status_code == 303
    assert_secured(r)
    for path in CONSOLE:
        r = await http.get(path)
        assert r.status_code == 200, path
        assert_secured(r)
        assert inline_code(r.text) == [], path
    with session(engine, write=True) as s:
        token = issue_token(s, "cup", "j1", actor="test")
        s.commit()
    r = await http.get(f"/j/login/{token}")
    assert r.status_code == 303
    assert_secured(r, referrer="no-referrer")  # the tablet's pages keep their own, stricter policy
    tablet = await http.get("/j/")
    assert tablet.status_code == 200 and inline_code(tablet.text) == []
    assert_secured(tablet, referrer="no-referrer")
    assert BeautifulSoup(tablet.text, "html.parser").select_one("meta[name=referrer]")["content"] == "no-referrer"


@pytest.mark.parametrize(("path", "status"), [
    ("/static/app.css", 200), ("/static/board.js", 200), ("/static/vendor/htmx.min.js", 200),
    ("/nowhere", 404), ("/c/nope/e/hot", 404), ("/console/c/cup", 303), ("/c/cup/board?ceremony=1", 403),
    ("/j/", 401), ("/j/login/not-a-token", 403),
])
async def test_every_kind_of_answer_is_secured(http: httpx.AsyncClient, path: str, status: int) -> None:
    r = await http.get(path)
    assert r.status_code == status
    assert_secured(r, referrer="no-referrer" if path.startswith("/j/") else "same-origin")
    if r.headers.get("content-type", "").startswith("text/html"):  # error and sign-in pages too
        assert inline_code(r.text) == []


async def test_downloads_are_secured(http: httpx.AsyncClient) -> None:
    page = await http.get("/console/login")
    await http.post("/console/login", data={"csrf": csrf_of(page.text), "username": "admin", "password": PASSWORD})
    r = await http.get("/console/c/cup/downloads/csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert_secured(r)


async def test_login_cards_answer_their_own_stricter_policy(http: httpx.AsyncClient) -> None:
    page = await http.get("/console/login")
    await http.post("/console/login", data={"csrf": csrf_of(page.text), "username": "admin", "password": PASSWORD})
    csrf = csrf_of((await http.get("/console/c/cup/judges")).text)
    r = await http.post("/console/c/cup/judges/cards", data={"csrf": csrf, "judge": "j1"})
    assert r.status_code == 200 and "/j/login/" in r.text
    soup = BeautifulSoup(r.text, "html.parser")
    styles: list[Any] = soup.select("style")
    assert len(styles) == 1 and not soup.select("script") and not soup.select("[style]")
    digest = base64.b64encode(hashlib.sha256(styles[0].string.encode()).digest()).decode()
    assert r.headers["content-security-policy"] == (
        f"default-src 'none'; style-src 'sha256-{digest}'; img-src data:; base-uri 'none'; form-action 'none'; "
        "frame-ancestors 'none'")
    assert r.headers["referrer-policy"] == "no-referrer"  # the handler's own, stricter: kept
    assert r.headers["x-content-type-options"] == "nosniff" and r.headers["x-frame-options"] == "DENY"
