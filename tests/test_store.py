"""The store, on SQLite and PostgreSQL: migrations, a competition saved and loaded, sheets
recorded once and exactly, and the audit log."""

from __future__ import annotations

import dataclasses
import random
import re
import threading
import time
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, func, text
from sqlmodel import SQLModel, select

from scoreboard.competition import Competition, parse_competition
from scoreboard.errors import UserError
from scoreboard.rubric.sheet import DeductionMark, Sheet, current, parse_sheet
from scoreboard.store import tables as db
from scoreboard.store.audit import audit, audit_log
from scoreboard.store.engine import make_engine, migrate, session
from scoreboard.store.entries import set_entry_locked
from scoreboard.store.events import event_state, event_states, set_event_state
from scoreboard.store.load import blind_codes, competitions, load_competition, save_competition
from scoreboard.store.sheets import (
    Receipt,
    decode_marks,
    encode_marks,
    exact,
    record_sheet,
    sheets_of_entry,
    sheets_of_event,
)

WALL = {
    "key": "wall", "name": {"zh": "砌墙", "en": "Wall"},
    "criteria": [
        {"key": "quality", "name": {"zh": "质量", "en": "Quality"}, "kind": "score", "max": 10, "step": 0.1},
        {"key": "flatness", "name": {"zh": "平整度", "en": "Flatness"}, "kind": "measurement", "max": 10,
         "points": 2, "value": 0, "bands": [{"within": 1, "pct": 100}, {"within": 3, "pct": 50}]},
        {"key": "clean", "name": {"zh": "清洁", "en": "Clean"}, "kind": "check", "max": 5},
    ],
}


def small_competition(key: str = "cup") -> Competition:
    return parse_competition({
        "competition": {"key": key, "name": {"zh": "工匠杯", "en": "Craftsman Cup"}, "date": "2024-05-18",
                        "venue": "会展中心", "time_zone": "Europe/Berlin"},
        "events": [
            {"key": "hot", "name": {"zh": "热菜", "en": "Hot dishes"}, "rubric": "cooking_hot", "blind": True},
            {"key": "masonry", "name": {"zh": "砌筑", "en": "Masonry"}, "rubric": WALL, "visibility": "progress"},
        ],
        "teams": [{"key": "t1", "name": {"zh": "一队", "en": "Team 1"}},
                  {"key": "t2", "name": {"zh": "二队", "en": "Team 2"}}],
        "contestants": [{"key": "p1", "name": "张三", "team": "t1", "age": 31, "gender": "male"},
                        {"key": "p2", "name": "李四", "team": "t2"}],
        "entries": [
            {"key": "h1", "event": "hot", "title": "黄花炒肉", "team": "t1", "tags": {"track": "innovative"}},
            {"key": "h2", "event": "hot", "title": "黄花鱼", "team": "t2", "code": "H999"},
            {"key": "h3", "event": "hot", "team": "t2"},
            {"key": "m1", "event": "masonry", "team": "t1", "contestants": ["p1"], "attrs": {"time_used": 140.5}},
            {"key": "m2", "event": "masonry", "team": "t2", "contestants": ["p2"]},
        ],
        "judges": [
            {"key": "j1", "name": "王评委", "events": ["hot", "masonry"]},
            {"key": "j2", "name": "赵裁判长", "events": ["hot"], "chief_of": ["hot", "masonry"], "team": "t1"},
        ],
        "team_standings": {"method": "best_n", "n": 2, "events": ["hot"], "count_award": "gold"},
    }, "test")


@pytest.fixture
def cup(engine: Engine) -> Competition:
    """The small competition, saved, its events open for scoring; as loaded back (with its blind codes)."""
    with session(engine) as s:
        competition = small_competition()
        save_competition(s, competition, random.Random(7))
        for event in competition.events:
            set_event_state(s, "cup", event.key, "open", actor="test")
        s.commit()
        return load_competition(s, "cup")


