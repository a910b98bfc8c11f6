"""Correcting a roster through the roster service: editing, deleting (refused once scored),
withdrawing (the entry leaves the ranking, with hand-worked ranks, and comes back when reinstated)
and importing a corrected roster again (new / changed / unchanged rows). Each write is audited and
announced; a refused one changes, audits and announces nothing."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from scoreboard.changes import Change, CompetitionChanged
from scoreboard.errors import UserError
from scoreboard.live.book import StandingsBook
from scoreboard.live.bus import MemoryBus
from scoreboard.roster import CHANGED, NEW, UNCHANGED, plan_import
from scoreboard.services.announcer import Announcer
from scoreboard.services.roster import RosterService
from scoreboard.services.sheets import SheetService
from scoreboard.store import tables as db
from scoreboard.store.audit import audit_log
from scoreboard.store.engine import session
from scoreboard.store.load import load_competition
from tests.support import EIGHTY, half_judged, seed

# five judges' sheets of 85 each (30 + 17 + 13 + 12 + 5 + 8): trimmed mean 85.00
EIGHTY_FIVE = {"taste": 30, "texture": 17, "technique": 13, "appearance": 12, "hygiene": 5, "innovation": 8}


class Cup:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.book = StandingsBook(engine)
        self.bus = MemoryBus()

        async def settle(change: Change) -> None:
            self.book.apply(change)

        self.roster = RosterService(engine, Announcer(self.bus, settle))
        self.sheets = SheetService(engine, MemoryBus(), self.book)

    async def judge(self, raws: list[dict[str, object]]) -> None:
        for raw in raws:
            await self.sheets.submit("cup", str(raw["judge"]), raw)

    def ranks(self, event: str = "hot") -> list[tuple[str, int | None, str]]:
        _ev, _state, standings = self.book.standings("cup", event)
        return [(s.entry.key, s.rank, f"{float(s.result.total):.2f}" if s.result.total is not None else "")
                for s in standings]

    def entry(self, key: str) -> db.Entry:
        with session(self.engine) as s:
            return s.exec(select(db.Entry).where(db.Entry.key == key)).one()

    def audited(self, action: str) -> list[db.AuditLog]:
        with session(self.engine) as s:
            return audit_log(s, action=action)


@pytest.fixture
async def cup(engine: Engine) -> Cup:
    seed(engine)
    c = Cup(engine)
    await c.judge(half_judged())
    return c


def drained(queue: asyncio.Queue[Change]) -> list[Change]:
    out = []
    while not queue.empty():
        out.append(queue.get_nowait())
    return out


async def test_withdrawing_an_entry_takes_it_out_of_the_ranking_and_reinstating_brings_it_back(cup: Cup) -> None:
    await cup.judge([{"id": f"e3-j{i}", "entry": "e3", "judge": f"j{i}", "marks": EIGHTY_FIVE} for i in range(3, 6)])
    await cup.judge([{"id": f"e3-j{i}b", "entry": "e3", "judge": f"j{i}", "marks": EIGHTY_FIVE, "revision": 2,
                      "reason": "fix"} for i in (1, 2)])
    # e1: 88.83 (the golden case), e3: 85.00, e2: 80.00
    assert cup.ranks() == [("e1", 1, "88.83"), ("e3", 2, "85.00"), ("e2", 3, "80.00")]
    async with cup.bus.subscribe() as queue:
        await cup.roster.withdraw_entry("cup", "e1", True, "选手因伤退赛", "organizer:admin")
        assert drained(queue) == [CompetitionChanged("cup")]
    assert cup.ranks() == [("e3", 1, "85.00"), ("e2", 2, "80.00")]
    row = cup.entry("e1")
    assert row.withdrawn and row.withdrawn_reason == "选手因伤退赛"
    with session(cup.engine) as s:
        assert len(s.exec(select(db.Sheet).where(db.Sheet.entry_id == row.id)).all()) == 5  # the sheets stay
        assert "e1" not in {e.key for e in load_competition(s, "cup").entries}
        assert "e1" in {e.key for e in load_competition(s, "cup", withdrawn=True).entries}
    [logged] = cup.audited("entry.withdrawn")
    assert (logged.subject, logged.reason, logged.actor) == ("entry:e1", "选手因伤退赛", "organizer:admin")
    # a withdrawn entry takes no more sheets: the judges' tablets no longer know it
    with pytest.raises(UserError):
        await cup.judge([{"id": "e1-j1-late", "entry": "e1", "judge": "j1", "marks": EIGHTY, "revision": 2,
                          "reason": "late"}])
    await cup.roster.withdraw_entry("cup", "e1", False, "", "organizer:admin")
    assert cup.ranks() == [("e1", 1, "88.83"), ("e3", 2, "85.00"), ("e2", 3, "80.00")]
    assert [a.subject for a in cup.audited("entry.reinstated")] == ["entry:e1"]


async def test_a_withdrawal_needs_a_reason_and_an_event_that_is_not_locked(cup: Cup) -> None:
    async with cup.bus.subscribe() as queue:
        with pytest.raises(UserError) as no_reason:
            await cup.roster.withdraw_entry("cup", "e2", True, "  ", "organizer:admin")
        assert drained(queue) == []
    assert no_reason.value.code == "reason_missing" and not cup.entry("e2").withdrawn
    with session(cup.engine, write=True) as s:
        from scoreboard.store.events import set_event_state

        set_event_state(s, "cup", "hot", "locked", actor="test", reason="done")
        s.commit()
    with pytest.raises(UserError) as fixed:
        await cup.roster.withdraw_entry("cup", "e2", True, "退赛", "organizer:admin")
    assert fixed.value.code == "event_fixed" and cup.audited("entry.withdrawn") == []


async def test_an_entry_is_edited_and_its_new_contestant_made(cup: Cup) -> None:
    await cup.roster.edit_entry("cup", "o1", "黄花莜面栲栳栳", "O-9", "t1", ["王师傅", "李师傅"], {},
                                "organizer:admin")
    row = cup.entry("o1")
    with session(cup.engine) as s:
        people = {p.key: (p.name, p.team_id) for p in s.exec(select(db.Contestant)).all()}
        t1 = s.exec(select(db.Team).where(db.Team.key == "t1")).one().id
    assert (row.title, row.code, row.team_id) == ("黄花莜面栲栳栳", "O-9", t1)
    assert [people[k] for k in row.contestants] == [("王师傅", t1), ("李师傅", t1)]
    [logged] = cup.audited("entry.edited")
    assert logged.detail["changed"]["title"] == ["黄花莜面", "黄花莜面栲栳栳"]
    # a code another entry of the event has, or no contestant at all, is refused and changes nothing
    with pytest.raises(UserError) as taken:
        await cup.roster.edit_entry("cup", "e2", "x", "H-101", "t2", ["某人"], {}, "organizer:admin")
    with pytest.raises(UserError) as nobody:
        await cup.roster.edit_entry("cup", "e2", "x", "", "t2", [""], {}, "organizer:admin")
    assert taken.value.code == "code_taken" and nobody.value.code == "contestants_missing"
    assert cup.entry("e2").title == "凉拌黄花菜" and len(cup.audited("entry.edited")) == 1


async def test_deleting_is_refused_once_scored(cup: Cup) -> None:
    # e3 has two sheets; o1 none
    with pytest.raises(UserError) as scored:
        await cup.roster.delete_entry("cup", "e3", "organizer:admin")
    assert scored.value.code == "entry_scored"
    with pytest.raises(UserError) as team_scored:
        await cup.roster.delete_team("cup", "t1", "organizer:admin")
    assert team_scored.value.code == "team_scored"
    await cup.roster.delete_entry("cup", "o1", "organizer:admin")
    with session(cup.engine) as s:
        assert s.exec(select(db.Entry).where(db.Entry.key == "o1")).first() is None
    assert [a.subject for a in cup.audited("entry.deleted")] == ["entry:o1"]


async def test_deleting_a_team_takes_its_unscored_entries_and_contestants(cup: Cup) -> None:
    table = [["赛项", "作品编号", "作品名称", "参赛单位", "选手"], ["面点", "o5", "黄花糕", "新单位", "周师傅"]]
    with session(cup.engine) as s:
        plan = plan_import(load_competition(s, "cup", withdrawn=True), table)
    await cup.roster.import_rows("cup", plan, "organizer:admin")
    [new] = plan.new_teams
    await cup.roster.edit_team("cup", new, "新荣饭店", "Xinrong Restaurant", "organizer:admin")
    with session(cup.engine) as s:
        team = s.exec(select(db.Team).where(db.Team.key == new)).one()
    assert (team.name_zh, team.name_en) == ("新荣饭店", "Xinrong Restaurant")
    with pytest.raises(UserError) as same:
        await cup.roster.edit_team("cup", new, "大同宾馆", "", "organizer:admin")
    assert same.value.code == "team_exists"
    await cup.roster.delete_team("cup", new, "organizer:admin")
    with session(cup.engine) as s:
        assert s.exec(select(db.Team).where(db.Team.key == new)).first() is None
        assert s.exec(select(db.Entry).where(db.Entry.key == "o5")).first() is None
        assert s.exec(select(db.Contestant).where(db.Contestant.name == "周师傅")).first() is None
    [logged] = cup.audited("team.deleted")
    assert (logged.detail["name"], logged.detail["entries"]) == ("新荣饭店", ["o5"])


async def test_a_contestant_is_edited_and_deleted_only_while_unscored(cup: Cup) -> None:
    await cup.roster.edit_entry("cup", "o1", "黄花莜面", "O-1", "t2", ["赵师傅", "钱师傅"], {}, "organizer:admin")
    await cup.roster.edit_entry("cup", "e3", "黄花饺子", "H-103", "t1", ["孙师傅"], {}, "organizer:admin")
    with session(cup.engine) as s:
        keys = {p.name: p.key for p in s.exec(select(db.Contestant)).all()}
    await cup.roster.edit_contestant("cup", keys["钱师傅"], "钱大厨", "t2", 41, "female", "organizer:admin")
    with pytest.raises(UserError) as bad:
        await cup.roster.edit_contestant("cup", keys["钱师傅"], "", "t2", 7, "x", "organizer:admin")
    assert [p.code for p in bad.value.problems] == ["name_invalid", "age_invalid", "gender_invalid"]
    with pytest.raises(UserError) as scored:  # 孙师傅's e3 has sheets
        await cup.roster.delete_contestant("cup", keys["孙师傅"], "organizer:admin")
    assert scored.value.code == "contestant_scored"
    await cup.roster.delete_contestant("cup", keys["钱师傅"], "organizer:admin")
    assert cup.entry("o1").contestants == [keys["赵师傅"]]
    with pytest.raises(UserError) as last:
        await cup.roster.delete_contestant("cup", keys["赵师傅"], "organizer:admin")
    assert last.value.code == "contestant_alone"


def test_importing_a_corrected_roster_again_updates_the_rows_that_changed(engine: Engine) -> None:
    seed(engine)
    with session(engine) as s:
        comp = load_competition(s, "cup", withdrawn=True)
    table = [["赛项", "作品编号", "作品名称", "参赛单位", "选手"],
             ["热菜", "e1", "黄花炒肉丝", "大同宾馆", "张师傅"],  # e1 has no contestants yet: changed
             ["热菜", "e2", "凉拌黄花菜", "云冈餐厅", ""],  # no name: an error row
             ["热菜", "e9", "黄花鱼", "新单位", "李师傅"]]  # new
    plan = plan_import(comp, table)
    assert [(r.key, r.status, r.changes) for r in plan.rows] == [
        ("e1", CHANGED, ("contestants",)), ("e2", UNCHANGED, ()), ("e9", NEW, ())]
    assert [p.code for p in plan.rows[1].problems] == ["contestants_missing"]
    assert (plan.writes, len(plan.bad)) == (2, 1)


async def test_a_reimport_writes_new_and_changed_rows_in_one_transaction(cup: Cup) -> None:
    head = ["赛项", "作品编号", "作品名称", "参赛单位", "选手"]
    first = [head, ["热菜", "e1", "黄花炒肉丝", "大同宾馆", "张师傅"], ["面点", "o1", "黄花莜面", "云冈餐厅", "赵师傅"]]
    with session(cup.engine) as s:
        plan = plan_import(load_competition(s, "cup", withdrawn=True), first)
    done = await cup.roster.import_rows("cup", plan, "organizer:admin")
    assert (done.entries, done.updated, done.contestants) == (0, 2, 2)
    again = [head, ["热菜", "e1", "黄花炒肉丝", "大同宾馆", "张师傅"],
             ["面点", "o1", "黄花莜面（改）", "云冈餐厅", "赵师傅"],
             ["面点", "o2", "黄花烧麦", "云冈餐厅", "赵师傅、钱师傅"]]
    with session(cup.engine) as s:
        plan = plan_import(load_competition(s, "cup", withdrawn=True), again)
    assert [(r.key, r.status, r.changes) for r in plan.rows] == [
        ("e1", UNCHANGED, ()), ("o1", CHANGED, ("title",)), ("o2", NEW, ())]
    done = await cup.roster.import_rows("cup", plan, "organizer:admin")
    assert (done.entries, done.updated, done.contestants) == (1, 1, 1)  # 钱师傅 is new; 赵师傅 is known
    with session(cup.engine) as s:
        names = {p.key: p.name for p in s.exec(select(db.Contestant)).all()}
    assert cup.entry("o1").title == "黄花莜面（改）"
    assert [names[k] for k in cup.entry("o2").contestants] == ["赵师傅", "钱师傅"]
    assert cup.entry("o2").contestants[0] == cup.entry("o1").contestants[0]
    logged = cup.audited("roster.imported")[-1].detail
    assert (logged["entries"], logged["updated"], logged["updated_keys"]) == (1, 1, ["o1"])


async def test_judges_from_a_panel_file_are_created_and_updated_in_one_transaction(cup: Cup) -> None:
    from scoreboard.panel import plan_judges
    from scoreboard.services.judges import JudgeService

    judges = JudgeService(cup.engine, Announcer(cup.bus))
    table = [["评委编号", "姓名", "所属单位", "评分赛项", "裁判长赛项"],
             ["j7", "评委7", "", "热菜", "热菜"],  # j7 loses the conflict with 大同宾馆 and becomes chief judge
             ["J20", "郑评委", "云冈餐厅", "面点", ""],
             ["J21", "冯评委", "", "冷菜", ""]]  # no such event: a bad row
    with session(cup.engine) as s:
        plan = plan_judges(load_competition(s, "cup"), table)
    assert [(r.key, r.status, r.changes) for r in plan.rows] == [
        ("j7", CHANGED, ("team", "chief_of")), ("J20", NEW, ()), ("J21", NEW, ())]
    assert [p.code for p in plan.rows[2].problems] == ["event_unknown"]
    async with cup.bus.subscribe() as queue:
        assert await judges.import_rows("cup", plan, "organizer:admin") == (1, 1)
        assert drained(queue) == [CompetitionChanged("cup")]
    with session(cup.engine) as s:
        comp = load_competition(s, "cup")
    by_key = {j.key: j for j in comp.judges}
    assert (by_key["j7"].team, by_key["j7"].events, by_key["j7"].chief_of) == ("", ("hot",), ("hot",))
    assert (by_key["J20"].name, by_key["J20"].team, by_key["J20"].events) == ("郑评委", "t2", ("other",))
    assert "J21" not in by_key
    [logged] = cup.audited("judges.imported")
    assert (logged.detail["created"], logged.detail["updated"], logged.detail["skipped_rows"]) == (["J20"], ["j7"], 1)
