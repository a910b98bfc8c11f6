"""A competition file → domain objects (pure: no database, no web).

Words: a *competition* (竞赛) has *events* (赛项, each with one rubric), *teams* (参赛单位),
*contestants* (选手), *entries* (参赛作品: what is judged, with a blind code where the event is
judged blind) and *judges* (评委) assigned to events, some as *chief judge* (裁判长), some with
*roles* there (the measuring pair, the clerk: ``rubric.markers``).

The file format is in ``docs/competition.md``. An event's rubric is a preset name
(``rubric = "cooking_hot"``), a path relative to the file, or an inline table; the event keeps
the rubric's table as a snapshot (``rubric_data``), so later edits of a preset never change a
running competition.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from scoreboard.errors import N_, UserError
from scoreboard.rubric import markers
from scoreboard.rubric.load import preset_names, preset_text, read_rubric
from scoreboard.rubric.model import Rubric, Text
from scoreboard.rubric.numbers import number
from scoreboard.rubric.reader import Reader, Table, plain, read_toml
from scoreboard.states import Visibility

VISIBILITY = tuple(Visibility)
TEAM_METHODS = ("sum", "mean", "best_n")
TIME_ZONE = "Asia/Shanghai"  # where a competition's times are shown when its file names none
TOTALS = ("entry", "contestant")


@dataclass(frozen=True)
class Team:
    key: str
    name: Text


@dataclass(frozen=True)
class Contestant:
    key: str
    name: str
    team: str = ""
    age: int | None = None
    gender: str | None = None


@dataclass(frozen=True)
class Entry:
    key: str
    event: str
    title: str = ""
    team: str = ""
    code: str = ""  # the blind code judges see
    contestants: tuple[str, ...] = ()
    tags: Mapping[str, str] = field(default_factory=dict)  # e.g. track = "innovative"
    attrs: Mapping[str, object] = field(default_factory=dict)  # e.g. difficulty = 3.2, time_used = 140
    accepted: bool = False  # the organizer accepted it with fewer judges than the panel (a judge sat out)


@dataclass(frozen=True)
class Judge:
    key: str
    name: str
    events: tuple[str, ...]
    chief_of: tuple[str, ...] = ()
    team: str = ""  # a judge never scores entries of their own team
    roles: tuple[tuple[str, str], ...] = ()  # (event, role): "measuring", "clerk" (rubric.markers.ROLES)

    def roles_in(self, event: str) -> frozenset[str]:
        return frozenset(role for e, role in self.roles if e == event)


@dataclass(frozen=True)
class Round:
    """An event as one round of a contest: its name (预赛), the round before it (an event key, or
    none for the first), the percentage of each contestant's points there carried into this one,
    and how many of this round's standing go on to the next (0: none, the last round)."""

    name: Text
    after: str = ""
    carry: Fraction = Fraction(0)
    qualify: int = 0


@dataclass(frozen=True)
class Event:
    key: str
    name: Text
    rubric: Rubric
    rubric_data: Mapping[str, Any]
    blind: bool = False
    visibility: str = "live"
    reveal: bool = False  # the projector's score-reveal card when an entry completes
    frozen_seq: int | None = None  # where a frozen event's public standings stop (from the store)
    totals: str = "entry"  # what the event ranks: its entries, or its contestants by their entries' total
    round: Round | None = None  # a round of a contest (totals = "contestant")


@dataclass(frozen=True)
class TeamRule:
    """How a team's entries across events make its standing: ``sum``, ``mean`` or ``best_n``
    (the mean of its best ``n`` totals; ``n = 0`` means the fewest entries any team has)."""

    method: str = "mean"
    n: int = 0
    events: tuple[str, ...] = ()  # empty: every event
    count_award: str = ""  # an award tier counted as the second key (e.g. gold)


@dataclass(frozen=True)
class Competition:
    key: str
    name: Text
    events: tuple[Event, ...]
    teams: tuple[Team, ...] = ()
    contestants: tuple[Contestant, ...] = ()
    entries: tuple[Entry, ...] = ()
    judges: tuple[Judge, ...] = ()
    team_rule: TeamRule | None = None
    date: str = ""
    venue: str = ""
    time_zone: str = TIME_ZONE  # an IANA time zone: the audit log and exports show local times in it

    def event(self, key: str) -> Event | None:
        return next((e for e in self.events if e.key == key), None)

    def entries_of(self, event: str) -> list[Entry]:
        return list(self._by_event.get(event, ()))

    @functools.cached_property
    def _by_event(self) -> dict[str, tuple[Entry, ...]]:
        """The entries of each event, in file order: read once (a board asks on every change)."""
        out: dict[str, list[Entry]] = {}
        for e in self.entries:
            out.setdefault(e.event, []).append(e)
        return {k: tuple(v) for k, v in out.items()}

    def roles_in(self, event: str) -> dict[str, frozenset[str]]:
        """The roles of the event's judges, by judge key (see ``rubric.markers``)."""
        return {j.key: j.roles_in(event) for j in self.judges if event in j.events}


