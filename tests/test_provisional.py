"""Honest provisional results, in the pure core: quota awards counted on the field that competes,
no award or honour before an entry is complete, an entry accepted with fewer judges, and the
lock that waits for every entry (``states.move_problem``, ``states.accept_problem``).

Every expected value is worked by hand in the comment beside it.
"""

from __future__ import annotations

import pytest

from scoreboard.competition import Competition, Entry, Event
from scoreboard.errors import UserError
from scoreboard.offline import compute
from scoreboard.rubric.model import Rubric
from scoreboard.rubric.score import EntryState, Result, score_entry
from scoreboard.standings import Ranking, Standing, mark_of, rank_event
from scoreboard.states import accept_problem, move_problem
from tests.factories import rubric, sheets

# Two judges score one criterion out of 100 (mean); quota prizes: 一等奖 10 %, 二等奖 20 %, 三等奖 30 %
# (cumulative 10 / 30 / 60 %), half up; an honour for first place.
TWO_JUDGES = """
key = "t"
name = "T"
panel = 2
{panel_min}
criteria = [{{ key = "c", name = "C", kind = "score", max = 100, step = 1 }}]
[[awards]]
key = "prize"
name = "Prize"
kind = "quota"
tiers = [
  {{ key = "first", name = {{ zh = "一等奖", en = "First" }}, share = 10 }},
  {{ key = "second", name = {{ zh = "二等奖", en = "Second" }}, share = 20 }},
  {{ key = "third", name = {{ zh = "三等奖", en = "Third" }}, share = 30 }},
]
[[honours]]
key = "top"
name = "Top"
rank_max = 1
"""


def two_judges(panel_min: int | None = None) -> Rubric:
    return rubric(TWO_JUDGES.format(panel_min="" if panel_min is None else f"panel_min = {panel_min}"))


def field(rb: Rubric, marks: dict[str, dict[str, int]], n: int, accepted: tuple[str, ...] = ()) -> list[Standing]:
    """``n`` entries e01…; ``marks[entry][judge]`` the judges' marks so far; both ways of ranking."""
    entries = [Entry(f"e{i:02}", "ev", code=f"C{i:02}", accepted=f"e{i:02}" in accepted) for i in range(1, n + 1)]
    results = {e.key: score_entry(rb, e.key, sheets(rb, {j: {"c": v} for j, v in marks.get(e.key, {}).items()},
                                                    entry=e.key), accepted=e.accepted) for e in entries}
    full = rank_event(rb, entries, results)
    ranking = Ranking(rb, entries)
    for r in results.values():
        ranking.update(r)
    assert [(ranking.row(s.entry.key).rank, ranking.row(s.entry.key).awards) for s in full] == \
        [(s.rank, s.awards) for s in full]  # the incremental ranking agrees with the full one
    return full


def prizes(standings: list[Standing]) -> dict[str, tuple[int | None, str | None, str]]:
    return {s.entry.key: (s.rank, (t.key if (t := s.award("prize")) else None), str(s.result.state))
            for s in standings if s.result.state != EntryState.PENDING}


def test_quota_counts_the_field_not_the_entries_scored_so_far() -> None:
    # 10 entered, 2 scored by both judges (90 and 80): the cut-offs are those of 10 entries —
    # 10 % → 1 place, 30 % → 3, 60 % → 6 — so e01 gets 一等奖 and e02 二等奖. Counted on the 2 scored
    # (0.2 → 0, 0.6 → 1, 1.2 → 1) e01 would have had 二等奖 and e02 nothing.
    got = field(two_judges(), {"e01": {"j1": 90, "j2": 90}, "e02": {"j1": 80, "j2": 80}}, 10)
    assert prizes(got) == {"e01": (1, "first", "complete"), "e02": (2, "second", "complete")}


def test_a_partial_entry_holds_its_rank_but_gets_no_award_or_honour() -> None:
    # e01 has one of its two judges (95): ranked 1st, provisional, no prize, no honour. e02 (both
    # judges, 80) is 2nd: 二等奖 (2 ≤ 3 of 10). e03 (1 judge, 70) 3rd: nothing.
    got = field(two_judges(), {"e01": {"j1": 95}, "e02": {"j1": 80, "j2": 80}, "e03": {"j2": 70}}, 10)
    assert prizes(got) == {"e01": (1, None, "partial"), "e02": (2, "second", "complete"), "e03": (3, None, "partial")}
    assert got[0].honours == () and mark_of(got[0].result) == "provisional" and mark_of(got[1].result) == ""


def test_an_accepted_entry_is_complete_and_gets_its_award() -> None:
    # panel_min 1: e01 accepted with its one judge (95) is complete: 1st, 一等奖 and the honour.
    got = field(two_judges(panel_min=1), {"e01": {"j1": 95}, "e02": {"j1": 80, "j2": 80}}, 10, accepted=("e01",))
    assert prizes(got) == {"e01": (1, "first", "complete"), "e02": (2, "second", "complete")}
    assert got[0].honours == (("top", ""),)
    assert got[0].result.steps[-1].render() == "accepted with 1 of 2 judges"


def test_an_acceptance_below_the_panel_minimum_counts_for_nothing() -> None:
    # panel_min defaults to the panel (2): an accepted entry with one judge stays partial.
    got = field(two_judges(), {"e01": {"j1": 95}}, 10, accepted=("e01",))
    assert prizes(got) == {"e01": (1, None, "partial")}


