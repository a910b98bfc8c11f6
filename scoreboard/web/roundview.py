"""A contestant standing as the boards and pages show it: the round's name and rule, and a row per
contestant — place, name (or their entries' blind codes while names are hidden), team, each
entry's points, what the round before carries, the total, and whether they go on.

Words as in ``scoreboard.rounds``; the *cut* is the line after the last qualifying place.
"""

from __future__ import annotations

from dataclasses import dataclass

from scoreboard import i18n
from scoreboard.competition import Competition, Event
from scoreboard.i18n import gettext as _
from scoreboard.rounds import ContestantStanding
from scoreboard.rubric.numbers import fixed


@dataclass(frozen=True)
class RoundRow:
    rank: str
    who: str
    team: str
    parts: tuple[str, ...]  # each entry's points, "—" while not scored
    carried: str  # "" where nothing is carried
    total: str
    qualified: bool
    cut: bool  # the last qualifying row: the cut line follows it
    state_label: str  # "" once complete, else provisional


@dataclass(frozen=True)
class RoundTable:
    name: str  # the round's name, or "" for an event that is not a round
    rule: str  # how the total is made and who goes on, as a sentence
    carries: bool
    rows: tuple[RoundRow, ...]


def round_table(competition: Competition, event: Event, standings: list[ContestantStanding],
                names: bool) -> RoundTable | None:
    """The table of ``standings`` (``StandingsBook.rounds``); None when there is nothing to show."""
    if not standings:
        return None
    decimals = event.rubric.decimals
    language = i18n.current()
    people = {c.key: c for c in competition.contestants}
    teams = {t.key: t.name.get(language) for t in competition.teams}
    stage = event.round
    carries = stage is not None and bool(stage.after) and stage.carry > 0
    last = max((n for n, s in enumerate(standings) if s.qualified), default=None)
    rows = []
    for n, s in enumerate(standings):
        t = s.total
        person = people.get(t.contestant)
        codes = "、".join(p.code or p.entry for p in t.parts)
        rows.append(RoundRow(
            rank="" if s.rank is None else (f"{s.rank}=" if s.shared else str(s.rank)),
            who=(person.name if person else t.contestant) if names else codes,
            team=teams.get(person.team, "") if person and names else "",
            parts=tuple("—" if p.points is None else fixed(p.points, decimals) for p in t.parts),
            carried=fixed(t.carried, decimals) if carries else "",
            total="—" if t.total is None else fixed(t.total, decimals),
            qualified=s.qualified, cut=n == last,
            state_label="" if t.complete else (_("Provisional") if t.points is not None else _("Not scored")),
        ))
    return RoundTable(stage.name.get(language) if stage else "", _rule(competition, event), carries, tuple(rows))


def _rule(competition: Competition, event: Event) -> str:
    stage = event.round
    said = [_("Each contestant's total is the sum of their entries' scores.")]
    if stage is not None and stage.after and stage.carry > 0:
        before = competition.event(stage.after)
        label = (before.round.name if before.round else before.name) if before else None
        said.append(_("It includes %(share)s %% of their points in %(round)s.") % {
            "share": fixed(stage.carry, 0 if stage.carry.denominator == 1 else 2),
            "round": label.get(i18n.current()) if label else stage.after})
    if stage is not None and stage.qualify:
        said.append(_("The best %(n)s go on to the next round; all tied at the cut go on.") % {"n": stage.qualify})
    return ("" if i18n.current().startswith("zh") else " ").join(said)  # Chinese sentences run on