def load_competition(path: Path | str) -> Competition:
    path = Path(path)
    return parse_competition(read_toml(path), str(path), path.parent)


def parse_competition(data: Table, source: str, base: Path | None = None) -> Competition:
    r = Reader(source)
    t = r.fields(data, "", {"competition", "events", "teams", "contestants", "entries", "judges", "team_standings"},
                 {"competition", "events"})
    head = r.fields(t.get("competition", {}), "competition", {"key", "name", "date", "venue", "time_zone"},
                    {"key", "name"})
    events = tuple(_event(r, e, where, base) for where, e in r.tables(t, "", "events"))
    r.unique([("events", e.key) for e in events], N_("event {key} is defined twice"))
    check_rounds(r, events)
    teams = tuple(Team(r.key(x, where), r.text(x, where, "name") or Text("?", "?"))
                  for where, x in r.tables(t, "", "teams") if r.fields(x, where, {"key", "name"}, {"key", "name"}))
    r.unique([("teams", x.key) for x in teams], N_("team {key} is defined twice"))
    team_keys = {x.key for x in teams}
    contestants = tuple(_contestant(r, x, where, team_keys) for where, x in r.tables(t, "", "contestants"))
    r.unique([("contestants", x.key) for x in contestants], N_("contestant {key} is defined twice"))
    entries = tuple(_entry(r, x, where, {e.key: e for e in events}, team_keys, {c.key for c in contestants})
                    for where, x in r.tables(t, "", "entries"))
    r.unique([("entries", x.key) for x in entries], N_("entry {key} is defined twice"))
    for ev in events:
        codes = [(f"entries ({ev.key})", x.code) for x in entries if x.event == ev.key and x.code]
        r.unique(codes, N_("blind code {key} is defined twice"))
    judges = tuple(_judge(r, x, where, {e.key for e in events}, team_keys) for where, x in r.tables(t, "", "judges"))
    r.unique([("judges", x.key) for x in judges], N_("judge {key} is defined twice"))
    team_rule = _team_rule(r, t["team_standings"], events) if "team_standings" in t else None
    competition = Competition(
        key=r.key(head, "competition"), name=r.text(head, "competition", "name") or Text("?", "?"),
        events=events, teams=teams, contestants=contestants, entries=entries, judges=judges, team_rule=team_rule,
        date=str(head.get("date", "")), venue=r.string(head, "competition", "venue", ""),
        time_zone=_time_zone(r, head),
    )
    r.done()
    return competition


def known_time_zone(name: str) -> bool:
    """Whether ``name`` is an IANA time zone this machine knows (``Asia/Shanghai``, ``UTC``)."""
    if not name or len(name) > 64 or name != name.strip():
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def local_time(moment: datetime | str, zone: str) -> str:
    """A stored moment — UTC, as a ``datetime`` (SQLite hands it back without its zone) or ISO 8601
    text (``Sheet.at``) — as local time in the time zone ``zone`` (Asia/Shanghai if unknown)."""
    if isinstance(moment, str):
        try:
            at = datetime.fromisoformat(moment)
        except ValueError:
            return moment[:32]
    else:
        at = moment
    at = at.replace(tzinfo=UTC) if at.tzinfo is None else at
    return at.astimezone(ZoneInfo(zone if known_time_zone(zone) else TIME_ZONE)).strftime("%Y-%m-%d %H:%M:%S")


def _time_zone(r: Reader, head: Table) -> str:
    name = r.string(head, "competition", "time_zone", TIME_ZONE, 64)
    if not known_time_zone(name):
        r.fail("competition.time_zone", N_("must be a time zone such as Asia/Shanghai, not {value}"),
               code="time_zone_unknown", value=name)
        return TIME_ZONE
    return name


