"""The embedded demo: Datong's 2023 Craftsman Cup cooking and construction contests.

- ``build``: the two competitions as competition-file dicts (``cooking_competition``,
  ``construction_competition``), deterministic for a seed.
- ``marks``: plausible raw sheets for one entry and judge (``plausible_sheet``).
- ``plan``: every sheet of a competition in a realistic order (``demo_sheets``).

Used by tests, benchmarks (``scoreboard standings`` on the 700-dish demo) and the simulator.
Pure: no web or database imports.
"""

from scoreboard.demo.build import construction_competition, cooking_competition
from scoreboard.demo.marks import criteria_for, entry_quality, plausible_sheet
from scoreboard.demo.plan import demo_sheets

__all__ = ["construction_competition", "cooking_competition", "criteria_for", "demo_sheets", "entry_quality",
           "plausible_sheet"]
