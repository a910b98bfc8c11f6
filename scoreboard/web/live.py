"""The hub's renderer: an event's live view from the standings book → frames for board sockets.

Words: a *view* is what one topic's sockets were last sent of an event: the block's head and
shell, each row's markup (its rank left as a slot: ranks follow from the order) and the order. A
*frame* is one websocket message: a line of JSON (``e`` the event, ``seq`` the view's sequence
number, ``full`` for a full state, ``moves`` for rows to place, ``reveal`` for the score-reveal
card), a newline, then markup — the whole block for a full state, or for a *delta* only the head
if it changed and the rows that changed (in a table of their own, as HTML wants);
``static/frames.js`` puts each element in place by its id, moves each row after the one named
(null: first) and numbers the rows. A change costs what it moves: the book says which entries
were rescored and which rows may have changed with them (``book.Moved``); only those rows are
built and rendered. A new load of the competition (its version: a mode change, a reload) makes a
new full view. What an audience may see is ``states.shown``'s answer, the same for a full state
and a delta. A *variant* is the language of a frame: ``zh_CN``, ``en`` or ``bi`` (bilingual
labels, Chinese first).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import jinja2
from markupsafe import Markup

from scoreboard import i18n
from scoreboard.competition import Competition, Event
from scoreboard.errors import UserError
from scoreboard.live.book import Live, Moved, StandingsBook
from scoreboard.live.hub import Topic
from scoreboard.standings import Standing
from scoreboard.states import FIXED, Audience, Shown, shown_of
from scoreboard.web import boardview, pages
from scoreboard.web.roundview import RoundTable, round_table

VARIANTS = ("zh_CN", "en", "bi")
RANK = "\x00"  # where a row's rank goes in its markup (never in a name: names are printable text)
HEAD = "\x01"  # where the head goes in the block's shell


@dataclass(frozen=True)
class EventSnapshot:
    """An event's standings read once from the book, for a page (every row rendered)."""

    competition: Competition
    event: Event
    state: str
    current: list[Standing]
    public: list[Standing]  # what the public sees: a frozen event's snapshot, else the current

    def shown(self, audience: str) -> Shown:
        return shown_of(self.event, self.state, audience)


@dataclass
class Step:
    """What one change does to a view: applied by ``View.commit`` in the event loop."""

    seq: int
    head: str
    rows: dict[str, tuple[pages.Row, str]]  # the rows that changed
    moves: list[tuple[str, str | None]]  # (entry, the entry it now follows), in the new order


@dataclass
class View:
    """One topic's live view (see the module). Made, and read to advance, in a worker thread;
    changed only by ``commit`` in the event loop (renders of a topic never overlap).
    ``full`` is its full-state frame, made once when first asked."""

    topic: Topic
    version: int
    seq: int
    seen: Shown
    head: str
    shell: tuple[str, str]  # the block's markup before (the head's slot in it) and after the rows
    rows: dict[str, tuple[pages.Row, str]]  # entry key → its row and markup (rank slot in it)
    after: dict[str, str | None]  # entry key → the entry before it (None: first)
    following: dict[str | None, str | None]  # entry key (None: the start) → the entry after it
    stable: bool  # every row has an id of its own (a blind row without a code is known by its place)
    _full: str | None = field(default=None, repr=False)

    @classmethod
    def of(cls, topic: Topic, version: int, seq: int, seen: Shown, head: str, shell: tuple[str, str],
           rows: dict[str, tuple[pages.Row, str]], order: list[str], stable: bool) -> View:
        ahead: list[str | None] = [None, *order]
        behind: list[str | None] = [*order, None]
        return cls(topic, version, seq, seen, head, shell, rows, dict(zip(order, ahead, strict=False)),
                   dict(zip(ahead, behind, strict=True)), stable)

    def order(self) -> list[str]:
        out, key = [], self.following[None]
        while key is not None:
            out.append(key)
            key = self.following[key]
        return out

    def commit(self, step: Step) -> None:
        self.seq, self.head, self._full = step.seq, step.head, None
        self.rows.update(step.rows)
        for key, prev in step.moves:
            was, nxt = self.after[key], self.following[key]
            self.following[was] = nxt
            if nxt is not None:
                self.after[nxt] = was
            follower = self.following[prev]
            self.following[prev], self.following[key], self.after[key] = key, follower, prev
            if follower is not None:
                self.after[follower] = key

    def full(self) -> str:
        if self._full is None:
            parts, place, rank, tie = [self.shell[0].replace(HEAD, self.head, 1)], 0, 0, None
            for key in self.order():
                r, markup = self.rows[key]
                text = ""
                if r.tie is not None:
                    place += 1
                    if not r.tie or r.tie != tie:
                        rank = place
                    tie = r.tie or None
                    text = pages.rank_text(rank, bool(r.tie))
                parts.append(markup.replace(RANK, text))
            parts.append(self.shell[1])
            self._full = _frame({"e": self.topic.event, "seq": self.seq, "full": 1}, "".join(parts))
        return self._full


