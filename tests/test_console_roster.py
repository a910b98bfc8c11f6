"""The console's roster and judges' imports, in-process: the blank XLSX files download with their
headers in the console's language and import unchanged (hand-worked: what each example row makes);
an empty contestant name is a bad row and keeps the import button disabled; judges come with
their events and chief judge roles from a spreadsheet, a known key updating that judge; an entry is
withdrawn and edited through the roster page."""

from __future__ import annotations

import io
from typing import Any

import httpx
from bs4 import BeautifulSoup
from openpyxl import load_workbook
from sqlalchemy import Engine
from sqlmodel import select

from scoreboard.store import tables as db
from scoreboard.store.engine import session
from tests.test_console import Client, audited, client, engine, post, sign_in

__all__ = ["client", "engine"]  # the console's fixtures: the test competition half judged, an organizer


def _rows(data: bytes) -> list[list[Any]]:
    return [list(r) for r in load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True)]


async def _import(http: httpx.AsyncClient, csrf: str, base: str, name: str, data: bytes,
                  **extra: str) -> tuple[httpx.Response, httpx.Response]:
    preview = await http.post(f"{base}/preview", data={"csrf": csrf},
                              files={"file": (name, data, "application/octet-stream")})
    soup = BeautifulSoup(preview.text, "html.parser")
    table, filename = soup.select_one("input[name=table]")["value"], soup.select_one("input[name=filename]")["value"]
    done = await post(http, f"{base}/confirm", csrf, table=table, filename=filename, **extra)
    return preview, done


def _entry(engine: Engine, key: str) -> tuple[db.Entry, list[str], str]:
    with session(engine) as s:
        entry = s.exec(select(db.Entry).where(db.Entry.key == key)).one()
        names = {p.key: p.name for p in s.exec(select(db.Contestant)).all()}
        team = s.get(db.Team, entry.team_id) if entry.team_id else None
        return entry, [names[k] for k in entry.contestants], team.key if team else ""


def _judge(engine: Engine, key: str) -> tuple[str, str, list[tuple[str, str]]]:
    with session(engine) as s:
        judge = s.exec(select(db.Judge).where(db.Judge.key == key)).one()
        team = s.get(db.Team, judge.team_id) if judge.team_id else None
        roles = s.exec(select(db.Event.key, db.Assignment.role).join(db.Assignment)
                       .where(db.Assignment.judge_id == judge.id)).all()
        return judge.name, team.key if team else "", sorted((str(e), str(r)) for e, r in roles)


async def test_the_blank_roster_imports_unchanged_in_chinese(client: Client, engine: Engine) -> None:
    http, _state = client
    csrf = await sign_in(http)
    blank = await http.get("/console/c/cup/import/template")
    assert blank.status_code == 200 and blank.headers["content-type"].startswith("application/vnd.openxml")
    rows = _rows(blank.content)
    # a cooking contest: 菜品名称; the first event, the first team, the first free key
    assert rows == [["赛项", "作品编号", "菜品名称", "参赛单位", "选手", "盲评编号"],
                    ["热菜", "001", "示例菜品", "大同宾馆", "张三、李四", None]]
    preview, done = await _import(http, csrf, "/console/c/cup/import", "blank.xlsx", blank.content)
    assert preview.status_code == 200 and "status-new" in BeautifulSoup(preview.text, "html.parser") \
        .select_one("#row-2")["class"]
    assert done.status_code == 200
    entry, names, team = _entry(engine, "001")
    assert (entry.title, names, team) == ("示例菜品", ["张三", "李四"], "t1")
    assert entry.code and entry.code.startswith("H")  # hot dishes are judged blind: a code was drawn


async def test_the_blank_roster_is_in_english_when_the_console_is(client: Client, engine: Engine) -> None:
    http, _state = client
    csrf = await sign_in(http)
    blank = await http.get("/console/c/cup/import/template?lang=en")
    assert _rows(blank.content) == [["event", "entry", "title", "team", "contestants", "code"],
                                    ["Hot dishes", "001", "Example dish", "Datong Hotel", "Zhang San, Li Si", None]]
    _preview, done = await _import(http, csrf, "/console/c/cup/import", "blank.xlsx", blank.content)
    assert done.status_code == 200
    entry, names, team = _entry(engine, "001")
    assert (entry.title, names, team) == ("Example dish", ["Zhang San", "Li Si"], "t1")


