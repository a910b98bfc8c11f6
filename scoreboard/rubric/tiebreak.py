"""Tie-breakers: what decides between entries with the same (rounded) total.

A rubric names a chain, e.g. ``["criterion:taste", "criterion:texture", "untrimmed_mean"]``.
Each link is a registry key, with a parameter after the colon where the breaker takes one.
Entries still equal after the whole chain share their rank (1, 2, 2, 4): no coin toss.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction

from scoreboard.errors import N_
from scoreboard.rubric.model import Kind, Rubric
from scoreboard.rubric.numbers import number
from scoreboard.rubric.score import Result

Attrs = Mapping[str, object]


@dataclass(frozen=True)
class Breaker:
    key: str
    label: str
    doc: str
    higher_wins: bool
    value: Callable[[Rubric, Result, Attrs, str], Fraction | None]
    param: str = ""  # what the parameter names, if the breaker takes one

    def valid(self, rubric: Rubric, param: str) -> bool:
        if self.param == "criterion":
            return rubric.criterion(param) is not None
        if self.param == "part":
            return rubric.part(param) is not None
        if self.param == "kind":
            return param in set(Kind)
        if self.param == "attribute":
            return bool(param)
        return param == ""


def _kind_total(rubric: Rubric, r: Result, kind: str) -> Fraction | None:
    values = [r.criteria.get(c.key) for c in rubric.criteria if c.kind == kind]
    return None if any(v is None for v in values) else sum((v for v in values if v is not None), Fraction(0))


BREAKERS: dict[str, Breaker] = {
    b.key: b
    for b in (
        Breaker("criterion", N_("higher criterion"), N_("the higher aggregated mark of a named criterion"),
                True, lambda rb, r, a, p: r.criteria.get(p), "criterion"),
        Breaker("part", N_("higher part"), N_("the higher points of a named part (practical, theory)"),
                True, lambda rb, r, a, p: r.parts.get(p), "part"),
        Breaker("kind", N_("higher subtotal"),
                N_("the higher subtotal of all criteria of a kind (measurement, judgement)"),
                True, lambda rb, r, a, p: _kind_total(rb, r, p), "kind"),
        Breaker("fewer_deductions", N_("fewer deductions"), N_("the smaller total deducted"),
                False, lambda rb, r, a, p: r.deductions),
        Breaker("untrimmed_mean", N_("untrimmed mean"),
                N_("the higher mean of every judge's total, dropped ones included"),
                True, lambda rb, r, a, p: r.untrimmed),
        Breaker("dropped", N_("dropped marks"), N_("the higher sum of the judges' totals that were dropped (KCBS)"),
                True, lambda rb, r, a, p: r.dropped),
        Breaker("lower", N_("lower value"), N_("the lower value of an entry attribute, e.g. time used"),
                False, lambda rb, r, a, p: number(a.get(p)), "attribute"),
        Breaker("higher", N_("higher value"), N_("the higher value of an entry attribute"),
                True, lambda rb, r, a, p: number(a.get(p)), "attribute"),
    )
}


def parse(link: str) -> tuple[Breaker | None, str]:
    name, _, param = link.partition(":")
    return BREAKERS.get(name), param


def sort_value(rubric: Rubric, link: str, result: Result, attrs: Attrs) -> tuple[int, Fraction]:
    """A key that sorts better entries first; a missing value sorts last."""
    breaker, param = parse(link)
    assert breaker is not None, link
    value = breaker.value(rubric, result, attrs, param)
    if value is None:
        return (1, Fraction(0))
    return (0, -value if breaker.higher_wins else value)
