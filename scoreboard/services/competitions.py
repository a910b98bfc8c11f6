"""Changing a competition after it is created: its team rule (团体总分).

The *team rule* says how teams are ranked across events (``competition.TeamRule``: the sum, the
mean, or the mean of the best ``n`` of a team's entries, over every event or some, with an award
tier counted as the second key). It is read and checked like a competition file's
``[team_standings]`` (``competition.read_team_rule``), stored and audited in one transaction
(``store.team_rule``), committed, then announced as ``CompetitionChanged``: the standings book
reloads the competition, so ``/c/COMP/teams`` ranks by the new rule from the next request.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from scoreboard.changes import CompetitionChanged
from scoreboard.competition import TeamRule, read_team_rule
from scoreboard.services.announcer import Announcer
from scoreboard.store import load as store_load
from scoreboard.store.engine import session
from scoreboard.store.team_rule import set_team_rule


class CompetitionService:
    def __init__(self, engine: Engine, announce: Announcer) -> None:
        self.engine = engine
        self.announce = announce

    def _team_rule(self, competition: str, data: Mapping[str, Any] | None, actor: str, reason: str,
                   source: str) -> tuple[TeamRule | None, bool]:
        with session(self.engine, write=True) as s:
            rule = None if data is None else read_team_rule(data, store_load.load_competition(s, competition), source)
            changed = set_team_rule(s, competition, rule, actor, reason)
            s.commit()
        return rule, changed

    async def set_team_rule(self, competition: str, data: Mapping[str, Any] | None, actor: str, reason: str = "",
                            source: str = "team_standings") -> tuple[TeamRule | None, bool]:
        """Rank the competition's teams by the rule in ``data`` (the fields of a competition file's
        ``[team_standings]``), or rank them no more (None); ``source`` names the rule in problems.
        Returns the rule stored and whether it changed."""
        rule, changed = await run_in_threadpool(self._team_rule, competition, data, actor, reason, source)
        if changed:
            await self.announce(CompetitionChanged(competition))
        return rule, changed
