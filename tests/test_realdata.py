"""Real published results, reproduced: the Paris 2024 men's 10 m platform final (every dive's points,
every total, the places) and every round of the four individual events of Sydney 2000 (every diver's
place, under that year's rule, and who went on to the next round). The data and the converter:
``tests/realdata.py``; nothing here is computed by hand but the expected places and totals, which
are the published ones."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
import tomli_w

from scoreboard import i18n
from scoreboard.competition import Competition, load_competition, parse_competition
from scoreboard.intake import score_event
from scoreboard.offline import read_sheets, standings_report
from scoreboard.rounds import ContestantStanding, round_standings, start_list
from scoreboard.rubric.score import Result
from scoreboard.rubric.sheet import parse_sheet
from tests.realdata import DATA, EVENTS, Converted, paris, sydney


def scored(conv: Converted) -> tuple[Competition, dict[str, dict[str, Result]]]:
    """The converted competition, as its file would load, and every entry's result by event."""
    comp = parse_competition(conv.competition, "realdata")
    event_of = {e.key: e.event for e in comp.entries}
    results = {}
    for ev in comp.events:
        sheets = [parse_sheet(ev.rubric, raw) for raw in conv.sheets if event_of[raw["entry"]] == ev.key]
        results[ev.key] = score_event(ev, comp.entries_of(ev.key), sheets)
    return comp, results


def places(standings: list[ContestantStanding]) -> dict[str, int | None]:
    return {s.total.contestant: s.rank for s in standings}


def test_paris_2024_every_dive_scores_its_published_points() -> None:
    conv = paris()
    comp, results = scored(conv)
    with (DATA / "divingParis.csv").open(encoding="utf-8") as f:
        published = {(r["Diver_Name"], r["Round_Number"]): Fraction(Decimal(r["Round_Score"]))
                     for r in csv.DictReader(f)}
    ours = {(conv.names[e.contestants[0]], e.key.rsplit("-", 1)[1]): results["final"][e.key].shown
            for e in comp.entries}
    assert len(ours) == 72 and ours == published


def test_paris_2024_totals_and_places_are_the_published_ones() -> None:
    conv = paris()
    comp, results = scored(conv)
    standings = round_standings(comp, comp.events[0], results)
    table = {conv.names[s.total.contestant]: (s.rank, s.total.total) for s in standings}
    assert table["Cao Yuan"] == (1, Fraction("547.50"))  # gold
    assert table["Tamai Rikuto"] == (2, Fraction("507.65"))  # silver
    assert table["Noah Williams"] == (3, Fraction("497.35"))  # bronze
    assert table["Yang Hao"] == (12, Fraction("390.20"))
    assert sorted(rank for rank, _ in table.values()) == list(range(1, 13))
    assert all(s.total.complete and len(s.total.parts) == 6 for s in standings)


@pytest.mark.parametrize("event", sorted(EVENTS))
def test_sydney_2000_every_place_of_every_round(event: str) -> None:
    conv = sydney(event)
    comp, results = scored(conv)
    wrong = []
    for ev in comp.events:
        for key, rank in places(round_standings(comp, ev, results)).items():
            if rank != conv.places[(ev.key, key)]:
                wrong.append((ev.key, conv.names[key], rank, conv.places[(ev.key, key)]))
    assert wrong == []
    assert len(conv.places) == sum(len({c for e in comp.entries_of(ev.key) for c in e.contestants})
                                   for ev in comp.events)  # every diver of every round was placed


@pytest.mark.parametrize("event", sorted(EVENTS))
def test_sydney_2000_who_qualified_is_who_dived_the_next_round(event: str) -> None:
    conv = sydney(event)
    comp, results = scored(conv)
    prelim, semi, final = comp.events
    divers: dict[str, set[str]] = defaultdict(set)
    for e in comp.entries:
        divers[e.event].update(e.contestants)
    for before, after in ((prelim, semi), (semi, final)):
        went_on = start_list(round_standings(comp, before, results))
        assert set(went_on) == divers[after.key], (before.key, after.key)
        assert len(went_on) == len(set(went_on))


def test_sydney_2000_a_tie_at_the_cut_takes_both_through() -> None:
    """Women's 3 m springboard: two divers shared 18th place in the preliminary, and both dived the
    semi-final: 19 went on, not 18."""
    conv = sydney("W3mSB")
    comp, results = scored(conv)
    standings = round_standings(comp, comp.events[0], results)
    at_cut = [s for s in standings if s.rank == 18]
    assert len(at_cut) == 2 and all(s.shared and s.qualified for s in at_cut)
    assert sum(s.qualified for s in standings) == 19
    assert not any(s.qualified for s in standings if s.rank is not None and s.rank > 18)


def test_sydney_2000_the_final_carries_the_semi_final_not_the_preliminary() -> None:
    """XIONG Ni, men's 3 m springboard: his final standing is his semi-final points plus his final's."""
    conv = sydney("M3mSB")
    comp, results = scored(conv)
    xiong = next(k for k, n in conv.names.items() if n == "XIONG Ni")
    semi = {s.total.contestant: s.total for s in round_standings(comp, comp.events[1], results)}[xiong]
    final = {s.total.contestant: s for s in round_standings(comp, comp.events[2], results)}[xiong]
    assert final.total.carried == semi.points
    assert final.total.total == semi.points + final.total.points
    assert final.rank == 1
    # the first two dives of his final, worked by hand in the diving_2000 preset: 79.05 and 72.90
    assert [p.points for p in final.total.parts[:2]] == [Fraction("79.05"), Fraction("72.90")]


def test_offline_standings_of_a_round_file_give_the_published_result(tmp_path: Path) -> None:
    """What a third party does to check the published final: the competition file and the sheets
    file through ``scoreboard standings`` (offline), in JSON and as text."""
    conv = paris()
    (tmp_path / "paris.toml").write_text(tomli_w.dumps(conv.competition), encoding="utf-8")
    (tmp_path / "sheets.jsonl").write_text("".join(json.dumps(s, ensure_ascii=False) + "\n" for s in conv.sheets),
                                           encoding="utf-8")
    comp = load_competition(tmp_path / "paris.toml")
    sheets = read_sheets(comp, tmp_path / "sheets.jsonl")
    report = json.loads(standings_report(comp, sheets, "json"))
    top = [(c["name"], c["rank"], c["total"]) for c in report["contestants"]["final"][:3]]
    assert top == [("Cao Yuan", 1, "547.50"), ("Tamai Rikuto", 2, "507.65"), ("Noah Williams", 3, "497.35")]
    with i18n.using("en"):
        text = standings_report(comp, sheets, "text")
    assert "Contestants' totals" in text and "Cao Yuan" in text and "547.50" in text
