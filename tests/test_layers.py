"""The floors of the house, read from the source (each module's syntax tree, nothing imported):

- the *pure core* (rubrics, scoring, standings, the competition, states, the roster's reading,
  the domain's words) imports no web, database or template code;
- ``scoreboard/rubric`` is the lowest floor: it imports only itself, ``errors`` and ``texts``;
- nothing below the web (store, live, exports, services, the core) imports ``scoreboard.web``;
- ``scoreboard`` imports ``judges`` only where the app is assembled, ``scoreboard/app.py``;
- ``scoreboard/web`` never commits, opens a write session or publishes: services do.

An offence is a file and what it does there (``imports sqlalchemy``, ``calls s.commit()``).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "scoreboard"

CORE = ("rubric/", "changes.py", "competition.py", "errors.py", "intake.py", "panel.py", "roster.py", "rounds.py",
        "standings.py", "states.py", "texts.py")
IMPURE = ("starlette", "sqlmodel", "sqlalchemy", "alembic", "jinja2", "markupsafe", "uvicorn", "judges",
          "scoreboard.web", "scoreboard.store", "scoreboard.live", "scoreboard.exports", "scoreboard.services",
          "scoreboard.golden", "scoreboard.templates", "scoreboard.app")
RUBRIC_MAY_IMPORT = ("scoreboard.rubric", "scoreboard.errors", "scoreboard.texts")
BELOW_WEB = ("changes.py", "competition.py", "errors.py", "intake.py", "panel.py", "roster.py", "rounds.py",
             "standings.py", "states.py", "texts.py", "i18n.py", "settings.py", "golden.py", "templates.py",
             "offline.py", "rubric/", "store/", "live/", "exports/", "services/")

Offence = tuple[str, str]  # (file relative to the repository, what it does there)



def modules(*under: str) -> list[Path]:
    """The package's modules whose path (relative to ``scoreboard/``) is or starts with ``under``."""
    found = [p for p in sorted(PACKAGE.rglob("*.py")) if "migrations" not in p.parts]
    return [p for p in found if any(p.relative_to(PACKAGE).as_posix().startswith(u) for u in under)]


def imported(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """Every module a tree imports (``TYPE_CHECKING`` and function-level imports included)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, a.name) for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module in ("scoreboard", "judges"):  # from scoreboard import web → scoreboard.web
                yield from ((node.lineno, f"{node.module}.{a.name}") for a in node.names)
            else:
                yield node.lineno, node.module


def _within(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def parse(path: Path) -> ast.AST:
    return ast.parse(path.read_text(encoding="utf-8"), str(path))


def where(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def imports_in(paths: list[Path], bad: Callable[[str], bool]) -> Iterator[tuple[Offence, int]]:
    for path in paths:
        for line, name in imported(parse(path)):
            if bad(name):
                yield (where(path), f"imports {name}"), line


def core_is_pure() -> Iterator[tuple[Offence, int]]:
    return imports_in(modules(*CORE), lambda name: _within(name, IMPURE))


def rubric_is_the_lowest_floor() -> Iterator[tuple[Offence, int]]:
    return imports_in(modules("rubric/"),
                      lambda name: _within(name, ("scoreboard",)) and not _within(name, RUBRIC_MAY_IMPORT))


def nothing_below_the_web_imports_it() -> Iterator[tuple[Offence, int]]:
    return imports_in(modules(*BELOW_WEB), lambda name: _within(name, ("scoreboard.web",)))


def judges_only_in_the_app() -> Iterator[tuple[Offence, int]]:
    return imports_in([p for p in modules("") if p != PACKAGE / "app.py"], lambda name: _within(name, ("judges",)))


def writes(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """Calls that commit, open a write session or publish a change."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        if name in ("commit", "publish"):
            yield node.lineno, f"calls {ast.unparse(func)}()"
        write = next((k.value for k in node.keywords if k.arg == "write"), None)
        if write is not None and not (isinstance(write, ast.Constant) and write.value is False):
            yield node.lineno, f"opens {ast.unparse(func)}(..., write={ast.unparse(write)})"


def web_never_writes() -> Iterator[tuple[Offence, int]]:
    for path in modules("web/"):
        for line, what in writes(parse(path)):
            yield (where(path), what), line


RULES = [core_is_pure, rubric_is_the_lowest_floor, nothing_below_the_web_imports_it, judges_only_in_the_app,
         web_never_writes]


@pytest.mark.parametrize("rule", RULES, ids=[r.__name__ for r in RULES])
def test_layers(rule: Callable[[], Iterator[tuple[Offence, int]]]) -> None:
    found = list(rule())
    new = sorted(f"{path}:{line} {what}" for (path, what), line in found)
    assert not new, f"{rule.__name__}:\n" + "\n".join(new)


@pytest.mark.parametrize(("source", "expected"), [
    ("import sqlalchemy", [(1, "sqlalchemy")]),
    ("from scoreboard import web, states", [(1, "scoreboard.web"), (1, "scoreboard.states")]),
    ("from . import x", []),
    ("def f():\n    from judges.cards import make_cards", [(2, "judges.cards")]),
    ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from scoreboard.store import tables",
     [(1, "typing"), (3, "scoreboard.store")]),
])
def test_imports_are_read_wherever_they_are(source: str, expected: list[tuple[int, str]]) -> None:
    assert list(imported(ast.parse(source))) == expected


@pytest.mark.parametrize(("source", "expected"), [
    ("s.commit()", ["calls s.commit()"]),
    ("await request.state.bus.publish(Changed(c))", ["calls request.state.bus.publish()"]),
    ("with session(engine, write=True) as s:\n    pass", ["opens session(..., write=True)"]),
    ("with session(engine) as s:\n    s.exec(q)", []),
    ("with session(engine, write=False) as s:\n    pass", []),
    ("organize.rename(engine, bus, c, name)", []),
])
def test_writes_are_found(source: str, expected: list[str]) -> None:
    assert [what for _line, what in writes(ast.parse(source))] == expected
