"""Small pure factories for tests of the core: rubrics from inline TOML, sheets, results, entries.

No app, no database. ``F`` reads a decimal literal exactly (``F("8.5") == Fraction(17, 2)``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction

from scoreboard.competition import Entry
from scoreboard.rubric.load import load_rubric_text
from scoreboard.rubric.model import Rubric
from scoreboard.rubric.score import EntryState, Result, score_entry
from scoreboard.rubric.sheet import Sheet, parse_sheet


def F(value: str | int | Fraction) -> Fraction:
    return value if isinstance(value, Fraction) else Fraction(str(value))


def rubric(text: str, source: str = "test") -> Rubric:
    return load_rubric_text(text, source)


def sheet(rb: Rubric, judge: str, marks: Mapping[str, object] | None = None, *, entry: str = "e1",
          deductions: Sequence[Mapping[str, object]] = (), revision: int = 1, seq: int = 0) -> Sheet:
    raw: dict[str, object] = {"id": f"{entry}-{judge}-{revision}-{seq}", "entry": entry, "judge": judge,
                              "revision": revision, "seq": seq, "marks": dict(marks or {})}
    if deductions:
        raw["deductions"] = [dict(d) for d in deductions]
    return parse_sheet(rb, raw)


def sheets(rb: Rubric, by_judge: Mapping[str, Mapping[str, object]], *, entry: str = "e1") -> list[Sheet]:
    """One sheet per judge, arriving in the mapping's order."""
    return [sheet(rb, j, m, entry=entry, seq=n) for n, (j, m) in enumerate(by_judge.items(), 1)]


def score(rb: Rubric, by_judge: Mapping[str, Mapping[str, object]], *, entry: str = "e1",
          attrs: Mapping[str, object] | None = None) -> Result:
    return score_entry(rb, entry, sheets(rb, by_judge, entry=entry), attrs)


def result(entry: str, total: Fraction | str | int | None, *, criteria: Mapping[str, Fraction] | None = None,
           parts: Mapping[str, Fraction] | None = None, deductions: Fraction | str | int = 0,
           judge_totals: Mapping[str, Fraction] | None = None, dropped: Fraction | str | int = 0,
           disqualified: bool = False, decimals: int = 2) -> Result:
    """A result built directly, for standings tests that need exact control of each field."""
    return Result(
        entry=entry, total=None if total is None else F(total),
        criteria=dict(criteria or {}), parts=dict(parts or {}), deductions=F(deductions),
        judge_totals=dict(judge_totals or {}), kept_judges=tuple(judge_totals or ()), dropped=F(dropped),
        state=EntryState.COMPLETE if total is not None else EntryState.PENDING, complete=total is not None,
        disqualified=disqualified, flags=(), steps=(), decimals=decimals,
    )


def entry(key: str, *, event: str = "ev", code: str | None = None, team: str = "",
          contestants: Sequence[str] = (), tags: Mapping[str, str] | None = None,
          attrs: Mapping[str, object] | None = None) -> Entry:
    return Entry(key, event, team=team, code=key if code is None else code, contestants=tuple(contestants),
                 tags=dict(tags or {}), attrs=dict(attrs or {}))


# The hot-dishes rule of the cooking contest, inline so tests do not depend on a shipped preset:
# five judges, trim one highest and one lowest judge's total, mean of the rest, deductions after.
COOKING = """
key = "hot"
name = { zh = "热菜", en = "Hot dishes" }
panel = 5
aggregate_on = "total"
aggregation = { method = "trimmed", high = 1, low = 1, combine = "mean" }
decimals = 2
tie_break = ["criterion:taste", "untrimmed_mean"]
criteria = [
  { key = "taste", name = "Taste", kind = "score", max = 35, step = 0.5 },
  { key = "texture", name = "Texture", kind = "score", max = 20, step = 0.5 },
  { key = "technique", name = "Technique", kind = "score", max = 15, step = 0.5 },
  { key = "appearance", name = "Appearance", kind = "score", max = 15, step = 0.5 },
  { key = "hygiene", name = "Hygiene", kind = "score", max = 5, step = 0.5 },
  { key = "innovation", name = "Innovation", kind = "score", max = 10, step = 0.5 },
]
deductions = [
  { key = "overtime", name = "Overtime", kind = "per_minute", value = 0.5, dq_after = 30 },
  { key = "lapse", name = "Hygiene lapse", kind = "per_occurrence", value = 1, cap = 5 },
  { key = "theme_missing", name = "Theme missing", kind = "fixed", value = 10 },
  { key = "food_safety", name = "Food-safety veto", kind = "disqualify" },
]
"""

# Judges' totals 87, 88.5, 90, 91, 93 (the preset's golden case).
COOKING_SHEETS: dict[str, dict[str, object]] = {
    "j1": {"taste": 30, "texture": 17, "technique": 13, "appearance": 13, "hygiene": 5, "innovation": 9},
    "j2": {"taste": 31, "texture": 17.5, "technique": 13, "appearance": 13, "hygiene": 5, "innovation": 9},
    "j3": {"taste": 31.5, "texture": 18, "technique": 13.5, "appearance": 13, "hygiene": 5, "innovation": 9},
    "j4": {"taste": 32, "texture": 18, "technique": 14, "appearance": 13, "hygiene": 5, "innovation": 9},
    "j5": {"taste": 33, "texture": 18.5, "technique": 14, "appearance": 13.5, "hygiene": 5, "innovation": 9},
}
