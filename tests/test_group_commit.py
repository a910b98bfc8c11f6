"""Group commit: many sheets share one transaction, each in its own savepoint — a refused sheet
spoils none of the others, a sheet sent twice in one batch is stored once, and nothing is
acknowledged before its batch is committed. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import Engine, event, func, text
from sqlmodel import select

from scoreboard.changes import SheetAccepted
from scoreboard.errors import UserError
from scoreboard.live.book import StandingsBook
from scoreboard.live.bus import MemoryBus
from scoreboard.services.sheets import SheetService
from scoreboard.store import tables as db
from scoreboard.store.engine import session
from scoreboard.store.sheets import Receipt
from tests.support import EIGHTY, seed, sheet


def count(engine: Engine, table: type[Any] = db.Sheet) -> int:
    with session(engine) as s:
        return int(s.exec(select(func.count()).select_from(table)).one())


@pytest.fixture
def service(engine: Engine) -> SheetService:
    seed(engine)
    service = SheetService(engine, MemoryBus(), StandingsBook(engine))
    service.lookup("cup")  # loaded once, so that sheets submitted together wait in one batch
    return service


async def test_concurrent_sheets_share_commits_and_are_each_stored_once(service: SheetService,
                                                                        engine: Engine) -> None:
    raws = [(f"j{i}", sheet(e, f"j{i}", EIGHTY)) for i in range(1, 6) for e in ("e1", "e2", "e3")]
    async with service.bus.subscribe() as queue:
        receipts = await asyncio.gather(*(service.submit("cup", j, raw) for j, raw in raws))
        assert len({r.seq for r in receipts}) == len(raws) and all(r.created for r in receipts)
        assert count(engine) == len(raws)
        assert service.commits < len(raws)  # they shared commits
        assert queue.qsize() == len(raws)


async def test_a_refused_sheet_in_a_batch_spoils_none_of_the_others(service: SheetService, engine: Engine) -> None:
    good = [service.submit("cup", f"j{i}", sheet("e1", f"j{i}", EIGHTY)) for i in range(1, 4)]
    stale = service.submit("cup", "j4", sheet("e1", "j4", EIGHTY, revision=2))
    results = await asyncio.gather(*good, stale, return_exceptions=True)
    assert [type(r) for r in results] == [Receipt, Receipt, Receipt, UserError]
    assert isinstance(results[3], UserError) and results[3].code == "revision_conflict"
    assert service.commits == 1
    assert count(engine) == 3
    assert count(engine, db.AuditLog) == 3 + 2  # three sheets, plus seeding's two event openings


async def test_the_same_sheet_twice_in_one_batch_is_stored_once(service: SheetService, engine: Engine) -> None:
    raw = sheet("e1", "j1", EIGHTY, sid="twice")
    async with service.bus.subscribe() as queue:
        first, second = await asyncio.gather(service.submit("cup", "j1", raw), service.submit("cup", "j1", raw))
        assert service.commits == 1
        assert first.seq == second.seq and (first.created, second.created) == (True, False)
        assert count(engine) == 1
        assert queue.get_nowait() == SheetAccepted("cup", "hot", "e1", "j1", first.seq) and queue.empty()


async def test_revisions_in_one_batch_follow_each_other(service: SheetService, engine: Engine) -> None:
    first, second = await asyncio.gather(
        service.submit("cup", "j1", sheet("e1", "j1", EIGHTY, sid="a")),
        service.submit("cup", "j1", sheet("e1", "j1", {**EIGHTY, "taste": 30}, sid="b", revision=2)))
    assert (first.revision, second.revision) == (1, 2) and second.seq > first.seq
    assert count(engine) == 2


async def test_nothing_is_acknowledged_before_its_commit(service: SheetService, engine: Engine,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("sqlmodel.Session.commit", broken)
    with pytest.raises(OSError):
        await service.submit("cup", "j1", sheet("e1", "j1", EIGHTY))
    monkeypatch.undo()
    assert count(engine) == 0
    assert (await service.submit("cup", "j1", sheet("e1", "j1", EIGHTY))).created  # the writer carries on


def poison(engine: Engine) -> None:
    """The database refuses a sheet whose reason is "poison" with an error of its own (not a
    constraint): SQLite through a function that raises, PostgreSQL through a trigger that raises."""
    if engine.dialect.name == "sqlite":
        def refuse(reason: str) -> int:
            if reason == "poison":
                raise ValueError("poison")
            return 0

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.create_function("refuse", 1, refuse)

        engine.dispose()  # new connections get the function
        ddl = ["CREATE TRIGGER poison BEFORE INSERT ON sheet WHEN refuse(NEW.reason) BEGIN SELECT 1; END"]
    else:
        ddl = ["CREATE FUNCTION poison() RETURNS trigger AS $$ BEGIN IF NEW.reason = 'poison' THEN "
               "RAISE EXCEPTION 'poison'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql",
               "CREATE TRIGGER poison BEFORE INSERT ON sheet FOR EACH ROW EXECUTE FUNCTION poison()"]
    with engine.begin() as c:
        for statement in ddl:
            c.execute(text(statement))


async def test_a_sheet_the_database_refuses_fails_alone(service: SheetService, engine: Engine) -> None:
    """Once, one bad text in a sheet failed the whole group commit: every other judge's sheet of the
    batch was answered server_error. Now the batch is recorded again sheet by sheet."""
    poison(engine)
    good = [service.submit("cup", f"j{i}", sheet("e2", f"j{i}", EIGHTY)) for i in range(1, 5)]
    bad = service.submit("cup", "j5", sheet("e2", "j5", EIGHTY, reason="poison"))
    results = await asyncio.gather(*good, bad, return_exceptions=True)
    assert [type(r) for r in results[:4]] == [Receipt] * 4
    assert not isinstance(results[4], Receipt | UserError)  # a database error: the tablet hears server_error
    assert service.commits == 1  # still one commit for the good ones
    assert count(engine) == 4
    assert count(engine, db.AuditLog) == 4 + 2
    assert (await service.submit("cup", "j5", sheet("e2", "j5", EIGHTY, sid="cured"))).created
