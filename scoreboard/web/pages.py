"""Typed page contexts for the public pages, built from standings (what a spectator may see).

What an audience may see is decided in ``states.shown``; each builder here takes that answer
(``Shown``) and never decides itself: no totals where ``scores`` is false (a ``progress`` event
shows how many entries are scored, a ``hidden`` one not even that), blind codes where ``names``
is false, and the frozen snapshot where ``snapshot`` is true (the caller passes those
standings). Where ``names`` is true a row names the entry's title, its contestants (joined with
、) and its team, from the competition's ``Directory``. Judges are never named on a public page,
and a blind event's rows carry its blind codes, never the organizer's entry keys (which can
follow the order of a file): ``Row.dom`` is the id a row has on the page.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction

from scoreboard import i18n
from scoreboard.competition import Competition, Entry, Event, award_tiers
from scoreboard.errors import N_
from scoreboard.i18n import gettext as _
from scoreboard.live.book import Summary
from scoreboard.rubric.aggregate import METHODS
from scoreboard.rubric.numbers import fixed
from scoreboard.standings import MARKS, Standing, TeamStanding, mark_of, sort_key
from scoreboard.states import FIXED, Shown
from scoreboard.web.roundview import RoundTable

STATE_LABELS = {
    "pending": N_("not scored"), "partial": N_("provisional"), "complete": N_("complete"),
    "flagged": N_("under review"), "locked": N_("locked"),
}
EVENT_STATES = {
    "draft": N_("draft"), "open": N_("scoring"), "closed": N_("closed"), "locked": N_("locked"),
    "published": N_("published"),
}
# what the column naming an entry says: a blind event's codes, or what its entries carry
WHO_LABELS = {"code": N_("Blind code"), "entry": N_("Entry"), "people": N_("Contestant"),
              "both": N_("Entry · contestant")}
PEOPLE_SHOWN = 6  # a team board row names this many members, then says how many more


@dataclass(frozen=True)
class AwardView:
    key: str
    name: str
    provisional: bool = False  # the event is not locked yet: a place not yet final, so neither is its award


@dataclass(frozen=True)
class Row:
    dom: str  # the row's id on the page: the entry key, or the blind code in a blind event
    rank: str
    code: str
    title: str
    team: str
    total: str
    awards: list[AwardView]
    state: str
    state_label: str
    tie: str | None = None  # ranked: the id of the tie it shares ("" when the rank is its own); None: unranked
    people: str = ""  # the entry's contestants, joined with 、 (empty where names are not shown)
    mark: str = ""  # beside the total: 暂定 (not every judge yet) or 待复核 (flagged); "" when final


@dataclass(frozen=True)
class EventPage:
    competition: str
    event: str
    state_label: str
    rubric_note: str
    scored: int
    entries: int
    blind: bool
    show_names: bool
    notice: str
    self_url: str
    rows: list[Row] = field(default_factory=list)
    progress: bool = True  # whether how many entries are scored may be shown
    who: str = WHO_LABELS["entry"]  # the English header of the column naming each entry (WHO_LABELS)
    rounds: RoundTable | None = None  # an event ranking contestants: their totals


@dataclass(frozen=True)
class EventCard:
    key: str
    name: str
    entries: int
    scored: int
    percent: int
    leader: str
    progress: bool = True  # whether scored and percent may be shown


@dataclass(frozen=True)
class CompetitionCard:
    key: str
    name: str
    date: str
    venue: str
    events: list[EventCard]
    has_teams: bool


@dataclass(frozen=True)
class HomePage:
    competitions: list[CompetitionCard]


@dataclass(frozen=True)
class EventLink:
    """An event on its competition's page: its state, and how many entries are scored where the
    public may see progress."""

    key: str
    name: str
    state_label: str
    state: str
    entries: int
    scored: int
    progress: bool


@dataclass(frozen=True)
class CompetitionPage:
    key: str
    name: str
    date: str
    venue: str
    events: list[EventLink]
    has_teams: bool


@dataclass(frozen=True)
class TeamRow:
    rank: str
    team: str
    score: str
    counted: int
    entries: int
    award_count: int
    members: str = ""  # the contestants of its entries the audience may see, 、-joined (a few, then how many)
    mark: str = ""  # beside the score: 暂定 or 待复核 while one of the team's entries is not final


@dataclass(frozen=True)
class TeamsPage:
    key: str
    competition: str
    rule: str
    award: str
    rows: list[TeamRow]
    events: list[str] = field(default_factory=list)  # the events counted, by name


def dom_id(event: Event, code: str, key: str, n: int) -> str:
    """A row's id on a public page: a blind event's rows are known by their codes (or their
    place, should one lack a code), never by the organizer's entry keys."""
    if not event.blind:
        return key
    return f"c-{code}" if code else f"n-{n}"


