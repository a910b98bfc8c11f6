"""Importing teams and entrants from a spreadsheet (pure: no database, no web).

Words: a *roster* is a table with a header row and one *row* per entry: the event (key or
name), the entry's key, its title, the team (key or name; a new name makes a new team), the
contestants (names separated by 、 , ; — new names make new contestants of that team), a blind
code (optional: codes are drawn for a blind event's entries without one) and, where an event's
rubric multiplies by a factor (a dive's difficulty), that factor. Every cell is read as one line
(``one_line``): a line break typed in a cell becomes a space. Headers may be in Chinese or
English (``COLUMNS``). ``plan_import`` checks every row against the competition and against the
other rows and lists every *bad row* with its spreadsheet row number; nothing is imported while
a row is bad unless the organizer skips the bad rows explicitly.

A row whose entry key already exists *updates* that entry (a corrected roster imported again):
its status is ``new``, ``changed`` (with the fields that change) or ``unchanged``. A column the
file lacks, and an empty blind code, keep what the entry has; an import never moves an entry to
another event (the console does not either: delete it and import it again).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Mapping, Sequence, Set
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

from scoreboard.competition import Competition
from scoreboard.errors import N_, Problem, UserError
from scoreboard.rubric import tiebreak
from scoreboard.rubric.model import Rubric
from scoreboard.rubric.numbers import number
from scoreboard.rubric.reader import KEY
from scoreboard.texts import CONTROL

COLUMNS: dict[str, tuple[str, ...]] = {
    "event": ("event", "赛项"),
    "key": ("entry", "key", "作品编号", "编号"),
    "title": ("title", "作品名称", "作品", "菜品名称", "项目名称"),
    "team": ("team", "参赛单位", "参赛队"),
    "contestants": ("contestants", "contestant", "选手", "选手姓名"),
    "code": ("code", "blind code", "盲评编号"),
}
REQUIRED = ("event", "key", "contestants")  # columns every roster has; a row must fill them
MAX_ROWS = 5000
SEPARATORS = re.compile(r"[、,，;；/]")
NEW, CHANGED, UNCHANGED = "new", "changed", "unchanged"


@dataclass(frozen=True)
class Row:
    number: int  # the row's number in the spreadsheet (the header is row 1)
    event: str
    key: str
    title: str
    team: str  # a team key, existing or new
    team_name: str  # the name for a new team ("" for an existing one)
    contestants: tuple[str, ...]
    code: str
    attrs: dict[str, float]
    cells: tuple[str, ...]
    problems: tuple[Problem, ...] = ()
    status: str = NEW  # NEW, CHANGED (an existing entry that the row changes) or UNCHANGED
    changes: tuple[str, ...] = ()  # what a CHANGED row changes: title, team, contestants, code, attrs


class CheckedRow(Protocol):
    @property
    def problems(self) -> tuple[Problem, ...]: ...
    @property
    def status(self) -> str: ...


R = TypeVar("R", bound=CheckedRow)


class Checked(Generic[R]):
    """What a checked file's rows add up to (a roster's ``Plan``, a panel file's ``JudgePlan``)."""

    rows: tuple[R, ...]

    @property
    def bad(self) -> list[R]:
        return [r for r in self.rows if r.problems]

    @property
    def good(self) -> list[R]:
        return [r for r in self.rows if not r.problems]

    def count(self, status: str) -> int:
        return sum(1 for r in self.good if r.status == status)

    @property
    def writes(self) -> int:
        """How many rows an import writes: the good ones that are new or change what exists."""
        return sum(1 for r in self.good if r.status != UNCHANGED)


@dataclass(frozen=True)
class Plan(Checked[Row]):
    header: tuple[str, ...]
    rows: tuple[Row, ...]
    problems: tuple[Problem, ...] = ()  # about the whole file (no header, no event column…)
    new_teams: dict[str, str] = field(default_factory=dict)  # key → name


