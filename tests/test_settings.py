"""Settings are cast and checked when a command starts: a bad value stops ``scoreboard serve`` and
``scoreboard demo`` with a translated message naming the setting and the value (exit status 2,
no traceback); yes/no settings read every usual spelling."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from scoreboard.cli import main
from scoreboard.serving import uvicorn_options
from scoreboard.settings import SETTINGS, SettingError, Settings


def settings(**values: str) -> Settings:
    return Settings.from_env(env_file=None, **values)


def refusal(**values: str) -> list[str]:
    with pytest.raises(SettingError) as caught:
        settings(**values)
    return [p.render() for p in caught.value.problems]


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for s in SETTINGS:
        monkeypatch.delenv(s.name, raising=False)


@pytest.mark.parametrize(("text", "value"), [
    ("1", True), ("0", False), ("true", True), ("false", False), ("TRUE", True), ("False", False),
    ("yes", True), ("no", False), ("Yes", True), ("NO", False), ("on", True), ("off", False), ("ON", True),
    (" off ", False)])
def test_yes_no_settings_read_every_usual_spelling(text: str, value: bool) -> None:
    s = settings(test_hooks=text, ws_compression=text, https=text)
    assert (s.test_hooks, s.ws_compression, s.https) == (value, value, value)


def test_the_two_settings_that_were_misread() -> None:
    assert settings(test_hooks="true").test_hooks is True  # was read as off
    assert settings(ws_compression="false").ws_compression is False  # was read as on


def test_the_defaults() -> None:
    s = settings()
    assert (s.database_url, s.broadcast_url, str(s.secret_key), s.default_locale, s.sqlite_synchronous) == (
        "sqlite:///scoreboard.db", "memory://", "", "zh_CN", "FULL")
    assert (s.test_hooks, s.ws_compression, s.https, s.forwarded_allow_ips) == (False, True, False, "")


@pytest.mark.parametrize(("text", "locale"), [("zh_CN", "zh_CN"), ("zh-CN", "zh_CN"), ("zh_cn", "zh_CN"),
                                              ("zh", "zh_CN"), ("zh-Hans", "zh_CN"), ("en", "en"),
                                              ("en-US", "en"), ("EN_gb", "en")])
def test_the_default_locale_is_normalised(text: str, locale: str) -> None:
    assert settings(default_locale=text).default_locale == locale


@pytest.mark.parametrize("text", ["fr", "", "zhx", "english", "en-", "de-DE"])
def test_a_language_we_do_not_speak_is_refused(text: str) -> None:
    assert refusal(default_locale=text) == [f"DEFAULT_LOCALE cannot be {text!r}: Scoreboard speaks zh_CN or en"]


def test_every_bad_setting_is_named_with_its_value() -> None:
    assert refusal(test_hooks="maybe", sqlite_synchronous="fast", database_url="mysql://root:hunter2@db/cup",
                   broadcast_url="kafka://127.0.0.1:9092", forwarded_allow_ips="10.0.0.1, proxy.local") == [
        "DATABASE_URL cannot be 'mysql://root:***@db/cup': use sqlite:///FILE or postgresql://USER@HOST/DB",
        "BROADCAST_URL cannot be 'kafka://127.0.0.1:9092': use memory:// (one process), redis://HOST:PORT/DB or "
        "postgresql://USER@HOST/DB",
        "SQLITE_SYNCHRONOUS cannot be 'fast': use OFF, NORMAL, FULL or EXTRA",
        "FORWARDED_ALLOW_IPS cannot be '10.0.0.1, proxy.local': name the proxies by IP address or network, "
        "separated by commas, or leave it empty",
        "TEST_HOOKS cannot be 'maybe': use 1 or 0 (or true/false, yes/no, on/off)"]


def test_good_values_of_the_other_settings() -> None:
    s = settings(sqlite_synchronous="normal", database_url="postgres://scores@db.local/cup",
                 forwarded_allow_ips=" 10.0.0.1 , 192.168.0.0/16,::1 ")
    assert (s.sqlite_synchronous, s.database_url, s.forwarded_allow_ips) == (
        "NORMAL", "postgres://scores@db.local/cup", "10.0.0.1,192.168.0.0/16,::1")
    assert settings(database_url="postgresql+psycopg2://u@h/db").database_url == "postgresql+psycopg2://u@h/db"
    assert settings(database_url="sqlite://").database_url == "sqlite://"


def test_uvicorn_trusts_forwarded_headers_only_from_the_named_proxies() -> None:
    options = uvicorn_options(settings())
    assert (options["proxy_headers"], options["ws_per_message_deflate"]) == (False, True)
    options = uvicorn_options(settings(forwarded_allow_ips="10.0.0.2", ws_compression="off"))
    assert (options["proxy_headers"], options["forwarded_allow_ips"], options["ws_per_message_deflate"]) == (
        True, "10.0.0.2", False)


@pytest.mark.parametrize("command", [["serve", "--port", "1"], ["demo", "--port", "1"]])
def test_serve_and_demo_stop_at_a_bad_setting(command: list[str], monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("TEST_HOOKS", "sometimes")
    monkeypatch.setenv("DEFAULT_LOCALE", "fr")
    assert main(["--lang", "en", *command]) == 2
    err = capsys.readouterr().err
    assert err.splitlines() == ["Stopped — a setting has a value Scoreboard cannot use:",
                                "  - DEFAULT_LOCALE cannot be 'fr': Scoreboard speaks zh_CN or en",
                                "  - TEST_HOOKS cannot be 'sometimes': use 1 or 0 (or true/false, yes/no, on/off)"]
    assert main(["--lang", "zh_CN", *command]) == 2
    assert "DEFAULT_LOCALE 不能是 'fr'：Scoreboard 只支持 zh_CN 或 en" in capsys.readouterr().err


def test_the_real_command_exits_2_without_a_traceback(tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "WS_COMPRESSION": "nope", "LANG": "C"}
    env.pop("SECRET_KEY", None)
    done = subprocess.run([sys.executable, "-m", "scoreboard.cli", "serve", "--port", "1"], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "WS_COMPRESSION cannot be 'nope'" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "x.db").exists()  # stopped before opening the database
