"""Standings: shared ranks, rounding before ranking, tie-breakers, awards, honours, team standings.

Results are built directly (``factories.result``) so each case controls exactly the field a rule
reads; the rubric is loaded from TOML so every chain and award rule is also one the loader accepts.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import replace
from fractions import Fraction

import pytest

from scoreboard.competition import Contestant, Entry, TeamRule
from scoreboard.rubric.model import AwardRule, AwardTier, Rubric, Text
from scoreboard.rubric.score import EntryState, Result
from scoreboard.standings import Ranking, Standing, quota_limits, rank_event, team_standings
from tests.factories import F, entry, result, rubric

BASE = """
key = "s"
name = "S"
decimals = 2
tie_break = [{chain}]
parts = [
  {{ key = "theory", name = "Theory", weight = 30 }},
  {{ key = "practical", name = "Practical", weight = 70 }},
]
criteria = [
  {{ key = "exam", name = "Exam", kind = "score", max = 100, step = 0.01, part = "theory" }},
  {{ key = "taste", name = "Taste", kind = "score", max = 50, step = 0.5, part = "practical" }},
  {{ key = "size", name = "Size", kind = "measurement", max = 50, part = "practical", bands = {bands} }},
]
{extra}
"""


def make(chain: Sequence[str] = (), extra: str = "") -> Rubric:
    chain_text = ", ".join(f'"{x}"' for x in chain)
    return rubric(BASE.format(chain=chain_text, extra=extra, bands="[{ within = 1, pct = 100 }]"))


def ranks(standings: Sequence[Standing]) -> list[tuple[str, int | None, bool]]:
    return [(s.entry.key, s.rank, s.shared) for s in standings]


def event(rb: Rubric, rows: Mapping[str, Result], **entry_kw: Mapping[str, object]) -> list[Standing]:
    """Rank results keyed by entry key; ``entry_kw[key]`` holds extra Entry fields."""
    entries = [entry(k, **entry_kw.get(k, {})) for k in rows]  # type: ignore[arg-type]
    return rank_event(rb, entries, rows)


# ---- ranks ---------------------------------------------------------------------------------------

def test_shared_ranks_1_2_2_4() -> None:
    rows = {k: result(k, t) for k, t in [("a", 90), ("b", 85), ("c", 85), ("d", 80)]}
    assert ranks(event(make(), rows)) == [("a", 1, False), ("b", 2, True), ("c", 2, True), ("d", 4, False)]


def test_equal_entries_are_listed_by_blind_code() -> None:
    rows = {k: result(k, 85) for k in ["x", "y", "z"]}
    entries = [entry("x", code="C3"), entry("y", code="C1"), entry("z", code="C2")]
    assert ranks(rank_event(make(), entries, rows)) == [("y", 1, True), ("z", 1, True), ("x", 1, True)]


@pytest.mark.parametrize(("a", "b", "chain", "want"), [
    pytest.param("85.004", "84.996", (), [("a", 1, True), ("b", 1, True)],
                 id="85.004 and 84.996 both show 85.00: shared, not a over b"),
    pytest.param("85.004", "84.996", ("criterion:taste",), [("b", 1, False), ("a", 2, False)],
                 id="both show 85.00, then b's higher taste decides"),
    pytest.param("85.005", "85.004", ("criterion:taste",), [("a", 1, False), ("b", 2, False)],
                 id="85.005 shows 85.01 > 85.00: the total decides before the chain"),
])
def test_ranking_is_on_the_rounded_total(a: str, b: str, chain: tuple[str, ...],
                                         want: list[tuple[str, int, bool]]) -> None:
    rows = {"a": result("a", a, criteria={"taste": F(40)}), "b": result("b", b, criteria={"taste": F(42)})}
    assert ranks(event(make(chain), rows)) == want


def test_unranked_entries_come_last_by_code() -> None:
    rows = {"dq": result("dq", 0, disqualified=True), "none": result("none", None), "a": result("a", 50),
            "b": result("b", 0)}
    codes = {"dq": {"code": "A1"}, "none": {"code": "A0"}, "a": {"code": "Z9"}, "b": {"code": "Z8"}}
    standings = event(make(), rows, **codes)
    assert ranks(standings) == [("a", 1, False), ("b", 2, False), ("none", None, False), ("dq", None, False)]
    assert standings[-1].awards == () and standings[-1].honours == ()


# ---- tie-breakers: b always wins (a has the earlier code, so a win for b is the breaker's doing) ------

TIES: list[tuple[str, dict[str, object], dict[str, object]]] = [
    ("criterion:taste", {"criteria": {"taste": F(40)}}, {"criteria": {"taste": F(42)}}),
    ("part:practical", {"parts": {"practical": F(49)}}, {"parts": {"practical": F(50)}}),
    ("kind:measurement", {"criteria": {"exam": F(90), "taste": F(40), "size": F(30)}},
     {"criteria": {"exam": F(80), "taste": F(40), "size": F(35)}}),
    ("kind:score", {"criteria": {"exam": F(80), "taste": F(40), "size": F(30)}},
     {"criteria": {"exam": F(80), "taste": F("40.5"), "size": F(0)}}),
    ("fewer_deductions", {"deductions": 2}, {"deductions": 0}),
    ("untrimmed_mean", {"judge_totals": {"j1": F(80), "j2": F(90), "j3": F(70)}},  # 240/3 = 80
     {"judge_totals": {"j1": F(80), "j2": F(95), "j3": F(70)}}),  # 245/3 = 81.67
    ("dropped", {"dropped": 150}, {"dropped": 160}),
]
ATTR_TIES: list[tuple[str, dict[str, object], dict[str, object]]] = [
    ("lower:time_used", {"time_used": 150}, {"time_used": 140}),
    ("higher:difficulty", {"difficulty": 3.0}, {"difficulty": 3.2}),
    ("lower:time_used", {}, {"time_used": 200}),  # a value missing sorts last
    ("higher:difficulty", {}, {"difficulty": 0}),
]


@pytest.mark.parametrize(("link", "a", "b"), [pytest.param(*t, id=f"{t[0]} {t[1]} vs {t[2]}") for t in TIES])
def test_tie_breakers(link: str, a: dict[str, object], b: dict[str, object]) -> None:
    rb = make([link])
    rows = {"a": result("a", 80, **a), "b": result("b", 80, **b)}  # type: ignore[arg-type]
    assert ranks(event(rb, rows)) == [("b", 1, False), ("a", 2, False)]
    rows = {"a": result("a", 80, **b), "b": result("b", 80, **b)}  # type: ignore[arg-type]
    assert ranks(event(rb, rows)) == [("a", 1, True), ("b", 1, True)]  # equal on the breaker: shared


@pytest.mark.parametrize(("link", "a", "b"), [pytest.param(*t, id=f"{t[0]} {t[1]} vs {t[2]}") for t in ATTR_TIES])
def test_attribute_tie_breakers(link: str, a: dict[str, object], b: dict[str, object]) -> None:
    rows = {"a": result("a", 80), "b": result("b", 80)}
    assert ranks(event(make([link]), rows, a={"attrs": a}, b={"attrs": b})) == [("b", 1, False), ("a", 2, False)]


def test_tie_break_chain_goes_on_while_equal() -> None:
    rb = make(["criterion:taste", "fewer_deductions", "higher:difficulty"])
    rows = {
        "a": result("a", 80, criteria={"taste": F(40)}, deductions=1),
        "b": result("b", 80, criteria={"taste": F(40)}, deductions=0),   # beats a on deductions
        "c": result("c", 80, criteria={"taste": F(41)}, deductions=5),   # beats both on taste
        "d": result("d", 80, criteria={"taste": F(40)}, deductions=0),   # equal to b all the way
    }
    got = ranks(event(rb, rows, b={"attrs": {"difficulty": 2}}, d={"attrs": {"difficulty": 2}}))
    assert got == [("c", 1, False), ("b", 2, True), ("d", 2, True), ("a", 4, False)]


def test_cooking_chain_on_scored_entries() -> None:
    """Two dishes of 85.00, end to end: taste decides (criterion:taste first in the chain)."""
    from tests.factories import COOKING, score

    rb = rubric(COOKING)
    base = {"texture": 17, "technique": 13, "appearance": 13, "hygiene": 5, "innovation": 9}
    # a: every judge 31 taste + 57 = 88; b: taste 32, texture 16 → 88 as well.
    a = score(rb, {f"j{i}": {**base, "taste": 31} for i in range(1, 6)}, entry="a")
    b = score(rb, {f"j{i}": {**base, "taste": 32, "texture": 16} for i in range(1, 6)}, entry="b")
    assert a.total == b.total == F(88)
    assert ranks(rank_event(rb, [entry("a"), entry("b")], {"a": a, "b": b})) == [("b", 1, False), ("a", 2, False)]


# ---- awards ----------------------------------------------------------------------------------------

THRESHOLD = """
[[awards]]
key = "medal"
name = "Medal"
kind = "threshold"
{min_total}
tiers = [
  { key = "gold", name = "Gold", min = 90 },
  { key = "silver", name = "Silver", min = 80 },
  { key = "bronze", name = "Bronze", min = 70 },
]
"""


@pytest.mark.parametrize(("total", "tier"), [
    pytest.param("89.995", "gold", id="89.995 shows 90.00: gold"),
    pytest.param("89.994", "silver", id="89.994 shows 89.99: silver"),
    pytest.param("90", "gold", id="exactly 90: gold"),
    pytest.param("100", "gold", id="100: gold"),
    pytest.param("80", "silver", id="exactly 80: silver"),
    pytest.param("79.995", "silver", id="79.995 shows 80.00: silver"),
    pytest.param("70", "bronze", id="exactly 70: bronze"),
    pytest.param("69.99", None, id="69.99: nothing"),
    pytest.param("0", None, id="0: nothing"),
])
def test_threshold_awards_at_the_cut_offs(total: str, tier: str | None) -> None:
    rb = make(extra=THRESHOLD.replace("{min_total}", ""))
    [s] = event(rb, {"a": result("a", total)})
    got = s.award("medal")
    assert (got.key if got else None) == tier


def test_threshold_min_total_bars_a_tier() -> None:
    rb = make(extra=THRESHOLD.replace("{min_total}", "min_total = 75"))
    got = {s.entry.key: s.award("medal") for s in event(rb, {"a": result("a", 76), "b": result("b", "74.99")})}
    assert got["a"] is not None and got["a"].key == "bronze"
    assert got["b"] is None


def quota(shares: Sequence[int | None] = (10, 20, 30), places: Sequence[int | None] = (), rounding: str = "half_up",
          min_total: int | None = None, pool: str = "") -> AwardRule:
    names = ["first", "second", "third", "merit"]
    tiers = [AwardTier(names[i], Text(names[i], names[i]), share=F(s)) for i, s in enumerate(shares) if s is not None]
    tiers += [AwardTier(names[len(tiers) + i], Text("p", "p"), places=p) for i, p in enumerate(places) if p]
    return AwardRule("prize", Text("Prize", "Prize"), "quota", tuple(tiers), rounding,
                     None if min_total is None else F(min_total), pool)


@pytest.mark.parametrize(("n", "rounding", "want"), [
    pytest.param(36, "half_up", [4, 11, 22], id="36: 3.6→4, 10.8→11, 21.6→22"),
    pytest.param(36, "floor", [3, 10, 21], id="36 floor: 3, 10, 21"),
    pytest.param(36, "ceil", [4, 11, 22], id="36 ceil: 4, 11, 22"),
    pytest.param(34, "half_up", [3, 10, 20], id="34: 3.4→3, 10.2→10, 20.4→20"),
    pytest.param(34, "ceil", [4, 11, 21], id="34 ceil: 4, 11, 21"),
    pytest.param(25, "half_up", [3, 8, 15], id="25: 2.5→3, 7.5→8, 15 (half up at exactly .5)"),
    pytest.param(25, "floor", [2, 7, 15], id="25 floor: 2, 7, 15"),
    pytest.param(3, "half_up", [0, 1, 2], id="3: 0.3→0 (no first prize), 0.9→1, 1.8→2"),
    pytest.param(0, "half_up", [0, 0, 0], id="nobody ranked"),
])
def test_quota_limits(n: int, rounding: str, want: list[int]) -> None:
    assert quota_limits(quota(rounding=rounding), n) == want


@pytest.mark.parametrize(("n", "want"), [
    pytest.param(10, [1, 2, 3, 5], id="places 1,1,1 then top half of 10 = 5"),
    pytest.param(7, [1, 2, 3, 4], id="places 1,1,1 then top half of 7 = 3.5→4"),
])
def test_quota_places_then_top_half(n: int, want: list[int]) -> None:
    rule = AwardRule("p", Text("p", "p"), "quota", (
        AwardTier("gold", Text("g", "g"), places=1), AwardTier("silver", Text("s", "s"), places=1),
        AwardTier("bronze", Text("b", "b"), places=1), AwardTier("merit", Text("m", "m"), share=F(50))))
    assert quota_limits(rule, n) == want


def prizes(rule: AwardRule, totals: Mapping[str, str | int], tags: Mapping[str, dict[str, str]] | None = None,
           ) -> dict[str, str | None]:
    rb = replace(make(), awards=(rule,))
    entries = [entry(k, tags=(tags or {}).get(k)) for k in totals]
    standings = rank_event(rb, entries, {k: result(k, t) for k, t in totals.items()})
    return {s.entry.key: (t.key if (t := s.award("prize")) else None) for s in standings}


def test_quota_awards_of_36() -> None:
    # ranks 1..36 (totals 100, 99, …, 65): first to rank 4, second to 11, third to 22 (see test_quota_limits)
    got = prizes(quota(), {f"e{i:02}": 101 - i for i in range(1, 37)})
    want = {f"e{i:02}": "first" if i <= 4 else "second" if i <= 11 else "third" if i <= 22 else None
            for i in range(1, 37)}
    assert got == want
    assert list(got.values()).count("first") == 4
    assert list(got.values()).count("second") == 7
    assert list(got.values()).count("third") == 11


def test_a_tie_at_a_cut_off_is_inclusive() -> None:
    # n = 10, shares 10/20: limits 1 and 3. Ranks 1,1,3,3,3,6,…: both 100s first, all three 98s second.
    totals = {"a": 100, "b": 100, "c": 98, "d": 98, "e": 98, "f": 95, "g": 90, "h": 85, "i": 80, "j": 75}
    got = prizes(quota((10, 20)), totals)
    assert got == {"a": "first", "b": "first", "c": "second", "d": "second", "e": "second",
                   "f": None, "g": None, "h": None, "i": None, "j": None}


def test_quota_min_total() -> None:
    # n = 10, limits 1, 3, 6; rank 6 (70) is inside third prize's quota but below min_total 72.
    totals = {"a": 95, "b": 90, "c": 85, "d": 80, "e": 75, "f": 70, "g": 65, "h": 60, "i": 55, "j": 50}
    got = prizes(quota(min_total=72), totals)
    assert got == {"a": "first", "b": "second", "c": "second", "d": "third", "e": "third",
                   "f": None, "g": None, "h": None, "i": None, "j": None}


def test_quota_pools_by_tag() -> None:
    # top half of each track: signature has 4 (→ 2), innovative 6 (→ 3); overall ranks do not matter.
    rule = quota((50,), pool="track")
    sig, inn = {"track": "signature"}, {"track": "innovative"}
    totals = {"s1": 95, "s2": 90, "s3": 85, "s4": 80, "i1": 99, "i2": 70, "i3": 60, "i4": 50, "i5": 40, "i6": 30}
    tags = {k: sig if k.startswith("s") else inn for k in totals}
    assert prizes(rule, totals, tags) == {"i1": "first", "s1": "first", "s2": "first", "s3": None, "s4": None,
                                          "i2": "first", "i3": "first", "i4": None, "i5": None, "i6": None}


def test_threshold_and_quota_together() -> None:
    rb = make(extra=THRESHOLD.replace("{min_total}", ""))
    rb = replace(rb, awards=(*rb.awards, quota((50,))))
    standings = event(rb, {"a": result("a", 91), "b": result("b", 75)})
    assert [[t.key for _, t in s.awards] for s in standings] == [["gold", "first"], ["bronze"]]


# ---- honours -----------------------------------------------------------------------------------------

HONOURS = THRESHOLD.replace("{min_total}", "") + """
[[honours]]
key = "champion"
name = "Champion"
rank_max = 1

