"""Who and what competes: creating a competition, importing entrants, drawing blind codes.

A competition is created from a competition file's data or from presets (``docs/competition.md``),
read by ``parse_competition``: data with problems is refused with every problem listed by its
place, and nothing is written. An *import* writes the good rows of a checked plan
(``roster.plan_import``: new entries, and changes to existing ones) and draws the blind codes the
new entries need. *Corrections* edit, delete or withdraw one entry, contestant or team
(``store.corrections``). Each write is one transaction with its audit record, committed, then
announced as ``CompetitionChanged`` (judges' tablets and the standings book reload the
competition: a withdrawn entry drops out of the ranking there).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from scoreboard.changes import CompetitionChanged
from scoreboard.competition import Competition, parse_competition
from scoreboard.roster import Plan
from scoreboard.services.announcer import Announcer
from scoreboard.store import corrections
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
        """Write the plan's good rows: new entries added, existing ones updated (its bad rows are
        counted as skipped), in one transaction."""
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

    async def _correct(self, competition: str, write: Callable[[Session], None]) -> None:
        def run() -> None:
            with session(self.engine, write=True) as s:
                write(s)
                s.commit()

        await run_in_threadpool(run)
        await self.announce(CompetitionChanged(competition))

    async def edit_entry(self, competition: str, key: str, title: str, code: str, team: str, names: Sequence[str],
                         attrs: Mapping[str, float | None], actor: str) -> None:
        await self._correct(competition, lambda s: corrections.edit_entry(s, competition, key, title, code, team,
                                                                          names, attrs, actor))

    async def delete_entry(self, competition: str, key: str, actor: str) -> None:
        """Refused (``entry_scored``) once the entry has a sheet."""
        await self._correct(competition, lambda s: corrections.delete_entry(s, competition, key, actor))

    async def withdraw_entry(self, competition: str, key: str, withdrawn: bool, reason: str, actor: str) -> None:
        """Withdraw (a reason required) or reinstate an entry; refused while its event is locked or published."""
        await self._correct(competition, lambda s: corrections.withdraw_entry(s, competition, key, withdrawn,
                                                                              reason, actor))

    async def edit_contestant(self, competition: str, key: str, name: str, team: str, age: int | None,
                              gender: str | None, actor: str) -> None:
        await self._correct(competition, lambda s: corrections.edit_contestant(s, competition, key, name, team,
                                                                               age, gender, actor))

    async def delete_contestant(self, competition: str, key: str, actor: str) -> None:
        await self._correct(competition, lambda s: corrections.delete_contestant(s, competition, key, actor))

    async def edit_team(self, competition: str, key: str, name_zh: str, name_en: str, actor: str) -> None:
        await self._correct(competition, lambda s: corrections.edit_team(s, competition, key, name_zh, name_en,
                                                                         actor))

    async def delete_team(self, competition: str, key: str, actor: str) -> None:
        """Deletes the team's entries and contestants too; refused once one of its entries has a sheet."""
        await self._correct(competition, lambda s: corrections.delete_team(s, competition, key, actor))
