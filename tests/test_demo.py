"""The embedded demo: both competitions parse, have the article's sizes, are deterministic, and
their generated sheets pass ``parse_sheet`` and score into believable standings."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import pytest

from scoreboard.competition import Competition, parse_competition
from scoreboard.demo import construction_competition, cooking_competition, demo_sheets
from scoreboard.demo.build import CONSTRUCTION_EVENTS, entry_attributes
from scoreboard.demo.dishes import CATEGORIES
from scoreboard.demo.marks import criteria_for, entry_quality, plausible_sheet
from scoreboard.intake import Lookup, check_sheet
from scoreboard.rubric.load import parse_rubric, preset_names
from scoreboard.rubric.model import Kind
from scoreboard.rubric.score import Result, score_entry
from scoreboard.rubric.sheet import Sheet, parse_sheet
from scoreboard.standings import Standing, rank_event

SEED = 2023
COOKING_PRESETS = [f"cooking_{c}" for c, _, _ in CATEGORIES]
CONSTRUCTION_PRESETS = [key for key, *_ in CONSTRUCTION_EVENTS]
BUILDERS: dict[str, tuple[Callable[[int], dict[str, Any]], list[str]]] = {
    "cooking": (cooking_competition, COOKING_PRESETS),
    "construction": (construction_competition, CONSTRUCTION_PRESETS),
}


def _need(presets: list[str]) -> None:
    missing = sorted(set(presets) - set(preset_names()))
    if missing:
        pytest.skip(f"presets not written yet: {', '.join(missing)}")


@pytest.fixture(scope="module", params=list(BUILDERS))
def demo(request: pytest.FixtureRequest) -> Competition:
    build, presets = BUILDERS[request.param]
    _need(presets)
    return parse_competition(build(SEED), f"demo:{request.param}")


@pytest.fixture(scope="module")
def cooking() -> Competition:
    _need(COOKING_PRESETS)
    return parse_competition(cooking_competition(SEED), "demo:cooking")


@pytest.fixture(scope="module")
def construction() -> Competition:
    _need(CONSTRUCTION_PRESETS)
    return parse_competition(construction_competition(SEED), "demo:construction")


def _standings(competition: Competition) -> dict[str, list[Standing]]:
    event_of = {e.key: competition.event(e.event) for e in competition.entries}
    sheets: dict[str, list[Sheet]] = defaultdict(list)
    for seq, raw in enumerate(demo_sheets(competition, SEED), 1):
        event = event_of[raw["entry"]]
        assert event is not None
        sheets[raw["entry"]].append(parse_sheet(event.rubric, {**raw, "seq": seq}, raw["id"]))
    out = {}
    for event in competition.events:
        entries = competition.entries_of(event.key)
        results: dict[str, Result] = {e.key: score_entry(event.rubric, e.key, sheets[e.key], e.attrs) for e in entries}
        out[event.key] = rank_event(event.rubric, entries, results)
    return out


def test_cooking_sizes(cooking: Competition) -> None:
    assert len(cooking.teams) == 36
    assert 680 <= len(cooking.entries) <= 760
    assert [e.key for e in cooking.events] == [c for c, _, _ in CATEGORIES]
    assert all(e.blind for e in cooking.events)
    assert len(cooking.judges) == 30
    for event in cooking.events:
        judges = [j for j in cooking.judges if event.key in j.events]
        assert len(judges) == 5
        assert sum(event.key in j.chief_of for j in judges) == 1
    per_team = Counter(e.team for e in cooking.entries)
    assert all(15 <= n <= 25 for n in per_team.values()) and len(per_team) == 36
    assert max(Counter(e.team for e in cooking.entries if e.event == "banquet").values()) == 1
    assert {e.tags["track"] for e in cooking.entries} == {"signature", "innovative", "fusion"}
    assert all("黄花" in e.title or "金针" in e.title or e.event in ("carving", "banquet") for e in cooking.entries)
    assert not any(e.code for e in cooking.entries)
    assert cooking.team_rule is not None and (cooking.team_rule.method, cooking.team_rule.n) == ("best_n", 10)


def test_construction_sizes(construction: Competition) -> None:
    assert len(construction.teams) == 11
    assert 50 <= len(construction.contestants) <= 56
    assert len(construction.events) == 3
    assert not any(e.blind for e in construction.events)
    assert len(construction.entries) == len(construction.contestants)
    people = {c.key: c for c in construction.contestants}
    assert all(len(e.contestants) == 1 and people[e.contestants[0]].team == e.team for e in construction.entries)
    assert all(22 <= (c.age or 0) <= 55 for c in construction.contestants)
    genders = Counter(c.gender for c in construction.contestants)
    assert genders["male"] > genders["female"] > 0
    for event in construction.events:
        judges = [j for j in construction.judges if event.key in j.events]
        assert sum(event.key in j.chief_of for j in judges) == 1 and len(judges) >= 4
        assert {e.team for e in construction.entries_of(event.key)} == {t.key for t in construction.teams}
        for entry in construction.entries_of(event.key):
            assert set(entry_attributes(event.rubric)) <= set(entry.attrs)
    assert construction.team_rule is not None and construction.team_rule.method == "mean"


@pytest.mark.parametrize("name", list(BUILDERS))
def test_deterministic(name: str) -> None:
    build, presets = BUILDERS[name]
    _need(presets)
    assert build(SEED) == build(SEED)
    assert build(SEED) != build(SEED + 1)
    competition = parse_competition(build(SEED), name)
    assert demo_sheets(competition, SEED, 0.3) == demo_sheets(competition, SEED, 0.3)


def test_fraction_is_a_prefix(demo: Competition) -> None:
    full = demo_sheets(demo, SEED)
    part = demo_sheets(demo, SEED, 0.4)
    assert part == full[: len(part)] and abs(len(part) - 0.4 * len(full)) <= 1
    assert demo_sheets(demo, SEED, 0) == []


def test_every_sheet_parses(demo: Competition) -> None:
    event_of = {e.key: demo.event(e.event) for e in demo.entries}
    judges = {j.key: j for j in demo.judges}
    raws = demo_sheets(demo, SEED)
    lookup = Lookup(demo)
    assert len({s["id"] for s in raws}) == len(raws)
    for raw in raws:
        event = event_of[raw["entry"]]
        assert event is not None
        judge = judges[raw["judge"]]
        assert event.key in judge.events or event.key in judge.chief_of
        parse_sheet(event.rubric, raw, raw["id"])
        check_sheet(lookup, raw, raw["judge"], raw["id"])  # assigned, not their own team
        if raw["deductions"]:
            assert event.key in judge.chief_of
    judged = {(s["entry"], s["judge"]) for s in raws}
    assert {e for e, _ in judged} == {e.key for e in demo.entries}


def test_scores_are_believable(demo: Competition) -> None:
    standings = _standings(demo)
    totals = [float(s.result.shown) for st in standings.values() for s in st if s.result.shown is not None]
    assert len(totals) == len(demo.entries)
    assert sum(60 <= t <= 100 for t in totals) >= 0.9 * len(totals)
    assert sum(70 <= t <= 92 for t in totals) >= 0.6 * len(totals)
    states = Counter(s.result.state.value for st in standings.values() for s in st)
    assert states["complete"] >= 0.9 * len(totals) and states["partial"] == 0 and states["pending"] == 0


def test_gold_in_every_cooking_event(cooking: Competition) -> None:
    for event, standings in _standings(cooking).items():
        golds = [s for s in standings if any(t.key == "gold" for _, t in s.awards)]
        assert golds, event
        assert standings[0].rank == 1


# A small rubric of every kind, independent of the shipped presets.
RUBRIC = {
    "key": "trial", "name": "trial", "panel": 3,
    "parts": [{"key": "theory", "name": "理论", "weight": 30}, {"key": "practical", "name": "实操", "weight": 70}],
    "criteria": [
        {"key": "theory", "name": "理论", "kind": "score", "max": 100, "step": 0.5, "part": "theory",
         "aggregation": {"method": "single"}},
        {"key": "level", "name": "水平", "kind": "measurement", "max": 15, "part": "practical", "points": 6,
         "bands": [{"within": 1, "pct": 100}, {"within": 2, "pct": 50}]},
        {"key": "upstand", "name": "泛水", "kind": "measurement", "max": 10, "part": "practical", "points": 2,
         "target": "minimum", "value": 350, "panel": 2,
         "bands": [{"within": 0, "pct": 100}, {"within": 10, "pct": 50}]},
        {"key": "gap", "name": "缝隙", "kind": "measurement", "max": 10, "part": "practical", "points": 3,
         "target": "maximum", "value": 2, "bands": [{"within": 0, "pct": 100}, {"within": 2, "pct": 50}]},
        {"key": "finish", "name": "观感", "kind": "judgement", "max": 10, "part": "practical"},
        {"key": "clean", "name": "清洁", "kind": "check", "max": 5, "part": "practical"},
    ],
    "deductions": [
        {"key": "overtime", "name": "超时", "kind": "per_minute", "value": 1, "dq_after": 10},
        {"key": "ppe", "name": "安全防护", "kind": "per_occurrence", "value": 1, "cap": 5},
        {"key": "danger", "name": "危险作业", "kind": "disqualify"},
    ],
}


def test_criteria_for_single_and_small_panels() -> None:
    rubric = parse_rubric(RUBRIC, "test")
    assert criteria_for(rubric, 0, 3) == ("theory", "level", "upstand", "gap", "finish", "clean")
    assert criteria_for(rubric, 1, 3) == ("level", "upstand", "gap", "finish", "clean")
    assert criteria_for(rubric, 2, 3) == ("level", "gap", "finish", "clean")


def test_plausible_sheets_follow_quality() -> None:
    rubric = parse_rubric(RUBRIC, "test")
    rng = random.Random(7)
    qualities = [entry_quality(rng) for _ in range(2000)]
    assert min(qualities) >= 0.55 and max(qualities) <= 0.97
    assert 0.78 <= sum(qualities) / len(qualities) <= 0.86

    def mean_total(quality: float) -> Fraction:
        totals = []
        for n in range(60):
            sheets = [parse_sheet(rubric, plausible_sheet(rubric, f"e{n}", f"j{i}", quality, 0.0, rng, f"s{n}-{i}",
                                                          criteria=criteria_for(rubric, i, 3)))
                      for i in range(3)]
            result = score_entry(rubric, f"e{n}", sheets)
            assert result.total is not None and result.complete
            totals.append(result.total)
        return sum(totals, Fraction(0)) / len(totals)

    low, high = mean_total(0.6), mean_total(0.95)
    assert 45 < low < 75 < 85 < high <= 100
    for _ in range(200):
        raw = plausible_sheet(rubric, "e", "chief", 0.8, 0.0, rng, "x", deductions=True)
        sheet = parse_sheet(rubric, raw)
        level, finish = sheet.marks["level"], sheet.marks["finish"]
        assert isinstance(level, tuple) and len(level) == 6 and finish in {0, 1, 2, 3}
        assert all(c.kind is not Kind.CHECK or isinstance(sheet.marks[c.key], bool) for c in rubric.criteria)
