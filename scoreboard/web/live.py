"""The hub's renderer: an event's snapshot from the standings book → live HTML fragments.

Words: a *snapshot* is everything one render of an event needs, read once from the book per
change (both the current standings and the public ones: a frozen event's public standings are
its snapshot at freezing). A *variant* is the language of a frame: ``zh_CN``, ``en`` or ``bi``
(bilingual labels, Chinese first). Fragments come from the macros in ``templates/_live.html``.
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
from scoreboard.web import boardview, pages

VARIANTS = ("zh_CN", "en", "bi")


@dataclass(frozen=True)
class EventSnapshot:
    competition: Competition
    event: Event
    state: str
    current: list[Standing]
    public: list[Standing]
    complete: frozenset[str]


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
            _ev, _state, public = self.book.standings(competition, event, public=True)
        except UserError as e:
            raise LookupError(competition) from e
        complete = frozenset(s.entry.key for s in current if s.result.state == "complete")
        return EventSnapshot(comp, ev, state, current, public, complete)

    def _macros(self) -> Any:
        return self.env.get_template("_live.html").module

    def block(self, snap: EventSnapshot, level: str) -> boardview.BoardEvent:
        standings = snap.current if level == "organizer" else snap.public
        return boardview.board_event(snap.competition, snap.event, snap.state, standings, level)

    def fragment(self, snap: EventSnapshot, level: str, variant: str) -> str:
        with i18n.using("zh_CN" if variant == "bi" else variant):
            return str(self._macros().event_block(self.block(snap, level), variant == "bi"))

    def reveal(self, snap: EventSnapshot, entry: str, level: str, variant: str) -> str | None:
        if not boardview.reveals(snap.event, snap.state, level):
            return None
        standing = next((s for s in snap.current if s.entry.key == entry), None)
        if standing is None or standing.result.state != "complete":
            return None
        names = level == "organizer" or pages.shows_names(snap.event, snap.state)
        with i18n.using("zh_CN" if variant == "bi" else variant):
            card = boardview.reveal_card(snap.competition, snap.event, standing, names)
            return str(self._macros().reveal_card(card, variant == "bi"))
