"""``scoreboard demo``: the Craftsman Cup on a fresh embedded database, optionally with judges.

Seeds the cooking contest and the construction contest, opens every event for scoring, prints
the pages to open and serves them on 127.0.0.1. With ``--simulate``, simulated judges submit the
demo's sheets at a steady rate through ``SheetService`` — the path a tablet's sheet takes.
"""

from __future__ import annotations

import asyncio
import json
import logging
import tempfile
from itertools import zip_longest
from pathlib import Path

import tomli_w
import uvicorn
from sqlalchemy import Engine

from scoreboard import i18n
from scoreboard.app import Job, State, create_app
from scoreboard.competition import Competition, parse_competition
from scoreboard.demo.build import construction_competition, cooking_competition
from scoreboard.demo.plan import demo_sheets
from scoreboard.errors import N_, UserError
from scoreboard.i18n import gettext as _
from scoreboard.settings import Settings
from scoreboard.store.engine import make_engine, migrate, session
from scoreboard.store.load import load_competition, save_competition, set_event_state

log = logging.getLogger("scoreboard.demo")


def seed(engine: Engine, seed: int = 2023) -> list[Competition]:
    """Load both demo competitions, every event open; returns them as stored (with blind codes)."""
    stored = []
    demos = (("demo:cooking", cooking_competition(seed)), ("demo:construction", construction_competition(seed)))
    for source, data in demos:
        competition = parse_competition(data, source)
        with session(engine) as s:
            save_competition(s, competition)
            for event in competition.events:
                set_event_state(s, competition.key, event.key, "open", actor="demo", reason="demo")
            s.commit()
            stored.append(load_competition(s, competition.key))
    return stored


def simulator(competitions: list[Competition], rate: float, seed: int = 2023) -> Job:
    """A background job: every demo sheet, the competitions interleaved, ``rate`` a second."""

    async def job(state: State) -> None:
        plans = [[(c.key, raw) for raw in demo_sheets(c, seed)] for c in competitions]
        sent = 0
        for item in (x for group in zip_longest(*plans) for x in group if x is not None):
            key, raw = item
            try:
                await state["service"].submit(key, str(raw["judge"]), raw)
                sent += 1
            except UserError as e:
                log.warning("simulated sheet refused: %s", e)
            await asyncio.sleep(1 / rate)
        log.warning(_("The simulation has sent all %(n)s sheets."), {"n": sent})

    return job


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
    path = Path(db) if db else Path(tempfile.mkdtemp(prefix="scoreboard-demo-")) / "demo.db"
    if path.exists():
        raise UserError.one("demo_db_exists", N_("{path} exists; the demo needs a fresh database file"), path=str(path))
    if rate <= 0:
        raise UserError.one("demo_rate", N_("--rate must be more than 0"))
    settings = Settings.from_env(env_file=None, database_url=f"sqlite:///{path}")
    engine = make_engine(settings.database_url, settings.sqlite_synchronous)
    migrate(engine)
    competitions = seed(engine)
    base = f"http://{host}:{port}"
    print(_("Scoreboard demo — database %(path)s") % {"path": path})
    print(f"  {_('Home')}: {base}/")
    for c in competitions:
        print(f"  {c.name.get(i18n.current())}:")
        for e in c.events:
            print(f"    {e.name.get(i18n.current()):<12} {base}/c/{c.key}/e/{e.key}")
        if c.team_rule:
            print(f"    {_('Team standings')}: {base}/c/{c.key}/teams")
    if simulate:
        print(_("Simulated judges submit %(rate)s sheets a second.") % {"rate": rate})
    print(_("Press Ctrl+C to stop."), flush=True)
    jobs = [simulator(competitions, rate)] if simulate else []
    uvicorn.run(create_app(settings, engine=engine, jobs=jobs), host=host, port=port, log_level="warning")
    return 0
