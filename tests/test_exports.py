"""Exports, opened after they are written: the XLSX read back with openpyxl, the CSV parsed, the
PDFs' text extracted with pdftotext, the archive given to ``scoreboard standings`` and tampered
with. All on the "half judged" competition of ``tests.support``: e1 88.83 (银奖, 二等奖),
e2 80.00 (银奖, 三等奖: the quotas count the field of three, e3 too), e3 two sheets (no total),
o1 no sheets."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from bs4 import BeautifulSoup
from sqlalchemy import Engine

from scoreboard.cli import main
from scoreboard.exports.archive import build_archive, verify_archive
from scoreboard.exports.consistency import export_consistency
from scoreboard.exports.csv import export_csv, export_csv_files
from scoreboard.exports.data import ExportData
from scoreboard.exports.pdf import export_certificates, export_results
from scoreboard.exports.source import load_export_data
from scoreboard.exports.xlsx import export_xlsx
from scoreboard.intake import Lookup, check_sheet
from scoreboard.rubric.numbers import fixed
from scoreboard.store.engine import make_engine, migrate, session
from scoreboard.store.sheets import record_sheet
from tests.support import competition, half_judged, seed

pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext missing: run make system")


def judged(engine: Engine) -> dict[str, str]:
    """Seed and record the half-judged sheets; returns the judges' login tokens it issued."""
    from scoreboard.store.tokens import issue_token

    seed(engine)
    lookup = Lookup(competition())
    with session(engine, write=True) as s:
        tokens = {j: issue_token(s, "cup", j, actor="test") for j in ("j1", "j2", "j6")}
        for raw in half_judged():
            record_sheet(s, "cup", check_sheet(lookup, raw)[2], actor=f"judge:{raw['judge']}")
        s.commit()
    return tokens


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, str]]:
    url = f"sqlite:///{tmp_path_factory.mktemp('exports') / 'cup.db'}"
    engine = make_engine(url)
    migrate(engine)
    tokens = judged(engine)
    engine.dispose()
    return url, tokens


@pytest.fixture(scope="module")
def data(db: tuple[str, dict[str, str]]) -> ExportData:
    engine = make_engine(db[0])
    with session(engine) as s:
        out = load_export_data(s, "cup")
    engine.dispose()
    return out


def rows_of(ws: openpyxl.worksheet.worksheet.Worksheet) -> list[dict[str, object]]:
    values = list(ws.iter_rows(values_only=True))
    headers = values[1]
    return [dict(zip(headers, row, strict=True)) for row in values[2:]]


def test_xlsx_numbers_match_the_standings(data: ExportData, tmp_path: Path) -> None:
    path = tmp_path / "cup.xlsx"
    calls: list[tuple[int, int]] = []
    export_xlsx(data, path, lambda done, total: calls.append((done, total)))
    assert calls[-1][0] == calls[-1][1] and all(t == calls[0][1] for _d, t in calls)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["热菜", "面点", "评分明细", "团体排名"]
    hot = wb["热菜"]
    assert hot.freeze_panes == "A3" and "工匠杯测试" in str(hot["A1"].value)
    rows = {r["盲评编号"]: r for r in rows_of(hot)}
    e1, e2, e3 = rows["H-101"], rows["H-102"], rows["H-103"]
    assert (e1["名次"], e1["总分"], e1["奖项"], e1["扣分"], e1["状态"]) == (1, 88.83, "银奖 二等奖", 1, "已完成")
    assert (e1["口味"], e1["质感"]) == (31.5, 17.83)  # kept judges j2, j3, j4: 17.5, 18, 18 → 17.8333 → 17.83
    assert (e2["名次"], e2["总分"], e2["奖项"]) == (2, 80, "银奖 三等奖")  # 3 entered: 60 % → 1.8 → 2 places
    assert (e3["名次"], e3["总分"], e3["奖项"], e3["状态"]) == (None, None, None, "暂定")
    assert isinstance(e1["总分"], float) and hot.cell(3, list(e1).index("总分") + 1).number_format == "0.00"
    assert hot.column_dimensions["C"].width >= 10
    detail = rows_of(wb["评分明细"])
    assert len(detail) == 12
    j1 = next(r for r in detail if r["盲评编号"] == "H-101" and r["评委编号"] == "j1")
    assert (j1["评委"], j1["口味"], j1["评委折合总分"], j1["计入"]) == ("评委1", 30, 87, "去掉")
    j3 = next(r for r in detail if r["盲评编号"] == "H-101" and r["评委编号"] == "j3")
    assert j3["计入"] == "计入" and "超时 2" in str(j3["扣分记录"])
    teams = rows_of(wb["团体排名"])
    assert [(t["名次"], t["参赛单位"], t["得分"]) for t in teams] == [(1, "大同宾馆", 88.83), (2, "云冈餐厅", 80)]


