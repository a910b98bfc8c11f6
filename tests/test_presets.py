"""The shipped rubric presets: each loads, is bilingual, adds up, and passes its own golden cases.

The presets' numbers are worked by hand in the comments of each file; here the engine must agree
with them, and three foreign rules (KCBS, diving today and at Sydney 2000) must match their published arithmetic.
"""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path

import pytest

from scoreboard.competition import Contestant, Entry
from scoreboard.golden import run_golden
from scoreboard.rubric.load import CRITERION_FIELDS, RUBRIC_FIELDS, load_preset, load_rubric_text, preset_names
from scoreboard.rubric.model import Kind, Rubric, Text
from scoreboard.rubric.score import score_entry
from scoreboard.rubric.sheet import parse_sheet
from scoreboard.standings import quota_limits, rank_event

COOKING = ["cooking_hot", "cooking_cold", "cooking_staple", "cooking_snack", "cooking_carving", "cooking_banquet"]
CONSTRUCTION = ["masonry", "painting", "waterproofing"]
REFERENCE = ["kcbs", "diving", "diving_2000"]
ALL = COOKING + CONSTRUCTION + REFERENCE
DOCS = Path(__file__).resolve().parent.parent / "docs" / "rubrics.md"
CJK = re.compile(r"[\u4e00-\u9fff]")
F = Fraction


def texts(rubric: Rubric) -> list[tuple[str, Text]]:
    """Every user-facing name in a rubric, with where it is."""
    out = [("rubric", rubric.name)]
    out += [(f"part {p.key}", p.name) for p in rubric.parts]
    out += [(f"criterion {c.key}", c.name) for c in rubric.criteria]
    out += [(f"{c.key} level {i}", lv) for c in rubric.criteria for i, lv in enumerate(c.levels)]
    out += [(f"deduction {d.key}", d.name) for d in rubric.deductions]
    out += [(f"award {a.key}", a.name) for a in rubric.awards]
    out += [(f"tier {t.key}", t.name) for a in rubric.awards for t in a.tiers]
    out += [(f"honour {h.key}", h.name) for h in rubric.honours]
    return out


def sheets(rubric: Rubric, entry: str, cards: list[dict[str, object]]) -> list:
    return [parse_sheet(rubric, {"id": f"{entry}-{n}", "entry": entry, "seq": n, **card})
            for n, card in enumerate(cards, 1)]


def test_every_preset_is_shipped() -> None:
    assert sorted(ALL) == preset_names()


@pytest.mark.parametrize("name", ALL)
def test_preset_loads_with_its_own_key(name: str) -> None:
    rubric = load_preset(name)
    assert rubric.key == name
    assert rubric.description is not None


@pytest.mark.parametrize("name", ALL)
def test_keys_are_unique(name: str) -> None:
    rubric = load_preset(name)
    groups = {
        "criteria": [c.key for c in rubric.criteria],
        "parts": [p.key for p in rubric.parts],
        "deductions": [d.key for d in rubric.deductions],
        "awards": [a.key for a in rubric.awards],
        "tiers": [t.key for a in rubric.awards for t in a.tiers],
        "honours": [h.key for h in rubric.honours],
        "golden entries": [c.entry or c.name for c in rubric.golden],
    }
    for group, keys in groups.items():
        assert len(keys) == len(set(keys)), group


@pytest.mark.parametrize("name", ALL)
def test_names_are_in_chinese_and_english(name: str) -> None:
    for where, text in texts(load_preset(name)):
        assert CJK.search(text.zh), f"{where}: no Chinese in {text.zh!r}"
        assert not CJK.search(text.en), f"{where}: Chinese in the English {text.en!r}"
        assert text.zh != text.en, where


@pytest.mark.parametrize("name", ALL)
def test_golden_cases_pass(name: str) -> None:
    rubric = load_preset(name)
    problems, ran = run_golden(rubric, name)
    assert [p.render() for p in problems] == []
    assert ran >= 4