def _event(r: Reader, t: Table, where: str, base: Path | None) -> Event:
    r.fields(t, where, {"key", "name", "rubric", "blind", "visibility", "reveal", "totals", "round"},
             {"key", "name", "rubric"})
    raw = t.get("rubric")
    data: Any = {}
    source = r.source
    rubric_where = f"{where}.rubric"
    if isinstance(raw, str) and raw in preset_names():
        source, data = f"preset:{raw}", read_toml(f"preset:{raw}", preset_text(raw))
        rubric_where = ""
    elif isinstance(raw, str) and base is not None and (base / raw).is_file():
        source, data = str(base / raw), read_toml(base / raw)
        rubric_where = ""
    elif isinstance(raw, Mapping):
        data = raw
    else:
        r.fail(rubric_where, N_("must be a preset name ({names}), a rubric file, or a table"),
               code="rubric_unknown", names=", ".join(preset_names()))
    inner = Reader(source)
    rubric = read_rubric(inner, data, rubric_where)
    r.problems.extend(inner.problems if data else [])
    blind, reveal = t.get("blind", False), t.get("reveal", False)
    for name, value in (("blind", blind), ("reveal", reveal)):
        if not isinstance(value, bool):
            r.fail(f"{where}.{name}", N_("must be true or false"))
    try:
        stored = plain(data, source) if isinstance(data, Mapping) else {}
    except UserError as e:
        r.problems.extend(e.problems)
        stored = {}
    totals = r.choice(t, where, "totals", TOTALS, "entry")
    stage = read_round(r, t["round"], f"{where}.round") if "round" in t else None
    return Event(r.key(t, where), r.text(t, where, "name") or Text("?", "?"), rubric, stored, bool(blind),
                 r.choice(t, where, "visibility", VISIBILITY, "live"), bool(reveal), totals=totals, round=stage)


def read_round(r: Reader, raw: object, where: str) -> Round:
    """An event's ``round`` table: ``name``, ``after``, ``carry`` (0–100 %), ``qualify``."""
    t = r.fields(raw, where, {"name", "after", "carry", "qualify"}, {"name"})
    return Round(r.text(t, where, "name") or Text("?", "?"), r.string(t, where, "after", "", limit=100),
                 r.number(t, where, "carry", Fraction(0), Fraction(0), Fraction(100)) or Fraction(0),
                 r.integer(t, where, "qualify", 0, 0, 10_000))


def check_rounds(r: Reader, events: tuple[Event, ...]) -> None:
    """A round ranks contestants, and comes after an earlier round of the file, never itself."""
    position = {e.key: i for i, e in enumerate(events)}
    for i, e in enumerate(events):
        if e.round is None:
            continue
        where = f"events[{i}].round"
        if e.totals != "contestant":
            r.fail(f"events[{i}].totals", N_("a round ranks contestants: set totals = \"contestant\""))
        after = e.round.after
        if after and position.get(after, i) >= i:
            r.fail(f"{where}.after", N_("must be an earlier event of the file ({key} is not)"), code="unknown_ref",
                   key=after)
        elif after and events[position[after]].round is None:
            r.fail(f"{where}.after", N_("{key} is not a round"), code="unknown_ref", key=after)
        if e.round.carry and not after:
            r.fail(f"{where}.carry", N_("a first round has nothing to carry"))


def _contestant(r: Reader, t: Table, where: str, teams: set[str]) -> Contestant:
    r.fields(t, where, {"key", "name", "team", "age", "gender"}, {"key", "name"})
    team = r.string(t, where, "team", "")
    if team and team not in teams:
        r.fail(f"{where}.team", N_("no team {key}"), code="unknown_ref", key=team)
    return Contestant(r.key(t, where), r.string(t, where, "name", limit=100), team,
                      r.integer(t, where, "age", low=10, high=120) if "age" in t else None,
                      r.choice(t, where, "gender", ("female", "male")) if "gender" in t else None)


