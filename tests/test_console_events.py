"""The console's event editor, in-process: who may reach it, a rubric with problems refused with
every problem listed by its place (nothing stored), a good edit stored, audited and seen on the
public page after ``CompetitionChanged``, and the rubric fixed once sheets are stored."""

from __future__ import annotations

import tomllib
from typing import Any

import httpx
import tomli_w
from bs4 import BeautifulSoup
from sqlalchemy import Engine
from sqlmodel import select

from scoreboard.store import tables as db
from scoreboard.store.engine import session
from scoreboard.store.events import event_row
from scoreboard.web.console_events import rubric_text
from tests import test_console
from tests.test_console import Client, audited, post, sign_in

engine = test_console.engine  # the fixtures: the test competition, the app with half its sheets in
client = test_console.client

EDIT = "/console/c/cup/e/{event}/edit"


def stored(engine: Engine, event: str) -> db.Event:
    with session(engine) as s:
        row = s.exec(select(db.Event).where(db.Event.key == event)).one()
        s.expunge(row)
        return row


def form(page: str) -> dict[str, Any]:
    """The edit form's fields as the browser would post them (unchecked boxes left out)."""
    soup = BeautifulSoup(page, "html.parser")
    f = soup.select_one("form.event-edit")
    assert f is not None
    data: dict[str, Any] = {}
    for el in f.select("input, select, textarea"):
        name = el.get("name")
        if not name or el.get("disabled") is not None:
            continue
        if el.name == "textarea":
            data[name] = el.get_text()
        elif el.name == "select":
            chosen = el.select_one("option[selected]") or el.select_one("option")
            data[name] = chosen.get("value") if chosen else ""
        elif el.get("type") == "checkbox":
            if el.get("checked") is not None:
                data[name] = el.get("value")
        else:
            data[name] = el.get("value", "")
    return data


def problems(page: str) -> list[str]:
    return [li.get_text() for li in BeautifulSoup(page, "html.parser").select(".problems li")]


async def edit_form(http: httpx.AsyncClient, event: str = "other") -> dict[str, Any]:
    r = await http.get(EDIT.format(event=event))
    assert r.status_code == 200, r.text
    return form(r.text)


def rubric_with(text: str, change: Any) -> str:
    data = tomllib.loads(text)
    change(data)
    return tomli_w.dumps(data)


# --- who may reach it -----------------------------------------------------------------------------

async def test_refused_without_a_session_for_a_chief_judge_and_without_csrf(client: Client) -> None:
    http, _state = client
    r = await http.get(EDIT.format(event="hot"))
    assert r.status_code == 303 and r.headers["location"].startswith("/console/login?next=")
    assert (await http.post(EDIT.format(event="hot"), data={})).status_code == 401
    csrf = await sign_in(http, "chief-hot")  # the chief judge of this very event: still not theirs to edit
    assert (await http.get(EDIT.format(event="hot"))).status_code == 403
    assert (await post(http, EDIT.format(event="hot"), csrf, name_zh="改")).status_code == 403
    overview = BeautifulSoup((await http.get("/console/c/cup")).text, "html.parser")
    assert not overview.select("a[href$='/edit']")
    await http.post("/console/logout", data={"csrf": csrf})
    csrf = await sign_in(http)
    data = await edit_form(http, "hot")
    assert (await http.post(EDIT.format(event="hot"), data=data | {"csrf": "forged"})).status_code == 403
    assert (await http.post(EDIT.format(event="hot"), data={k: v for k, v in data.items() if k != "csrf"})
            ).status_code == 403
    assert (await http.get("/console/c/cup/e/nothing/edit")).status_code == 404
    overview = BeautifulSoup((await http.get("/console/c/cup")).text, "html.parser")
    assert [str(a["href"]).removeprefix("http://test") for a in overview.select("a[href$='/edit']")] == [
        EDIT.format(event=e) for e in ("hot", "other")]


# --- the page ------------------------------------------------------------------------------------

async def test_the_page_shows_the_event_and_its_rubric(client: Client, engine: Engine) -> None:
    http, _state = client
    await sign_in(http)
    r = await http.get(EDIT.format(event="other"))
    soup = BeautifulSoup(r.text, "html.parser")
    data = form(r.text)
    assert data["name_zh"] == "面点" and data["name_en"] == "Pastry" and data["visibility"] == "live"
    assert "blind" not in data and "reveal" not in data
    assert tomllib.loads(data["rubric"]) == stored(engine, "other").rubric
    assert data["rubric"] == rubric_text(stored(engine, "other").rubric)
    golden = soup.select("table.golden tbody tr")
    assert golden and all("golden-ok" in tr["class"] for tr in golden)


# --- problems: listed by place, nothing stored ----------------------------------------------------

async def test_bad_toml_is_refused_with_its_place(client: Client, engine: Engine) -> None:
    http, _state = client
    await sign_in(http)
    before = stored(engine, "other")
    data = await edit_form(http)
    r = await http.post(EDIT.format(event="other"), data=data | {"rubric": "key = \"x\"\nname = {zh = \n",
                                                               "name_en": "Changed"})
    assert r.status_code == 422
    found = problems(r.text)
    assert len(found) == 1 and found[0].startswith("评分标准: ") and "TOML" in found[0], found
    assert "name = {zh =" in BeautifulSoup(r.text, "html.parser").select_one("textarea").get_text()  # kept
    after = stored(engine, "other")
    assert after.rubric == before.rubric and after.name_en == "Pastry"
    assert not audited(engine, "event.edited")