def rubric_note(event: Event) -> str:
    r = event.rubric
    if r.description:
        return r.description.get(i18n.current())
    method = METHODS[r.aggregation.method]
    return _("%(panel)s judges · %(method)s") % {"panel": r.panel, "method": _(method.doc)}


@dataclass(frozen=True)
class Directory:
    """The names a row may show, in the current language: teams and contestants by key."""

    teams: Mapping[str, str]
    people: Mapping[str, str]

    def people_of(self, entry: Entry) -> str:
        return "、".join(self.people[k] for k in entry.contestants if self.people.get(k))


def directory(competition: Competition) -> Directory:
    return Directory({t.key: t.name.get(i18n.current()) for t in competition.teams},
                     {p.key: p.name for p in competition.contestants})


def who_label(competition: Competition, event: Event, names: bool) -> str:
    """The English header of the column naming each entry (``WHO_LABELS``): blind codes where
    names are hidden, else the entry, its contestants, or both, by what the event's entries carry."""
    if event.blind and not names:
        return WHO_LABELS["code"]
    entries = competition.entries_of(event.key) if names else []
    people = any(e.contestants for e in entries)
    titles = any(e.title for e in entries)
    return WHO_LABELS["both" if people and titles else "people" if people else "entry"]


def tie_id(event: Event, standing: Standing) -> str | None:
    """What a row says of its rank beyond the order: None unranked, "" alone on its rank, and
    for a shared rank an id equal for every entry sharing it (so a page numbers its rows itself)."""
    if standing.rank is None:
        return None
    if not standing.shared:
        return ""
    key = sort_key(event.rubric, standing.result, standing.entry)
    return hashlib.blake2b(repr(key).encode(), digest_size=4).hexdigest()


def row(event: Event, known: Directory, s: Standing, names: bool, n: int, final: bool = True) -> Row:
    """One standing's row; ``n``: its place in the list (the id of a blind row without a code);
    ``final``: the event is locked or published (else its awards are provisional)."""
    return Row(dom=dom_id(event, s.entry.code, s.entry.key, n), rank=rank_text(s.rank, s.shared),
               code=s.entry.code, title=s.entry.title if names else "",
               team=known.teams.get(s.entry.team, "") if names else "",
               total="—" if s.result.shown is None else (_("DQ") if s.result.disqualified else
                                                         fixed(s.result.shown, s.result.decimals)),
               awards=[AwardView(t.key, t.name.get(i18n.current()), not final) for _r, t in s.awards],
               state=str(s.result.state), state_label=_(STATE_LABELS.get(str(s.result.state), str(s.result.state))),
               tie=tie_id(event, s), people=known.people_of(s.entry) if names else "",
               mark=_(m) if (m := mark_of(s.result)) else "")


def rank_text(rank: int | None, shared: bool) -> str:
    return "" if rank is None else (f"{rank}=" if shared else str(rank))


def _rows(competition: Competition, event: Event, standings: list[Standing], names: bool,
          final: bool = True) -> list[Row]:
    known = directory(competition)
    return [row(event, known, s, names, n, final) for n, s in enumerate(standings, 1)]


