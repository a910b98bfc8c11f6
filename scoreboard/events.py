"""Domain events: small named facts, published by the service after a commit.

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


Event = SheetAccepted | CompetitionChanged
KINDS: dict[str, type[SheetAccepted] | type[CompetitionChanged]] = {
    k.name: k for k in (SheetAccepted, CompetitionChanged)
}


def to_dict(event: Event) -> dict[str, Any]:
    return {"name": event.name, **asdict(event)}


def from_dict(data: dict[str, Any]) -> Event:
    kind = KINDS[data["name"]]
    return kind(**{k: v for k, v in data.items() if k != "name"})