def _frame(head: dict[str, Any], markup: str) -> str:
    return json.dumps(head, separators=(",", ":"), ensure_ascii=False) + "\n" + markup


BEAT = _frame({"beat": 1}, "")


def variant_of(locale: str, bilingual: bool) -> str:
    return "bi" if bilingual else (locale if locale in VARIANTS else "zh_CN")


class BoardRenderer:
    def __init__(self, book: StandingsBook, env: jinja2.Environment) -> None:
        self.book = book
        self.env = env

    # -- pages: every row, once per request -------------------------------------------------
    def snapshot(self, competition: str, event: str) -> EventSnapshot:
        try:
            comp = self.book.book(competition).competition
            ev, state, current = self.book.standings(competition, event)
            _ev, _state, public = self.book.standings(competition, event, Audience.PUBLIC)
        except UserError as e:
            raise LookupError(competition) from e
        return EventSnapshot(comp, ev, state, current, public)

    def _macros(self) -> Any:
        return self.env.get_template("_live.html").module

    def block(self, snap: EventSnapshot, audience: str) -> boardview.BoardEvent:
        seen = snap.shown(audience)
        standings = snap.public if seen.snapshot else snap.current
        rounds = self._rounds(snap.competition.key, snap.event, audience, seen)
        return boardview.board_event(snap.competition, snap.event, snap.state, seen, standings, audience,
                                     rounds=rounds)

    def _rounds(self, competition: str, event: Event, audience: str, seen: Shown) -> RoundTable | None:
        """The contestants' totals of an event that ranks contestants, as ``audience`` sees them."""
        if event.totals != "contestant":
            return None
        comp = self.book.book(competition).competition
        return round_table(comp, event, self.book.rounds(competition, event.key, audience), seen.names)

    # -- live views: a full one, then what each change moved ----------------------------------
    def _live(self, topic: Topic) -> Live:
        try:
            return self.book.live(topic.competition, topic.event, topic.audience)
        except UserError as e:
            raise LookupError(topic.competition) from e

    def _language(self, topic: Topic) -> str:
        return "zh_CN" if topic.variant == "bi" else topic.variant

    def _rows(self, live: Live, seen: Shown, keys: list[str]) -> dict[str, tuple[pages.Row, Standing]]:
        """The rows of ``keys``, with their standings, read under the book's lock."""
        known = pages.directory(live.competition)
        with self.book.reading():
            standings = [live.ranking.row(k) for k in keys]
        final = live.state in FIXED
        return {s.entry.key: (pages.row(live.event, known, s, seen.names, 0, final), s) for s in standings}

    def _head(self, live: Live, seen: Shown, topic: Topic, scored: int, entries: int) -> tuple[Any, str]:
        rounds = self._rounds(topic.competition, live.event, topic.audience, seen)
        page = pages.event_frame(live.competition, live.event, live.state, seen, scored, entries, "", [], rounds)
        block = boardview.block_of(live.event, page, topic.audience)
        return block, str(self._macros().event_head(block, topic.variant == "bi"))

    def view(self, topic: Topic, seq: int = 0) -> View:
        """The topic's full view: every row built and rendered (a first subscriber, a mode change)."""
        live = self._live(topic)
        seen = shown_of(live.event, live.state, topic.audience)
        with i18n.using(self._language(topic)):
            with self.book.reading():
                order = live.ranking.order()
                scored = live.ranking.scored()
            if not (seen.progress and seen.scores):
                order = []
            macros = self._macros()
            marked = {k: (r, str(macros.event_row(r, seen.names, RANK))) for k, (r, _s) in
                      self._rows(live, seen, order).items()}
            block, head = self._head(live, seen, topic, scored, len(live.ranking.entries))
            whole = str(macros.event_block(block, topic.variant == "bi", rows=Markup(RANK), table=bool(marked)))
            before, _, after = whole.partition(RANK)
            before = before.replace(head, HEAD, 1)
        stable = not live.event.blind or all(e.code for e in live.ranking.entries.values())
        return View.of(topic, live.version, seq, seen, head, (before, after), marked, order, stable)

    def advance(self, view: View, moved: Moved | None) -> tuple[View | Step | None, list[str]]:
        """What ``moved`` (None: anything may have changed) does to the view, and the frames that
        take a socket there: nothing if nothing it shows changed; a new full view when the
        competition was loaded anew; else a step (a delta), then a reveal card per entry that
        completed. Reads the view, never changes it."""
        topic = view.topic
        live = self._live(topic)
        if moved is None or live.version != view.version or not view.stable:
            fresh = self.view(topic, view.seq + 1)
            return fresh, [fresh.full()]
        if live.snapshot or not view.seen.progress:
            return None, []  # the frozen snapshot, or nothing of the event shown: a sheet moves neither
        with i18n.using(self._language(topic)):
            macros = self._macros()
            with self.book.reading():
                scored = live.ranking.scored()
                entries = len(live.ranking.entries)
                if view.rows:
                    moves = [(k, live.ranking.before(k)) for k in sorted(moved.rescored, key=live.ranking.position)]
                else:
                    moves = []
            if len(moves) == 1 and view.after.get(moves[0][0], "") == moves[0][1]:
                moves = []  # still where it was
            _block, head = self._head(live, view.seen, topic, scored, entries)
            fresh_rows = self._rows(live, view.seen, sorted(moved.rows)) if view.rows else {}
            changed = {k: rs for k, rs in fresh_rows.items() if view.rows[k][0] != rs[0]}
            marked = {k: (r, str(macros.event_row(r, view.seen.names, RANK))) for k, (r, _s) in changed.items()}
            done = [s for k, (r, s) in changed.items() if r.state == "complete" != view.rows[k][0].state]
            cards = [self._card(live, s, topic, view.seen.names) for s in done] if view.seen.reveals else []
        if head == view.head and not marked and not moves:
            return None, []
        rows = "".join(m.replace(RANK, pages.rank_text(changed[k][1].rank, changed[k][1].shared))
                       for k, (_r, m) in marked.items())
        markup = (head if head != view.head else "") + (f"<table><tbody>{rows}</tbody></table>" if rows else "")
        seq = view.seq + 1
        doms = [[view.rows[k][0].dom, None if a is None else view.rows[a][0].dom] for k, a in moves]
        frame = _frame({"e": topic.event, "seq": seq, **({"moves": doms} if doms else {})}, markup)
        return Step(seq, head, marked, moves), [frame, *cards]

    def _card(self, live: Live, standing: Standing, topic: Topic, names: bool) -> str:
        with i18n.using(self._language(topic)):
            card = boardview.reveal_card(live.competition, live.event, standing, names)
            return _frame({"e": topic.event, "reveal": 1}, str(self._macros().reveal_card(card, topic.variant == "bi")))