def event_page(competition: Competition, event: Event, state: str, seen: Shown, standings: list[Standing],
               url: str, rounds: RoundTable | None = None) -> EventPage:
    """``seen``: what the page's audience may see of the event in ``state``."""
    final = state in FIXED
    rows = _rows(competition, event, standings, seen.names, final) if seen.progress and seen.scores else []
    scored = sum(1 for s in standings if s.result.state != "pending")
    return event_frame(competition, event, state, seen, scored, len(standings), url, rows, rounds)


def event_frame(competition: Competition, event: Event, state: str, seen: Shown, scored: int, entries: int,
                url: str, rows: list[Row], rounds: RoundTable | None = None) -> EventPage:
    """The page around the rows, from counts: ``scored`` of ``entries``."""
    if not seen.progress:
        notice = _("This event's results are not public yet.")
    elif not seen.scores:
        notice = _("Scores are shown when the organizer publishes them.")
    else:
        notice = ""
    return EventPage(
        competition=competition.name.get(i18n.current()), event=event.name.get(i18n.current()),
        state_label=_(EVENT_STATES.get(state, state)), rubric_note=rubric_note(event),
        scored=scored if seen.progress else 0, entries=entries, blind=event.blind, show_names=seen.names,
        notice=notice, self_url=url, rows=rows, progress=seen.progress,
        who=who_label(competition, event, seen.names), rounds=rounds if seen.progress and seen.scores else None)


def event_card(event: Event, seen: Shown, summary: Summary, known: Directory) -> EventCard:
    """An event's card on the home page, from the book's ``summary`` for the audience (no ranking)."""
    progress = seen.progress
    scored = summary.scored if progress else 0
    leader = ""
    if summary.leader is not None and seen.scores:
        entry, result = summary.leader
        who = " · ".join(x for x in (entry.title, known.people_of(entry), known.teams.get(entry.team, "")) if x)
        if not seen.names:
            who = entry.code
        leader = f"{who} {fixed(result.shown or Fraction(0), result.decimals)}"
        if mark := mark_of(result):
            leader += f" {_(mark)}"
    return EventCard(event.key, event.name.get(i18n.current()), summary.entries, scored,
                     round(100 * scored / summary.entries) if summary.entries else 0, leader, progress)


def members(known: Directory, team: str, entries: list[Entry]) -> str:
    """The contestants of ``team``'s ``entries``, each once, in entry order: a few, then how many in all."""
    names = list(dict.fromkeys(n for e in entries if e.team == team for k in e.contestants
                               if (n := known.people.get(k))))
    shown = "、".join(names[:PEOPLE_SHOWN])
    if len(names) > PEOPLE_SHOWN:
        return _("%(names)s and others (%(total)s in all)") % {"names": shown, "total": len(names)}
    return shown


def teams_page(competition: Competition, rows: list[TeamStanding], entries: list[Entry]) -> TeamsPage:
    """``entries``: the entries whose names the audience may see (of the events that count for it)."""
    rule = competition.team_rule
    assert rule is not None
    known = directory(competition)
    teams = known.teams
    labels = {"sum": _("sum of every ranked entry"), "mean": _("mean of every ranked entry"),
              "best_n": _("mean of the best %(n)s entries") % {"n": rule.n or _("N (the fewest any team has)")}}
    tier = award_tiers(competition.events).get(rule.count_award)
    return TeamsPage(
        key=competition.key, competition=competition.name.get(i18n.current()), rule=labels[rule.method],
        award=tier.get(i18n.current()) if tier else "",
        rows=[TeamRow(rank_text(r.rank, r.shared), teams.get(r.team, r.team),
                      "—" if r.score is None else fixed(r.score), len(r.counted), r.entries, r.award_count,
                      members(known, r.team, entries),
                      _(MARKS[r.state]) if r.score is not None and r.state in MARKS else "")
              for r in rows],
        events=[e.name.get(i18n.current()) for e in competition.events if not rule.events or e.key in rule.events],
    )