def read_table(filename: str, data: bytes) -> list[list[str]]:
    """The cells of a CSV (UTF-8, or GB18030 as Chinese Excel writes it) or XLSX file, as text."""
    if filename.lower().endswith((".xlsx", ".xlsm")):
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as e:  # openpyxl raises many kinds for a damaged file
            raise UserError.one("file_unreadable", N_("cannot read the file: {error}"), filename,
                                error=type(e).__name__) from None
        sheet = book.worksheets[0]
        rows = [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        book.close()
        return rows
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UserError.one("file_encoding", N_("the file is neither UTF-8 nor GB18030 text"), filename)
    return [list(r) for r in csv.reader(io.StringIO(text))]


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def columns_of(header: Sequence[str], columns: Mapping[str, tuple[str, ...]], required: Sequence[str],
               extra: Set[str] = frozenset()) -> tuple[dict[str, int], list[Problem]]:
    """Where each column is in ``header`` (names in ``columns``, in any case; a name in ``extra``
    is found as ``attr:NAME``), and a problem for each ``required`` column that is not there."""
    found: dict[str, int] = {}
    for i, name in enumerate(header):
        label = name.strip().lower()
        for column, names in columns.items():
            if label in names and column not in found:
                found[column] = i
        if name.strip() in extra:
            found[f"attr:{name.strip()}"] = i
    problems = [Problem("column_missing", N_("the header has no {column} column"),
                        {"column": columns[column][1]}, "row 1") for column in required if column not in found]
    return found, problems


def filled(table: list[list[str]]) -> tuple[list[list[str]], tuple[Problem, ...]]:
    """The table's rows that are not blank, and what is wrong with the file as a whole."""
    table = [r for r in table if any(c.strip() for c in r)] if table else []
    if not table:
        return table, (Problem("file_empty", N_("the file has no rows"), {}, ""),)
    if len(table) > MAX_ROWS + 1:
        return table, (Problem("file_too_long", N_("more than {n} rows"), {"n": MAX_ROWS}, ""),)
    return table, ()


def entry_noun(competition: Competition) -> str:
    """What the competition's entries are: ``dish`` where every event is judged by a cooking or
    barbecue rubric, else ``work`` (a wall, a painted beam: 作品)."""
    dishes = all(e.rubric.key.startswith("cooking") or e.rubric.key == "kcbs" for e in competition.events)
    return "dish" if dishes and competition.events else "work"


def attributes(rubric: Rubric) -> list[str]:
    """The entry attributes a rubric reads: its factor and the values its tie-breaks compare."""
    names = [rubric.factor] if rubric.factor else []
    for link in rubric.tie_break:
        breaker, param = tiebreak.parse(link)
        if breaker is not None and breaker.param == "attribute" and param not in names:
            names.append(param)
    return names


def split_names(text: str) -> tuple[str, ...]:
    """Names in one cell, separated by 、 , ; or /; an empty piece stays (and is an error)."""
    return tuple(p.strip() for p in SEPARATORS.split(text)) if text else ()


def plan_import(competition: Competition, table: list[list[str]]) -> Plan:
    """Check every row of ``table`` (header first) against ``competition`` (every entry of it,
    withdrawn ones too: a row of an existing entry updates it)."""
    table, problems = filled(table)
    if problems:
        return Plan(tuple(table[0]) if table else (), (), problems)
    factors = {e.rubric.factor for e in competition.events if e.rubric.factor}
    header = tuple(c.strip() for c in table[0])
    cols, missing = columns_of(header, COLUMNS, REQUIRED, factors)
    if missing:
        return Plan(header, (), tuple(missing))
    check = _Checker(competition, cols)
    rows = [check.row(n, cells) for n, cells in enumerate(table[1:], start=2)]
    used = {r.team for r in rows if not r.problems}
    return Plan(header, tuple(rows), (), {k: v for k, v in check.new_teams.items() if k in used})


class _Checker:
    """Checks rows one by one, remembering the keys, codes and new teams of the rows before."""

    def __init__(self, competition: Competition, cols: dict[str, int]) -> None:
        self.cols = cols
        self.events = {e.key: e for e in competition.events}
        self.by_name = {n: e.key for e in competition.events for n in (e.name.zh, e.name.en)}
        self.teams = {t.key: t.key for t in competition.teams} | {n: t.key for t in competition.teams
                                                                  for n in (t.name.zh, t.name.en)}
        self.entries = {e.key: e for e in competition.entries}
        self.names = {p.key: p.name for p in competition.contestants}
        self.codes = {(e.event, e.code): e.key for e in competition.entries if e.code}
        self.new_teams: dict[str, str] = {}
        self.seen_keys: dict[str, int] = {}
        self.seen_codes: dict[tuple[str, str], int] = {}

    def row(self, n: int, cells: list[str]) -> Row:
        def get(column: str) -> str:
            i = self.cols.get(column)
            return one_line(cells[i]) if i is not None and i < len(cells) else ""

        place = f"row {n}"
        bad: list[Problem] = []

        def problem(kind: str, message: str, **params: object) -> None:
            bad.append(Problem(kind, message, params, place))

        raw_event, key, title, code = get("event"), get("key"), get("title"), get("code")
        event = raw_event if raw_event in self.events else self.by_name.get(raw_event, "")
        old = self.entries.get(key)
        if not raw_event:
            problem("event_missing", N_("no event given"))
        elif not event:
            problem("event_unknown", N_("no event {key}"), key=raw_event)
        elif old is not None and old.event != event:
            problem("event_moved", N_("entry {key} is in another event; an import does not move an entry"),
                    key=key)
        if not key:
            problem("key_missing", N_("no entry key given"))
        elif not KEY.match(key):
            problem("key_invalid", N_("the entry key {key} must be a short key of letters, digits, "
                                      "'_', '-' or '.'"), key=key)
        elif key in self.seen_keys:
            problem("key_twice", N_("entry {key} is also in row {row}"), key=key, row=self.seen_keys[key])
        self.seen_keys.setdefault(key, n)
        if len(title) > 200:
            problem("title_long", N_("the title is longer than {n} characters"), n=200)
        if not code and old is not None:
            code = old.code  # an empty code keeps the entry's
        elif code:
            if not KEY.match(code) or len(code) > 32:
                problem("code_invalid", N_("the blind code {code} must be a short key"), code=code)
            elif self.codes.get((event, code), key) != key or (event, code) in self.seen_codes:
                problem("code_taken", N_("blind code {code} is already used in this event"), code=code)
            self.seen_codes.setdefault((event, code), n)
        team, team_name = self._team(get("team"), problem)
        text = get("contestants")
        people = split_names(text)
        if not text:
            problem("contestants_missing", N_("no contestant named"))
        elif not all(people):
            problem("name_empty", N_("a contestant's name is empty (two separators in a row?)"))
        elif any(len(p) > 100 for p in people):
            problem("name_long", N_("a contestant's name is longer than {n} characters"), n=100)
        attrs: dict[str, float] = {}
        factor = self.events[event].rubric.factor if event in self.events else ""
        if factor:
            value = number(get(f"attr:{factor}"))
            if value is None:
                problem("factor_missing", N_("the rubric multiplies by {factor}; give it as a number"),
                        factor=factor)
            else:
                attrs[factor] = float(value)
        if old is None:
            return Row(n, event, key, title, team, team_name, people, code, attrs, tuple(cells), tuple(bad))
        if "title" not in self.cols:
            title = old.title
        if "team" not in self.cols:
            team, team_name = old.team, ""
        attrs = {**old.attrs, **attrs}  # type: ignore[dict-item]
        changes = tuple(name for name, before, after in (
            ("title", old.title, title), ("team", old.team, team),
            ("contestants", tuple(self.names.get(p, p) for p in old.contestants), people),
            ("code", old.code, code), ("attrs", dict(old.attrs), attrs)) if before != after)
        return Row(n, event, key, title, team, team_name, people, code, attrs, tuple(cells), tuple(bad),
                   CHANGED if changes else UNCHANGED, changes)

    def _team(self, text: str, problem: Callable[..., None]) -> tuple[str, str]:
        """The row's team key, and its name when the row names a new team."""
        if not text:
            return "", ""
        if text in self.teams:
            return self.teams[text], ""
        if len(text) > 200:
            problem("team_long", N_("the team's name is longer than {n} characters"), n=200)
        team = next((k for k, v in self.new_teams.items() if v == text), "")
        if not team:
            team = _new_key("team", set(self.teams.values()) | set(self.new_teams))
            self.new_teams[team] = text
        return team, text


def one_line(cell: str) -> str:
    """A cell as one line: a line break or tab typed in a spreadsheet cell becomes a space, and
    characters no name needs (NUL, other control characters) are dropped."""
    return " ".join(CONTROL.sub("", cell).split())


def _new_key(prefix: str, taken: set[str]) -> str:
    n = len(taken) + 1
    while f"{prefix}{n}" in taken:
        n += 1
    return f"{prefix}{n}"
