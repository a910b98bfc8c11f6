"""Changes: small named facts about a competition, published by a service after its commit.

A *change* is what the bus carries (the domain-event pattern; the word "event" is kept for a
competition's events, 凉菜 or 砌筑).

They carry keys, not HTML or marks: whoever renders them reads what it may show. ``to_dict`` and
``from_dict`` let a bus carry them between processes as JSON.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
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


Change = SheetAccepted | CompetitionChanged | EntryLocked | JudgeRevoked | EventChanged | RescoreRequested
KINDS: dict[str, type[Change]] = {k.name: k for k in (SheetAccepted, CompetitionChanged, EntryLocked, JudgeRevoked,
                                                     EventChanged, RescoreRequested)}


def to_dict(change: Change) -> dict[str, Any]:
    return {"name": change.name, **asdict(change)}


def from_dict(data: dict[str, Any]) -> Change:
    kind = KINDS[data["name"]]
    return kind(**{k: v for k, v in data.items() if k != "name"})
