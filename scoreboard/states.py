"""An event's states and visibility, in one place: where it may move next, and what each
audience may see of it. Pure: every page, frame, export and service asks here.

Words: an event's *state* is its place in the day — ``draft`` (being set up), ``open`` (judges
score), ``closed`` (no more sheets for now), ``locked`` (results fixed) and ``published`` (out).
Its *visibility* says what the public sees before publication: ``live`` (everything as it
happens), ``progress`` (how many entries are scored, no totals), ``frozen`` (the standings as they
were when it was frozen) or ``hidden`` (nothing of its scoring). An *audience* is who looks: the
``public`` (phones, the projector, the home page), a ``chief`` judge or an ``organizer`` in the
console, or the ``ceremony`` (an organizer uncovering results in the hall).

Moves (``MOVES``): a chief judge may close, lock and reopen their event; only an organizer opens
a draft, publishes, or reopens a published event. Reopening needs a reason; so does locking while
entries are flagged. Locking needs every entry *complete*: an entry short of judges (one sat out
for their own team) is either *accepted* by the organizer with fewer judges — at least the
rubric's ``fewest``, with a reason (``accept_problem``) — or waited for; a reason alone never
locks it. Nothing goes back to draft.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from scoreboard.errors import N_, Problem

if TYPE_CHECKING:
    from scoreboard.competition import Event
    from scoreboard.rubric.model import Rubric
    from scoreboard.rubric.score import Result


class EventState(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    LOCKED = "locked"
    PUBLISHED = "published"


class Visibility(enum.StrEnum):
    LIVE = "live"
    PROGRESS = "progress"
    FROZEN = "frozen"
    HIDDEN = "hidden"


class Audience(enum.StrEnum):
    PUBLIC = "public"
    CHIEF = "chief"
    ORGANIZER = "organizer"
    CEREMONY = "ceremony"


class Reason(enum.StrEnum):
    """When a move needs a reason from whoever makes it."""

    NEVER = "never"
    ALWAYS = "always"
    IF_FLAGGED = "if_flagged"  # only while entries are flagged for the chief judge


@dataclass(frozen=True)
class Move:
    organizer_only: bool
    reason: Reason
    complete: bool = False  # every entry must be complete (or accepted with fewer judges)


S = EventState
MOVES: dict[tuple[EventState, EventState], Move] = {
    (S.DRAFT, S.OPEN): Move(True, Reason.NEVER),
    (S.OPEN, S.CLOSED): Move(False, Reason.NEVER),
    (S.OPEN, S.LOCKED): Move(False, Reason.IF_FLAGGED, complete=True),
    (S.CLOSED, S.OPEN): Move(False, Reason.ALWAYS),
    (S.CLOSED, S.LOCKED): Move(False, Reason.IF_FLAGGED, complete=True),
    (S.LOCKED, S.OPEN): Move(False, Reason.ALWAYS),
    (S.LOCKED, S.PUBLISHED): Move(True, Reason.NEVER),
    (S.PUBLISHED, S.OPEN): Move(True, Reason.ALWAYS),
}

# the states a chief judge can ever move an event to
CHIEF_TARGETS = frozenset(to for (_from, to), move in MOVES.items() if not move.organizer_only)
# which states take judges' sheets, and which fix every entry's result
SCORING = frozenset({S.OPEN})
FIXED = frozenset({S.LOCKED, S.PUBLISHED})


def moves(state: str, organizer: bool) -> list[EventState]:
    """The states an account may move an event to from ``state``, in the table's order."""
    return [to for (frm, to), m in MOVES.items() if frm == state and (organizer or not m.organizer_only)]


