"""Translations: every user-facing text has its Chinese translation with the same placeholders,
the catalogs are up to date with the code, and a browser's language is chosen sensibly."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from scoreboard import i18n

ROOT = Path(__file__).resolve().parents[1]
KEYWORDS = {"N_": None, "_": None, "gettext": None, "ngettext": (1, 2)}
PLACEHOLDER = re.compile(r"\{[a-z_]+\}|%\([a-z_]+\)s")


def catalog(locale: str):  # type: ignore[no-untyped-def]
    with (ROOT / "scoreboard" / "locale" / locale / "LC_MESSAGES" / "messages.po").open(encoding="utf-8") as f:
        return read_po(f)


def in_code() -> set[str]:
    found = set()
    for path, method in (("scoreboard", "python"), ("judges", "python"), ("templates", "jinja2")):
        for _file, _line, message, _comments, _context in extract_from_dir(
                ROOT / path, method_map=[("**.py" if method == "python" else "**.html", method)],
                keywords=KEYWORDS):
            found.add(message if isinstance(message, str) else message[0])
    return found


def test_catalog_is_up_to_date_with_the_code() -> None:
    missing = in_code() - {m.id if isinstance(m.id, str) else m.id[0] for m in catalog("zh_CN") if m.id}
    assert not missing, f"run `make translations` and translate: {sorted(missing)}"


def test_every_message_has_a_chinese_translation_with_the_same_placeholders() -> None:
    bad = []
    for m in catalog("zh_CN"):
        if not m.id:
            continue
        source = m.id if isinstance(m.id, str) else m.id[0]
        text = m.string if isinstance(m.string, str) else m.string[0]
        if not text or sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(text)) or m.fuzzy:
            bad.append(source)
    assert bad == []


@pytest.mark.parametrize(("header", "want"), [
    ("zh-CN,zh;q=0.9,en;q=0.8", "zh_CN"),
    ("en-US,en;q=0.9,zh-CN;q=0.8", "en"),
    ("fr-FR,fr;q=0.9,en;q=0.5,zh;q=0.7", "zh_CN"),  # French is not offered: the best of the rest
    ("zh-TW", "zh_CN"),
    ("de-DE", None),
    ("", None),
    ("en;q=abc, zh", "zh_CN"),  # a broken weight is skipped, not an error
])
def test_accept_language(header: str, want: str | None) -> None:
    assert i18n.from_accept_language(header) == want


def test_the_core_speaks_both_languages() -> None:
    from scoreboard.errors import Problem

    problem = Problem("mark_range", "{criterion}: {value} is outside {min}–{max}",
                      {"criterion": "taste", "value": "36", "min": "0", "max": "35"})
    with i18n.using("en"):
        assert problem.render(i18n.gettext) == "taste: 36 is outside 0–35"
    with i18n.using("zh_CN"):
        assert "taste" in problem.render(i18n.gettext) and "outside" not in problem.render(i18n.gettext)
