"""The real command, ``scoreboard serve``, in a subprocess on 127.0.0.1 with ``SECRET_KEY`` unset:

- a restart signs nobody out: a judge's tablet (signed in by the card's link, its socket open) and
  an organizer signed in on the console stay signed in across kill -9 and a restart on the same
  database — the tablet's socket reconnects and gets its hello, the console opens without the
  sign-in page (SQLite and PostgreSQL);
- X-Forwarded-For is believed only from the proxies named in ``FORWARDED_ALLOW_IPS`` (none by
  default), so a client cannot dodge the sign-in limiter with a new forwarded address per try;
- malformed requests — bad percent-encoding, paths and queries that are not UTF-8, odd and huge
  headers, illegal and oversized cookies, a Host that is no host — answer 4xx, never 5xx, and
  leave no traceback in the server's log.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
import tomli_w
from bs4 import BeautifulSoup
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from tests.cluster import postgres_schema
from tests.e2e.servers import free_port
from tests.support import COMPETITION

CLI = [sys.executable, "-m", "scoreboard.cli"]
PASSWORD = "restart password"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'served.db'}"
        return
    with postgres_schema() as url:
        yield url


class Server:
    """``scoreboard serve`` on ``port`` with ``env``, its output in ``log``."""

    def __init__(self, env: dict[str, str], port: int, log: Path) -> None:
        self.env, self.port, self.log = env, port, log
        self.base = f"http://127.0.0.1:{port}"
        self.proc: subprocess.Popen[bytes] | None = None

    async def start(self) -> None:
        with self.log.open("a") as out:
            self.proc = subprocess.Popen([*CLI, "serve", "--port", str(self.port)], env=self.env, stdout=out,
                                         stderr=subprocess.STDOUT)
        async with httpx.AsyncClient() as http:
            for _ in range(300):
                with contextlib.suppress(httpx.TransportError):
                    await http.get(self.base + "/", timeout=1)
                    return
                if self.proc.poll() is not None:
                    raise RuntimeError(self.log.read_text())
                await asyncio.sleep(0.1)
        raise RuntimeError("the server did not answer in 30 s: " + self.log.read_text())

    def kill(self, sig: int = signal.SIGKILL) -> None:
        assert self.proc is not None
        self.proc.send_signal(sig)
        self.proc.wait(timeout=20)


@contextlib.asynccontextmanager
async def served(tmp_path: Path, database_url: str, **settings: str) -> AsyncIterator[Server]:
    tmp_path.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "DATABASE_URL": database_url, "LANG": "C", **settings}
    for name in ("SECRET_KEY", "FORWARDED_ALLOW_IPS", "HTTPS", "TEST_HOOKS"):
        if name not in settings:
            env.pop(name, None)
    (tmp_path / "cup.toml").write_text(tomli_w.dumps(COMPETITION), encoding="utf-8")
    subprocess.run([*CLI, "init", str(tmp_path / "cup.toml")], env=env, check=True, capture_output=True)
    subprocess.run([*CLI, "admin", "create", "admin", "--password-stdin"], env=env, check=True,
                   capture_output=True, input=(PASSWORD + "\n").encode())
    server = Server(env, free_port(), tmp_path / "serve.log")
    await server.start()
    try:
        yield server
    finally:
        if server.proc is not None and server.proc.poll() is None:
            server.kill(signal.SIGTERM)


def csrf_of(html: str) -> str:
    field = BeautifulSoup(html, "html.parser").select_one('input[name="csrf"]')
    assert field is not None, "no CSRF field on the page"
    return str(field["value"])


async def hello(server: Server, cookie: str) -> tuple[ClientConnection, dict[str, object]]:
    ws = await connect(f"ws://127.0.0.1:{server.port}/ws/judge", additional_headers={"Cookie": cookie})
    frame = json.loads(await asyncio.wait_for(ws.recv(), 10))
    return ws, frame


async def test_a_restart_signs_nobody_out(tmp_path: Path, database_url: str) -> None:
    async with served(tmp_path, database_url) as server:
        token = subprocess.run([*CLI, "judges", "tokens", "cup", "--judge", "j1", "--base-url", server.base],
                               env=server.env, check=True, capture_output=True, text=True).stdout.split("\t")[1]
        async with httpx.AsyncClient(base_url=server.base) as tablet, httpx.AsyncClient(base_url=server.base) as desk:
            # the judge scans their card: the tablet holds the session cookie, its socket gets a hello
            r = await tablet.get(f"/j/login/{token}")
            assert r.status_code == 303 and r.headers["location"].endswith("/j/")
            cookie = f"scoreboard_session={tablet.cookies['scoreboard_session']}"
            ws, first = await hello(server, cookie)
            assert first["type"] == "hello" and first["judge"] == {"key": "j1", "name": "评委1"}
            # the organizer signs in
            page = await desk.get("/console/login")
            r = await desk.post("/console/login", data={"csrf": csrf_of(page.text), "username": "admin",
                                                        "password": PASSWORD, "next": "/console/"})
            assert r.status_code == 303 and r.headers["location"] == "/console/"
            assert (await desk.get("/console/")).status_code == 200

            server.kill()  # kill -9: no shutdown, nothing flushed
            with pytest.raises(ConnectionClosed):
                await asyncio.wait_for(ws.recv(), 10)
            await server.start()

            ws, again = await hello(server, cookie)  # the tablet reconnects with the cookie it has
            assert again["type"] == "hello" and again["judge"] == first["judge"]
            await ws.close()
            assert (await tablet.get("/j/")).status_code == 200
            home = await desk.get("/console/")
            assert home.status_code == 200 and BeautifulSoup(home.text, "html.parser").select_one(
                'input[name="password"]') is None
            assert "Traceback" not in server.log.read_text()


async def sign_in_attempts(server: Server, forwarded: list[str]) -> list[int]:
    """One wrong sign-in per forwarded address, each for a different username."""
    statuses = []
    async with httpx.AsyncClient(base_url=server.base) as http:
        csrf = csrf_of((await http.get("/console/login")).text)
        for i, address in enumerate(forwarded):
            r = await http.post("/console/login", data={"csrf": csrf, "username": f"guess{i}", "password": "x"},
                                headers={"X-Forwarded-For": address})
            statuses.append(r.status_code)
    return statuses


async def test_forwarded_addresses_are_believed_only_from_named_proxies(tmp_path: Path) -> None:
    forwarded = [f"203.0.113.{i}" for i in range(7)]
    async with served(tmp_path / "a", f"sqlite:///{tmp_path / 'a.db'}") as server:
        assert await sign_in_attempts(server, forwarded) == [401] * 5 + [429] * 2  # all from 127.0.0.1
    async with served(tmp_path / "b", f"sqlite:///{tmp_path / 'b.db'}", FORWARDED_ALLOW_IPS="127.0.0.1") as server:
        assert await sign_in_attempts(server, forwarded) == [401] * 7  # a proxy on 127.0.0.1: its addresses count


def raw(port: int, request: bytes) -> int:
    """Send ``request`` as it is; the status code answered, or 0 when the server closed without one."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(request)
        data = b""
        with contextlib.suppress(TimeoutError, ConnectionResetError):
            while b"\r\n" not in data:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
    line = data.split(b"\r\n", 1)[0].split()
    return int(line[1]) if len(line) > 1 and line[1].isdigit() else 0


