"""Totals across entries, rounds, carry-over and the qualification cut, with hand-worked values;
and what the competition file says about rounds (docs/competition.md)."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from scoreboard.competition import Entry, Round, parse_competition
from scoreboard.errors import UserError
from scoreboard.rounds import (
    ContestantTotal,
    carried_points,
    contestant_totals,
    rank_contestants,
    round_standings,
    start_list,
)
from scoreboard.rubric.model import Text
from scoreboard.store.engine import session
from scoreboard.store.load import load_competition, save_competition
from tests.factories import result


def entry(key: str, *people: str, event: str = "r1") -> Entry:
    return Entry(key, event, contestants=people)


def test_a_contestants_total_is_the_sum_of_their_entries_shown_totals() -> None:
    # theory 80 and practical 70.25 → 150.25; a pair's entry counts for each of the two
    entries = [entry("t-a", "a"), entry("p-a", "a"), entry("pair", "a", "b")]
    results = {"t-a": result("t-a", 80), "p-a": result("p-a", "70.25"), "pair": result("pair", 9)}
    totals = {t.contestant: t for t in contestant_totals(entries, results)}
    assert totals["a"].points == Fraction("159.25") and totals["a"].total == Fraction("159.25")
    assert [p.entry for p in totals["a"].parts] == ["p-a", "pair", "t-a"]  # by code, then key
    assert totals["b"].points == 9


def test_an_entry_not_yet_scored_adds_nothing_and_keeps_the_total_incomplete() -> None:
    entries = [entry("1", "a"), entry("2", "a"), entry("3", "b")]
    results = {"1": result("1", 50), "2": result("2", None), "3": result("3", None)}
    totals = {t.contestant: t for t in contestant_totals(entries, results)}
    assert totals["a"].points == 50 and not totals["a"].complete
    assert totals["b"].points is None and totals["b"].total is None
    assert [s.rank for s in rank_contestants(totals.values())] == [1, None]


def test_a_share_of_the_round_before_is_carried() -> None:
    before = [ContestantTotal("a", (), Fraction(300), Fraction(0), True),
              ContestantTotal("b", (), Fraction("250.5"), Fraction(0), True),
              ContestantTotal("c", (), None, Fraction(0), False)]
    assert carried_points(before, Fraction(50)) == {"a": 150, "b": Fraction("125.25")}
    assert carried_points(before, Fraction(0)) == {}
    now = contestant_totals([entry("x", "a")], {"x": result("x", 10)}, carried_points(before, Fraction(50)))
    assert (now[0].points, now[0].carried, now[0].total) == (10, 150, 160)


def totals(*pairs: tuple[str, int | str]) -> list[ContestantTotal]:
    return [ContestantTotal(k, (), Fraction(v), Fraction(0), True) for k, v in pairs]


def test_the_best_qualify_and_all_tied_at_the_cut_go_on() -> None:
    # 100, 90, 90, 80 with 2 places: 90 and 90 share 2nd, so three go on
    standings = rank_contestants(totals(("a", 100), ("b", 90), ("c", 90), ("d", 80)), qualify=2)
    assert [(s.total.contestant, s.rank, s.shared, s.qualified) for s in standings] == [
        ("a", 1, False, True), ("b", 2, True, True), ("c", 2, True, True), ("d", 4, False, False)]
    # the start list: the lowest placed qualifier first
    assert start_list(standings) == ["c", "b", "a"]


def test_a_tie_above_the_cut_does_not_widen_it() -> None:
    standings = rank_contestants(totals(("a", 90), ("b", 90), ("c", 80), ("d", 70)), qualify=3)
    assert [s.qualified for s in standings] == [True, True, True, False]
    assert not any(s.qualified for s in rank_contestants(totals(("a", 1)), qualify=0))  # a last round


ROUNDS: dict[str, Any] = {
    "competition": {"key": "cup", "name": "杯"},
    "events": [
        {"key": "pre", "name": "预赛", "rubric": "diving", "totals": "contestant",
         "round": {"name": "预赛", "qualify": 2}},
        {"key": "fin", "name": "决赛", "rubric": "diving", "totals": "contestant",
         "round": {"name": "决赛", "after": "pre", "carry": 50}},
    ],
    "contestants": [{"key": k, "name": k.upper()} for k in "abc"],
    "entries": [{"key": f"pre-{k}", "event": "pre", "contestants": [k], "attrs": {"difficulty": 2}} for k in "abc"]
    + [{"key": f"fin-{k}", "event": "fin", "contestants": [k], "attrs": {"difficulty": 2}} for k in "ab"],
}


def test_a_round_carries_half_of_the_round_before_into_its_standing() -> None:
    comp = parse_competition(ROUNDS, "rounds")
    pre, fin = comp.events
    assert fin.round is not None and (fin.round.after, fin.round.carry, fin.round.qualify) == ("pre", 50, 0)
    results = {"pre": {"pre-a": result("pre-a", 60), "pre-b": result("pre-b", 100), "pre-c": result("pre-c", 40)},
               "fin": {"fin-a": result("fin-a", 90), "fin-b": result("fin-b", 30)}}
    first = round_standings(comp, pre, results)
    assert [(s.total.contestant, s.rank, s.qualified) for s in first] == [("b", 1, True), ("a", 2, True),
                                                                           ("c", 3, False)]
    # a: 90 + 60 / 2 = 120; b: 30 + 100 / 2 = 80
    final = round_standings(comp, fin, results)
    assert [(s.total.contestant, s.total.carried, s.total.total, s.rank) for s in final] == [
        ("a", 30, 120, 1), ("b", 50, 80, 2)]


@pytest.mark.parametrize(("change", "where"), [
    ({"totals": "entry"}, "events[1].totals"),  # a round ranks contestants
    ({"round": {"name": "决赛", "after": "fin"}}, "events[1].round.after"),  # not after itself
    ({"round": {"name": "决赛", "after": "nowhere"}}, "events[1].round.after"),
    ({"round": {"name": "决赛", "carry": 50}}, "events[1].round.carry"),  # a first round carries nothing
    ({"round": {"name": "决赛", "after": "pre", "carry": 150}}, "events[1].round.carry"),
    ({"round": {"name": "决赛", "after": "pre", "qualify": -1}}, "events[1].round.qualify"),
    ({"totals": "team"}, "events[1].totals"),
])
def test_a_mistaken_round_is_refused_with_where_it_is(change: dict[str, Any], where: str) -> None:
    data = {**ROUNDS, "events": [ROUNDS["events"][0], {**ROUNDS["events"][1], **change}]}
    with pytest.raises(UserError) as caught:
        parse_competition(data, "rounds")
    assert {p.place.rsplit(" ", 1)[-1] for p in caught.value.problems} == {where}


def test_a_round_must_come_after_a_round() -> None:
    data = {**ROUNDS, "events": [{**ROUNDS["events"][0], "round": None} | {"totals": "contestant"},
                                 ROUNDS["events"][1]]}
    data["events"][0].pop("round")
    with pytest.raises(UserError) as caught:
        parse_competition(data, "rounds")
    assert [p.place.rsplit(" ", 1)[-1] for p in caught.value.problems] == ["events[1].round.after"]


def test_rounds_are_stored_as_the_file_says(engine: Engine) -> None:
    comp = parse_competition(ROUNDS, "rounds")
    with session(engine) as s:
        save_competition(s, comp)
        s.commit()
    with session(engine) as s:
        again = load_competition(s, "cup")
    assert [(e.key, e.totals, e.round) for e in again.events] == [(e.key, e.totals, e.round) for e in comp.events]
    assert again.events[1].round == Round(Text("决赛", "决赛"), "pre", Fraction(50), 0)


def test_before_a_round_is_scored_its_standing_is_the_start_list() -> None:
    """Nothing of the final scored yet: it lists who qualified, the lowest placed first (a, 2nd,
    then b, 1st), each with what they carry (half of 60 and of 100); c did not qualify. A qualifier
    without an entry in the final yet is on it all the same."""
    data = {**ROUNDS, "entries": [x for x in ROUNDS["entries"] if x["key"] != "fin-a"]}
    comp = parse_competition(data, "rounds")
    results = {"pre": {"pre-a": result("pre-a", 60), "pre-b": result("pre-b", 100), "pre-c": result("pre-c", 40)}}
    final = round_standings(comp, comp.events[1], results)
    assert [(s.total.contestant, s.rank, s.total.carried, s.total.total) for s in final] == [
        ("a", None, 30, None), ("b", None, 50, None)]