def move_problem(state: str, to: str, organizer: bool, reason: str, flagged: Sequence[str] = (),
                 incomplete: Sequence[str] = ()) -> Problem | None:
    """Why this move may not be made now, or ``None``. ``flagged``: codes of the event's flagged
    entries; ``incomplete``: of its entries neither complete nor accepted. Codes:
    ``move_forbidden`` (only an organizer may), ``move_impossible``, ``entries_incomplete``,
    ``reason_missing``, ``entries_flagged``."""
    if not organizer and to not in CHIEF_TARGETS:  # published, or draft where nobody goes: not theirs to ask
        return Problem("move_forbidden", N_("only an organizer may do this"))
    try:
        rule = MOVES.get((EventState(state), EventState(to)))
    except ValueError:
        rule = None
    if rule is None:
        return Problem("move_impossible", N_("the event cannot go from {from_} to {to}"),
                       {"from_": state, "to": to})
    if rule.organizer_only and not organizer:
        return Problem("move_forbidden", N_("only an organizer may do this"))
    if not reason.strip() and rule.reason is Reason.ALWAYS:
        return Problem("reason_missing", N_("give a reason for reopening"))
    if not reason.strip() and rule.reason is Reason.IF_FLAGGED and flagged:
        return Problem("entries_flagged", N_("entries {entries} are flagged: resolve them, or give a reason to "
                                             "lock anyway"), {"entries": ", ".join(flagged)})
    if rule.complete and incomplete:  # a reason never stands in for a judge's sheet
        return Problem("entries_incomplete", N_("entries {entries} do not have every judge's marks yet: wait for "
                                                "them, accept each with fewer judges, or withdraw it"),
                       {"entries": ", ".join(incomplete)})
    return None


def accept_problem(rubric: Rubric, result: Result, accepted: bool, accept: bool, reason: str,
                   entry: str) -> Problem | None:
    """Why the entry (``entry``: its code) may not be accepted with fewer judges (``accept``), or
    its acceptance withdrawn, now; ``accepted``: whether it is. Codes: ``entry_already``,
    ``reason_missing``, ``entry_complete``, ``panel_short``."""
    if accepted == accept:
        return Problem("entry_already", N_("entry {entry} is already accepted") if accept
                       else N_("entry {entry} is not accepted"), {"entry": entry})
    if not reason.strip():
        return Problem("reason_missing", N_("give a reason for accepting the entry with fewer judges") if accept
                       else N_("give a reason for withdrawing the acceptance"))
    if not accept:
        return None
    if result.complete:
        return Problem("entry_complete", N_("entry {entry} has every judge's marks: nothing to accept"),
                       {"entry": entry})
    if result.total is None or result.judges < rubric.fewest:
        return Problem("panel_short", N_("entry {entry} has {count} complete sheets; at least {fewest} of the "
                                         "{panel} judges are needed to accept it"),
                       {"entry": entry, "count": result.judges, "fewest": rubric.fewest, "panel": rubric.panel})
    return None


@dataclass(frozen=True)
class Shown:
    """What an audience may see of an event now."""

    scores: bool  # totals and ranks
    names: bool  # titles, contestants' names and teams (else only blind codes)
    progress: bool  # how many entries are scored
    reveals: bool  # a score-reveal card as each entry completes
    snapshot: bool  # the standings at freezing, not the current ones
    teams: bool  # its entries count in team standings


EVERYTHING = Shown(scores=True, names=True, progress=True, reveals=False, snapshot=False, teams=True)


def shown(state: str, visibility: str, blind: bool, reveal: bool, audience: str) -> Shown:
    """What ``audience`` may see of an event in ``state`` with ``visibility``; ``blind``: judged
    by codes; ``reveal``: announces each completed entry with a reveal card.

    The console (chief judge, organizer) sees everything, current, and reveal cards if the event
    has them. The ceremony sees everything of a locked or published event and nothing before
    (``scores`` and ``names`` false). The public sees everything once published (the ceremony shows
    reveals then, not the board); before, what the visibility allows; a blind event's names (titles,
    contestants, teams) and its team counting wait for publication, since a team's score would
    tell whose dishes are whose; an event that is not blind shows its names from the start."""
    if audience in (Audience.ORGANIZER, Audience.CHIEF):
        return Shown(scores=True, names=True, progress=True, reveals=reveal, snapshot=False, teams=True)
    if audience == Audience.CEREMONY:
        fixed = state in FIXED
        return Shown(scores=fixed, names=fixed, progress=fixed, reveals=False, snapshot=False, teams=fixed)
    if state == S.PUBLISHED:
        return EVERYTHING
    scores = visibility in (Visibility.LIVE, Visibility.FROZEN)
    names = not blind
    return Shown(scores=scores, names=names, progress=visibility != Visibility.HIDDEN,
                 reveals=reveal and visibility == Visibility.LIVE, snapshot=visibility == Visibility.FROZEN,
                 teams=scores and names)


def shown_of(event: Event, state: str, audience: str) -> Shown:
    """``shown`` for a competition's event, with its visibility, blind judging and reveal card."""
    return shown(state, event.visibility, event.blind, event.reveal, audience)
