"""Importing judges and their assignments from a spreadsheet (pure: no database, no web).

Words: a *panel file* is a table with a header row and one row per judge: the judge's key, name,
own team (the declared *conflict*: a judge never scores that team's entries; a team key or name
that exists), the events they mark and the events they are chief judge of (event keys or names,
separated by 、 , ; /) and their roles in the events they mark (``rubric.markers.ROLES`` by key or
name: 测量裁判, 录分员; empty for a plain judge). Headers may be in Chinese or English (``COLUMNS``). Like a roster
(``scoreboard.roster``), every row is checked and listed with its problems; a row whose judge key
exists updates that judge (``changed`` or ``unchanged``); the columns of events replace the
judge's assignments, and a column the file lacks keeps what the judge has.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from scoreboard.competition import Competition
from scoreboard.errors import N_, Problem
from scoreboard.roster import CHANGED, NEW, UNCHANGED, Checked, columns_of, filled, one_line, split_names
from scoreboard.rubric import markers
from scoreboard.rubric.reader import KEY

COLUMNS: dict[str, tuple[str, ...]] = {
    "key": ("judge", "key", "评委编号", "编号"),
    "name": ("name", "姓名", "评委姓名"),
    "team": ("team", "所属单位", "回避单位", "参赛单位"),
    "events": ("events", "评分赛项", "赛项"),
    "chief_of": ("chief judge of", "裁判长赛项", "裁判长"),
    "roles": ("roles", "分工", "角色"),
}
REQUIRED = ("key", "name")


@dataclass(frozen=True)
class JudgeRow:
    number: int
    key: str
    name: str
    team: str  # a team key or ""
    events: tuple[str, ...]
    chief_of: tuple[str, ...]
    cells: tuple[str, ...]
    roles: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()
    status: str = NEW
    changes: tuple[str, ...] = ()


@dataclass(frozen=True)
class JudgePlan(Checked[JudgeRow]):
    header: tuple[str, ...]
    rows: tuple[JudgeRow, ...]
    problems: tuple[Problem, ...] = ()


def plan_judges(competition: Competition, table: list[list[str]]) -> JudgePlan:
    """Check every row of ``table`` (header first) against ``competition``."""
    table, problems = filled(table)
    if problems:
        return JudgePlan(tuple(table[0]) if table else (), (), problems)
    header = tuple(c.strip() for c in table[0])
    cols, missing = columns_of(header, COLUMNS, REQUIRED)
    if missing:
        return JudgePlan(header, (), tuple(missing))
    events = {e.key: e.key for e in competition.events} | {n: e.key for e in competition.events
                                                           for n in (e.name.zh, e.name.en)}
    teams = {t.key: t.key for t in competition.teams} | {n: t.key for t in competition.teams
                                                         for n in (t.name.zh, t.name.en)}
    judges = {j.key: j for j in competition.judges}
    seen: dict[str, int] = {}
    rows = []
    for n, cells in enumerate(table[1:], start=2):
        def get(column: str, cells: list[str] = cells) -> str:
            i = cols.get(column)
            return one_line(cells[i]) if i is not None and i < len(cells) else ""

        bad: list[Problem] = []

        def problem(kind: str, message: str, n: int = n, bad: list[Problem] = bad, **params: object) -> None:
            bad.append(Problem(kind, message, params, f"row {n}"))

        key, name, team_text = get("key"), get("name"), get("team")
        if not key:
            problem("key_missing", N_("no judge key given"))
        elif not KEY.match(key):
            problem("key_invalid", N_("the judge key {key} must be a short key of letters, digits, '_', '-' or '.'"),
                    key=key)
        elif key in seen:
            problem("key_twice", N_("judge {key} is also in row {row}"), key=key, row=seen[key])
        seen.setdefault(key, n)
        if not name:
            problem("name_missing", N_("no name given"))
        elif len(name) > 100:
            problem("name_long", N_("the name is longer than {n} characters"), n=100)
        team = teams.get(team_text, "")
        if team_text and not team:
            problem("team_unknown", N_("no team {key}"), key=team_text)
        marks = _events(get("events"), events, problem)
        chief = _events(get("chief_of"), events, problem)
        roles = _roles(get("roles"), problem)
        old = judges.get(key)
        if old is None:
            rows.append(JudgeRow(n, key, name, team, marks, chief, tuple(cells), roles, tuple(bad)))
            continue
        if "team" not in cols:
            team = old.team
        if "events" not in cols:
            marks = old.events
        if "chief_of" not in cols:
            chief = old.chief_of
        had = tuple(sorted({role for _, role in old.roles}))
        if "roles" not in cols:
            roles = had
        changes = tuple(field for field, before, after in (
            ("name", old.name, name), ("team", old.team, team), ("events", set(old.events), set(marks)),
            ("chief_of", set(old.chief_of), set(chief)), ("roles", set(had), set(roles))) if before != after)
        rows.append(JudgeRow(n, key, name, team, marks, chief, tuple(cells), roles, tuple(bad),
                             CHANGED if changes else UNCHANGED, changes))
    return JudgePlan(header, tuple(rows))


def _events(text: str, events: dict[str, str], problem: Callable[..., None]) -> tuple[str, ...]:
    found = []
    for name in split_names(text):
        if name not in events:
            problem("event_unknown", N_("no event {key}"), key=name or "''")
        elif events[name] not in found:
            found.append(events[name])
    return tuple(found)


def _roles(text: str, problem: Callable[..., None]) -> tuple[str, ...]:
    found: list[str] = []
    for name in split_names(text):
        role = markers.role_named(name)
        if role is None:
            problem("role_unknown", N_("no role {role} (known: {known})"), role=name or "''",
                    known="、".join(r.aliases[0] for r in markers.ROLES.values()))
        elif role not in found:
            found.append(role)
    return tuple(found)