def test_a_flagged_entry_gets_no_award() -> None:
    # the judges' marks may differ by 10: e01's 90 and 60 differ by 30, flagged (待复核), ranked 1st on
    # its mean 75, no award; e02 (70, 70) 2nd: 二等奖.
    rb = rubric(TWO_JUDGES.format(panel_min="").replace('step = 1 }', 'step = 1, spread = 10 }'))
    got = field(rb, {"e01": {"j1": 90, "j2": 60}, "e02": {"j1": 70, "j2": 70}}, 10)
    assert prizes(got) == {"e01": (1, None, "flagged"), "e02": (2, "second", "complete")}
    assert mark_of(got[0].result) == "under review"


@pytest.mark.parametrize(("text", "ok"), [
    pytest.param("panel_min = 2", True, id="panel_min = panel"),
    pytest.param("panel_min = 1", True, id="panel_min below"),
    pytest.param("panel_min = 3", False, id="panel_min above the panel"),
    pytest.param("panel_min = 0", False, id="panel_min 0"),
])
def test_panel_min_is_read_within_the_panel(text: str, ok: bool) -> None:
    source = TWO_JUDGES.format(panel_min=text)
    if ok:
        assert rubric(source).fewest == int(text.split("=")[1])
    else:
        with pytest.raises(UserError) as e:
            rubric(source)
        assert "panel_min" in str(e.value.problems[0].place)


def test_panel_min_is_at_least_what_the_aggregation_needs() -> None:
    # trimming one high and one low needs 3 judges: panel_min 2 is refused with a panel of 5
    text = TWO_JUDGES.replace("panel = 2", 'panel = 5\naggregation = {{ method = "trimmed", high = 1, low = 1 }}')
    with pytest.raises(UserError):
        rubric(text.format(panel_min="panel_min = 2"))
    assert rubric(text.format(panel_min="panel_min = 3")).fewest == 3


@pytest.mark.parametrize(("state", "to", "reason", "flagged", "incomplete", "code"), [
    pytest.param("closed", "locked", "", (), ("C01",), "entries_incomplete", id="incomplete: refused"),
    pytest.param("closed", "locked", "checked", (), ("C01",), "entries_incomplete", id="a reason is no sheet"),
    pytest.param("open", "locked", "", ("C02",), ("C01",), "entries_flagged", id="flagged first, without a reason"),
    pytest.param("closed", "locked", "", (), (), None, id="every entry complete: locks"),
    pytest.param("locked", "published", "", (), ("C01",), None, id="only locking asks"),
])
def test_locking_waits_for_every_entry(state: str, to: str, reason: str, flagged: tuple[str, ...],
                                       incomplete: tuple[str, ...], code: str | None) -> None:
    problem = move_problem(state, to, True, reason, flagged, incomplete)
    assert (problem.code if problem else None) == code
    if code == "entries_incomplete":
        assert problem is not None and problem.params["entries"] == "C01"


def _result(marks: dict[str, int], accepted: bool = False, rb: Rubric | None = None) -> Result:
    rb = rb or two_judges(panel_min=1)
    return score_entry(rb, "e01", sheets(rb, {j: {"c": v} for j, v in marks.items()}, entry="e01"), accepted=accepted)


@pytest.mark.parametrize(("marks", "accepted", "accept", "reason", "code"), [
    pytest.param({"j1": 90}, False, True, "j2 sat out", None, id="one of two, panel_min 1: accepted"),
    pytest.param({"j1": 90}, False, True, " ", "reason_missing", id="no reason"),
    pytest.param({"j1": 90, "j2": 80}, False, True, "why", "entry_complete", id="complete: nothing to accept"),
    pytest.param({}, False, True, "why", "panel_short", id="no judges"),
    pytest.param({"j1": 90}, True, True, "why", "entry_already", id="already accepted"),
    pytest.param({"j1": 90}, True, False, "a mistake", None, id="withdrawn"),
    pytest.param({"j1": 90}, False, False, "why", "entry_already", id="not accepted: nothing to withdraw"),
])
def test_accepting_an_entry(marks: dict[str, int], accepted: bool, accept: bool, reason: str,
                            code: str | None) -> None:
    rb = two_judges(panel_min=1)
    problem = accept_problem(rb, _result(marks, accepted), accepted, accept, reason, "C01")
    assert (problem.code if problem else None) == code


def test_accepting_needs_the_panel_minimum() -> None:
    rb = two_judges()  # panel_min = panel = 2: one judge is too few
    problem = accept_problem(rb, _result({"j1": 90}, rb=rb), False, True, "why", "C01")
    assert problem is not None and problem.code == "panel_short"
    assert problem.render() == "entry C01 has 1 complete sheets; at least 2 of the 2 judges are needed to accept it"


def test_offline_standings_give_no_award_to_an_entry_with_one_of_two_judges() -> None:
    # The reference computation follows the same rule: e01 scored by one judge of two (95) is 1st
    # without a prize; e02 (both, 80) is 2nd with 二等奖 on the field of 10.
    rb = two_judges()
    event = Event("ev", rb.name, rb, {})
    entries = tuple(Entry(f"e{i:02}", "ev", code=f"C{i:02}") for i in range(1, 11))
    comp = Competition("cup", rb.name, (event,), (), (), entries, ())
    cards = sheets(rb, {"j1": {"c": 95}}, entry="e01") + sheets(rb, {"j1": {"c": 80}, "j2": {"c": 80}}, entry="e02")
    got = compute(comp, cards)["ev"]
    assert prizes(got) == {"e01": (1, None, "partial"), "e02": (2, "second", "complete")}