async def test_an_invalid_rubric_lists_every_problem_with_its_place(client: Client, engine: Engine) -> None:
    http, _state = client
    await sign_in(http)
    before = stored(engine, "other")
    data = await edit_form(http)

    def spoil(rubric: dict[str, Any]) -> None:
        rubric["criteria"][0]["step"] = 0.75  # 35 is not whole steps of 0.75
        rubric["criteria"][1]["kind"] = "guess"

    r = await http.post(EDIT.format(event="other"), data=data | {"rubric": rubric_with(data["rubric"], spoil)})
    assert r.status_code == 422
    found = problems(r.text)
    assert any(p.startswith("评分标准: criteria[0].step: ") for p in found), found
    assert any(p.startswith("评分标准: criteria[1].kind: ") for p in found), found
    assert stored(engine, "other").rubric == before.rubric
    assert not audited(engine, "event.edited")


async def test_a_failing_golden_case_is_listed_and_nothing_stored(client: Client, engine: Engine) -> None:
    http, _state = client
    await sign_in(http)
    before = stored(engine, "other")
    data = await edit_form(http)

    def mean(rubric: dict[str, Any]) -> None:
        rubric["aggregation"] = {"method": "mean"}

    r = await http.post(EDIT.format(event="other"), data=data | {"rubric": rubric_with(data["rubric"], mean)})
    assert r.status_code == 422
    found = problems(r.text)
    assert found and all(p.startswith("评分标准: golden[") for p in found), found
    assert any("expected total" in p or "预期" in p or "应" in p for p in found), found
    assert stored(engine, "other").rubric == before.rubric
    assert not audited(engine, "event.edited")


# --- a good edit -----------------------------------------------------------------------------------

async def test_a_good_edit_is_stored_audited_and_seen_in_the_standings(client: Client, engine: Engine) -> None:
    http, _state = client
    await sign_in(http)
    with session(engine, write=True) as s:  # a draft with stored sheets (no move leads back to draft): by hand
        row = event_row(s, "cup", "hot")
        row.state = "draft"
        s.add(row)
        s.commit()
    assert "88.83" in (await http.get("/c/cup/e/hot?view=organizer")).text  # trimmed mean of e1's sheets
    data = await edit_form(http, "hot")
    assert data["blind"] == "1"

    def mean(rubric: dict[str, Any]) -> None:
        rubric["aggregation"] = {"method": "mean"}
        del rubric["golden"]  # its cases pin the trimmed mean

    r = await http.post(EDIT.format(event="hot"), data=data | {
        "rubric": rubric_with(data["rubric"], mean), "name_en": "Hot dishes (final)", "reason": "mean of all"})
    assert r.status_code == 200, problems(r.text)
    assert BeautifulSoup(r.text, "html.parser").select_one("p.done") is not None
    row = stored(engine, "hot")
    assert row.rubric["aggregation"] == {"method": "mean"} and "golden" not in row.rubric
    assert row.name_en == "Hot dishes (final)" and row.blind
    [entry] = audited(engine, "event.edited")
    assert entry.actor == "organizer:admin" and entry.reason == "mean of all"
    assert set(entry.detail["changed"]) == {"name_en", "rubric"}
    assert entry.detail["changed"]["name_en"] == {"from": "Hot dishes", "to": "Hot dishes (final)"}
    # mean of 87, 88.5, 90, 91, 93 = 89.9, less 1 for 2 minutes overtime
    public = (await http.get("/c/cup/e/hot?view=organizer")).text
    assert "88.90" in public and "88.83" not in public
    # the same text again: nothing changes, nothing audited
    again = await edit_form(http, "hot")
    r = await http.post(EDIT.format(event="hot"), data=again)
    assert r.status_code == 200 and len(audited(engine, "event.edited")) == 1


async def test_the_rubric_is_fixed_once_sheets_are_stored(client: Client, engine: Engine) -> None:
    http, _state = client
    await sign_in(http)
    before = stored(engine, "hot")
    r = await http.get(EDIT.format(event="hot"))
    soup = BeautifulSoup(r.text, "html.parser")
    assert soup.select_one("textarea[readonly]") is not None
    data = form(r.text)

    def bigger(rubric: dict[str, Any]) -> None:
        rubric["criteria"][0]["max"] = 40

    r = await http.post(EDIT.format(event="hot"), data=data | {"rubric": rubric_with(data["rubric"], bigger)})
    assert r.status_code == 422
    found = problems(r.text)
    assert len(found) == 1 and found[0].startswith("评分标准: "), found
    assert stored(engine, "hot").rubric == before.rubric
    # blind judging is fixed too: the disabled box still posts it
    assert data["blind"] == "1"
    # names, visibility and the reveal card still change; the visibility through the event service
    r = await http.post(EDIT.format(event="hot"), data=data | {"name_zh": "热菜决赛", "visibility": "hidden",
                                                             "reveal": "1", "reason": "final"})
    assert r.status_code == 200, problems(r.text)
    row = stored(engine, "hot")
    assert (row.name_zh, row.visibility, row.reveal, row.rubric) == ("热菜决赛", "hidden", True, before.rubric)
    [edited] = audited(engine, "event.edited")
    assert set(edited.detail["changed"]) == {"name_zh", "reveal"}
    assert [a.detail["to"] for a in audited(engine, "event.visibility")] == ["hidden"]
    assert "88.83" not in (await http.get("/c/cup/e/hot")).text  # hidden from the public now
