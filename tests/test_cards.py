"""Login cards from the command line: fresh tokens (stored as hashes only), a PDF and an HTML
file naming every judge with their link, and revocation."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import tomli_w
from bs4 import BeautifulSoup
from sqlmodel import select

from scoreboard.cli import main
from scoreboard.store import tables as db
from scoreboard.store.engine import make_engine, session
from scoreboard.store.tokens import identify, token_hash
from tests.support import COMPETITION


@pytest.fixture
def url(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    path = tmp_path / "cup.toml"
    path.write_text(tomli_w.dumps(COMPETITION), encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    assert main(["--lang", "en", "init", str(path), "--database-url", url]) == 0
    capsys.readouterr()
    return url


def tokens(capsys: pytest.CaptureFixture[str], url: str, *args: str) -> dict[str, str]:
    args = ("--database-url", url, "--base-url", "http://t:1", *args)
    assert main(["--lang", "en", "judges", "tokens", "cup", *args]) == 0
    lines = [line.split("\t") for line in capsys.readouterr().out.splitlines()]
    assert all(link == f"http://t:1/j/login/{token}" for _key, token, link in lines)
    return {key: token for key, token, _link in lines}


def test_tokens_are_stored_as_hashes_and_reissuing_invalidates(capsys: pytest.CaptureFixture[str], url: str) -> None:
    first = tokens(capsys, url)
    assert sorted(first) == [f"j{i}" for i in range(1, 8)]
    engine = make_engine(url)
    with session(engine) as s:
        stored = {j.key: j.token_hash for j in s.exec(select(db.Judge)).all()}
        assert stored == {k: token_hash(t) for k, t in first.items()}
        assert not set(stored.values()) & set(first.values())
    again = tokens(capsys, url, "--judge", "j2")
    assert list(again) == ["j2"] and again["j2"] != first["j2"]
    with session(engine) as s:
        assert identify(s, first["j2"]) is None
        assert identify(s, again["j2"]) is not None and identify(s, first["j1"]) is not None
    engine.dispose()


def test_cards_pdf_and_html_name_every_judge_with_their_link(capsys: pytest.CaptureFixture[str], url: str,
                                                              tmp_path: Path) -> None:
    old = tokens(capsys, url)
    out = tmp_path / "cards"
    assert main(["--lang", "en", "judges", "cards", "cup", "--out", str(out), "--database-url", url,
                 "--base-url", "http://10.0.0.5:8000/"]) == 0
    assert "Wrote 7 login cards" in capsys.readouterr().out
    html = BeautifulSoup((out / "login-cards.html").read_text(encoding="utf-8"), "html.parser")
    cards = html.select("section.card")
    assert [c.select_one(".name").get_text() for c in cards] == [f"评委{i}" for i in range(1, 8)]
    links = [c.select_one(".link").get_text() for c in cards]
    assert all(link.startswith("http://10.0.0.5:8000/j/login/") for link in links)
    assert all(c.select_one(".qr svg") is not None for c in cards)
    assert "面点 Pastry" in " ".join(cards[5].select_one(".events").get_text().split())
    text = subprocess.run(["pdftotext", "-layout", str(out / "login-cards.pdf"), "-"], check=True,
                          capture_output=True, text=True).stdout
    for i in range(1, 8):
        assert f"评委{i}" in text
    assert all(link in text for link in links)
    assert "工匠杯测试" in text and "Test Cup" in text and "扫描" in text
    engine = make_engine(url)
    with session(engine) as s:  # the cards' tokens work; the ones issued before them no longer do
        fresh = links[0].rsplit("/", 1)[1]
        assert identify(s, fresh) is not None and identify(s, old["j1"]) is None
    engine.dispose()


def test_revoke_locks_the_card_out(capsys: pytest.CaptureFixture[str], url: str) -> None:
    issued = tokens(capsys, url, "--judge", "j3")
    assert main(["--lang", "en", "judges", "revoke", "cup", "j3", "--reason", "card lost", "--database-url", url]) == 0
    assert "Revoked judge j3" in capsys.readouterr().out
    engine = make_engine(url)
    with session(engine) as s:
        assert identify(s, issued["j3"]) is None
        audit = s.exec(select(db.AuditLog).where(db.AuditLog.action == "judge.revoked")).one()
        assert audit.reason == "card lost" and audit.subject == "judge:j3"
    engine.dispose()
    assert main(["--lang", "en", "judges", "revoke", "cup", "j99", "--reason", "x", "--database-url", url]) == 2
    assert "no judge j99" in capsys.readouterr().err
