"""The order in which a demo competition gets judged: raw sheets on a timeline.

Words:
- A *panel* is the judges who mark an event's entries: its judges other than the chief judge,
  with the chief joining only when the rubric needs more judges than that.
- The *recorder* records an entry's deductions: the event's chief judge (on their own sheet, or
  on a deductions-only sheet when the chief does not mark), else the panel's first judge.
- A *session* is a round of ``SESSION`` entries (dishes brought out together, walls measured in
  one go). Events run side by side; within a session entries come in blind-code order (the
  file's order while codes are empty) and a judge's sheets arrive a little out of step.
- About one sheet in seventy is far off the panel (a slip of the finger, a dissent); half of those
  and a few others are corrected later: a revision 2 with a reason.

``demo_sheets`` gives the whole timeline cut after ``fraction`` of it, so a half-judged
competition has its early sessions complete and its current one partly marked. Everything is
drawn from ``seed``: entry qualities, team strengths and judges' biases do not depend on
``fraction``.

A *simulation* (``scoreboard demo --simulate``) is every sheet of the demo competitions, the
competitions interleaved, sent at a steady rate over the judges' socket, each with its judge's
login token; ``judges.simulate`` plays it.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from itertools import zip_longest
from typing import Any

from scoreboard.competition import Competition, Entry, Event, Judge
from scoreboard.demo.marks import criteria_for, entry_quality, judge_bias, plausible_deductions, plausible_sheet

SESSION = 12
OUTLIER_CHANCE = 0.015  # a judge far off the others (a slip, a dissent); half are corrected later
CORRECTION_CHANCE = 0.005
TEAM_SPREAD = 0.03  # teams' strengths differ by about this share of the maximum

Sheet = dict[str, Any]
Slot = tuple[int, float, int, int]  # session, position in it, event order, arrival tie-break


def sheet_id(seed: int, entry: str, judge: str, revision: int = 1) -> str:
    text = f"s{seed}-{entry}-{judge}" + (f"-r{revision}" if revision > 1 else "")
    return text if len(text) <= 64 else f"s{seed}-" + hashlib.sha1(text.encode()).hexdigest()[:32]


def panel_of(competition: Competition, event: Event) -> tuple[list[Judge], Judge | None]:
    """The judges who mark the event, in order, and the recorder of deductions."""
    judges = [j for j in competition.judges if event.key in j.events or event.key in j.chief_of]
    chiefs = [j for j in judges if event.key in j.chief_of]
    others = [j for j in judges if j not in chiefs]
    need = max([event.rubric.panel, *(event.rubric.panel_of(c) for c in event.rubric.criteria)])
    panel = others if len(others) >= need else others + chiefs
    recorder = chiefs[0] if chiefs else (panel[0] if panel else None)
    return panel, recorder


def _rng(seed: int, *parts: str) -> random.Random:
    return random.Random(":".join([str(seed), *parts]))


def _entry_sheets(seed: int, event: Event, entry: Entry, panel: list[Judge], recorder: Judge | None,
                  skill: float, biases: dict[str, float]) -> list[tuple[float, Sheet]]:
    """An entry's sheets with their delay (in entries) after the entry comes up."""
    rng = _rng(seed, "entry", entry.key)
    quality = entry_quality(rng, skill)
    rubric = event.rubric
    out: list[tuple[float, Sheet]] = []
    markers = [j for j in panel if not (j.team and j.team == entry.team)]
    roles = [j.roles_in(event.key) for j in markers]
    for i, judge in enumerate(markers):
        keys = criteria_for(rubric, i, len(markers), roles)
        records = recorder is not None and judge.key == recorder.key
        outlier = rng.random() < OUTLIER_CHANCE
        seen = quality + rng.choice((-1, 1)) * rng.uniform(0.18, 0.3) if outlier else quality
        sheet = plausible_sheet(rubric, entry.key, judge.key, min(1.0, max(0.2, seen)), biases[judge.key], rng,
                                sheet_id(seed, entry.key, judge.key), criteria=keys, deductions=records)
        if sheet["marks"] or sheet["deductions"]:
            out.append((rng.uniform(0, 1.5), sheet))
        if rng.random() < (0.5 if outlier else CORRECTION_CHANCE):
            fixed = plausible_sheet(rubric, entry.key, judge.key, quality, biases[judge.key], rng,
                                    sheet_id(seed, entry.key, judge.key, 2), criteria=keys,
                                    deductions=records, revision=2, reason="更正录入错误")
            if fixed["marks"] or fixed["deductions"]:
                out.append((rng.uniform(3, 8), fixed))
    if recorder is not None and recorder not in markers:
        found = plausible_deductions(rubric, quality, rng)
        if found:
            out.append((rng.uniform(1, 2), {"id": sheet_id(seed, entry.key, recorder.key), "entry": entry.key,
                                            "judge": recorder.key, "revision": 1, "marks": {},
                                            "deductions": found}))
    return out


def demo_sheets(competition: Competition, seed: int, fraction: float = 1.0) -> list[Sheet]:
    """Raw sheets (``parse_sheet`` input) for the first ``fraction`` of the competition's judging."""
    skills = {t.key: _rng(seed, "team", t.key).gauss(0, TEAM_SPREAD) for t in competition.teams}
    biases = {j.key: judge_bias(_rng(seed, "judge", j.key)) for j in competition.judges}
    timeline: list[tuple[Slot, Sheet]] = []
    for order, event in enumerate(competition.events):
        panel, recorder = panel_of(competition, event)
        entries = sorted(competition.entries_of(event.key), key=lambda e: e.code)  # stable: file order
        for n, entry in enumerate(entries):
            session, position = divmod(n, SESSION)
            for delay, sheet in _entry_sheets(seed, event, entry, panel, recorder,
                                              skills.get(entry.team, 0.0), biases):
                timeline.append(((session, position + delay, order, len(timeline)), sheet))
    timeline.sort(key=lambda item: item[0])
    cut = round(max(0.0, min(1.0, fraction)) * len(timeline))
    return [sheet for _, sheet in timeline[:cut]]


@dataclass(frozen=True)
class Simulation:
    sheets: list[tuple[str, Sheet]]  # (competition key, raw sheet) in the order they are sent
    rate: float  # sheets a second
    url: str  # the judges' socket
    tokens: dict[tuple[str, str], str]  # (competition, judge) → login token


def simulation(competitions: list[Competition], rate: float, url: str, tokens: dict[tuple[str, str], str],
               seed: int = 2023) -> Simulation:
    plans = [[(c.key, raw) for raw in demo_sheets(c, seed)] for c in competitions]
    return Simulation([x for group in zip_longest(*plans) for x in group if x is not None], rate, url, tokens)