@pytest.mark.parametrize("name", [n for n in ALL if load_preset(n).tie_break])
def test_golden_cases_pin_the_tie_break_chain(name: str) -> None:
    """At least two cases share a total but not a rank: the chain, not the total, orders them."""
    ranked = [(c.total, c.rank) for c in load_preset(name).golden if c.rank is not None]
    totals = [t for t, _ in ranked]
    tied = {t for t in totals if totals.count(t) > 1}
    assert tied
    for total in tied:
        ranks = [r for t, r in ranked if t == total]
        assert len(set(ranks)) == len(ranks), f"{total}: ranks {ranks} should differ"


@pytest.mark.parametrize(("name", "points"), [
    *[(n, {"": F(100)}) for n in COOKING],
    *[(n, {"theory": F(100), "practical": F(100)}) for n in CONSTRUCTION],
    ("kcbs", {"": F(36)}),
    ("diving", {"": F(10)}),
])
def test_points_add_up(name: str, points: dict[str, Fraction]) -> None:
    rubric = load_preset(name)
    assert {part: rubric.part_points(part) for part in points} == points
    if rubric.parts:
        assert {p.key: p.weight for p in rubric.parts} == {"theory": 30, "practical": 70}
        assert rubric.max_total == 100


@pytest.mark.parametrize("name", COOKING)
def test_cooking_presets_share_their_settings(name: str) -> None:
    rubric, hot = load_preset(name), load_preset("cooking_hot")
    assert (rubric.panel, rubric.aggregate_on, rubric.aggregation) == (hot.panel, hot.aggregate_on, hot.aggregation)
    assert rubric.aggregation.method == "trimmed" and (rubric.aggregation.high, rubric.aggregation.low) == (1, 1)
    assert all(c.kind is Kind.SCORE and c.step == F(1, 2) for c in rubric.criteria)
    assert rubric.deductions == hot.deductions
    assert rubric.awards == hot.awards
    assert [t.min for t in rubric.awards[0].tiers] == [90, 80, 70, 60]
    assert [t.share for t in rubric.awards[1].tiers] == [10, 20, 30]
    assert rubric.tie_break[-1] == "untrimmed_mean"


def test_carving_has_no_taste_and_hygiene_only_by_deduction() -> None:
    rubric = load_preset("cooking_carving")
    assert {c.key for c in rubric.criteria} == {"technique", "effect", "theme"}
    assert rubric.deduction("hygiene_lapse") is not None


@pytest.mark.parametrize("name", CONSTRUCTION)
def test_construction_criteria_follow_worldskills(name: str) -> None:
    rubric = load_preset(name)
    assert rubric.panel == 3
    for c in rubric.criteria:
        if c.kind is Kind.JUDGEMENT:
            assert len(c.levels) == 4 and c.spread == 1, c.key
            assert rubric.panel_of(c) == 3
        else:
            assert rubric.aggregation_of(c).method == "single", c.key
            assert rubric.panel_of(c) == 1
    assert rubric.criterion("theory") is not None and rubric.criterion("theory").part == "theory"  # type: ignore[union-attr]


@pytest.mark.parametrize("name", CONSTRUCTION)
def test_construction_awards_and_honours(name: str) -> None:
    """Places 1/2/3 as 一/二/三等奖, 优胜奖 to the rest of the top half (rounded down); honours by rank, age, gender."""
    rubric = load_preset(name)
    prize = rubric.awards[0]
    assert quota_limits(prize, 17) == [1, 2, 3, 8]
    assert quota_limits(prize, 7) == [1, 2, 3, 3]
    # Rank the golden cases, with contestants: 1st a man of 40, 2nd a woman of 30, 3rd a man of 30.
    results, entries = {}, []
    people = {"a": Contestant("a", "甲", age=40, gender="male"), "b": Contestant("b", "乙", age=30, gender="female"),
              "c": Contestant("c", "丙", age=30, gender="male")}
    order = sorted((c for c in rubric.golden if c.rank is not None), key=lambda c: c.rank or 0)
    who = {order[0].entry: ("a",), order[1].entry: ("b",), order[2].entry: ("c",)}
    for case in rubric.golden:
        entry = Entry(case.entry, name, code=case.entry, contestants=who.get(case.entry, ()), attrs=dict(case.attrs))
        cards = sheets(rubric, case.entry, list(case.sheets))
        results[case.entry] = score_entry(rubric, case.entry, cards, entry.attrs)
        entries.append(entry)
    by_rank = {s.rank: s for s in rank_event(rubric, entries, results, people) if s.rank is not None}
    assert [by_rank[r].award("prize").key for r in (1, 2, 3)] == ["first", "second", "third"]  # type: ignore[union-attr]
    half = len(entries) // 2  # the top half of the field, every case entered (8 → 4 places; 6 or 7 → 3)
    assert by_rank[4].award("prize") == (prize.tiers[3] if half >= 4 else None)  # 优胜奖 beyond 1st–3rd
    assert set(by_rank[1].honours) == {("labour_medal", ""), ("technical_expert", "")}
    assert set(by_rank[2].honours) == {("youth_expert", "b"), ("women_pacesetter", "b")}
    assert set(by_rank[3].honours) == {("youth_expert", "c")}


