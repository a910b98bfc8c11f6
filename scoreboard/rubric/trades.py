"""Trades: the shipped presets grouped by the trade they judge, for an organizer choosing events.

A *trade* (工种/行业) is a kind of competition — cooking, the construction trades — with the
presets of its events in the order a competition usually lists them. The reference rules
(diving, KCBS barbecue) are trades of their own. A preset no trade lists falls under *other*,
so a new preset is never hidden.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from scoreboard.errors import N_


@dataclass(frozen=True)
class Trade:
    key: str
    name: str  # an English message, translated where it is shown
    presets: tuple[str, ...]


TRADES = (
    Trade("cooking", N_("Cooking"), ("cooking_cold", "cooking_hot", "cooking_staple", "cooking_snack",
                                     "cooking_carving", "cooking_banquet")),
    Trade("construction", N_("Construction trades"), ("masonry", "painting", "waterproofing")),
    Trade("diving", N_("Diving (reference rule)"), ("diving", "diving_2000")),
    Trade("barbecue", N_("Barbecue (reference rule)"), ("kcbs",)),
)
OTHER = Trade("other", N_("Other"), ())


def by_trade(presets: Iterable[str]) -> list[tuple[Trade, list[str]]]:
    """The ``presets`` grouped by trade, in the trades' order and each trade's; the presets no
    trade lists last, under ``OTHER``; trades with none of the presets left out."""
    names = list(presets)
    groups = [(t, [p for p in t.presets if p in names]) for t in TRADES]
    listed = {p for t in TRADES for p in t.presets}
    groups.append((OTHER, sorted(p for p in names if p not in listed)))
    return [(t, found) for t, found in groups if found]
