"""Paper sheets entered twice (纸质评分表双人录入), through the service the console calls: the first
entry keeps nothing but itself; a second entry by the same clerk is refused; a second that agrees
(8.5 and 8.50 alike) stores the judge's sheet once, with both clerks in its audit record; one that
differs stores nothing until someone takes the entry the paper shows; a typing mistake a tablet
could not send is refused and keeps nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from scoreboard import i18n
from scoreboard.app import create_app
from scoreboard.errors import UserError
from scoreboard.rubric.names import said
from scoreboard.services.paper import whole
from scoreboard.settings import Settings
from scoreboard.store.audit import audit_log
from scoreboard.store.engine import make_engine, migrate, session
from scoreboard.store.sheets import sheets_of_entry
from tests.support import running, seed

EIGHTY = {"taste": "28", "texture": "16", "technique": "12", "appearance": "12", "hygiene": "4", "innovation": "8"}


@pytest.fixture
def db(tmp_path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path / 'paper.db'}")
    migrate(engine)
    seed(engine)
    return engine


@pytest.fixture
async def state(db: Engine) -> AsyncIterator[dict[str, Any]]:
    app = create_app(Settings.from_env(env_file=None, database_url="sqlite://"), engine=db)
    async with running(app) as (_client, st):
        yield st


def stored(db: Engine, entry: str) -> list[tuple[str, int, dict[str, Any]]]:
    with session(db) as s:
        return [(x.judge, x.revision, {k: str(v) for k, v in x.marks.items()})
                for x in sheets_of_entry(s, "cup", entry)]


async def test_two_clerks_who_agree_make_the_sheet_count(state: dict[str, Any], db: Engine) -> None:
    paper = state["paper"]
    assert await paper.enter("cup", "hot", "e1", "j1", EIGHTY, "organizer:wang") == "waiting"
    assert stored(db, "e1") == []  # one entry counts for nothing
    with pytest.raises(UserError, match="another clerk"):
        await paper.enter("cup", "hot", "e1", "j1", EIGHTY, "organizer:wang")
    again = {**EIGHTY, "taste": "28.0"}  # the same number, typed otherwise
    assert await paper.enter("cup", "hot", "e1", "j1", again, "organizer:li") == "agreed"
    assert stored(db, "e1") == [("j1", 1, EIGHTY)]
    with session(db) as s:
        [record] = audit_log(s, action="paper.agreed")
        entries = audit_log(s, action="paper.entered")
    assert record.actor == "organizer:li" and record.detail["first_by"] == "organizer:wang"
    assert [(r.actor, r.detail["entry_no"]) for r in entries] == [("organizer:wang", 1), ("organizer:li", 2)]
    assert (await _desk(state)).open == ()


async def _desk(state: dict[str, Any]) -> Any:
    return await run_in_threadpool(state["paper"].read, "cup", "hot")


async def test_entries_that_differ_wait_for_the_paper_to_decide(state: dict[str, Any], db: Engine) -> None:
    paper = state["paper"]
    await paper.enter("cup", "hot", "e2", "j2", EIGHTY, "organizer:wang")
    assert await paper.enter("cup", "hot", "e2", "j2", {**EIGHTY, "taste": "26"}, "organizer:li") == "differs"
    assert stored(db, "e2") == []
    [open_] = (await _desk(state)).open
    assert (open_.state, open_.first["marks"]["taste"], (open_.second or {})["marks"]["taste"]) == (
        "differs", "28", "26")
    with pytest.raises(UserError, match="resolve"):  # a third entry waits for the decision
        await paper.enter("cup", "hot", "e2", "j2", EIGHTY, "organizer:zhao")
    await paper.resolve("cup", "hot", open_.id, "second", "organizer:zhao")
    assert stored(db, "e2") == [("j2", 1, {**EIGHTY, "taste": "26"})]
    with session(db) as s:
        [record] = audit_log(s, action="paper.resolved")
    assert record.detail["choice"] == "second" and record.actor == "organizer:zhao"
    with pytest.raises(UserError):  # resolved once
        await paper.resolve("cup", "hot", open_.id, "first", "organizer:zhao")


@pytest.mark.parametrize(("entry", "judge", "marks", "code"), [
    ("e1", "j1", {**EIGHTY, "taste": "36"}, "mark_range"),  # taste is out of 35
    ("e1", "j1", {**EIGHTY, "taste": "八"}, "mark_type"),
    ("e1", "j1", {}, "paper_empty"),
    ("e1", "j6", EIGHTY, "judge_unknown"),  # j6 does not judge hot
    ("nope", "j1", EIGHTY, "entry_unknown"),
])
async def test_a_sheet_a_tablet_could_not_send_is_refused(state: dict[str, Any], db: Engine, entry: str,
                                                         judge: str, marks: dict[str, str], code: str) -> None:
    with pytest.raises(UserError) as caught:
        await state["paper"].enter("cup", "hot", entry, judge, marks, "organizer:wang")
    assert code in {p.code for p in caught.value.problems}
    assert (await _desk(state)).open == ()


async def test_deductions_on_paper_must_agree_by_rule_and_amount(state: dict[str, Any], db: Engine) -> None:
    """3 minutes over time on both entries (the reasons typed differently): they agree, the first
    reason is kept. 3 minutes against 2: they differ, and nothing counts."""
    paper = state["paper"]
    late = [{"key": "overtime", "minutes": 3, "reason": "超时3分钟"}]
    await paper.enter("cup", "hot", "e1", "j3", EIGHTY, "organizer:wang", late)
    assert await paper.enter("cup", "hot", "e1", "j3", EIGHTY, "organizer:li",
                             [{"key": "overtime", "minutes": 3, "reason": "超时 3 分钟"}]) == "agreed"
    with session(db) as s:
        [stored_sheet] = [x for x in sheets_of_entry(s, "cup", "e1") if x.judge == "j3"]
    assert [(d.key, d.amount, d.reason) for d in stored_sheet.deductions] == [("overtime", 3, "超时3分钟")]
    await paper.enter("cup", "hot", "e2", "j3", EIGHTY, "organizer:wang", late)
    assert await paper.enter("cup", "hot", "e2", "j3", EIGHTY, "organizer:li",
                             [{"key": "overtime", "minutes": 2, "reason": "超时"}]) == "differs"
    assert [x for x in stored(db, "e2") if x[0] == "j3"] == []


def test_what_a_form_types_becomes_a_number_only_when_it_is_one() -> None:
    """A superscript two or forty nines stay text, for the sheet's checks to refuse; they never
    break the reading of the form."""
    assert [whole(t) for t in ("3", "03", "²", "٣", "9" * 40, "-1", "")] == [3, 3, "²", "٣", "9" * 40, "-1", ""]


async def test_a_refusal_names_the_criterion_as_the_page_shows_it(state: dict[str, Any]) -> None:
    with pytest.raises(UserError) as caught:
        await state["paper"].enter("cup", "hot", "e1", "j1", {**EIGHTY, "taste": "36"}, "organizer:wang")
    hot = (await _desk(state)).event
    assert said(caught.value.problems, hot.rubric, "zh_CN", i18n.translations("zh_CN").gettext) == [
        "口味：36 超出范围 0–35"]
