"""Changes: small named facts about a competition, published by a service after its commit.

A *change* is what the bus carries (the domain-event pattern; the word "event" is kept for a
competition's events, 凉菜 or 砌筑).

They carry keys, not HTML or marks: whoever renders them reads what it may show. ``to_dict`` and
``from_dict`` let a bus carry them between processes; ``encode`` and ``decode`` make the bus's
*message*, small versioned JSON ``{"v": 1, "change": {...}}``. ``BusResumed`` never travels: a bus
hands it to its own subscribers after it (re)connects, when changes may have been missed.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from typing import Any, ClassVar


@dataclass(frozen=True)
class SheetAccepted:
    name: ClassVar[str] = "sheet.accepted"
    competition: str
    event: str
    entry: str
    judge: str
    seq: int


@dataclass(frozen=True)
class CompetitionChanged:
    """Anything else about a competition changed (loaded, event state, entries): reload it."""

    name: ClassVar[str] = "competition.changed"
    competition: str


@dataclass(frozen=True)
class EntryLocked:
    """An entry was locked (no more sheets for it) or unlocked again."""

    name: ClassVar[str] = "entry.locked"
    competition: str
    event: str
    entry: str
    locked: bool = True


@dataclass(frozen=True)
class JudgeRevoked:
    """A judge's token was revoked or replaced: their open sockets close at once."""

    name: ClassVar[str] = "judge.revoked"
    competition: str
    judge: str


@dataclass(frozen=True)
class EventChanged:
    """An event's state or visibility changed (opened, frozen, published…): re-read and re-render it."""

    name: ClassVar[str] = "event.changed"
    competition: str
    event: str


@dataclass(frozen=True)
class RescoreRequested:
    """The chief judge asks a judge to re-score an entry (send a new revision): the judge's tablet
    is told (the ``rescore`` push of ``docs/protocol.md``)."""

    name: ClassVar[str] = "rescore.requested"
    competition: str
    event: str
    entry: str
    judge: str
    reason: str = ""


@dataclass(frozen=True)
class BusResumed:
    """The live bus (re)connected: changes may have been missed, so every competition is stale."""

    name: ClassVar[str] = "bus.resumed"


Change = (SheetAccepted | CompetitionChanged | EntryLocked | JudgeRevoked | EventChanged | RescoreRequested
          | BusResumed)
VERSION = 1  # of the bus's messages
KINDS: dict[str, type[Change]] = {k.name: k for k in (SheetAccepted, CompetitionChanged, EntryLocked, JudgeRevoked,
                                                     EventChanged, RescoreRequested)}


def to_dict(change: Change) -> dict[str, Any]:
    return {"name": change.name, **asdict(change)}


def from_dict(data: dict[str, Any]) -> Change:
    kind = KINDS[data["name"]]
    return kind(**{k: v for k, v in data.items() if k != "name"})


class Unreadable(ValueError):
    """A bus message this version cannot read: another version's, an unknown kind, or not JSON."""


REASON_CARRIED = 500  # characters of a re-score reason a message carries: NOTIFY takes < 8000 bytes


def encode(change: Change) -> str:
    """The bus message of ``change``; a re-score reason past ``REASON_CARRIED`` is cut short."""
    if isinstance(change, RescoreRequested) and len(change.reason) > REASON_CARRIED:
        change = replace(change, reason=change.reason[: REASON_CARRIED - 1] + "…")
    return json.dumps({"v": VERSION, "change": to_dict(change)}, ensure_ascii=False, separators=(",", ":"))


def decode(message: str | bytes) -> Change:
    try:
        data = json.loads(message)
    except ValueError as e:
        raise Unreadable(f"not JSON: {e}") from None
    if not isinstance(data, dict) or data.get("v") != VERSION or not isinstance(data.get("change"), dict):
        raise Unreadable(f"not a version {VERSION} message")
    try:
        return from_dict(data["change"])
    except (KeyError, TypeError) as e:
        raise Unreadable(f"not a change this version knows: {e!r}") from None
