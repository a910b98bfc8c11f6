"""Real servers for browser tests: a command in a subprocess on 127.0.0.1, outside the test's
event loop, waited for until it answers, and stopped afterwards; a competition served the way an
organizer sets one up (``competition_server``); and Debian chromium's flags."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli_w

from scoreboard.store.engine import make_engine, session
from scoreboard.store.events import set_event_state

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running(command: Sequence[str], port: int, log: Path,
            env: Mapping[str, str] | None = None) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``command`` (which serves on ``port``) until the block ends, once it answers; yields the
    process (a test may kill it). The log is appended to, so a restart keeps the first run's lines."""
    base = f"http://127.0.0.1:{port}"
    with log.open("a") as out:
        proc = subprocess.Popen(list(command), env=dict(env) if env else None, stdout=out, stderr=subprocess.STDOUT)
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(base + "/", timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError(log.read_text()) from None
                time.sleep(0.2)
        else:
            raise RuntimeError("the server did not answer in 30 s: " + log.read_text())
        yield proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=10)


@contextmanager
def serving(command: Sequence[str], port: int, log: Path, env: Mapping[str, str] | None = None) -> Iterator[str]:
    """Run ``command`` (which serves on ``port``) until the block ends; yields its base URL."""
    with running(command, port, log, env):
        yield f"http://127.0.0.1:{port}"


@dataclass(frozen=True)
class Served:
    base: str
    links: dict[str, str]  # judge key → the login card's link
    db: Path


@contextmanager
def competition_server(folder: Path, cup: dict[str, Any], judges: Sequence[str] = (), password: str = "",
                       env: Mapping[str, str] | None = None, drafts: Sequence[str] = ()) -> Iterator[Served]:
    """``scoreboard serve`` for the competition ``cup`` as the commands set it up: `init`, an
    organizer account ``admin`` when a ``password`` is given, every event opened but ``drafts``,
    login links for ``judges`` from `judges tokens`; ``env`` adds settings (TEST_HOOKS, ORGANIZER_KEY…)."""
    db = folder / "served.db"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "SECRET_KEY": "e2e-secret", "LANG": "C", **(env or {})}
    key = cup["competition"]["key"]
    (folder / "cup.toml").write_text(tomli_w.dumps(cup), encoding="utf-8")
    cli = [sys.executable, "-m", "scoreboard.cli"]
    subprocess.run([*cli, "init", str(folder / "cup.toml")], env=env, check=True, capture_output=True)
    if password:
        subprocess.run([*cli, "admin", "create", "admin", "--password-stdin"], env=env, check=True,
                       capture_output=True, input=password + "\n", text=True)
    engine = make_engine(f"sqlite:///{db}")
    with session(engine, write=True) as s:
        for event in cup["events"]:
            if event["key"] not in drafts:
                set_event_state(s, key, event["key"], "open", actor="test")
        s.commit()
    engine.dispose()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    links = {}
    for judge in judges:
        tokens = [*cli, "judges", "tokens", key, "--judge", judge, "--base-url", base]
        out = subprocess.run(tokens, env=env, check=True, capture_output=True, text=True).stdout
        links[judge] = out.split("\t")[2].strip()
    with serving([*cli, "serve", "--port", str(port)], port, folder / "serve.log", env) as served:
        assert served == base
        yield Served(base, links, db)


def post_sheet(base: str, raw: Mapping[str, object], competition: str = "cup") -> None:
    """A sheet through the test hook (TEST_HOOKS=1): the path a tablet's sheet takes."""
    request = urllib.request.Request(f"{base}/_test/c/{competition}/sheet", data=json.dumps(raw).encode(),
                                     method="POST", headers={"Content-Type": "application/json"})
    urllib.request.urlopen(request, timeout=10).close()


def stored_sheets(db: Path, judge: str) -> list[tuple[str, str, int, str, str]]:
    """(sheet id, entry, revision, marks JSON, deductions JSON) of a judge's stored sheets, in order of arrival."""
    with sqlite3.connect(db) as c:
        return c.execute("SELECT sheet.uid, entry.key, sheet.revision, sheet.marks, sheet.deductions FROM sheet "
                         "JOIN entry ON entry.id = sheet.entry_id JOIN judge ON judge.id = sheet.judge_id "
                         "WHERE judge.key = ? ORDER BY sheet.id", (judge,)).fetchall()


def xlsx(path: Path, rows: Sequence[Sequence[object]]) -> Path:
    """A spreadsheet of ``rows`` saved at ``path``, as an organizer's Excel writes it."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return path
