"""``scoreboard demo``: the Craftsman Cup on a fresh embedded database, optionally with judges.

Seeds the cooking contest and the construction contest, opens every event for scoring, prints
the pages to open and serves them on 127.0.0.1. With ``--simulate``, simulated judges submit the
demo's sheets at a steady rate (``plan.Simulation``, played by ``judges.simulate`` in the app the
factory makes), each over ``/ws/judge`` with a token issued at seed time — the path a tablet's
sheet takes.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import secrets
import tempfile
from pathlib import Path
from typing import Any

import tomli_w
import uvicorn
from sqlalchemy import Engine

from scoreboard import i18n
from scoreboard.app import create_app
from scoreboard.competition import Competition, parse_competition
from scoreboard.demo.build import construction_competition, cooking_competition
from scoreboard.demo.plan import demo_sheets, simulation
from scoreboard.errors import N_, UserError
from scoreboard.i18n import gettext as _
from scoreboard.live.bus import MemoryBus
from scoreboard.services.accounts import AccountService
from scoreboard.services.announcer import Announcer
from scoreboard.services.judges import JudgeService
from scoreboard.serving import uvicorn_options
from scoreboard.settings import Settings
from scoreboard.store.engine import make_engine, migrate, session
from scoreboard.store.events import set_event_state
from scoreboard.store.load import load_competition, save_competition


def seed(engine: Engine, seed: int = 2023) -> list[Competition]:
    """Load both demo competitions, every event open; returns them as stored (with blind codes)."""
    demos = (("demo:cooking", cooking_competition(seed)), ("demo:construction", construction_competition(seed)))
    return [store_open(engine, data, source) for source, data in demos]


def store_open(engine: Engine, data: dict[str, Any], source: str) -> Competition:
    """One competition file's data stored with every event open; as stored (with blind codes)."""
    competition = parse_competition(data, source)
    with session(engine) as s:
        save_competition(s, competition)
        for event in competition.events:
            set_event_state(s, competition.key, event.key, "open", actor="demo", reason="demo")
        s.commit()
        return load_competition(s, competition.key)


def judge_tokens(engine: Engine, competitions: list[Competition]) -> dict[tuple[str, str], str]:
    """A login token for every demo judge, by (competition, judge): the simulated judges' cards."""
    service = JudgeService(engine, Announcer(MemoryBus()))

    async def issue() -> dict[tuple[str, str], str]:
        return {(c.key, judge): token for c in competitions
                for judge, token in (await service.tokens(c.key, None, actor="demo")).items()}

    return asyncio.run(issue())


def write_files(folder: Path, seed: int = 2023) -> list[Path]:
    """The demo as files: each competition's TOML and its sheets as JSON lines, for
    ``scoreboard init`` and ``scoreboard standings``."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in (("cooking", cooking_competition(seed)), ("construction", construction_competition(seed))):
        competition = parse_competition(data, f"demo:{name}")
        (folder / f"{name}.toml").write_text(tomli_w.dumps(data), encoding="utf-8")
        lines = (json.dumps(raw, ensure_ascii=False, default=str) for raw in demo_sheets(competition, seed))
        (folder / f"{name}-sheets.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
        written += [folder / f"{name}.toml", folder / f"{name}-sheets.jsonl"]
    return written


def run_demo(host: str, port: int, simulate: bool, rate: float, db: str | None) -> int:
    settings = Settings.from_env(env_file=None, database_url="sqlite://")  # checked before anything is made
    if db and Path(db).exists():
        raise UserError.one("demo_db_exists", N_("{path} exists; the demo needs a fresh database file"), path=db)
    if rate <= 0:
        raise UserError.one("demo_rate", N_("--rate must be more than 0"))
    path = Path(db) if db else Path(tempfile.mkdtemp(prefix="scoreboard-demo-")) / "demo.db"
    settings = dataclasses.replace(settings, database_url=f"sqlite:///{path}")
    engine = make_engine(settings.database_url, settings.sqlite_synchronous)
    migrate(engine)
    competitions = seed(engine)
    tokens = judge_tokens(engine, competitions)
    password = secrets.token_urlsafe(9)  # never a default password, even in a demo
    AccountService(engine).create("demo", password, actor="demo")
    base = f"http://{host}:{port}"
    print(_("Scoreboard demo — database %(path)s") % {"path": path})
    print(f"  {_('Home')}: {base}/")
    for c in competitions:
        print(f"  {c.name.get(i18n.current())}:")
        print(f"    {_('Projector')}: {base}/c/{c.key}/board")
        for e in c.events:
            print(f"    {e.name.get(i18n.current()):<12} {base}/c/{c.key}/e/{e.key}")
        if c.team_rule:
            print(f"    {_('Team standings')}: {base}/c/{c.key}/teams")
    judge = competitions[0].judges[0]
    link = f"{base}/j/login/{tokens[(competitions[0].key, judge.key)]}"
    print(f"  {_('A judge tablet (%(name)s)') % {'name': judge.name}}: {link}")
    print(f"  {_('Organizer console')}: {base}/console/  ({_('user')} demo, {_('password')} {password})")
    if simulate:
        print(_("Simulated judges submit %(rate)s sheets a second.") % {"rate": rate})
    print(_("Press Ctrl+C to stop."), flush=True)
    connect_to = "127.0.0.1" if host in ("0.0.0.0", "") else host
    url = f"ws://{connect_to}:{port}/ws/judge"
    simulated = simulation(competitions, rate, url, tokens) if simulate else None
    uvicorn.run(create_app(settings, engine=engine, simulate=simulated), host=host, port=port, log_level="warning",
                **uvicorn_options(settings))
    return 0
