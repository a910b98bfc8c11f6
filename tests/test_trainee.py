"""Trainee judges (见习评委): assigned and marking like any judge of the panel, their sheets stored
and compared with the panel's — in the consistency report and on the chief judge's review page —
never counted, so never in a total, a rank, a reveal card or a public page.

The event: hot dishes (cooking_hot: five judges, their totals trimmed of the highest and the
lowest, the mean of the middle three). Judges j1–j5 each give every dish 80 (EIGHTY); j6, a
trainee, gives dish e1 a 90 (taste 38 instead of 28) and e2 a 70 (taste 18).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import Engine

from scoreboard.competition import parse_competition
from scoreboard.errors import UserError
from scoreboard.exports.consistency import export_consistency
from scoreboard.exports.source import load_export_data
from scoreboard.live.book import StandingsBook
from scoreboard.rubric.load import load_preset
from scoreboard.rubric.score import score_entry
from scoreboard.rubric.sheet import Sheet
from scoreboard.store.engine import session
from scoreboard.store.events import set_event_state
from scoreboard.store.load import save_competition
from scoreboard.store.sheets import record_sheet
from scoreboard.web.console_review import review_of
from tests.support import EIGHTY

HOT = load_preset("cooking_hot")
PANEL = [f"j{i}" for i in range(1, 6)]
CUP: dict[str, Any] = {
    "competition": {"key": "cup", "name": {"zh": "工匠杯", "en": "Cup"}},
    "events": [{"key": "hot", "name": {"zh": "热菜", "en": "Hot dishes"}, "rubric": "cooking_hot"}],
    "entries": [{"key": "e1", "event": "hot", "code": "H-1"}, {"key": "e2", "event": "hot", "code": "H-2"}],
    "judges": [*({"key": j, "name": f"评委{j[1]}", "events": ["hot"]} for j in PANEL),
               {"key": "j6", "name": "见习甲", "events": ["hot"], "roles": {"hot": ["trainee"]}}],
}


def sheet(entry: str, judge: str, taste: int = 28) -> Sheet:
    marks = {k: Fraction(v) for k, v in {**EIGHTY, "taste": taste}.items()}
    return Sheet(f"{entry}-{judge}", entry, judge, marks)


def test_a_trainee_s_sheet_is_never_counted() -> None:
    roles = {**{j: frozenset[str]() for j in PANEL}, "j6": frozenset({"trainee"})}
    panel = [sheet("e1", j) for j in PANEL]
    with_trainee = score_entry(HOT, "e1", [*panel, sheet("e1", "j6", 38)], roles=roles)
    assert with_trainee == score_entry(HOT, "e1", panel, roles=roles)  # the same result, to the last step
    assert with_trainee.shown == 80 and "j6" not in with_trainee.judge_totals and with_trainee.complete
    # four of the panel and the trainee are not five judges: the dish is still provisional
    short = score_entry(HOT, "e1", [*panel[:4], sheet("e1", "j6")], roles=roles)
    assert not short.complete and set(short.judge_totals) == set(PANEL[:4])


def test_trainee_is_a_role_of_the_competition_file_not_a_marker() -> None:
    comp = parse_competition(CUP, "cup")
    assert comp.roles_in("hot")["j6"] == frozenset({"trainee"})
    bad = {**CUP, "events": [{**CUP["events"][0], "rubric": {**HOT_TABLE, "criteria": [
        {**HOT_TABLE["criteria"][0], "markers": "trainee"}, *HOT_TABLE["criteria"][1:]]}}]}
    with pytest.raises(UserError, match="markers"):
        parse_competition(bad, "cup")


HOT_TABLE = parse_competition(CUP, "cup").events[0].rubric_data


@pytest.fixture
def judged(engine: Engine) -> Engine:
    with session(engine, write=True) as s:
        save_competition(s, parse_competition(CUP, "cup"))
        set_event_state(s, "cup", "hot", "open", actor="test")
        for entry in ("e1", "e2"):
            for j in PANEL:
                record_sheet(s, "cup", sheet(entry, j), "test")
        record_sheet(s, "cup", sheet("e1", "j6", 38), "test")
        record_sheet(s, "cup", sheet("e2", "j6", 18), "test")
        s.commit()
    return engine


def test_the_standings_leave_the_trainee_out(judged: Engine) -> None:
    _event, _state, standings = StandingsBook(judged).standings("cup", "hot")
    assert [(s.entry.key, s.result.shown, sorted(s.result.judge_totals)) for s in standings] == [
        ("e1", 80, PANEL), ("e2", 80, PANEL)]


def test_the_consistency_report_compares_the_trainee_with_the_panel(judged: Engine, tmp_path: Any) -> None:
    with session(judged) as s:
        data = load_export_data(s, "cup")
    path = tmp_path / "consistency.html"
    export_consistency(data, path, locale="zh_CN")
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")

    def cells(judge: str) -> list[str]:
        row = soup.select_one(f"#judge-hot-{judge}")
        assert row is not None
        return [td.get_text(strip=True) for td in row.select("td")]

    # the panel's reference is 80 on both dishes: j6 is +10 on e1 and −10 on e2 → mean 0, mean absolute 10
    assert cells("j6") == ["见习甲（见习） (j6)", "2", "0.00", "10.00", "0"]
    assert cells("j1") == ["评委1 (j1)", "2", "0.00", "0.00", "0"]  # the trainee moved nobody's reference


def test_the_review_page_shows_the_trainee_beside_the_panel(judged: Engine) -> None:
    review = review_of(judged, StandingsBook(judged), "cup", "hot", "e1")
    assert review.judges[-1] == "见习甲（j6，见习）"
    assert review.judge_totals[-1] == "90.00" and review.judge_totals[0] == "80.00"
    assert review.rescore_judge != "j6"
