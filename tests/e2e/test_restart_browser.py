"""A restart signs nobody out, in a real Chromium: ``scoreboard serve`` with ``SECRET_KEY`` unset
is killed (kill -9) while a judge's tablet is signed in and scores a sheet that waits in its outbox,
and an organizer is signed in on the console; the server is started again on the same database.
The tablet reconnects by itself — no 请登录, no card to scan again — and its waiting sheet is stored;
the console opens without the sign-in page."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import tomli_w
from playwright.sync_api import Browser, expect

from scoreboard.store.engine import make_engine, session
from scoreboard.store.events import set_event_state
from tests.e2e.servers import free_port, running, stored_sheets
from tests.e2e.test_tablet_browser import score
from tests.support import COMPETITION, EIGHTY

pytestmark = pytest.mark.e2e
PASSWORD = "restart e2e password"


def test_a_tablet_and_an_organizer_stay_signed_in_across_kill_9(browser: Browser, tmp_path: Path) -> None:
    db = tmp_path / "restart.db"
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update(DATABASE_URL=f"sqlite:///{db}", LANG="C")
    cli = [sys.executable, "-m", "scoreboard.cli"]
    (tmp_path / "cup.toml").write_text(tomli_w.dumps(COMPETITION), encoding="utf-8")
    subprocess.run([*cli, "init", str(tmp_path / "cup.toml")], env=env, check=True, capture_output=True)
    subprocess.run([*cli, "admin", "create", "admin", "--password-stdin"], env=env, check=True,
                   capture_output=True, input=PASSWORD + "\n", text=True)
    engine = make_engine(f"sqlite:///{db}")
    with session(engine, write=True) as s:
        set_event_state(s, "cup", "hot", "open", actor="test")
        s.commit()
    engine.dispose()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    out = subprocess.run([*cli, "judges", "tokens", "cup", "--judge", "j1", "--base-url", base], env=env,
                         check=True, capture_output=True, text=True).stdout
    link = out.split("\t")[2].strip()
    serve = [*cli, "serve", "--port", str(port)]
    log = tmp_path / "serve.log"

    tablet = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800}).new_page()
    console = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 900}).new_page()
    with running(serve, port, log, env) as first:
        tablet.goto(link)
        expect(tablet.locator("#net")).to_have_attribute("data-state", "online")
        console.goto(base + "/console/")
        console.fill("input[name=username]", "admin")
        console.fill("input[name=password]", PASSWORD)
        console.locator("button[type=submit]").click()
        expect(console.locator("body")).to_contain_text("工匠杯测试")
        first.send_signal(signal.SIGKILL)  # a crash: nothing flushed, no goodbye to the sockets
        first.wait(timeout=10)
    expect(tablet.locator("#net")).not_to_have_attribute("data-state", "online", timeout=20_000)
    score(tablet, "e1", EIGHTY)  # scored while the server is down: it waits in the tablet's outbox
    expect(tablet.locator("#entry-e1")).to_have_attribute("data-state", "waiting")
    assert stored_sheets(db, "j1") == []

    with running(serve, port, log, env):
        expect(tablet.locator("#net")).to_have_attribute("data-state", "online", timeout=40_000)
        expect(tablet.locator("#entry-e1")).to_have_attribute("data-state", "received", timeout=10_000)
        expect(tablet.locator("#banner")).to_be_hidden()  # no "your card no longer works"
        assert [entry for _uid, entry, *_ in stored_sheets(db, "j1")] == ["e1"]
        console.goto(base + "/console/")
        assert "/console/login" not in console.url
        expect(console.locator("body")).to_contain_text("工匠杯测试")
        tablet.screenshot(path=str(tmp_path / "tablet-after-restart.png"))
