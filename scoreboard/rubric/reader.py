"""Reading untrusted TOML tables field by field, collecting every problem with its place.

A ``Reader`` never stops at the first problem: each getter records what is wrong (the file, the
dotted field, and the problem) and returns a harmless default, so a person fixing a file sees
every error at once. ``Reader.done()`` raises the collected ``UserError``.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Mapping
from fractions import Fraction
from pathlib import Path
from typing import Any

from scoreboard.errors import N_, Problem, UserError
from scoreboard.rubric.model import Text
from scoreboard.rubric.numbers import fmt, number
from scoreboard.texts import text_fault

KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")
Table = Mapping[str, Any]


def read_toml(path: Path | str, text: str | None = None) -> Table:
    """Parse a TOML file (or ``text`` named as ``path``); a syntax error becomes a ``UserError``."""
    try:
        source = Path(path).read_text(encoding="utf-8") if text is None else text
    except (OSError, UnicodeDecodeError) as e:
        raise UserError.one("file_unreadable", N_("cannot read the file: {error}"), str(path), error=str(e)) from e
    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as e:
        raise UserError.one("toml_syntax", N_("not valid TOML: {error}"), str(path), error=str(e)) from e
    except RecursionError:
        raise UserError.one("toml_syntax", N_("not valid TOML: {error}"), str(path),
                            error="nested too deeply") from None
    except ValueError as e:  # a number beyond Python's digit limit for integers
        raise UserError.one("toml_syntax", N_("not valid TOML: {error}"), str(path), error=str(e)[:200]) from None
    return data


def plain(data: Mapping[str, Any], source: str) -> dict[str, Any]:
    """TOML data as it is stored (JSON): dates become text; a value JSON cannot hold — ``inf``,
    ``nan`` — is refused, naming the file."""
    try:
        stored: dict[str, Any] = json.loads(json.dumps(dict(data), default=str, allow_nan=False))
    except ValueError:
        raise UserError.one("number_invalid", N_("holds inf or nan where a number is needed"), source) from None
    return stored


class Reader:
    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[Problem] = []

    def fail(self, path: str, message: str, code: str = "invalid", **params: object) -> None:
        place = f"{self.source}: {path}" if path else self.source
        self.problems.append(Problem(code, message, params, place))

    def done(self) -> None:
        if self.problems:
            raise UserError(self.problems)

    def fields(self, data: object, path: str, allowed: set[str], required: set[str] = frozenset()) -> Table:  # type: ignore[assignment]
        if not isinstance(data, Mapping):
            self.fail(path, N_("must be a table"))
            return {}
        for name in sorted(set(data) - allowed):
            self.fail(_join(path, name), N_("unknown field (expected one of: {allowed})"),
                      code="unknown_field", allowed=", ".join(sorted(allowed)))
        for name in sorted(required - set(data)):
            self.fail(_join(path, name), N_("missing"), code="missing")
        return data

    def tables(self, data: Table, path: str, name: str) -> list[tuple[str, Table]]:
        raw = data.get(name, [])
        if not isinstance(raw, list):
            self.fail(_join(path, name), N_("must be a list of tables"))
            return []
        out = []
        for i, item in enumerate(raw):
            where = f"{_join(path, name)}[{i}]"
            if isinstance(item, Mapping):
                out.append((where, item))
            else:
                self.fail(where, N_("must be a table"))
        return out

    def key(self, data: Table, path: str, name: str = "key") -> str:
        value = data.get(name)
        if not isinstance(value, str) or not KEY.match(value):
            self.fail(_join(path, name), N_("must be a short key of letters, digits, '_', '-' or '.'"))
            return ""
        return value

    def string(self, data: Table, path: str, name: str, default: str | None = None, limit: int = 500) -> str:
        value = data.get(name, default)
        if text_fault(value, limit, required=default is None) is not None:
            self.fail(_join(path, name), N_("must be one line of text of at most {limit} characters"), limit=limit)
            return default or ""
        assert isinstance(value, str)
        return value

    def text(self, data: Table, path: str, name: str, required: bool = True) -> Text | None:
        """A name in Chinese and English: ``"热菜"`` or ``{ zh = "热菜", en = "Hot dishes" }``."""
        value = data.get(name)
        if value is None and not required:
            return None
        if text_fault(value, 2000, multiline=True, required=True) is None:
            assert isinstance(value, str)
            return Text(value, value)
        if isinstance(value, Mapping):
            zh, en = value.get("zh"), value.get("en")
            extra = set(value) - {"zh", "en"}
            if (text_fault(zh, 2000, multiline=True, required=True) is None
                    and text_fault(en, 2000, multiline=True, required=True) is None and not extra):
                assert isinstance(zh, str) and isinstance(en, str)
                return Text(zh, en)
        self.fail(_join(path, name), N_("must be text, or a table with zh and en texts"))
        return Text("?", "?")

    def integer(self, data: Table, path: str, name: str, default: int | None = None,
                low: int | None = None, high: int | None = None) -> int:
        value = data.get(name, default)
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(_join(path, name), N_("must be a whole number"))
            return default or 0
        if (low is not None and value < low) or (high is not None and value > high):
            self.fail(_join(path, name), N_("must be from {low} to {high}"), low=low,
                      high=high if high is not None else "∞")
            return default if default is not None else (low or 0)
        return value

    def number(self, data: Table, path: str, name: str, default: Fraction | None = None,
               low: Fraction | None = None, high: Fraction | None = None, required: bool = True) -> Fraction | None:
        if name not in data:
            if default is None and required:
                self.fail(_join(path, name), N_("missing"), code="missing")
            return default
        value = number(data[name]) if not isinstance(data[name], str) else None
        if value is None:
            self.fail(_join(path, name), N_("must be a number"))
            return default
        if (low is not None and value < low) or (high is not None and value > high):
            self.fail(_join(path, name), N_("{value} is out of range {low} to {high}"), value=fmt(value),
                      low=fmt(low) if low is not None else "−∞", high=fmt(high) if high is not None else "∞")
            return default
        return value

    def choice(self, data: Table, path: str, name: str, options: tuple[str, ...] | list[str],
               default: str | None = None) -> str:
        value = data.get(name, default)
        if value not in options:
            self.fail(_join(path, name), N_("must be one of: {options}"), options=", ".join(options))
            return default or options[0]
        return str(value)

    def strings(self, data: Table, path: str, name: str) -> tuple[str, ...]:
        value = data.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(_join(path, name), N_("must be a list of texts"))
            return ()
        return tuple(value)

    def unique(self, items: list[tuple[str, str]], message: str) -> None:
        """Report keys given twice, with ``message`` (a template with ``{key}``)."""
        seen: set[str] = set()
        for path, key in items:
            if key and key in seen:
                self.fail(path, message, code="duplicate", key=key)
            seen.add(key)


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name
