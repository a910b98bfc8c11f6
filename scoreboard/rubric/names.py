"""A flag's or a derivation step's parameters with the rubric's names in place of its keys.

Scoring (``score.score_entry``) writes its flags and derivation steps with keys — ``joints``,
``ppe``, ``practical``, a judge's ``j03`` — so they stay data; what a person reads names the
criterion, the deduction rule and the part in their language (``F 灰缝饱满与勾缝``), and the judge
by name. ``named`` swaps them in; a key the rubric does not know stays as it is.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from typing import TypeVar

from scoreboard.errors import Problem
from scoreboard.rubric.model import Rubric
from scoreboard.rubric.score import Step

T = TypeVar("T", Problem, Step)
WORDS = ("total",)  # a step's item that is a word, not a key: translated with ``word``


def named(item: T, rubric: Rubric, locale: str, judges: Mapping[str, str] | None = None,
          word: Callable[[str], str] | None = None) -> T:
    """``item`` with criterion, deduction, part and judge keys replaced by their names."""
    params: dict[str, object] = dict(item.params)
    for name in ("criterion", "item"):
        key = params.get(name)
        criterion = rubric.criterion(key) if isinstance(key, str) else None
        if criterion is not None:
            params[name] = criterion.name.get(locale)
        elif name == "item" and key in WORDS and word is not None:
            params[name] = word(str(key))
    deduction = rubric.deduction(str(params["deduction"])) if "deduction" in params else None
    if deduction is not None:
        params["deduction"] = deduction.name.get(locale)
    part = rubric.part(str(params["part"])) if "part" in params else None
    if part is not None:
        params["part"] = part.name.get(locale)
    if judges and isinstance(params.get("judge"), str):
        params["judge"] = judges.get(str(params["judge"]), params["judge"])
    return dataclasses.replace(item, params=params)  # type: ignore[arg-type]


def said(problems: Iterable[Problem], rubric: Rubric, locale: str, gettext: Callable[[str], str]) -> list[str]:
    """A refusal's problems as a person reads them: translated, with the rubric's names (a typed
    sheet refused on a console page says 口味, not ``taste``)."""
    return [named(p, rubric, locale, word=gettext).render(gettext) for p in problems]