def _entry(r: Reader, t: Table, where: str, events: Mapping[str, Event], teams: set[str], people: set[str]) -> Entry:
    r.fields(t, where, {"key", "event", "title", "team", "code", "contestants", "tags", "attrs"}, {"key", "event"})
    event = r.string(t, where, "event")
    if event not in events:
        r.fail(f"{where}.event", N_("no event {key}"), code="unknown_ref", key=event)
    team = r.string(t, where, "team", "")
    if team and team not in teams:
        r.fail(f"{where}.team", N_("no team {key}"), code="unknown_ref", key=team)
    contestants = r.strings(t, where, "contestants")
    for c in set(contestants) - people:
        r.fail(f"{where}.contestants", N_("no contestant {key}"), code="unknown_ref", key=c)
    tags, attrs = t.get("tags", {}), t.get("attrs", {})
    given = attrs  # as written: a factor that is there but not a number is not also "missing"
    if not isinstance(tags, Mapping) or not all(isinstance(v, str) for v in tags.values()):
        r.fail(f"{where}.tags", N_("must be a table of texts"))
        tags = {}
    if not isinstance(attrs, Mapping) or not all(
            isinstance(v, (int, float)) and not isinstance(v, bool) and number(v) is not None for v in attrs.values()):
        r.fail(f"{where}.attrs", N_("must be a table of numbers (below 10¹², at most 12 decimal places)"))
        attrs = {}
    factor = events[event].rubric.factor if event in events else ""
    if factor and not (isinstance(given, Mapping) and factor in given):
        r.fail(f"{where}.attrs", N_("the rubric multiplies by {factor}; give it here"), code="missing", factor=factor)
    code = r.string(t, where, "code", "", 32)
    return Entry(r.key(t, where), event, r.string(t, where, "title", "", 200), team, code, contestants,
                 dict(tags), dict(attrs))


def _judge(r: Reader, t: Table, where: str, events: set[str], teams: set[str]) -> Judge:
    r.fields(t, where, {"key", "name", "events", "chief_of", "team", "roles"}, {"key", "name", "events"})
    given = t.get("roles", {})
    if not isinstance(given, Mapping):
        r.fail(f"{where}.roles", N_("must be a table"))
        given = {}
    roles = tuple((str(event), role) for event in given for role in r.strings(given, f"{where}.roles", event))
    for event, role in roles:
        if role not in markers.ROLES:
            r.fail(f"{where}.roles.{event}", N_("no role {role} (known: {known})"), role=role,
                   known=", ".join(markers.ROLES))
    judge = Judge(r.key(t, where), r.string(t, where, "name", limit=100), r.strings(t, where, "events"),
                  r.strings(t, where, "chief_of"), r.string(t, where, "team", ""), roles)
    for e in {e for e, _ in roles} - set(judge.events):
        r.fail(f"{where}.roles", N_("roles are given for events the judge marks; not {key}"), key=e)
    for e in set(judge.events + judge.chief_of) - events:
        r.fail(f"{where}.events", N_("no event {key}"), code="unknown_ref", key=e)
    if judge.team and judge.team not in teams:
        r.fail(f"{where}.team", N_("no team {key}"), code="unknown_ref", key=judge.team)
    return judge


def _team_rule(r: Reader, raw: object, events: tuple[Event, ...], where: str = "team_standings") -> TeamRule:
    t = r.fields(raw, where, {"method", "n", "events", "count_award"}, {"method"})
    rule = TeamRule(r.choice(t, where, "method", TEAM_METHODS, "mean"), r.integer(t, where, "n", 0, 0, 1000),
                    r.strings(t, where, "events"), r.string(t, where, "count_award", ""))
    keys = {e.key for e in events}
    for e in sorted(set(rule.events) - keys):
        r.fail(f"{where}.events".lstrip("."), N_("no event {key}"), code="unknown_ref", key=e)
    if rule.count_award and rule.count_award not in award_tiers(events, rule.events):
        r.fail(f"{where}.count_award".lstrip("."), N_("no award {key} in the events counted"), code="unknown_ref",
               key=rule.count_award)
    return rule


def award_tiers(events: tuple[Event, ...], only: tuple[str, ...] = ()) -> dict[str, Text]:
    """The award tiers (key → name) of the events' rubrics, of ``only`` these events if given."""
    return {tier.key: tier.name for e in events if not only or e.key in only
            for rule in e.rubric.awards for tier in rule.tiers}


def read_team_rule(data: Table, competition: Competition, source: str) -> TeamRule:
    """A team rule (``method``, ``n``, ``events``, ``count_award``, as in a competition file's
    ``[team_standings]``) for ``competition``: a ``UserError`` lists every problem, by ``source``."""
    r = Reader(source)
    rule = _team_rule(r, data, competition.events, "")
    r.done()
    return rule


def rubric_of(event_data: Mapping[str, Any], source: str) -> Rubric:
    """A rubric back from an event's snapshot (as stored in the database)."""
    r = Reader(source)
    rubric = read_rubric(r, event_data)
    if r.problems:
        raise UserError(r.problems)
    return rubric
