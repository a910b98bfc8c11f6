"""The data every export is made from, and the small helpers all writers share.

Words:
- ``ExportData`` is one competition as exported: the ``competition`` (domain objects, with each
  event's rubric snapshot), its ``standings`` by event key (ranked, with awards), every ``sheet``
  revision in order of arrival (``seq``), the competition's ``audit`` records, each event's
  ``states`` (draft … published) and the ``exported_at`` moment.
- An ``AuditRecord`` is one audit-log row as plain data (``seq`` is the row's number).
- ``Progress`` is a callback ``progress(done, total)``.
- ``Out`` is where an export goes: a path (written whole, or not at all) or a binary stream.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, BinaryIO

from scoreboard.competition import Competition, Event
from scoreboard.rubric.sheet import Sheet
from scoreboard.standings import Standing, TeamStanding, team_standings

Progress = Callable[[int, int], None]
Out = Path | str | BinaryIO | IO[bytes]


@dataclass(frozen=True)
class AuditRecord:
    seq: int
    at: str
    actor: str
    action: str
    subject: str = ""
    detail: Mapping[str, Any] = field(default_factory=dict)
    reason: str = ""


@dataclass(frozen=True)
class ExportData:
    competition: Competition
    standings: Mapping[str, Sequence[Standing]]
    sheets: Sequence[Sheet]
    audit: Sequence[AuditRecord] = ()
    states: Mapping[str, str] = field(default_factory=dict)
    exported_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def events(self) -> tuple[Event, ...]:
        return tuple(e for e in self.competition.events if e.key in self.standings)

    def teams(self) -> list[TeamStanding]:
        """Team standings by the competition's rule over every event (empty without a rule)."""
        rule = self.competition.team_rule
        if rule is None:
            return []
        return team_standings(rule, [t.key for t in self.competition.teams],
                              [s for ss in self.standings.values() for s in ss])

    def sheets_of(self, event: str) -> list[Sheet]:
        keys = {e.key for e in self.competition.entries_of(event)}
        return [s for s in self.sheets if s.entry in keys]

    def only(self, event: str | None) -> ExportData:
        """The same data narrowed to one event (``None``: unchanged)."""
        if event is None:
            return self
        return dataclasses.replace(self, standings={k: v for k, v in self.standings.items() if k == event},
                                   sheets=self.sheets_of(event))


def from_sheets(competition: Competition, sheets: Sequence[Sheet], audit: Sequence[AuditRecord] = (),
                states: Mapping[str, str] | None = None, exported_at: datetime | None = None) -> ExportData:
    """Export data computed from a competition and its sheets (pure: the offline path)."""
    from scoreboard.offline import compute

    return ExportData(competition, compute(competition, list(sheets)), tuple(sheets), tuple(audit),
                      dict(states or {}), exported_at or datetime.now(UTC))


def no_progress(done: int, total: int) -> None:
    return None


@contextlib.contextmanager
def opened(out: Out) -> Iterator[IO[bytes]]:
    """A binary stream for ``out``; a path is written to a temporary file beside it and renamed
    into place only when the export succeeded, so a failed export leaves no half file."""
    if not isinstance(out, (str, Path)):
        yield out
        return
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            yield f
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def team_name(competition: Competition, key: str, locale: str) -> str:
    team = next((t for t in competition.teams if t.key == key), None)
    return team.name.get(locale) if team else key


def contestant_names(competition: Competition, keys: Sequence[str]) -> str:
    people = {c.key: c.name for c in competition.contestants}
    return "、".join(people.get(k, k) for k in keys)


def judge_name(competition: Competition, key: str) -> str:
    judge = next((j for j in competition.judges if j.key == key), None)
    return judge.name if judge else key
