"""No secrets in logs: ``scoreboard serve`` on 127.0.0.1 is asked for a judge's login address, a
board with the organizer's key and other addresses carrying ``key`` / ``token`` parameters, over
HTTP and websockets; its log then names every request but holds none of the secrets."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import tomli_w
from websockets.sync.client import connect

from scoreboard.store.engine import make_engine, session
from scoreboard.store.tokens import issue_token
from scoreboard.web.logs import redact
from tests.e2e.servers import free_port, serving
from tests.support import COMPETITION

ORGANIZER_KEY = "organizer-key-0fd2c9"


@pytest.mark.parametrize(("address", "logged"), [
    ("/j/login/Zx81_q-Tk", "/j/login/***"),
    ("/j/login/Zx81/", "/j/login/***/"),
    ("/c/cup/board?bilingual=1&key=abc&view=organizer", "/c/cup/board?bilingual=1&key=***&view=organizer"),
    ("/ws/board/cup?token=t0k&keys=1&monkey=2", "/ws/board/cup?token=***&keys=1&monkey=2"),
    ("/c/cup/board?%6Bey=abc", "/c/cup/board?%6Bey=***"),  # the app reads %6Bey as key
    ("/c/cup/board?key", "/c/cup/board?key=***"),
    ("/c/cup/teams", "/c/cup/teams"),
    ("127.0.0.1:51234", "127.0.0.1:51234"),
])
def test_redact(address: str, logged: str) -> None:
    assert redact(address) == logged


BROWSER = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())  # keeps the tablet's cookie


def get(url: str) -> int:
    try:
        with BROWSER.open(url, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as e:
        return e.code


def test_the_served_log_holds_no_token_or_key(tmp_path: Path) -> None:
    db = tmp_path / "cup.db"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "SECRET_KEY": "log-secret", "LANG": "C",
           "ORGANIZER_KEY": ORGANIZER_KEY}
    (tmp_path / "cup.toml").write_text(tomli_w.dumps(COMPETITION), encoding="utf-8")
    cli = [sys.executable, "-m", "scoreboard.cli"]
    subprocess.run([*cli, "init", str(tmp_path / "cup.toml")], env=env, check=True, capture_output=True)
    engine = make_engine(f"sqlite:///{db}")
    with session(engine, write=True) as s:
        token = issue_token(s, "cup", "j1", actor="test")
        s.commit()
    engine.dispose()
    port = free_port()
    log = tmp_path / "serve.log"
    with serving([*cli, "serve", "--port", str(port)], port, log, env) as base:
        assert get(f"{base}/j/login/{token}") == 200  # signed in, redirected to the tablet
        assert get(f"{base}/j/login/not-a-token-7731") == 403
        assert get(f"{base}/c/cup/board?key={ORGANIZER_KEY}&bilingual=1") == 200
        assert get(f"{base}/c/cup/teams?token=carried-7f3e") == 200
        with connect(f"ws://127.0.0.1:{port}/ws/board/cup?key={ORGANIZER_KEY}") as ws:
            ws.recv(timeout=10)
    text = log.read_text()
    for secret in (token, "not-a-token-7731", ORGANIZER_KEY, "carried-7f3e"):
        assert secret not in text
    assert '"GET /j/login/*** HTTP/1.1" 30' in text and '"GET /j/login/*** HTTP/1.1" 403' in text
    assert '"GET /j/ HTTP/1.1" 200' in text
    assert '"GET /c/cup/board?key=***&bilingual=1 HTTP/1.1" 200' in text
    assert '"GET /c/cup/teams?token=*** HTTP/1.1" 200' in text
    assert '"WebSocket /ws/board/cup?key=***" [accepted]' in text
