"""Judges and their login cards: creating judges (one by one, or from a panel file), assigning
them, issuing cards, revoking.

Each method writes in one transaction with its audit record (``store.panel``,
``store.tokens``), commits, then announces: ``CompetitionChanged`` when a judge is created or
assigned (the sheet service and the standings book reload the competition, the judges'
tablets hear their assignments changed), ``JudgeRevoked`` when a judge is revoked (their open
sockets close) — and so when fresh tokens or cards replace a judge's old card.
The console and the command line call this; neither commits nor publishes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from scoreboard.changes import CompetitionChanged, JudgeRevoked
from scoreboard.exports.cards import CardsPage, make_cards
from scoreboard.panel import JudgePlan
from scoreboard.services.announcer import Announcer
from scoreboard.store import panel, tokens
from scoreboard.store.engine import session

T = TypeVar("T")


class JudgeService:
    def __init__(self, engine: Engine, announce: Announcer) -> None:
        self.engine = engine
        self.announce = announce

    async def create(self, competition: str, key: str, name: str, team: str, events: list[str],
                     chief_of: list[str], actor: str, roles: Sequence[str] = ()) -> None:
        def write() -> None:
            with session(self.engine, write=True) as s:
                panel.create_judge(s, competition, key, name, team, actor)
                s.flush()
                panel.set_judge(s, competition, key, events, chief_of, team, actor, roles)
                s.commit()

        await run_in_threadpool(write)
        await self.announce(CompetitionChanged(competition))

    async def assign(self, competition: str, judge: str, events: list[str], chief_of: list[str], team: str,
                     actor: str, roles: Sequence[str] = ()) -> None:
        """Replace the judge's events, chief judge roles, roles in the events they mark, and conflict."""

        def write() -> None:
            with session(self.engine, write=True) as s:
                panel.set_judge(s, competition, judge, events, chief_of, team, actor, roles)
                s.commit()

        await run_in_threadpool(write)
        await self.announce(CompetitionChanged(competition))

    async def import_rows(self, competition: str, plan: JudgePlan, actor: str) -> tuple[int, int]:
        """Write a checked panel file's good rows in one transaction: (judges created, judges updated)."""

        def write() -> tuple[int, int]:
            with session(self.engine, write=True) as s:
                done = panel.import_judges(s, competition, plan.good, actor, skipped=len(plan.bad))
                s.commit()
            return done

        done = await run_in_threadpool(write)
        await self.announce(CompetitionChanged(competition))
        return done

    async def tokens(self, competition: str, judges: list[str] | None, actor: str) -> dict[str, str]:
        """Fresh login tokens for ``judges`` (None: every judge), by judge key; earlier cards stop working."""

        def write() -> dict[str, str]:
            with session(self.engine, write=True) as s:
                issued = tokens.issue_tokens(s, competition, judges, actor)
                s.commit()
            return issued

        issued = await run_in_threadpool(write)
        await self._replaced(competition, issued)
        return issued

    async def _replaced(self, competition: str, issued: dict[str, str]) -> None:
        for judge in issued:
            await self.announce(JudgeRevoked(competition, judge))

    async def cards(self, competition: str, judges: list[str] | None, actor: str, base_url: str,
                    keep: Callable[[CardsPage], T]) -> T:
        """Fresh tokens and their login cards; ``keep`` turns the cards into what the caller wants (HTML,
        files) before the tokens are stored, so cards that cannot be made leave the old ones working.
        Making the cards (a PDF takes about a second a card) holds no write lock: judges' sheets
        are stored meanwhile."""

        def write() -> tuple[dict[str, str], T]:
            with session(self.engine) as s:
                issued = tokens.fresh_tokens(s, competition, judges)
                page = make_cards(s, competition, issued, base_url)
            kept = keep(page)
            with session(self.engine, write=True) as s:
                tokens.store_tokens(s, competition, issued, actor)
                s.commit()
            return issued, kept

        issued, kept = await run_in_threadpool(write)
        await self._replaced(competition, issued)
        return kept

    async def revoke(self, competition: str, judge: str, actor: str, reason: str = "") -> None:
        """The judge's card and sessions stop working, and their open sockets close."""

        def write() -> None:
            with session(self.engine, write=True) as s:
                tokens.revoke(s, competition, judge, actor, reason)
                s.commit()

        await run_in_threadpool(write)
        await self.announce(JudgeRevoked(competition, judge))