[[honours]]
key = "youth"
name = "Youth"
awards = ["gold", "silver"]
age_max = 35

[[honours]]
key = "women"
name = "Women"
awards = ["gold"]
gender = "female"
"""


def test_honours() -> None:
    rb = make(extra=HONOURS)
    people = {p.key: p for p in [
        Contestant("p1", "Li", age=30, gender="male"), Contestant("p2", "Wang", age=40, gender="female"),
        Contestant("p3", "Zhao", age=25, gender="female"), Contestant("p4", "Sun", age=50, gender="male"),
        Contestant("p5", "Qian", age=20, gender="female"), Contestant("p6", "Zhou", age=35),
    ]}
    entries = [entry("a", contestants=["p1", "p2"]), entry("b", contestants=["p3"]),
               entry("c", contestants=["p4", "p6"]), entry("d", contestants=["p5"]), entry("x", contestants=["p3"])]
    rows = {"a": result("a", 95), "b": result("b", 92), "c": result("c", 85), "d": result("d", 60),
            "x": result("x", None)}
    got = {s.entry.key: s.honours for s in rank_event(rb, entries, rows, people)}
    assert got == {
        "a": (("champion", ""), ("youth", "p1"), ("women", "p2")),  # rank 1, gold; p1 is 30, p2 a woman of 40
        "b": (("youth", "p3"), ("women", "p3")),                   # gold, p3 is 25 and a woman
        "c": (("youth", "p6"),),                                  # silver: p6 is exactly 35; women needs gold
        "d": (),                                                   # no award
        "x": (),                                                   # unranked
    }


# ---- team standings ------------------------------------------------------------------------------------

TEAM_TOTALS = {"t1a": ("t1", "90"), "t1b": ("t1", "80"), "t1c": ("t1", "70"),
               "t2a": ("t2", "85"), "t2b": ("t2", "84.996"),  # shows 85.00
               "t3a": ("t3", "60"), "t3b": ("t3", None)}  # t3b has no total: it never counts


def team_event() -> list[Standing]:
    rb = make(extra=THRESHOLD.replace("{min_total}", "").replace("min = 90", "min = 88"))
    entries = [Entry(k, "ev", team=t, code=k) for k, (t, _) in TEAM_TOTALS.items()]
    return rank_event(rb, entries, {k: result(k, v) for k, (_, v) in TEAM_TOTALS.items()})


@pytest.mark.parametrize(("rule", "want"), [
    pytest.param(TeamRule("sum"), [("t1", 1, F(240)), ("t2", 2, F(170)), ("t3", 3, F(60)), ("t4", None, None)],
                 id="sum: 90+80+70=240, 85+85=170, 60"),
    pytest.param(TeamRule("mean"), [("t2", 1, F(85)), ("t1", 2, F(80)), ("t3", 3, F(60)), ("t4", None, None)],
                 id="mean: 85, 240/3=80, 60"),
    pytest.param(TeamRule("best_n", n=2), [("t1", 1, F(85)), ("t2", 1, F(85)), ("t3", 3, F(60)), ("t4", None, None)],
                 id="best 2: (90+80)/2=85 ties 85; t3 has only 60"),
    pytest.param(TeamRule("best_n", n=0), [("t1", 1, F(85)), ("t2", 1, F(85)), ("t3", 3, F(60)), ("t4", None, None)],
                 id="best_n n=0: fewest entered is 2 (t2; t3b counts though unscored): 85, 85, 60"),
    pytest.param(TeamRule("best_n", n=2, count_award="gold"),
                 [("t1", 1, F(85)), ("t2", 2, F(85)), ("t3", 3, F(60)), ("t4", None, None)],
                 id="best 2 tie at 85 broken by golds (min 88): t1 has 1, t2 none"),
    pytest.param(TeamRule("mean", events=("other",)),
                 [("t1", None, None), ("t2", None, None), ("t3", None, None), ("t4", None, None)],
                 id="counting only another event: nobody scores"),
])
def test_team_standings(rule: TeamRule, want: list[tuple[str, int | None, Fraction | None]]) -> None:
    got = team_standings(rule, ["t1", "t2", "t3", "t4"], team_event())
    assert [(t.team, t.rank, t.score) for t in got] == want


def test_team_standings_details() -> None:
    got = {t.team: t for t in team_standings(TeamRule("best_n", n=2, count_award="gold"),
                                              ["t1", "t2", "t3", "t4"], team_event())}
    assert got["t1"].counted == ("t1a", "t1b") and got["t1"].entries == 3 and got["t1"].award_count == 1
    assert got["t2"].shared is False and got["t2"].award_count == 0
    assert got["t3"].entries == 2 and got["t3"].counted == ("t3a",)  # t3b is entered but has no total
    assert got["t4"].entries == 0 and got["t4"].shared is False
    shared = {t.team: t.shared for t in team_standings(TeamRule("best_n", n=2), ["t1", "t2", "t3"], team_event())}
    assert shared == {"t1": True, "t2": True, "t3": False}


# ---- incremental ranking ---------------------------------------------------------------------------------

TOTALS = [None, "80", "80.004", "79.996", "85", "90", "0"]


@pytest.mark.parametrize("seed", range(20))
def test_ranking_matches_rank_event_after_random_updates(seed: int) -> None:
    rng = random.Random(seed)
    rb = make(["criterion:taste"])
    entries = [entry(f"e{i}", code=f"C{rng.randrange(100):02}") for i in range(8)]
    ranking = Ranking(rb, entries)
    results: dict[str, Result] = {e.key: result(e.key, None) for e in entries}
    for e in entries:
        ranking.update(results[e.key])
    for _ in range(40):
        key = rng.choice(entries).key
        results[key] = result(key, rng.choice(TOTALS), criteria={"taste": F(rng.choice([10, 20]))},
                              disqualified=rng.random() < 0.1)
        ranking.update(results[key])
        full = {s.entry.key: s.rank for s in rank_event(rb, entries, results)}
        assert {e.key: ranking.rank_of(e.key) for e in entries} == full
        assert ranking.ranked() == sum(1 for r in full.values() if r is not None)
    assert ranks(ranking.standings()) == ranks(rank_event(rb, entries, results))


def _row_view(s: Standing) -> tuple[object, ...]:
    """What a board row shows of a standing, its rank number aside (the page numbers the rows)."""
    return s.shared, s.result.shown, s.result.state, s.result.disqualified, tuple((r.key, t.key) for r, t in s.awards)


@pytest.mark.parametrize("seed", range(30))
def test_ranking_rows_and_what_changed_match_rank_event(seed: int) -> None:
    """Random sheets against quota cut-offs, pools and ties, some partial or flagged (holding their
    place, without awards): every row ``Ranking.row`` answers is
    the full computation's, the order is the same, and every row that changed is among those
    ``update`` said it touched — so a board re-rendering only those never goes stale."""
    rng = random.Random(seed)
    rules = (quota(shares=(10, 20, 30), rounding=rng.choice(["half_up", "floor", "ceil"]),
                   pool="kind" if seed % 2 else ""),
             quota(shares=(), places=(1, 2), min_total=70),
             AwardRule("pass", Text("p", "p"), "threshold", (AwardTier("pass", Text("p", "p"), min=F(80)),)))
    rb = replace(make(["criterion:taste"]), awards=rules)
    entries = [entry(f"e{i:02}", code=f"C{rng.randrange(60):02}", tags={"kind": rng.choice("ab")})
               for i in range(rng.randrange(5, 30))]
    ranking = Ranking(rb, entries)
    results: dict[str, Result] = {e.key: result(e.key, None) for e in entries}
    for e in entries:
        ranking.update(results[e.key])
    seen = {s.entry.key: _row_view(s) for s in rank_event(rb, entries, results)}
    for _ in range(60):
        key = rng.choice(entries).key
        results[key] = result(key, rng.choice([*TOTALS, "70", "75", "80", "95"]),
                              criteria={"taste": F(rng.choice([10, 20]))}, disqualified=rng.random() < 0.05)
        state = rng.choice([EntryState.COMPLETE] * 3 + [EntryState.PARTIAL, EntryState.FLAGGED])
        results[key] = replace(results[key], state=state, complete=state == EntryState.COMPLETE)
        affected = ranking.update(results[key])
        full = rank_event(rb, entries, results)
        assert ranking.order() == [s.entry.key for s in full]
        for n, s in enumerate(full):
            got = ranking.row(s.entry.key)
            assert (got.rank, got.shared, got.awards) == (s.rank, s.shared, s.awards)
            assert ranking.before(s.entry.key) == (full[n - 1].entry.key if n else None)
            assert ranking.position(s.entry.key) == n
        now = {s.entry.key: _row_view(s) for s in full}
        assert {k for k in now if now[k] != seen[k]} <= affected
        assert ranking.scored() == sum(1 for r in results.values() if r.state != "pending")
        seen = now


def test_a_sheet_touches_only_its_neighbourhood() -> None:
    # 200 ranked entries 300.00, 299.00, … 101.00 with quota 10/20/30 %: cut-offs at ranks 20, 60 and 120.
    # A new total of 250.5 for the entry in place 150 moves it to place 51: it, and the entries around
    # each cut-off (the cut-offs do not move: the field is still 200), are all that may change.
    rb = replace(make(), awards=(quota(),))
    entries = [entry(f"e{i:03}", code=f"C{i:03}") for i in range(200)]
    ranking = Ranking(rb, entries)
    for i, e in enumerate(entries):
        ranking.update(result(e.key, str(300 - i)))
    affected = ranking.update(result("e149", "250.5"))
    assert ranking.rank_of("e149") == 51
    assert "e149" in affected
    assert len(affected) <= 1 + 3 * 6
    assert not affected & {"e000", "e100", "e199"}