def test_xlsx_in_english_and_one_event(data: ExportData, tmp_path: Path) -> None:
    path = tmp_path / "hot.xlsx"
    export_xlsx(data.only("hot"), path, locale="en")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Hot dishes", "Judges' marks"]
    rows = rows_of(wb["Hot dishes"])
    assert [(r["Rank"], r["Blind code"], r["Total"], r["Awards"]) for r in rows] == [
        (1, "H-101", 88.83, "Silver Second prize"), (2, "H-102", 80, "Silver Third prize"), (None, "H-103", None, None)]


def test_csv_has_a_bom_and_the_same_numbers(data: ExportData, tmp_path: Path) -> None:
    written = export_csv_files(data, tmp_path / "cup.csv")
    assert [p.name for p in written] == ["cup.csv", "cup-detail.csv", "cup-teams.csv"]
    raw = written[0].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [(r["赛项"], r["名次"], r["盲评编号"], r["总分"], r["奖项"]) for r in rows] == [
        ("热菜", "1", "H-101", "88.83", "银奖 二等奖"), ("热菜", "2", "H-102", "80.00", "银奖 三等奖"),
        ("热菜", "", "H-103", "", ""), ("面点", "", "O-1", "", "")]
    detail = list(csv.DictReader(io.StringIO(written[1].read_text(encoding="utf-8-sig"))))
    assert len(detail) == 12 and detail[0]["评委编号"] == "j1" and detail[0]["评委折合总分"] == "87.00"
    out = io.BytesIO()
    export_csv(data, out, locale="en", table="teams")
    assert out.getvalue().decode("utf-8-sig").splitlines()[1] == "1,Datong Hotel,88.83,2,1"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["--lang", "en", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_archive_reproduces_the_published_results(db: tuple[str, dict[str, str]], data: ExportData,
                                                  tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "cup.json"
    code, out, err = run(capsys, "export", "cup", "--format", "json", "--out", str(path), "--database-url", db[0])
    assert code == 0 and str(path) in out and "100%" in err
    text = path.read_text(encoding="utf-8")
    for token in db[1].values():  # neither the tokens nor anything derived from them
        assert token not in text and token[:16] not in text
    assert "token_hash" not in text
    archive = json.loads(text)
    assert archive["sheets"][2]["marks"]["texture"] == "18" and archive["sheets"][0]["id"] == "e1-j1"
    assert {r["action"] for r in archive["audit"]} >= {"sheet.recorded", "event.state", "judge.token"}
    code, out, _err = run(capsys, "standings", str(path), "--format", "json")
    assert code == 0
    again = json.loads(out)["standings"]
    published = [(ev, s.entry.key, s.rank, None if s.result.shown is None else fixed(s.result.shown),
                  None if s.result.total is None else str(s.result.total))
                 for ev, ss in data.standings.items() for s in ss]
    assert [(r["event"], r["entry"], r["rank"], r["total"], r["exact"]) for r in again] == published
    assert published[0] == ("hot", "e1", 1, "88.83", "533/6")
    code, out, _err = run(capsys, "archive", "verify", str(path))
    assert code == 0 and "intact — 12 sheets" in out and archive["fingerprint"] in out


def test_one_changed_byte_is_detected_and_named(data: ExportData, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    archive = build_archive(data)
    text = json.dumps(archive, ensure_ascii=False, indent=1)
    start = text.index('"sheets": [')  # e1-j3's taste 31.5 is the first in the sheets, after e1-j1 and e1-j2
    at = text.index('"taste": "31.5"', start) + len('"taste": "3')
    path = tmp_path / "tampered.json"
    path.write_text(text[:at] + "2" + text[at + 1:], encoding="utf-8")  # 31.5 → 32.5
    code, _out, err = run(capsys, "standings", str(path))
    assert code == 2
    assert f"{path}: sheets[2]: record 2 of sheets (seq 3, e1-j3) does not match its hash: changed here" in err
    assert "audit" not in err  # the audit chain was not touched
    code, _out, err = run(capsys, "archive", "verify", str(path))
    assert code == 2 and "sheets[2]" in err


def test_removed_or_rewritten_records_break_the_chain(data: ExportData) -> None:
    archive = build_archive(data)
    assert verify_archive(archive) == []
    cut = {**archive, "sheets": archive["sheets"][:-1]}
    assert [p.place for p in verify_archive(cut)] == ["head.sheets"]
    dropped = {**archive, "audit": archive["audit"][:3] + archive["audit"][4:]}
    assert [(p.code, p.place) for p in verify_archive(dropped)] == [("archive_tampered", "audit[3]")]
    renamed = json.loads(json.dumps(archive))
    renamed["competition"]["events"][0]["rubric"]["decimals"] = 1
    assert next(p.place for p in verify_archive(renamed)) == "competition"
    assert verify_archive({"format": "something"})[0].code == "archive_format"


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


@pdftotext
def test_result_sheets_hold_winners_scores_and_signature_lines(data: ExportData, tmp_path: Path) -> None:
    path = tmp_path / "results.pdf"
    export_results(data, path)
    text = pdf_text(path)
    lines = [line.split() for line in text.splitlines()]
    assert ["1", "H-101", "黄花炒肉丝", "大同宾馆", "88.83", "银奖", "二等奖"] in lines
    assert ["2", "H-102", "凉拌黄花菜", "云冈餐厅", "80.00", "银奖", "三等奖"] in lines
    assert "热菜 · 成绩排名" in text and "面点 · 成绩排名" in text
    for name in ("评委1", "评委5", "评委7", "裁判长"):
        assert name in text
    assert data.exported_at and "存档指纹" in text


@pdftotext
def test_certificates_one_per_winner(data: ExportData, tmp_path: Path) -> None:
    path = tmp_path / "certificates.pdf"
    assert export_certificates(data, path) == 2
    pages = pdf_text(path).split("\f")
    assert len([p for p in pages if p.strip()]) == 2
    assert "荣誉证书" in pages[0].replace(" ", "") and "大同宾馆" in pages[0] and "88.83" in pages[0]
    assert "云冈餐厅" in pages[1] and "银奖" in pages[1] and "黄花炒肉丝" not in pages[1]


def test_consistency_report(data: ExportData, tmp_path: Path) -> None:
    path = tmp_path / "consistency.html"
    export_consistency(data, path, locale="en")
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")

    def cells(judge: str) -> list[str]:
        row = soup.select_one(f"#judge-hot-{judge}")
        assert row is not None
        return [td.get_text(strip=True) for td in row.select("td")]

    # e1: kept totals 88.5, 90, 91 → 89.8333; e2: all 80 → 0; e3: too few judges to compare
    assert cells("j1") == ["评委1 (j1)", "3", "-1.42", "1.42", "0"]
    assert cells("j5") == ["评委5 (j5)", "2", "1.58", "1.58", "0"]
    assert cells("j2") == ["评委2 (j2)", "3", "-0.67", "0.67", "0"]
    assert cells("j7") == ["评委7 (j7)", "0", "—", "—", "0"]
    svg = soup.select_one("#event-hot svg")
    assert svg is not None and len(svg.select("rect")) == 5


def test_export_command_refusals(db: tuple[str, dict[str, str]], tmp_path: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "x.json"
    code, _out, err = run(capsys, "export", "cup", "--format", "json", "--event", "hot", "--out", str(out),
                          "--database-url", db[0])
    assert code == 2 and "whole competition" in err and not out.exists()
    code, _out, err = run(capsys, "export", "cup", "--format", "xlsx", "--event", "nope", "--out", str(out),
                          "--database-url", db[0])
    assert code == 2 and "no event nope" in err
    code, _out, err = run(capsys, "export", "cup", "--format", "csv", "--event", "hot", "--lang", "zh_CN",
                          "--out", str(tmp_path / "hot.csv"), "--database-url", db[0])
    assert code == 0 and (tmp_path / "hot.csv").read_text(encoding="utf-8-sig").startswith("赛项,名次")
