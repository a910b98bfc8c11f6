"""Sessions and sign-in, in-process: the signing key kept in the database (made once, race-safe,
shared by every process), console sessions that end on sign-out on every copy of the cookie and
in every process, the sign-in limiter (per username and per address, bursts included, bounded
memory), the ``next`` address normalised, illegal cookies ignored, ``Secure`` cookies over HTTPS,
and a Host that is no host refused. Against a real server: the handshakes of both sockets with an
illegal cookie."""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from bs4 import BeautifulSoup
from sqlalchemy import Engine, func
from sqlmodel import select
from starlette.applications import Starlette
from starlette.types import Receive, Scope, Send
from websockets.asyncio.client import connect

from scoreboard.app import create_app
from scoreboard.services.accounts import IDLE
from scoreboard.services.limiter import LoginLimiter
from scoreboard.settings import Settings
from scoreboard.store import tables as db
from scoreboard.store.accounts import create_account, hash_password
from scoreboard.store.engine import make_engine, migrate, session
from scoreboard.store.keys import server_key
from scoreboard.web.console_login import safe_next
from tests.live import judge_server
from tests.support import seed

PASSWORD = "correct horse battery"


@pytest.fixture
def shared(tmp_path: Path) -> Iterator[Engine]:
    """One SQLite file with the test competition and an organizer ``admin``."""
    engine = make_engine(f"sqlite:///{tmp_path / 'sessions.db'}")
    migrate(engine)
    seed(engine)
    with session(engine, write=True) as s:
        create_account(s, "admin", PASSWORD)
        create_account(s, "other", PASSWORD)
        s.commit()
    yield engine
    engine.dispose()


@contextlib.asynccontextmanager
async def started(app: Starlette) -> AsyncIterator[Any]:
    """The app with its lifespan running; ``client(address)`` makes an httpx client connecting from
    that address."""
    async with app.router.lifespan_context(app) as state:

        async def with_state(scope: Scope, receive: Receive, send: Send) -> None:
            await app({**scope, "state": dict(state)}, receive, send)

        async with contextlib.AsyncExitStack() as stack:

            async def client(address: str = "127.0.0.1") -> httpx.AsyncClient:
                transport = httpx.ASGITransport(app=with_state, client=(address, 50000))
                return await stack.enter_async_context(httpx.AsyncClient(transport=transport,
                                                                         base_url="http://test"))

            client.state = state  # type: ignore[attr-defined]
            yield client


def app_for(engine: Engine, **settings: str) -> Starlette:
    return create_app(Settings.from_env(env_file=None, database_url="sqlite://", **settings), engine=engine)


def csrf_of(html: str) -> str:
    field = BeautifulSoup(html, "html.parser").select_one('input[name="csrf"]')
    assert field is not None, "no CSRF field on the page"
    return str(field["value"])


async def try_sign_in(http: httpx.AsyncClient, username: str = "admin", password: str = PASSWORD,
                      next_: str = "/console/") -> httpx.Response:
    page = await http.get("/console/login")
    return await http.post("/console/login", data={"csrf": csrf_of(page.text), "username": username,
                                                   "password": password, "next": next_})


async def sign_in(http: httpx.AsyncClient, username: str = "admin") -> str:
    """Sign in; returns the session cookie."""
    r = await try_sign_in(http, username)
    assert r.status_code == 303, r.text
    return http.cookies["scoreboard_session"]


async def console_status(http: httpx.AsyncClient, cookie: str) -> int:
    """The status of the console's home page for a browser holding only ``cookie``."""
    r = await http.get("/console/", headers={"Cookie": f"scoreboard_session={cookie}"})
    return r.status_code


def rows(engine: Engine) -> int:
    with session(engine) as s:
        return int(s.exec(select(func.count()).select_from(db.ConsoleSession)).one())


# --- the signing key --------------------------------------------------------------------------