async def test_an_empty_name_is_a_bad_row_and_the_button_says_what_it_imports(client: Client,
                                                                               engine: Engine) -> None:
    http, _state = client
    csrf = await sign_in(http)
    csv = "赛项,作品编号,作品名称,参赛单位,选手\n热菜,e10,黄花鱼,大同宾馆,张三\n热菜,e11,黄花豆腐,大同宾馆,\n" \
          "热菜,e1,黄花炒肉丝,大同宾馆,王五\n"  # e1 exists (it has no contestant yet): an update
    preview = await http.post("/console/c/cup/import/preview", data={"csrf": csrf},
                              files={"file": ("roster.csv", csv.encode(), "text/csv")})
    assert preview.status_code == 422
    soup = BeautifulSoup(preview.text, "html.parser")
    assert [tr["id"] for tr in soup.select("tr.bad")] == ["row-3"]
    assert soup.select_one("#row-3 .problem").get_text() == "未填写选手姓名"
    assert "更新：选手" in soup.select_one("#row-4").get_text()
    button = soup.select_one("#import-button")
    assert button.has_attr("disabled") and button.get_text() == "导入 2 行"
    assert "跳过有误的 1 行，只导入其余 2 行" in soup.select_one("label.check").get_text()
    table = soup.select_one("input[name=table]")["value"]
    refused = await post(http, "/console/c/cup/import/confirm", csrf, table=table)
    assert refused.status_code == 422
    done = await post(http, "/console/c/cup/import/confirm", csrf, table=table, skip_bad="1")
    assert done.status_code == 200 and "新增作品 1 件，更新 1 件" in done.text
    assert _entry(engine, "e1")[1] == ["王五"] and _entry(engine, "e10")[1] == ["张三"]
    with session(engine) as s:
        assert s.exec(select(db.Entry).where(db.Entry.key == "e11")).first() is None


async def test_judges_import_with_their_events_and_chief_roles(client: Client, engine: Engine) -> None:
    http, _state = client
    csrf = await sign_in(http)
    blank = await http.get("/console/c/cup/judges/template")
    rows = _rows(blank.content)
    assert rows == [["评委编号", "姓名", "所属单位", "评分赛项", "裁判长赛项", "分工"],
                    ["J01", "王五", None, "热菜", None, None]]
    _preview, done = await _import(http, csrf, "/console/c/cup/judges/import", "blank.xlsx", blank.content)
    assert done.status_code == 200 and _judge(engine, "J01") == ("王五", "", [("hot", "judge")])
    csv = ("评委编号,姓名,所属单位,评分赛项,裁判长赛项\n"
           "j6,评委六,云冈餐厅,热菜、面点,面点\n"  # j6 marked only 面点: now both, and chief of 面点
           "J02,刘评委,大同宾馆,Hot dishes,\n"  # an event by its English name
           "J03,陈评委,新单位,热菜,\n"  # no such team: judges never make teams
           "J01,王五,,热菜,\n")  # unchanged
    preview = await http.post("/console/c/cup/judges/import/preview", data={"csrf": csrf},
                              files={"file": ("judges.csv", csv.encode("gb18030"), "text/csv")})
    soup = BeautifulSoup(preview.text, "html.parser")
    assert [tr["id"] for tr in soup.select("tr.bad")] == ["row-4"]
    assert soup.select_one("#row-4 .problem").get_text() == "没有参赛单位 新单位"
    changed = soup.select_one("#row-2 .check-cell").get_text(" ", strip=True)
    assert changed == "✓ 更新：姓名、参赛单位、评分赛项、裁判长赛项"
    assert "无变化" in soup.select_one("#row-5").get_text()
    table = soup.select_one("input[name=table]")["value"]
    done = await post(http, "/console/c/cup/judges/import/confirm", csrf, table=table, skip_bad="1")
    assert done.status_code == 200
    assert _judge(engine, "j6") == ("评委六", "t2", [("hot", "judge"), ("other", "chief"), ("other", "judge")])
    assert _judge(engine, "J02") == ("刘评委", "t1", [("hot", "judge")])
    logged = audited(engine, "judges.imported")[-1].detail
    assert (logged["created"], logged["updated"], logged["skipped_rows"]) == (["J02"], ["j6"], 1)