def get(path: bytes, headers: bytes = b"", host: bytes = b"127.0.0.1") -> bytes:
    return b"GET " + path + b" HTTP/1.1\r\nHost: " + host + b"\r\nConnection: close\r\n" + headers + b"\r\n"


UPGRADE = (b"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
           b"Sec-WebSocket-Version: 13\r\n")
PAGES = [b"/", b"/c/cup/board", b"/c/cup/e/hot", b"/c/cup/teams", b"/console/", b"/console/login", b"/j/",
         b"/j/login/x", b"/j/sw.js"]
PATHS = [b"/c/%zz", b"/c/%ff%fe/board", b"/c/\xff\xfe", b"/c/cup/e/%ff", b"/console/c/%ff", b"/j/login/%ff",
         b"/j/login/%zz", b"/static/%ff", b"/static/%2e%2e/%2e%2e/etc/passwd", b"/c/%00", b"//", b"/%2f%2f", b"*",
         b"/c/" + b"a" * 20000, b"/console/login?next=//%5B", b"/console/login?next=%ff",
         b"/console/login?next=/console/../..//x", b"/c/cup/e/hot?lang=%ff", b"/?lang=zh&lang=%ff%fe",
         b"/c/cup/board?key=%ff&pace=%ff&reveal=-1e999", b"/c/cup/board?%zz=%zz", b"/?" + b"%" * 3000,
         b"/c/cup/teams?lang=" + b"a" * 10000, b"/?\xff\xfe=\xff"]
