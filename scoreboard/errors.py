"""The two kinds of error.

- ``UserError``: something a person can fix (a bad file, a mark off-step, an unknown entry).
  It has a stable ``code`` and a message template in English, translated at the edge with its
  ``params``; ``place`` says where (a file and a field, a sheet id).
- ``FatalError``: an invariant that should never break. It is a bug, not an input problem.

``N_`` marks message templates for extraction without importing any translation code here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field


def N_(message: str) -> str:
    """Mark a message template for translation; it is translated where it is shown."""
    return message


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    params: Mapping[str, object] = field(default_factory=dict)
    place: str = ""

    def render(self, gettext: Callable[[str], str] | None = None) -> str:
        template = gettext(self.message) if gettext else self.message
        text = template.format(**self.params)
        return f"{self.place}: {text}" if self.place else text


class UserError(Exception):
    """One or more problems a person can fix. Nothing was changed."""

    def __init__(self, problems: Iterable[Problem] | Problem) -> None:
        self.problems = (problems,) if isinstance(problems, Problem) else tuple(problems)
        super().__init__("; ".join(p.render() for p in self.problems))

    @classmethod
    def one(cls, code: str, message: str, place: str = "", **params: object) -> UserError:
        return cls(Problem(code, message, params, place))

    @property
    def code(self) -> str:
        return self.problems[0].code


class FatalError(Exception):
    """An invariant broke: a bug in Scoreboard, never a user's input."""
