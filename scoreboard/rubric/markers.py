"""Who marks a criterion, and which criteria a judge marks (pure).

Words:
- A criterion's *markers* (or a part's, which its criteria inherit) say who gives its marks:
  ``judges`` (every judge of the panel, the default), a *role* of the panel such as
  ``measuring`` (the measuring pair: two judges who read the measurements together and enter one
  agreed value), or ``clerk`` (录分员: one person who enters a value such as the theory exam
  score, and marks nothing else).
- A judge's *roles* in an event come with their assignment to it (``competition.Judge.roles``);
  a judge without roles is a plain judge of the panel. A *trainee* (见习评委) marks like a judge of
  the panel, but their sheets are only compared with the panel's (the consistency report, the
  chief judge's review page): never counted (``score.score_entry`` leaves them out), so never
  shown in public.

A criterion marked by a role or the clerk needs one value (``Rubric.panel_of``); marks from
anyone else are not counted (``score.score_entry``) and a sheet carrying them is refused
(``intake.check_sheet``).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from scoreboard.errors import N_
from scoreboard.rubric.model import Criterion, Rubric

EVERY = "judges"  # every judge of the panel
CLERK = "clerk"
TRAINEE = "trainee"


@dataclass(frozen=True)
class Role:
    key: str
    label: str
    doc: str
    aliases: tuple[str, ...] = ()  # what a spreadsheet may call it


ROLES: dict[str, Role] = {
    r.key: r
    for r in (
        Role("measuring", N_("measuring judge"),
             N_("one of the judges who read the measurements together and enter one agreed value"),
             ("测量", "测量裁判", "测量组", "measuring judge")),
        Role(CLERK, N_("clerk"), N_("enters values such as the theory exam score; marks nothing else"),
             ("录分员", "录分", "记分员")),
        Role(TRAINEE, N_("trainee judge"),
             N_("marks like a judge of the panel; compared with the panel, never counted or shown in public"),
             ("见习", "见习评委", "trainee judge")),
    )
}
MARKERS = (EVERY, *(r for r in ROLES if r != TRAINEE))  # what a criterion's ``markers`` may name


def role_named(name: str) -> str | None:
    """The key of the role a spreadsheet names by its key or one of its names, or None."""
    return next((r.key for r in ROLES.values() if name.strip().lower() in (r.key, *r.aliases)), None)


def marks(markers: str, roles: Collection[str]) -> bool:
    """Whether a judge with ``roles`` marks a criterion with ``markers``."""
    if markers == EVERY:
        return CLERK not in roles
    return markers in roles


def counted(roles: Collection[str]) -> bool:
    """Whether the sheets of a judge with ``roles`` count towards the result (a trainee's do not)."""
    return TRAINEE not in roles


def criteria_for(rubric: Rubric, roles: Collection[str]) -> tuple[Criterion, ...]:
    """The criteria a judge with ``roles`` marks, in the rubric's order."""
    return tuple(c for c in rubric.criteria if marks(c.markers, roles))