HEADERS = [b"Accept-Language: " + b"zh-CN;q=0.5," * 5000 + b"\r\n",
           b"Accept-Language: zh;q=abc,en;q=nan,*;q=1e999,;q=,,,=;\r\n",
           b"Accept-Language: \xff\xfe;q=1\r\n",
           b"Cookie: a@b=1\r\n",
           b"Cookie: a@b=1; lang=\xff\xfe; scoreboard_session=\xff\r\n",
           b"Cookie: scoreboard_session=" + b"A" * 60000 + b"\r\n",
           b"Cookie: scoreboard_session=abc.def.ghi; lang=\"zh\\n\"\r\n",
           b"X-Forwarded-For: [::1\r\nX-Forwarded-Proto: javascript\r\n",
           b"HX-Request: true\r\nX-CSRF-Token: \xff\r\n",
           b"Content-Type: multipart/form-data; boundary=\r\n"]
BIG_COOKIE = b"Cookie: other_app=" + b"x" * 9000 + b"\r\n"  # over the websockets library's 8 KiB a line
HOSTS = [b"[::1", b"\xff\xfe", b"a" * 3000, b"evil.example:99999", b"127.0.0.1:abc", b"[", b"a b"]


async def test_malformed_requests_answer_4xx_never_5xx(tmp_path: Path) -> None:
    async with served(tmp_path, f"sqlite:///{tmp_path / 'odd.db'}") as server:

        def probe() -> dict[bytes, int]:
            answers: dict[bytes, int] = {}
            for path in PATHS:
                answers[path] = raw(server.port, get(path))
            for header in HEADERS:
                for page in PAGES:
                    answers[page + b" " + header] = raw(server.port, get(page, header))
            for host in HOSTS:
                for page in PAGES:
                    answers[page + b" Host: " + host] = raw(server.port, get(page, host=host))
            for page in (b"/ws/judge", b"/ws/board/cup", b"/ws/board/cup/hot?lang=%ff"):
                for header in (b"Cookie: a@b=1\r\n", BIG_COOKIE):
                    answers[page + b" " + header] = raw(server.port, get(page, UPGRADE + header))
                answers[page + b" Host: [zz]"] = raw(server.port, get(page, UPGRADE, host=b"[zz]"))
            login = b"POST /console/login HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: "
            for body in (b"application/x-www-form-urlencoded\r\nContent-Length: 9\r\n\r\n%ff=%ff&&",
                         b"multipart/form-data; boundary=zz\r\nContent-Length: 9\r\n\r\n--zz\r\nxxx",
                         b"multipart/form-data\r\nContent-Length: 3\r\n\r\nabc"):
                answers[b"POST " + body[:30]] = raw(server.port, login + body)
            return answers

        answers = await asyncio.to_thread(probe)
        wrong = {k[:80]: v for k, v in answers.items() if not (100 <= v < 500)}
        assert wrong == {}
        # a few answers stated exactly: each kind of bad input gets the answer it deserves
        assert answers[b"/console/login?next=//%5B"] == 200
        assert answers[b"/c/cup/board Host: " + b"a" * 3000] == 400  # was a 500: the QR code overflowed
        assert answers[b"/ws/judge Cookie: a@b=1\r\n"] == 101
        assert answers[b"/ws/judge Host: [zz]"] == 403
        assert answers[b"/ws/board/cup " + BIG_COOKIE] == 431  # uvicorn alone leaves this handshake hanging
        assert "Traceback" not in server.log.read_text()