def make_sheet(comp: Competition, uid: str, entry: str, judge: str, marks: dict[str, Any],
               revision: int = 1, **more: Any) -> Sheet:
    event = next(e for e in comp.events if e.key == next(x.event for x in comp.entries if x.key == entry))
    return parse_sheet(event.rubric, {"id": uid, "entry": entry, "judge": judge, "marks": marks,
                                      "revision": revision, **more})


def count(engine: Engine, table: type[SQLModel]) -> int:
    with session(engine) as s:
        return s.exec(select(func.count()).select_from(table)).one()


# --- the schema -----------------------------------------------------------------------------

def test_migrated_schema_matches_the_metadata(engine: Engine) -> None:
    with engine.connect() as c:
        assert compare_metadata(MigrationContext.configure(c, opts={"compare_type": True}), SQLModel.metadata) == []
        assert c.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0011"
    migrate(engine)  # a second run changes nothing
    assert count(engine, db.Competition) == 0


def test_an_unmigrated_database_differs(blank_engine: Engine) -> None:
    with blank_engine.connect() as c:
        assert compare_metadata(MigrationContext.configure(c), SQLModel.metadata)


def test_sqlite_is_durable(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.connect() as c:
        assert c.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert c.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert c.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert c.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10_000
    engine.dispose()
    normal = make_engine(f"sqlite:///{tmp_path / 'y.db'}", synchronous="normal")
    with normal.connect() as c:
        assert c.exec_driver_sql("PRAGMA synchronous").scalar() == 1
    normal.dispose()
    with pytest.raises(ValueError, match="synchronous"):
        make_engine("sqlite://", synchronous="sometimes")


def test_foreign_keys_are_enforced(engine: Engine) -> None:
    with session(engine) as s:
        s.add(db.Event(competition_id=999, key="x", name_zh="x", name_en="x"))
        with pytest.raises(Exception, match=r"(?i)foreign key"):
            s.flush()


# --- competitions ---------------------------------------------------------------------------

def test_save_and_load_round_trip(engine: Engine) -> None:
    saved = small_competition()
    with session(engine) as s:
        cid = save_competition(s, saved, random.Random(1))
        s.commit()
    assert isinstance(cid, int)
    with session(engine) as s:
        loaded = load_competition(s, "cup")
    codes = {e.key: e.code for e in loaded.entries}
    assert loaded == dataclasses.replace(
        saved, entries=tuple(dataclasses.replace(e, code=codes[e.key]) for e in saved.entries))
    assert loaded.events[0].rubric == saved.events[0].rubric and loaded.events[1].rubric.key == "wall"
    assert loaded.judges[1].chief_of == ("hot", "masonry") and loaded.judges[1].team == "t1"


def test_a_competition_keeps_its_time_zone_and_old_ones_get_shanghai(blank_engine: Engine) -> None:
    migrate(blank_engine, "0005")  # a database from before time zones, with a competition in it
    with blank_engine.begin() as c:
        c.execute(text("INSERT INTO competition (key, name_zh, name_en, date, venue, created_at) "
                       "VALUES ('old', '旧赛', 'Old', '', '', CURRENT_TIMESTAMP)"))
    migrate(blank_engine)
    with session(blank_engine) as s:
        assert s.exec(select(db.Competition.time_zone).where(db.Competition.key == "old")).one() == "Asia/Shanghai"
        save_competition(s, small_competition("berlin"), random.Random(1))
        s.commit()
        assert load_competition(s, "berlin").time_zone == "Europe/Berlin"


@pytest.mark.parametrize("zone", ["Mars/Olympus", "../../etc/passwd", "", "x" * 65, 8])
def test_a_competition_file_with_an_unknown_time_zone_is_refused(zone: object) -> None:
    data = {"competition": {"key": "tz", "name": "时区", "time_zone": zone},
            "events": [{"key": "hot", "name": "热菜", "rubric": "cooking_hot"}]}
    with pytest.raises(UserError) as refused:
        parse_competition(data, "tz.toml")
    assert [p.place for p in refused.value.problems] == ["tz.toml: competition.time_zone"]
    data["competition"].pop("time_zone")
    assert parse_competition(data, "tz.toml").time_zone == "Asia/Shanghai"  # the default


def test_blind_entries_get_unique_codes(engine: Engine) -> None:
    with session(engine) as s:
        save_competition(s, small_competition(), random.Random(1))
        s.commit()
        comp = load_competition(s, "cup")
    hot = {e.key: e.code for e in comp.entries_of("hot")}
    assert hot["h2"] == "H999"  # a code from the file is kept
    assert all(re.fullmatch(r"H\d{3}", c) for c in hot.values())
    assert len(set(hot.values())) == 3
    assert all(e.code == "" for e in comp.entries_of("masonry"))  # not blind: no codes


def test_blind_codes_are_drawn_without_replacement() -> None:
    codes = blind_codes("H", 90, {"H001"}, random.Random(3))
    assert len(set(codes)) == 90 and "H001" not in codes and all(re.fullmatch(r"H\d{3}", c) for c in codes)
    assert codes == blind_codes("H", 90, {"H001"}, random.Random(3))
    assert codes != sorted(codes)  # nothing to learn from the order of entry
    assert all(re.fullmatch(r"C\d{4}", c) for c in blind_codes("C", 150, (), random.Random(3)))


def test_a_taken_key_is_refused(engine: Engine) -> None:
    with session(engine) as s:
        save_competition(s, small_competition())
        s.commit()
    with session(engine) as s, pytest.raises(UserError) as e:
        save_competition(s, small_competition())
    assert e.value.code == "competition_exists"
    with session(engine) as s:
        save_competition(s, small_competition("cup2"))
        s.commit()
        assert competitions(s) == [("cup", "工匠杯", "Craftsman Cup"), ("cup2", "工匠杯", "Craftsman Cup")]
    with session(engine) as s, pytest.raises(UserError) as e:
        load_competition(s, "nope")
    assert e.value.code == "competition_unknown"


def test_event_states(engine: Engine, cup: Competition) -> None:
    with session(engine) as s:
        assert event_states(s, "cup") == {"hot": "open", "masonry": "open"}  # the fixture opened them
        assert set_event_state(s, "cup", "hot", "closed", actor="organizer:a", reason="start") == "open"
        s.commit()
    with session(engine) as s:
        assert event_state(s, "cup", "hot") == "closed"
        with pytest.raises(UserError) as e:
            set_event_state(s, "cup", "hot", "sleeping", actor="organizer:a")
        assert e.value.code == "state_unknown"
        row = audit_log(s, subject="event:hot")[-1]
        assert (row.actor, row.action, row.detail["from"], row.detail["to"], row.reason) == (
            "organizer:a", "event.state", "open", "closed", "start")


# --- sheets ---------------------------------------------------------------------------------

def test_a_sheet_is_stored_once(engine: Engine, cup: Competition) -> None:
    sheet = make_sheet(cup, "tab-1", "h1", "j1", {"taste": 30, "texture": "17.5"},
                       deductions=[{"key": "overtime", "minutes": 2, "reason": "超时2分钟"}])
    with session(engine) as s:
        first = record_sheet(s, "cup", sheet, actor="judge:j1")
        s.commit()
    assert first.created and first.revision == 1 and first.seq > 0
    with session(engine) as s:
        again = record_sheet(s, "cup", sheet, actor="judge:j1")
        s.commit()
    assert again == Receipt(first.seq, 1, False, first.received_at)
    assert count(engine, db.Sheet) == 1
    with session(engine) as s:
        [stored] = sheets_of_event(s, "cup", "hot")
    assert dataclasses.replace(stored, at="") == dataclasses.replace(sheet, seq=first.seq)
    assert stored.deductions == (DeductionMark("overtime", Fraction(2), "超时2分钟"),)


def test_an_id_reused_for_other_marks_is_refused(engine: Engine, cup: Competition) -> None:
    with session(engine) as s:
        record_sheet(s, "cup", make_sheet(cup, "tab-1", "h1", "j1", {"taste": 30}), actor="judge:j1")
        s.commit()
    before = (count(engine, db.Sheet), count(engine, db.AuditLog))
    for other in (make_sheet(cup, "tab-1", "h1", "j1", {"taste": 31}),
                  make_sheet(cup, "tab-1", "h2", "j1", {"taste": 30}),
                  make_sheet(cup, "tab-1", "h1", "j1", {"taste": 30}, reason="typo")):
        with session(engine) as s, pytest.raises(UserError) as e:
            record_sheet(s, "cup", other, actor="judge:j1")
        assert e.value.code == "sheet_id_reused"
    assert (count(engine, db.Sheet), count(engine, db.AuditLog)) == before


def test_revisions_follow_each_other(engine: Engine, cup: Competition) -> None:
    with session(engine) as s:
        record_sheet(s, "cup", make_sheet(cup, "a", "h1", "j1", {"taste": 30}), actor="judge:j1")
        record_sheet(s, "cup", make_sheet(cup, "b", "h1", "j2", {"taste": 20}), actor="judge:j2")
        s.commit()
    for uid, revision in (("c", 1), ("d", 3)):
        with session(engine) as s, pytest.raises(UserError) as e:
            record_sheet(s, "cup", make_sheet(cup, uid, "h1", "j1", {"taste": 29}, revision), actor="judge:j1")
        assert e.value.code == "revision_conflict" and e.value.problems[0].params["latest"] == 1
    with session(engine) as s:
        r2 = record_sheet(s, "cup", make_sheet(cup, "e", "h1", "j1", {"taste": 29}, 2, reason="typo"),
                          actor="judge:j1")
        s.commit()
        everything = sheets_of_entry(s, "cup", "h1")
    assert r2.created and r2.revision == 2
    assert [(x.id, x.revision) for x in everything] == [("a", 1), ("b", 1), ("e", 2)]
    assert [(x.judge, x.marks["taste"], x.reason) for x in current(everything)] == [
        ("j2", 20, ""), ("j1", 29, "typo")]


def test_locked_and_unknown(engine: Engine, cup: Competition) -> None:
    stored = make_sheet(cup, "a", "h1", "j1", {"taste": 30})
    with session(engine) as s:
        record_sheet(s, "cup", stored, actor="judge:j1")
        set_entry_locked(s, "cup", "h1", True, actor="chief:j2", reason="signed")
        s.commit()
    cases = [(make_sheet(cup, "b", "h1", "j2", {"taste": 30}), "entry_locked"),
             (make_sheet(cup, "c", "h1", "j9", {"taste": 30}), "judge_unknown"),
             (dataclasses.replace(make_sheet(cup, "d", "h1", "j1", {"taste": 30}), entry="h9"), "entry_unknown")]
    for sheet, code in cases:
        with session(engine) as s, pytest.raises(UserError) as e:
            record_sheet(s, "cup", sheet, actor="judge:x")
        assert e.value.code == code
    with session(engine) as s:  # a resend of what was stored before the lock is still acknowledged
        assert not record_sheet(s, "cup", stored, actor="judge:j1").created
    assert count(engine, db.Sheet) == 1


def test_marks_round_trip_exactly(engine: Engine, cup: Competition) -> None:
    sheet = make_sheet(cup, "m", "m1", "j1", {"quality": 8.5, "flatness": [1.2, -0.5], "clean": True})
    tiny = make_sheet(cup, "n", "m2", "j1", {"quality": 0.1, "flatness": ["0.05", 3], "clean": False})
    with session(engine) as s:
        record_sheet(s, "cup", sheet, actor="judge:j1")
        record_sheet(s, "cup", tiny, actor="judge:j1")
        s.commit()
    with session(engine) as s:
        rows = s.exec(select(db.Sheet).order_by(db.Sheet.id)).all()  # type: ignore[arg-type]
        assert rows[0].marks == {"quality": "8.5", "flatness": ["1.2", "-0.5"], "clean": True}
        got = sheets_of_event(s, "cup", "masonry")
    assert got[0].marks == {"quality": Fraction(17, 2), "flatness": (Fraction(6, 5), Fraction(-1, 2)), "clean": True}
    assert got[1].marks == {"quality": Fraction(1, 10), "flatness": (Fraction(1, 20), Fraction(3)), "clean": False}
    assert [type(v) for v in got[0].marks.values()] == [Fraction, tuple, bool]


@pytest.mark.parametrize("value", [Fraction(0), Fraction(-7, 4), Fraction(1, 3), Fraction(123456789, 1000), Fraction(5),
                                   Fraction(-1, 3)])
def test_exact_numbers(value: Fraction) -> None:
    assert Fraction(exact(value)) == value
    assert decode_marks(encode_marks({"x": value, "y": (value, -value)})) == {"x": value, "y": (value, -value)}


def test_sheets_are_audited(engine: Engine, cup: Competition) -> None:
    with session(engine) as s:
        r = record_sheet(s, "cup", make_sheet(cup, "a", "h1", "j1", {"taste": 30}, reason="first"), actor="judge:j1")
        audit(s, "organizer:a", "note", "event:hot", {"text": "hello"})
        s.commit()
        rows = [x for x in audit_log(s) if x.action != "event.state"]
    assert [(x.actor, x.action, x.subject) for x in rows] == [
        ("judge:j1", "sheet.recorded", "entry:h1"), ("organizer:a", "note", "event:hot")]
    assert rows[0].detail == {"competition": "cup", "sheet": "a", "seq": r.seq, "judge": "j1", "revision": 1,
                              "marks": {"taste": "30"}, "deductions": []}
    assert rows[0].reason == "first" and rows[0].at.year >= 2024


@pytest.mark.parametrize("same_uid", [True, False])
def test_two_writers_race_for_one_revision(engine: Engine, cup: Competition, same_uid: bool) -> None:
    """The second writer waits for the first; then its resend is recognised, or its revision refused."""
    first = make_sheet(cup, "a", "h1", "j1", {"taste": 30})
    second = first if same_uid else make_sheet(cup, "b", "h1", "j1", {"taste": 31})
    outcome: list[Receipt | UserError] = []

    def other_writer() -> None:
        with session(engine, write=True) as s:
            try:
                outcome.append(record_sheet(s, "cup", second, actor="judge:j1"))
                s.commit()
            except UserError as e:
                outcome.append(e)

    with session(engine, write=True) as s:
        receipt = record_sheet(s, "cup", first, actor="judge:j1")
        thread = threading.Thread(target=other_writer)
        thread.start()
        time.sleep(0.3)
        assert not outcome  # waiting for the first writer's commit
        s.commit()
    thread.join(10)
    [result] = outcome
    if same_uid:
        assert result == dataclasses.replace(receipt, created=False)
    else:
        assert isinstance(result, UserError) and result.code == "revision_conflict"
    assert count(engine, db.Sheet) == 1


def test_workers_may_migrate_together(blank_engine: Engine) -> None:
    errors: list[BaseException] = []

    def run() -> None:
        try:
            migrate(blank_engine)
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    assert count(blank_engine, db.Sheet) == 0


def test_sheets_only_for_open_events_but_resends_always_acknowledged(engine: Engine, cup: Competition) -> None:
    with session(engine) as s:
        first = record_sheet(s, "cup", make_sheet(cup, "a", "h1", "j1", {"taste": 30}), actor="judge:j1")
        set_event_state(s, "cup", "hot", "closed", actor="organizer:a")
        s.commit()
    with session(engine) as s:
        assert record_sheet(s, "cup", make_sheet(cup, "a", "h1", "j1", {"taste": 30}), actor="judge:j1") == (
            dataclasses.replace(first, created=False))
        with pytest.raises(UserError) as e:
            record_sheet(s, "cup", make_sheet(cup, "b", "h1", "j2", {"taste": 30}), actor="judge:j2")
        assert e.value.code == "event_not_open"
