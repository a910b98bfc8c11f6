"""A real `scoreboard serve` for tablet browser tests: the competition written to a file, `scoreboard init`,
every event opened, judges' login links made by `scoreboard judges tokens`, the server in a subprocess on
127.0.0.1 (outside the test's event loop), stopped when the block ends."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli_w

from scoreboard.store.engine import make_engine, session
from scoreboard.store.load import set_event_state
from tests.e2e.servers import free_port, serving


@dataclass(frozen=True)
class TabletServer:
    base: str
    links: dict[str, str]  # judge key → the login card's link
    db: Path


@contextmanager
def tablet_server(folder: Path, cup: dict[str, Any], judges: Sequence[str]) -> Iterator[TabletServer]:
    db = folder / "tablet.db"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "SECRET_KEY": "e2e-secret", "LANG": "C"}
    (folder / "cup.toml").write_text(tomli_w.dumps(cup), encoding="utf-8")
    cli = [sys.executable, "-m", "scoreboard.cli"]
    subprocess.run([*cli, "init", str(folder / "cup.toml")], env=env, check=True, capture_output=True)
    engine = make_engine(f"sqlite:///{db}")
    with session(engine, write=True) as s:
        for event in cup["events"]:
            set_event_state(s, cup["competition"]["key"], event["key"], "open", actor="test")
        s.commit()
    engine.dispose()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    links = {}
    for judge in judges:
        tokens = [*cli, "judges", "tokens", cup["competition"]["key"], "--judge", judge, "--base-url", base]
        out = subprocess.run(tokens, env=env, check=True, capture_output=True, text=True).stdout
        links[judge] = out.split("\t")[2].strip()
    with serving([*cli, "serve", "--port", str(port)], port, folder / "serve.log", env) as served:
        assert served == base
        yield TabletServer(base, links, db)


def stored_sheets(db: Path, judge: str) -> list[tuple[str, str, int, str, str]]:
    """(sheet id, entry, revision, marks JSON, deductions JSON) of a judge's stored sheets, in order of arrival."""
    with sqlite3.connect(db) as c:
        return c.execute("SELECT sheet.uid, entry.key, sheet.revision, sheet.marks, sheet.deductions FROM sheet "
                         "JOIN entry ON entry.id = sheet.entry_id JOIN judge ON judge.id = sheet.judge_id "
                         "WHERE judge.key = ? ORDER BY sheet.id", (judge,)).fetchall()
