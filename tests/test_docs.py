"""The docs stay true: the README's settings table is the settings, docs/cli.md shows every
command's real ``--help``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scoreboard import i18n
from scoreboard.cli import parser
from scoreboard.settings import SETTINGS

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = [[], ["init"], ["standings"], ["rubric"], ["rubric", "check"], ["rubric", "list"], ["judges"],
            ["judges", "tokens"], ["judges", "cards"], ["judges", "revoke"], ["export"], ["archive"],
            ["archive", "verify"], ["admin"], ["admin", "create"], ["demo"], ["serve"]]


def help_text(words: list[str], monkeypatch: pytest.MonkeyPatch) -> str:
    """A command's ``--help`` in English (the docs' language; a Chinese locale gets it in Chinese)."""
    monkeypatch.setenv("COLUMNS", "100")
    with i18n.using("en"):
        p = parser()
        for word in words:
            action = next(a for a in p._actions if a.__class__.__name__ == "_SubParsersAction")
            p = action.choices[word]  # type: ignore[attr-defined]
        return p.format_help()


def test_readme_settings_table_is_the_settings() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([A-Z_]+)` \| (`[^`]*`|\(empty\)) \| (.+) \|$", readme, re.M)
    assert [(n, d.strip("`") if d != "(empty)" else "", h) for n, d, h in rows] == [
        (s.name, s.default, s.help) for s in SETTINGS]


@pytest.mark.parametrize("words", COMMANDS, ids=lambda w: " ".join(w) or "scoreboard")
def test_cli_help_is_in_the_docs(words: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    docs = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert help_text(words, monkeypatch) in docs, "run: make docs"


def write_cli_docs(monkeypatch: pytest.MonkeyPatch) -> str:
    parts = ["# The `scoreboard` command\n\nEvery command's `--help`, as it prints (checked by tests/test_docs.py;",
             "regenerate with `make docs`).\n"]
    for words in COMMANDS:
        command = " ".join(["scoreboard", *words, "--help"])
        parts.append(f"## `{command}`\n\n```text\n{help_text(words, monkeypatch)}```\n")
    return "\n".join(parts)


if __name__ == "__main__":
    mp = pytest.MonkeyPatch()
    (ROOT / "docs" / "cli.md").write_text(write_cli_docs(mp), encoding="utf-8")
