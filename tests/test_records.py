"""The audit log as a person reads it (``web.auditview``): actions in words, people by name,
entries by blind code and title, details as sentences, local time in the competition's time zone
— in Chinese and in English — and records of any age or shape still read, never fail.

The competition is the tests' "half judged" cup: hot dishes (blind) with H-101 黄花炒肉丝 and
judges 评委1 … 评委7."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any

import pytest

from scoreboard import i18n
from scoreboard.competition import local_time
from scoreboard.web.auditview import Names, Reading, reading
from tests.support import competition

CUP = competition()
AT = datetime(2026, 11, 29, 16, 30, 5)  # as SQLite hands it back: UTC, without its zone


def read(action: str, subject: str, detail: Any, actor: str = "organizer:zhangli", reason: str = "",
         locale: str = "zh_CN", at: datetime = AT, zone: str = "Asia/Shanghai") -> Reading:
    with i18n.using(locale):
        cup = dataclasses.replace(CUP, time_zone=zone)
        return reading(7, at, actor, action, subject, detail, reason, Names(cup, locale))


SHEET = {"competition": "cup", "sheet": "e1-j3", "seq": 17, "judge": "j3", "revision": 2,
         "marks": {"taste": "31.5", "texture": "18"},
         "deductions": [{"key": "overtime", "amount": "2", "reason": "超时2分钟"}]}


def test_a_sheet_in_chinese() -> None:
    r = read("sheet.recorded", "entry:e1", SHEET, actor="judge:j3", reason="改错")
    assert (r.who, r.role, r.what, r.object) == ("评委3", "评委", "收到评分表", "热菜 · H-101 黄花炒肉丝")
    assert r.detail == "第 2 版，评分表 #17。分数：口味 31.5、质感 18。扣分：超时 2 分钟（超时2分钟）。"
    assert (r.entry, r.event, r.reason) == ("e1", "hot", "改错")


def test_a_sheet_in_english() -> None:
    r = read("sheet.recorded", "entry:e1", SHEET, actor="judge:j3", locale="en")
    assert (r.who, r.role, r.what, r.object) == ("评委3", "judge", "Sheet received", "Hot dishes · H-101 黄花炒肉丝")
    assert r.detail == ("Revision 2, sheet #17. Marks: Taste 31.5, Texture 18. "
                        "Deductions: Overtime 2 min (超时2分钟).")


@pytest.mark.parametrize(("action", "subject", "detail", "actor", "who", "what", "sentence"), [
    ("event.state", "event:hot", {"competition": "cup", "from": "open", "to": "closed"}, "chief:wang",
     "wang 裁判长", "赛项状态变更", "由“评分中”改为“已结束”。"),
    ("event.visibility", "event:hot", {"competition": "cup", "from": "live", "to": "progress"}, "organizer:zhangli",
     "zhangli 组织者", "公众可见内容变更", "由“实时成绩排名”改为“仅显示进度”。"),
    ("entry.rescore", "entry:e2", {"competition": "cup", "event": "hot", "judge": "j4"}, "organizer:zhangli",
     "zhangli 组织者", "要求重新评分", "请评委4重新评分。"),
    ("entry.deduction", "entry:e2", {"competition": "cup", "rule": "overtime", "amount": "3", "sheet_seq": 40},
     "chief:wang", "wang 裁判长", "记录扣分", "超时 3 分钟，记入评分表 #40。"),
    ("judge.assigned", "judge:j7", {"competition": "cup", "events": ["hot"], "chief_of": ["other"], "team": "t1"},
     "cli", "命令行", "设置评委赛项", "评分赛项：热菜。担任面点裁判长。"),
    ("roster.imported", "competition:cup", {"competition": "cup", "teams": 2, "contestants": 5, "entries": 4,
                                            "codes": 4, "skipped_rows": 1, "entry_keys": ["e1"]},
     "organizer:zhangli", "zhangli 组织者", "导入参赛名单",
     "参赛作品 4 件、选手 5 名、参赛单位 2 个；盲评编号 4 个；跳过 1 行。"),
    ("event.edited", "event:hot", {"competition": "cup", "changed": {"name_zh": {"from": "热菜", "to": "热菜类"},
                                                                     "blind": {"from": True, "to": False}}},
     "organizer:zhangli", "zhangli 组织者", "修改赛项", "修改了中文名称、盲评。"),
    ("competition.created", "competition:cup", {"source": "console"}, "organizer:zhangli", "zhangli 组织者",
     "创建赛事", "在赛事管理后台由预设创建。"),
    ("competition.team_rule", "competition:cup", {"competition": "cup", "from": None, "to": {
        "method": "best_n", "n": 3, "events": ["hot", "other"], "count_award": ""}}, "organizer:zhangli",
     "zhangli 组织者", "团体总分规则已设置", "最好的 3 件参赛作品的平均分；计入赛项：热菜、面点。"),
    ("competition.team_rule", "competition:cup", {"competition": "cup", "from": {"method": "sum"}, "to": None},
     "organizer:zhangli", "zhangli 组织者", "团体总分规则已设置", "不设团体总分。"),
])
def test_each_action_reads_as_a_sentence(action: str, subject: str, detail: dict[str, Any], actor: str, who: str,
                                         what: str, sentence: str) -> None:
    r = read(action, subject, detail, actor=actor)
    assert (f"{r.who} {r.role}".strip(), r.what, r.detail) == (who, what, sentence)


def test_objects_by_what_a_person_knows() -> None:
    assert read("judge.revoked", "judge:j2", {"competition": "cup"}).object == "评委评委2"
    assert read("event.state", "event:other", {}).object == "面点"
    assert read("roster.imported", "competition:cup", {}).object == "工匠杯测试"
    assert read("entry.locked", "entry:o1", {"competition": "cup"}).object == "面点 · O-1 黄花莜面"
    assert read("account.created", "account:li", {"role": "organizer"}).object == "后台账号 li"


def test_local_time_in_the_competitions_time_zone() -> None:
    """16:30:05 UTC is 00:30:05 the next day in Shanghai (UTC+8), 22:30:05 in Urumqi (UTC+6)."""
    r = read("entry.locked", "entry:e1", {"competition": "cup"})
    assert (r.at, r.at_utc) == ("2026-11-30 00:30:05", "2026-11-29T16:30:05+00:00")
    assert read("entry.locked", "entry:e1", {}, zone="Asia/Urumqi").at == "2026-11-29 22:30:05"
    assert read("entry.locked", "entry:e1", {}, at=AT.replace(tzinfo=UTC), zone="UTC").at == "2026-11-29 16:30:05"
    assert local_time("2026-11-29T16:30:05.123+00:00", "Asia/Shanghai") == "2026-11-30 00:30:05"  # a sheet's at
    assert local_time(AT, "Nowhere/Else") == "2026-11-30 00:30:05"  # an unknown zone: Asia/Shanghai


@pytest.mark.parametrize("detail", [
    None, [], "text", 5, {"marks": "not a table", "deductions": {"a": 1}, "seq": [1, 2]},
    {"from": ["x"], "to": {"y": 1}}, {"changed": ["name_zh"]}, {"events": "hot"}, {"\ud800": "\x00"},
    {"marks": {"taste": {"deep": [1, {"x": None}]}}}, {"judge": None}, {"rule": 7, "amount": None},
])
@pytest.mark.parametrize("action", ["sheet.recorded", "event.state", "event.edited", "judge.assigned",
                                    "entry.rescore", "entry.deduction", "future.action", "roster.imported"])
def test_old_and_odd_records_still_read(action: str, detail: Any) -> None:
    r = read(action, "entry:gone", detail, actor="weird actor")
    assert isinstance(r.detail, str) and len(r.detail) <= 401 and r.who == "weird actor"
    assert r.object == "参赛作品 gone" and r.entry == ""  # an entry no longer there: its key
    r.detail.encode("utf-8")  # nothing a page cannot send


def test_an_unknown_action_shows_its_code_and_its_fields() -> None:
    r = read("team.renamed", "team:t1", {"competition": "cup", "from": "大同宾馆", "to": "大同国宾馆"})
    assert (r.what, r.object, r.detail) == ("team.renamed", "大同宾馆", "from: 大同宾馆; to: 大同国宾馆")
