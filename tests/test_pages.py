"""The public page contexts follow ``states.Shown`` and decide nothing themselves: the competition
half judged (e1 88.83, e2 80.00, e3 two sheets of five, no total yet), one table of what each
answer puts on the event's page and its home card. Pure: no app, no database."""

from __future__ import annotations

import pytest

from scoreboard import i18n
from scoreboard.intake import score_event
from scoreboard.live.book import Summary
from scoreboard.rubric.sheet import parse_sheet
from scoreboard.standings import Ranking, Standing, rank_event
from scoreboard.states import Shown
from scoreboard.web import pages
from tests.support import competition, half_judged

NOT_PUBLIC = "This event's results are not public yet."
NOT_YET = "Scores are shown when the organizer publishes them."

T, F = True, False
# (scores, names, progress) → notice, rows' (code, title, team, total), scored; the card's leader
CASES = [
    ((T, T, T), "", [("H-101", "黄花炒肉丝", "Datong Hotel", "88.83"),
                     ("H-102", "凉拌黄花菜", "Yungang Restaurant", "80.00"),
                     ("H-103", "黄花饺子", "Datong Hotel", "—")], 3, "黄花炒肉丝 · Datong Hotel 88.83"),
    ((T, F, T), "", [("H-101", "", "", "88.83"), ("H-102", "", "", "80.00"), ("H-103", "", "", "—")], 3,
     "H-101 88.83"),
    ((F, T, T), NOT_YET, [], 3, ""),
    ((F, F, F), NOT_PUBLIC, [], 0, ""),
]


def standings() -> list[Standing]:
    comp = competition()
    hot = comp.event("hot")
    assert hot is not None
    entries = comp.entries_of("hot")
    sheets = [parse_sheet(hot.rubric, s) for s in half_judged()]
    return rank_event(hot.rubric, entries, score_event(hot, entries, sheets))


def summary() -> Summary:
    """The home card's source: what the standings book keeps of the event, nothing ranked."""
    comp = competition()
    hot = comp.event("hot")
    assert hot is not None
    entries = comp.entries_of("hot")
    ranking = Ranking(hot.rubric, entries)
    for result in score_event(hot, entries, [parse_sheet(hot.rubric, s) for s in half_judged()]).values():
        ranking.update(result)
    return Summary(hot, "open", len(entries), ranking.scored(), ranking.leader())


@pytest.mark.parametrize(("seen", "notice", "rows", "scored", "leader"), CASES)
def test_a_page_shows_what_it_is_told(seen: tuple[bool, bool, bool], notice: str,
                                      rows: list[tuple[str, str, str, str]], scored: int, leader: str) -> None:
    scores, names, progress = seen
    shown = Shown(scores=scores, names=names, progress=progress, reveals=F, snapshot=F, teams=F)
    comp = competition()
    hot = comp.event("hot")
    assert hot is not None
    teams = {t.key: t.name.en for t in comp.teams}
    with i18n.using("en"):
        page = pages.event_page(comp, hot, "open", shown, standings(), "/c/cup/e/hot")
        card = pages.event_card(hot, shown, summary(), pages.Directory(teams, {}))
    assert page.notice == notice
    assert [(r.code, r.title, r.team, r.total) for r in page.rows] == rows
    assert [r.dom for r in page.rows] == [f"c-{r[0]}" for r in rows]  # blind: known by code, whoever looks
    assert (page.scored, page.entries, page.show_names, page.progress) == (scored, 3, names, progress)
    assert page.state_label == "scoring"  # the real state, for every audience
    assert (card.scored, card.percent, card.leader, card.progress) == (scored, 100 * scored // 3, leader, progress)


def test_an_award_is_provisional_until_the_event_is_locked() -> None:
    """e1 (88.83) and e2 (80.00) are complete and have their awards; while the event is open their
    places may still change, so their chips say so; once it is locked, they stand."""
    comp = competition()
    hot = comp.event("hot")
    assert hot is not None
    seen = Shown(scores=T, names=T, progress=T, reveals=F, snapshot=F, teams=T)
    for state, provisional in (("open", True), ("closed", True), ("locked", False), ("published", False)):
        page = pages.event_page(comp, hot, state, seen, standings(), "")
        chips = [a for r in page.rows for a in r.awards]
        assert chips and all(a.provisional is provisional for a in chips), state