KCBS_CARD = {"appearance": 9, "tenderness": 9, "taste": 9}


def test_kcbs_perfect_entry_is_180() -> None:
    rubric = load_preset("kcbs")
    assert sum(c.weight for c in rubric.criteria) == 4
    result = score_entry(rubric, "e", sheets(rubric, "e", [{"judge": f"j{i}", "marks": KCBS_CARD} for i in range(6)]))
    assert set(result.judge_totals.values()) == {36}
    assert (result.total, result.dropped, rubric.max_total * 5) == (180, 36, 180)


def test_kcbs_drops_only_the_lowest_card() -> None:
    rubric = load_preset("kcbs")
    cards = [{"judge": f"j{i}", "marks": KCBS_CARD} for i in range(5)]
    cards.append({"judge": "j5", "marks": {"appearance": 2, "tenderness": 2, "taste": 2}})
    result = score_entry(rubric, "e", sheets(rubric, "e", cards))
    assert (result.total, result.dropped) == (180, 8)


@pytest.mark.parametrize(("marks", "difficulty", "expected"), [
    # drop 8.5, 8 and 6.5, 7; 7 + 7.5 + 7.5 = 22; × 2.0 = 44.0 (the published example)
    ([6.5, 7, 7, 7.5, 7.5, 8, 8.5], "2.0", F(44)),
    # order of the judges does not matter
    ([8.5, 6.5, 8, 7, 7.5, 7, 7.5], "2.0", F(44)),
    # drop 9.5, 9 and 8, 8; 8.5 × 3 = 25.5; × 3.2 = 81.6
    ([8, 8, 8.5, 8.5, 8.5, 9, 9.5], "3.2", F("81.6")),
    # all tens: 30 × 3.6 = 108
    ([10] * 7, "3.6", F(108)),
])
def test_diving_matches_the_published_rule(marks: list[float], difficulty: str, expected: Fraction) -> None:
    rubric = load_preset("diving")
    cards = [{"judge": f"j{i}", "marks": {"execution": m}} for i, m in enumerate(marks)]
    result = score_entry(rubric, "e", sheets(rubric, "e", cards), {"difficulty": difficulty})
    assert result.total == expected
    assert len(result.kept_judges) == 3


def test_diving_without_a_difficulty_is_flagged() -> None:
    rubric = load_preset("diving")
    cards = [{"judge": f"j{i}", "marks": {"execution": 7}} for i in range(7)]
    result = score_entry(rubric, "e", sheets(rubric, "e", cards))
    assert [f.code for f in result.flags] == ["factor_missing"]


def test_docs_list_every_preset_and_field() -> None:
    doc = DOCS.read_text(encoding="utf-8")
    for name in ALL:
        assert f"`{name}`" in doc, name
    for field in RUBRIC_FIELDS | CRITERION_FIELDS:
        assert f"`{field}`" in doc, field


def test_docs_example_loads_and_passes() -> None:
    doc = DOCS.read_text(encoding="utf-8")
    example = next(block for block in re.findall(r"```toml\n(.*?)```", doc, re.S) if 'key = "demo"' in block)
    rubric = load_rubric_text(example, "docs/rubrics.md")
    problems, ran = run_golden(rubric)
    assert (problems, ran) == ([], 1)