async def test_an_entry_is_withdrawn_and_edited_from_the_roster_page(client: Client, engine: Engine) -> None:
    http, _state = client
    csrf = await sign_in(http)
    refused = await post(http, "/console/c/cup/roster/entry/e1/withdraw", csrf, reason="")
    assert refused.status_code == 422 and "请填写原因" in refused.text
    done = await post(http, "/console/c/cup/roster/entry/e1/withdraw", csrf, reason="选手因伤退赛")
    soup = BeautifulSoup(done.text, "html.parser")
    assert done.status_code == 200 and "原因：选手因伤退赛" in soup.select_one("#entry-e1").get_text()
    public = await http.get("/c/cup/e/hot")
    assert "H-101" not in public.text and "H-102" in public.text
    deleted = await post(http, "/console/c/cup/roster/entry/e1/delete", csrf)
    assert deleted.status_code == 422 and "已有评分表" in deleted.text
    saved = await post(http, "/console/c/cup/roster/entry/o1", csrf, title="黄花莜面窝窝", code="O-1", team="t2",
                       contestants="赵师傅")
    assert saved.status_code == 200 and _entry(engine, "o1")[0].title == "黄花莜面窝窝"
    bad = await post(http, "/console/c/cup/roster/entry/o1", csrf, title="x", code="O-1", team="t2", contestants="")
    assert bad.status_code == 422 and "请至少填写一名选手" in bad.text


async def test_a_construction_contest_speaks_of_works_not_dishes(client: Client, engine: Engine) -> None:
    http, _state = client
    csrf = await sign_in(http)
    r = await post(http, "/console/new/presets", csrf, key="build", name_zh="建筑技能", name_en="Building",
                   preset=["masonry", "waterproofing"])
    assert r.status_code == 303
    page = BeautifulSoup((await http.get("/console/c/build/import")).text, "html.parser")
    help_text = page.select_one(".columns-help").get_text()
    assert "菜品" not in page.get_text() and "作品名称" in help_text and "砌筑、防水" in help_text
    blank = await http.get("/console/c/build/import/template")
    assert _rows(blank.content)[0] == ["赛项", "作品编号", "作品名称", "参赛单位", "选手", "盲评编号"]
    _preview, done = await _import(http, csrf, "/console/c/build/import", "blank.xlsx", blank.content)
    assert done.status_code == 200
    form = BeautifulSoup((await http.get("/console/c/build/roster/entry/001")).text, "html.parser")
    assert form.select_one("input[name='attr:time_used']") is not None  # masonry breaks ties on the time used
    saved = await post(http, "/console/c/build/roster/entry/001", csrf, title="清水墙", code="", team="",
                       contestants="张三", **{"attr:time_used": "165"})
    assert saved.status_code == 200 and _entry(engine, "001")[0].attrs == {"time_used": 165.0}


async def test_a_form_that_is_not_utf8_changes_nothing(client: Client, engine: Engine) -> None:
    """A lone surrogate (%ED%A0%80) is no UTF-8 a browser sends: refused, not stored as "�"."""
    http, _state = client
    csrf = await sign_in(http)
    before = _entry(engine, "o1")[0].title
    body = f"csrf={csrf}&title=%ED%A0%80&code=O-1&team=t2&contestants=%E8%B5%B5"
    refused = await http.post("/console/c/cup/roster/entry/o1", content=body,
                              headers={"content-type": "application/x-www-form-urlencoded"})
    assert refused.status_code == 400 and "UTF-8" in refused.text
    assert _entry(engine, "o1")[0].title == before
