"""Who and what competes: creating a competition, importing entrants, drawing blind codes.

A competition is created from a competition file's data or from presets (``docs/competition.md``),
read by ``parse_competition``: data with problems is refused with every problem listed by its
place, and nothing is written. An *import* writes the good rows of a checked plan
(``roster.plan_import``) and draws the blind codes the new entries need. Each write is audited,
committed, then announced as ``CompetitionChanged`` (judges' tablets and the standings book
reload the competition).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from scoreboard.changes import CompetitionChanged
from scoreboard.competition import Competition, parse_competition
from scoreboard.roster import Plan
from scoreboard.services.announcer import Announcer
from scoreboard.store import roster as store_roster
from scoreboard.store.audit import audit
from scoreboard.store.engine import session
from scoreboard.store.load import save_competition


class RosterService:
    def __init__(self, engine: Engine, announce: Announcer) -> None:
        self.engine = engine
        self.announce = announce

    def _save(self, competition: Competition, source: str, actor: str) -> None:
        with session(self.engine, write=True) as s:
            save_competition(s, competition)
            audit(s, actor, "competition.created", f"competition:{competition.key}", {"source": source})
            s.commit()

    async def save(self, competition: Competition, source: str, actor: str) -> None:
        """Store a competition read from a competition file (``source``)."""
        await run_in_threadpool(self._save, competition, source, actor)
        await self.announce(CompetitionChanged(competition.key))

    async def create(self, data: Mapping[str, Any], source: str, actor: str) -> str:
        """Create a competition from a competition file's ``data``; returns its key."""
        competition = parse_competition(data, source)
        await self.save(competition, source, actor)
        return competition.key

    def _import(self, competition: str, plan: Plan, actor: str) -> store_roster.Imported:
        with session(self.engine, write=True) as s:
            done = store_roster.import_rows(s, competition, plan, plan.good, actor, skipped=len(plan.bad))
            s.commit()
        return done

    async def import_rows(self, competition: str, plan: Plan, actor: str) -> store_roster.Imported:
        """Write the plan's good rows (its bad ones are counted as skipped)."""
        done = await run_in_threadpool(self._import, competition, plan, actor)
        await self.announce(CompetitionChanged(competition))
        return done

    def _codes(self, competition: str, actor: str) -> int:
        with session(self.engine, write=True) as s:
            count = store_roster.assign_codes(s, competition, actor)
            s.commit()
        return count

    async def assign_codes(self, competition: str, actor: str) -> int:
        """Draw a blind code for every entry of a blind event that has none; returns how many."""
        count = await run_in_threadpool(self._codes, competition, actor)
        if count:
            await self.announce(CompetitionChanged(competition))
        return count
