"""Organizing an event: moving its state, choosing its visibility, editing it.

Words as in ``scoreboard.states``. Every move is checked against the move table with who asks
(an organizer or a chief judge), the reason given and the event's flagged and incomplete entries
(``states.move_problem``: a lock waits until every entry is complete or accepted); opening also
runs the rubric's golden cases (``scoreboard.golden``): an event whose rubric fails them never
opens for scoring. An *edit* changes an event's names,
blind judging, score-reveal card, rubric and visibility in one transaction; a new rubric must
read and pass its golden cases. Each change is stored and audited (``store.events``),
committed, then announced: ``EventChanged`` for a state or a visibility, ``CompetitionChanged``
for an edit (the book, the judges' tablets and the boards reload the competition).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from scoreboard.changes import CompetitionChanged, EventChanged
from scoreboard.competition import rubric_of
from scoreboard.errors import N_, Problem, UserError
from scoreboard.golden import run_golden
from scoreboard.live.book import StandingsBook
from scoreboard.rubric.reader import plain
from scoreboard.services.announcer import Announcer
from scoreboard.states import EventState, move_problem
from scoreboard.store import events as store_events
from scoreboard.store import roster as store_roster
from scoreboard.store.engine import session


@dataclass(frozen=True)
class Edited:
    changed: dict[str, Any]  # {field: {"from", "to"}} of names, blindness, reveal card, rubric
    moved: bool  # the visibility changed


class EventService:
    def __init__(self, engine: Engine, announce: Announcer, book: StandingsBook) -> None:
        self.engine = engine
        self.announce = announce
        self.book = book

    def _waiting(self, competition: str, event: str) -> tuple[list[str], list[str]]:
        """The codes of the event's flagged entries, and of those neither complete nor accepted."""
        try:
            _event, _state, standings = self.book.standings(competition, event)
        except KeyError:
            return [], []  # an unknown event: the store says so
        return ([s.entry.code or s.entry.key for s in standings if s.result.state == "flagged"],
                [s.entry.code or s.entry.key for s in standings if not s.result.complete])

    def _state(self, competition: str, event: str, to: str, actor: str, reason: str, organizer: bool,
               waiting: tuple[Sequence[str], Sequence[str]]) -> str:
        with session(self.engine, write=True) as s:
            row = store_events.event_row(s, competition, event)
            problem = move_problem(row.state, to, organizer, reason, *waiting)
            if problem is not None:
                raise UserError(problem)
            if to == EventState.OPEN:  # an event whose rubric fails its own golden cases never opens
                golden, _cases = run_golden(rubric_of(row.rubric, row.rubric_source), row.rubric_source)
                if golden:
                    raise UserError(golden)
            before = store_events.set_event_state(s, competition, event, to, actor, reason)
            s.commit()
        return before

    async def set_state(self, competition: str, event: str, state: str, actor: str, reason: str = "",
                        organizer: bool = True) -> str:
        """Move the event to ``state``; returns the state it was in. ``organizer``: who asks is an
        organizer (else a chief judge). Refusals carry ``move_problem``'s codes or golden ones."""
        locking = state == EventState.LOCKED
        waiting = await run_in_threadpool(self._waiting, competition, event) if locking else ([], [])
        before = await run_in_threadpool(self._state, competition, event, state, actor, reason, organizer, waiting)
        await self.announce(EventChanged(competition, event))
        return before

    def _visibility(self, competition: str, event: str, visibility: str, actor: str, reason: str) -> str:
        with session(self.engine, write=True) as s:
            before = store_events.set_event_visibility(s, competition, event, visibility, actor, reason)
            s.commit()
        return before

    async def set_visibility(self, competition: str, event: str, visibility: str, actor: str,
                             reason: str = "") -> str:
        """Choose what the public sees; freezing keeps the public standings as they are now."""
        before = await run_in_threadpool(self._visibility, competition, event, visibility, actor, reason)
        await self.announce(EventChanged(competition, event))
        return before

    def _edit(self, competition: str, event: str, values: Mapping[str, Any], rubric_data: Mapping[str, Any],
              actor: str, source: str) -> Edited:
        data = plain(rubric_data, source)
        name_zh, name_en, reason = values["name_zh"], values["name_en"], values["reason"]
        problems = []
        if not name_zh.strip():
            problems.append(Problem("name_missing", N_("the Chinese name is needed"), {}, "name.zh"))
        for place, value in (("name.zh", name_zh), ("name.en", name_en)):
            if len(value) > 200:
                problems.append(Problem("name_too_long", N_("at most {n} characters"), {"n": 200}, place))
        if problems:
            raise UserError(problems)
        golden, _cases = run_golden(rubric_of(data, source), source)
        if golden:
            raise UserError(golden)
        with session(self.engine, write=True) as s:
            changed = store_events.update_event(
                s, competition, event, name_zh=name_zh, name_en=name_en, blind=values["blind"],
                reveal=values["reveal"], rubric_data=data, actor=actor, reason=reason, source=source)
            if changed.get("blind", {}).get("to"):  # judged blind from now on: draw the missing codes
                store_roster.assign_codes(s, competition, actor)
            moved = store_events.event_row(s, competition, event).visibility != values["visibility"]
            if moved:
                store_events.set_event_visibility(s, competition, event, values["visibility"], actor, reason)
            s.commit()
        return Edited(changed, moved)

    async def edit(self, competition: str, event: str, values: Mapping[str, Any], rubric_data: Mapping[str, Any],
                   actor: str, source: str = "") -> Edited:
        """Store the event's new ``values`` (name_zh, name_en, blind, reveal, visibility, reason)
        and rubric; ``source`` names the rubric in problems' places."""
        edited = await run_in_threadpool(self._edit, competition, event, values, rubric_data, actor, source)
        if edited.changed:  # names, blind judging, the reveal card, the rubric: everything reloads
            await self.announce(CompetitionChanged(competition))
        elif edited.moved:
            await self.announce(EventChanged(competition, event))
        return edited
