"""The hub's renderer: an event's snapshot from the standings book → live HTML fragments.

Words: a *snapshot* is everything one render of an event needs, read once from the book per
change (both the current standings and the public ones: a frozen event's public standings are
its snapshot at freezing); which of them an audience sees, and what of them, ``states.shown``
says. A *variant* is the language of a frame: ``zh_CN``, ``en`` or ``bi`` (bilingual labels,
Chinese first). Fragments come from the macros in ``templates/_live.html``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import jinja2

from scoreboard import i18n
from scoreboard.competition import Competition, Event
from scoreboard.errors import UserError
from scoreboard.live.book import StandingsBook
from scoreboard.standings import Standing
from scoreboard.states import Audience, Shown, shown_of
from scoreboard.web import boardview

VARIANTS = ("zh_CN", "en", "bi")


@dataclass(frozen=True)
class EventSnapshot:
    competition: Competition
    event: Event
    state: str
    current: list[Standing]
    public: list[Standing]  # what the public sees: a frozen event's snapshot, else the current
    complete: frozenset[str]

    def shown(self, audience: str) -> Shown:
        return shown_of(self.event, self.state, audience)


def variant_of(locale: str, bilingual: bool) -> str:
    return "bi" if bilingual else (locale if locale in VARIANTS else "zh_CN")


class BoardRenderer:
    def __init__(self, book: StandingsBook, env: jinja2.Environment) -> None:
        self.book = book
        self.env = env

    def snapshot(self, competition: str, event: str) -> EventSnapshot:
        try:
            comp = self.book.book(competition).competition
            ev, state, current = self.book.standings(competition, event)
            _ev, _state, public = self.book.standings(competition, event, Audience.PUBLIC)
        except UserError as e:
            raise LookupError(competition) from e
        complete = frozenset(s.entry.key for s in current if s.result.state == "complete")
        return EventSnapshot(comp, ev, state, current, public, complete)

    def _macros(self) -> Any:
        return self.env.get_template("_live.html").module

    def block(self, snap: EventSnapshot, audience: str) -> boardview.BoardEvent:
        seen = snap.shown(audience)
        standings = snap.public if seen.snapshot else snap.current
        return boardview.board_event(snap.competition, snap.event, snap.state, seen, standings, audience)

    def fragment(self, snap: EventSnapshot, audience: str, variant: str) -> str:
        with i18n.using("zh_CN" if variant == "bi" else variant):
            return str(self._macros().event_block(self.block(snap, audience), variant == "bi"))

    def reveal(self, snap: EventSnapshot, entry: str, audience: str, variant: str) -> str | None:
        seen = snap.shown(audience)
        if not seen.reveals:
            return None
        standing = next((s for s in snap.current if s.entry.key == entry), None)
        if standing is None or standing.result.state != "complete":
            return None
        with i18n.using("zh_CN" if variant == "bi" else variant):
            card = boardview.reveal_card(snap.competition, snap.event, standing, seen.names)
            return str(self._macros().reveal_card(card, variant == "bi"))