def test_the_signing_key_is_made_once_by_processes_starting_together(engine: Engine) -> None:
    keys: list[str] = []
    barrier = threading.Barrier(6)

    def start() -> None:
        barrier.wait()
        keys.append(server_key(engine))

    threads = [threading.Thread(target=start) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(keys) == 6 and len(set(keys)) == 1 and len(keys[0]) >= 60
    assert server_key(engine) == keys[0]
    with session(engine) as s:
        assert s.exec(select(func.count()).select_from(db.ServerKey)).one() == 1


async def test_secret_key_overrides_the_kept_key(shared: Engine) -> None:
    async with started(app_for(shared, secret_key="set-by-hand")) as client:
        assert client.state["session_key"] == "set-by-hand"
    async with started(app_for(shared)) as client:
        assert client.state["session_key"] == server_key(shared)


# --- console sessions ---------------------------------------------------------------------------

async def test_signing_out_ends_every_copy_of_the_cookie(shared: Engine) -> None:
    async with started(app_for(shared)) as client:
        browser, thief = await client(), await client("10.0.0.66")
        copied = await sign_in(browser)
        assert await console_status(thief, copied) == 200
        r = await browser.post("/console/logout", data={"csrf": csrf_of((await browser.get("/console/")).text)})
        assert r.status_code == 303 and r.headers["location"] == "/console/login"
        r = await thief.get("/console/", headers={"Cookie": f"scoreboard_session={copied}"})
        assert r.status_code == 303 and r.headers["location"].startswith("/console/login?next=")
        assert rows(shared) == 0


async def test_a_session_is_shared_and_ended_across_processes(shared: Engine) -> None:
    """Two apps on one database, as two workers or a restarted server: a sign-in made by one is
    honoured by the other, and a sign-out made by the other ends it for both."""
    async with started(app_for(shared)) as first, started(app_for(shared)) as second:
        assert first.state["session_key"] == second.state["session_key"]
        one, two = await first(), await second()
        cookie = await sign_in(one)
        assert await console_status(two, cookie) == 200
        csrf = csrf_of((await two.get("/console/", headers={"Cookie": f"scoreboard_session={cookie}"})).text)
        r = await two.post("/console/logout", data={"csrf": csrf}, headers={"Cookie": f"scoreboard_session={cookie}"})
        assert r.status_code == 303
        assert await console_status(one, cookie) == 303


async def test_a_changed_password_or_a_disabled_account_ends_its_sessions(shared: Engine) -> None:
    async with started(app_for(shared)) as client:
        http = await client()
        admin, other = await sign_in(http, "admin"), await sign_in(await client(), "other")
        with session(shared, write=True) as s:
            row = s.exec(select(db.Account).where(db.Account.username == "admin")).one()
            row.password_hash = hash_password("a new password")
            s.add(row)
            s.commit()
        assert await console_status(http, admin) == 303
        assert await console_status(http, other) == 200
        with session(shared, write=True) as s:
            row = s.exec(select(db.Account).where(db.Account.username == "other")).one()
            row.disabled = True
            s.add(row)
            s.commit()
        assert await console_status(http, other) == 303
        assert rows(shared) == 0  # both ended sessions were removed when found


async def test_a_session_lasts_while_used_up_to_its_lifetime(shared: Engine) -> None:
    now = [time.time()]
    async with started(app_for(shared)) as client:
        client.state["accounts"].clock = lambda: now[0]
        http = await client()
        cookie = await sign_in(http)
        for _hour in range(11):  # used every hour: longer than IDLE (2 h) in all, never idle that long
            now[0] += 3600
            assert await console_status(http, cookie) == 200
        now[0] += 3600 + 1  # 12 h and a second after signing in
        assert await console_status(http, cookie) == 303


async def test_idle_sessions_end_and_are_cleaned_up_at_the_next_sign_in(shared: Engine) -> None:
    now = [time.time()]
    async with started(app_for(shared)) as client:
        client.state["accounts"].clock = lambda: now[0]
        http = await client()
        first, second = await sign_in(http), await sign_in(await client())
        assert rows(shared) == 2
        now[0] += IDLE + 5
        assert await console_status(http, first) == 303
        assert rows(shared) == 1  # the one found expired was removed
        await sign_in(await client(), "other")
        assert rows(shared) == 1  # the other expired one went at this sign-in; the new one stays
        assert await console_status(http, second) == 303


async def test_signing_in_again_in_the_same_browser_ends_the_earlier_session(shared: Engine) -> None:
    async with started(app_for(shared)) as client:
        http = await client()
        earlier = await sign_in(http, "admin")
        csrf = csrf_of((await http.get("/console/")).text)
        r = await http.post("/console/login", data={"csrf": csrf, "username": "other", "password": PASSWORD})
        assert r.status_code == 303
        later = http.cookies["scoreboard_session"]
        assert rows(shared) == 1
        assert await console_status(http, earlier) == 303
        assert await console_status(http, later) == 200


# --- the sign-in limiter ------------------------------------------------------------------------

TOO_MANY = "此用户名或此地址登录失败次数过多。请几分钟后再试。"


async def test_failures_are_counted_per_username_from_any_address(shared: Engine) -> None:
    async with started(app_for(shared)) as client:
        for i in range(5):
            assert (await try_sign_in(await client(f"10.0.0.{i}"), password="guess")).status_code == 401
        late = await client("10.0.1.1")
        r = await try_sign_in(late)  # the right password, from an address that never failed
        assert r.status_code == 429 and TOO_MANY in r.text
        assert (await try_sign_in(late, "other")).status_code == 303  # another username is not held back


async def test_failures_are_counted_per_address_for_any_username(shared: Engine) -> None:
    async with started(app_for(shared)) as client:
        http = await client("10.0.0.9")
        for name in ("admin", "other", "root", "organizer", "Admin "):
            assert (await try_sign_in(http, name, "guess")).status_code == 401
        assert (await try_sign_in(http, "other")).status_code == 429
        assert (await try_sign_in(await client("10.0.0.10"), "other")).status_code == 303


async def test_a_burst_of_attempts_at_once_gets_five_tries(shared: Engine) -> None:
    async with started(app_for(shared)) as client:
        http = await client("10.0.0.7")
        csrf = csrf_of((await http.get("/console/login")).text)
        answers = await asyncio.gather(*(
            http.post("/console/login", data={"csrf": csrf, "username": "admin", "password": f"guess {i}"})
            for i in range(20)))
        assert sorted(r.status_code for r in answers) == [401] * 5 + [429] * 15


def test_the_limiter_forgets_the_longest_unused_beyond_its_bound(engine: Engine) -> None:
    limiter = LoginLimiter(engine, failures=3, remember=50)
    for i in range(1000):
        assert limiter.attempt(f"10.1.{i // 256}.{i % 256}", f"user{i}")
    assert len(limiter) == 50
    for _ in range(3):
        limiter.attempt("10.9.9.9", "target")
    assert not limiter.attempt("10.9.9.9", "someone") and not limiter.attempt("10.9.9.8", "TARGET")
    limiter.succeeded("10.9.9.9", "target")
    assert limiter.attempt("10.9.9.9", "target")


# --- where sign-in leads ----------------------------------------------------------------------------

@pytest.mark.parametrize(("given", "expected"), [
    ("//[", "/console/"),
    ("/console/../..//x", "/console/"),
    ("/console/c/cup", "/console/c/cup"),
    ("/console", "/console"),
    ("/console/c/cup/", "/console/c/cup/"),
    ("/console/c/../c/cup/./judges", "/console/c/cup/judges"),
    ("/console//c//cup", "/console/c/cup"),
    ("/console/c/cup/audit?action=entry.locked&subject=entry%3Ae1",
     "/console/c/cup/audit?action=entry.locked&subject=entry%3Ae1"),
    ("/console/c/cup#top", "/console/c/cup"),
    ("/console/%2e%2e/x", "/console/"),
    ("/console/%2E%2E/console/c/cup", "/console/c/cup"),
    ("/console/c/工匠杯", "/console/c/%E5%B7%A5%E5%8C%A0%E6%9D%AF"),
    ("/console/c/%E5%B7%A5", "/console/c/%E5%B7%A5"),
    ("https://evil.example/console/", "/console/"),
    ("//evil.example/console/", "/console/"),
    ("/%2Fevil.example/console/", "/console/"),
    ("/\\evil.example/console/", "/console/"),
    ("/console/\\..\\..\\x", "/console/"),
    ("/console/%5c..%5c..%5cx", "/console/"),
    ("/console/\x00", "/console/"),
    ("/console/%00", "/console/"),
    ("/console/%0d%0aSet-Cookie:%20x=1", "/console/"),
    ("/console/c/cup?a=\r\nb", "/console/"),
    ("/console/%ff", "/console/"),
    ("/consolex", "/console/"),
    ("/c/cup", "/console/"),
    ("javascript:alert(1)", "/console/"),
    ("", "/console/"),
    (None, "/console/"),
    ("/console/" + "a" * 3000, "/console/"),
])
def test_the_next_address_is_normalised_inside_the_console(given: str | None, expected: str) -> None:
    assert safe_next(given) == expected


async def test_next_on_the_sign_in_page(shared: Engine) -> None:
    async with started(app_for(shared)) as client:
        http = await client()
        page = await http.get("/console/login?next=//%5B")  # answered 500 before
        assert page.status_code == 200
        field = BeautifulSoup(page.text, "html.parser").select_one('input[name="next"]')
        assert field is not None and field["value"] == "/console/"
        r = await try_sign_in(http, next_="/console/../..//x")
        assert r.status_code == 303 and r.headers["location"] == "/console/"
        assert (await http.get("/console/login?next=//%5B")).headers["location"] == "/console/"
        assert (await http.get("/console/login?next=/console/c/../c/cup")).headers["location"] == "/console/c/cup"


# --- cookies, hosts ------------------------------------------------------------------------------

ILLEGAL = "a@b=1; lang=en; x y=2; =3; \x7f=4"
LEGAL_BYTES = "a@b=1; lang=en; x y=2; =3"  # what a websockets client agrees to send


async def test_an_illegal_cookie_is_ignored_and_the_rest_still_read(shared: Engine) -> None:
    async with started(app_for(shared)) as client:
        http = await client()
        cookie = await sign_in(http)
        headers = {"Cookie": f"{ILLEGAL}; scoreboard_session={cookie}"}
        for path, status in (("/", 200), ("/c/cup/e/hot", 200), ("/c/cup/teams", 200), ("/c/cup/board", 200),
                             ("/console/login", 303), ("/console/", 200), ("/j/", 401)):
            r = await http.get(path, headers=headers)
            assert r.status_code == status, path
            if status == 200:
                assert '<html lang="en">' in r.text, path  # the lang cookie beside the illegal one is read


async def test_both_sockets_open_with_an_illegal_cookie(engine: Engine) -> None:
    async with judge_server(engine) as live:
        ws = await connect(live.url, additional_headers={"Cookie": LEGAL_BYTES,
                                                         "Authorization": f"Bearer {live.tokens['j1']}"})
        hello = json.loads(await ws.recv())
        assert (hello["type"], hello["judge"]["key"]) == ("hello", "j1")
        await ws.close()
        board = live.url.replace("/ws/judge", "/ws/board/cup/hot")
        ws = await connect(board, additional_headers={"Cookie": LEGAL_BYTES})  # the handshake answered 101
        await asyncio.wait_for(await ws.ping(), 5)  # and the board socket is open
        await ws.close()


async def test_cookies_are_secure_when_served_over_https(shared: Engine) -> None:
    async with started(app_for(shared, https="1")) as client:
        r = await (await client()).get("/console/login?lang=en")
        cookies = r.headers.get_list("set-cookie")
        assert len(cookies) == 2 and all("; secure" in c.lower() for c in cookies), cookies
    async with started(app_for(shared)) as client:
        r = await (await client()).get("/console/login?lang=en")
        cookies = r.headers.get_list("set-cookie")
        assert len(cookies) == 2 and not any("secure" in c.lower() for c in cookies), cookies


@pytest.mark.parametrize("host", ["[::1", "a b", "a" * 300, "127.0.0.1:abc", "h:99999", "[zz]", "ex\u00e4mple"])
async def test_a_host_that_is_no_host_is_refused(shared: Engine, host: str) -> None:
    async with started(app_for(shared)) as client:
        r = await (await client()).get("/c/cup/board", headers={"Host": host.encode("latin-1")})
        assert r.status_code == 400 and r.text == "请求有误：Host 请求头不是主机名。"


@pytest.mark.parametrize("host", ["127.0.0.1:8000", "scores.example.org", "[::1]:8000", "localhost", "10.0.0.5"])
async def test_real_hosts_pass(shared: Engine, host: str) -> None:
    async with started(app_for(shared)) as client:
        assert (await (await client()).get("/c/cup/board", headers={"Host": host})).status_code == 200



async def test_control_characters_in_a_form_are_refused_before_any_query(engine: Engine) -> None:
    """A NUL in a sign-in's username (PostgreSQL refuses it in a query: once a 500) or in any
    console form field answers 400 and changes nothing."""
    seed(engine)
    with session(engine, write=True) as s:
        create_account(s, "admin", PASSWORD)
        s.commit()
    async with started(app_for(engine)) as client:
        http = await client()
        for username, password in (("a\x00b", PASSWORD), ("admin", PASSWORD + "\x00"), ("admin\x1b", PASSWORD)):
            assert (await try_sign_in(http, username, password)).status_code == 400
        await sign_in(http)
        page = await http.get("/console/c/cup/judges")
        r = await http.post("/console/c/cup/judges/new", data={"csrf": csrf_of(page.text), "key": "j9",
                                                              "name": "评委\x009", "events": "hot"})
        assert r.status_code == 400
        assert "j9" not in (await http.get("/console/c/cup/judges")).text
