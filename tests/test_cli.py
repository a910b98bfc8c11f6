"""The command line: init, offline standings, rubric check — each refusal lists every problem
with its place, exits 2 and writes nothing."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import tomli_w
from sqlalchemy import inspect

from scoreboard.cli import main
from scoreboard.live.book import StandingsBook
from scoreboard.live.bus import MemoryBus
from scoreboard.services.sheets import SheetService
from scoreboard.store.engine import make_engine, migrate
from tests.support import COMPETITION, half_judged, seed

BAD_RUBRIC = """
key = "bad"
name = "坏的"
panel = 2
aggregation = { method = "trimmed", high = 1, low = 1 }
[[criteria]]
key = "taste"
name = "口味"
kind = "score"
max = 10
step = 0.3
[[criteria]]
key = "taste"
name = "口味"
kind = "score"
max = 10
step = 0.5
colour = "red"
"""


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["--lang", "en", *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    competition = tmp_path / "cup.toml"
    competition.write_text(tomli_w.dumps(COMPETITION), encoding="utf-8")
    sheets = tmp_path / "sheets.jsonl"
    sheets.write_text("".join(json.dumps(s, ensure_ascii=False) + "\n" for s in half_judged()), encoding="utf-8")
    return competition, sheets


def test_rubric_check_runs_golden_cases(capsys: pytest.CaptureFixture[str]) -> None:
    from scoreboard.rubric.load import load_preset

    cases = len(load_preset("cooking_hot").golden)
    code, out, _err = run(capsys, "rubric", "check", "preset:cooking_hot")
    assert code == 0 and f"preset:cooking_hot: valid; {cases} golden cases pass." in out


def test_rubric_check_lists_every_problem_with_its_place(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(BAD_RUBRIC, encoding="utf-8")
    code, _out, err = run(capsys, "rubric", "check", str(path))
    assert code == 2
    assert f"{path}: criteria[0].step: the range 0–10 must be whole steps" in err
    assert f"{path}: criteria[1].colour: unknown field" in err
    assert f"{path}: criteria: criterion taste is defined twice" in err
    assert f"{path}: panel: trimmed needs at least 3 judges for taste" in err


def test_rubric_check_fails_on_a_wrong_golden_total(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from scoreboard.rubric.load import preset_text

    path = tmp_path / "hot.toml"
    path.write_text(preset_text("cooking_hot").replace("total = 88.83", "total = 88.84"), encoding="utf-8")
    code, out, _err = run(capsys, "rubric", "check", str(path))
    assert code == 2 and "expected total 88.84, got 88.83" in out


def test_init_refuses_a_bad_file_and_writes_nothing(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = dict(COMPETITION, entries=[*COMPETITION["entries"], {"key": "e9", "event": "nope", "team": "t9"}])
    path = tmp_path / "bad.toml"
    path.write_text(tomli_w.dumps(bad), encoding="utf-8")
    db = tmp_path / "db.sqlite3"
    code, _out, err = run(capsys, "init", str(path), "--database-url", f"sqlite:///{db}")
    assert code == 2
    assert "entries[4].event: no event nope" in err and "entries[4].team: no team t9" in err
    assert not db.exists()


def test_init_loads_once(capsys: pytest.CaptureFixture[str], files: tuple[Path, Path], tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    code, out, _err = run(capsys, "init", str(files[0]), "--database-url", url)
    assert code == 0 and "Loaded Test Cup: 2 events, 4 entries, 7 judges." in out
    code, _out, err = run(capsys, "init", str(files[0]), "--database-url", url)
    assert code == 2 and "competition_exists" not in err and "cup" in err
    assert "competition" in {t.split("_")[0] for t in inspect(make_engine(url)).get_table_names()}


def test_offline_standings_table_json_csv(capsys: pytest.CaptureFixture[str], files: tuple[Path, Path]) -> None:
    code, out, _err = run(capsys, "standings", *map(str, files))
    assert code == 0
    lines = [line.split() for line in out.splitlines()]
    assert ["1", "H-101", "黄花炒肉丝", "Datong", "Hotel", "88.83", "Silver", "Second", "prize", "complete"] in lines
    code, out, _err = run(capsys, "standings", *map(str, files), "--format", "json", "--event", "hot")
    rows = json.loads(out)["standings"]
    assert [(r["entry"], r["rank"], r["total"], r["exact"]) for r in rows] == [
        ("e1", 1, "88.83", "533/6"), ("e2", 2, "80.00", "80"), ("e3", None, None, None)]
    assert "total: judge j5's 93 dropped as highest" in rows[0]["derivation"]
    code, out, _err = run(capsys, "standings", *map(str, files), "--format", "csv")
    table = list(csv.DictReader(io.StringIO(out)))
    assert table[0]["entry"] == "e1" and table[0]["awards"] == "Silver Second prize"


def test_offline_standings_refuses_bad_lines(capsys: pytest.CaptureFixture[str], files: tuple[Path, Path]) -> None:
    competition, sheets = files
    lines = sheets.read_text(encoding="utf-8").splitlines()
    lines[2] = "{not json"
    lines[4] = json.dumps({"id": "x", "entry": "e1", "judge": "j6", "marks": {"taste": 30}})
    lines.append(lines[0])  # the same sheet id again
    sheets.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, _out, err = run(capsys, "standings", str(competition), str(sheets))
    assert code == 2
    assert f"{sheets}:3: not valid JSON" in err
    assert f"{sheets}:5: judge j6 is not assigned to event hot" in err
    assert f"{sheets}:{len(lines)}: sheet id e1-j1 already used on line 1" in err


async def test_offline_standings_agree_with_the_live_service(files: tuple[Path, Path], tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'live.db'}")
    migrate(engine)
    seed(engine)
    service = SheetService(engine, MemoryBus(), StandingsBook(engine))
    for raw in half_judged():
        await service.submit("cup", str(raw["judge"]), raw)
    live = StandingsBook(engine).standings("cup", "hot")[2]
    assert main(["standings", *map(str, files), "--format", "json"]) == 0
    offline = [r for r in json.loads(capsys.readouterr().out)["standings"] if r["event"] == "hot"]
    assert [(s.entry.key, s.rank, None if s.result.total is None else str(s.result.total)) for s in live] == [
        (r["entry"], r["rank"], r["exact"]) for r in offline]
