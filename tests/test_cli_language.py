"""The ``scoreboard`` command speaks one language: Chinese for a Chinese locale, English for any
other — help, argparse's usage errors, refusals and the notice the server prints at start —
chosen by ``--lang``, else by the environment as gettext reads it (LC_ALL, LC_MESSAGES, LANG,
with LANGUAGE first unless the locale is C)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scoreboard import i18n
from scoreboard.cli import language, main
from tests.e2e.servers import free_port

BAD = 'key = "bad"\nname = "坏的"\n[[criteria]]\nkey = "taste"\nname = "口味"\nkind = "score"\nmax = 10\nstep = 0.3\n'
LOCALE_VARIABLES = ("LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE", i18n.COMMAND_LANG)


@pytest.mark.parametrize(("env", "expected"), [
    ({"LANG": "en_US.UTF-8"}, "en"),
    ({"LANG": "zh_CN.UTF-8"}, "zh_CN"),
    ({"LANG": "zh_TW.UTF-8"}, "zh_CN"),  # Chinese is Chinese
    ({"LANG": "de_DE.UTF-8"}, "en"),
    ({"LANG": "C.UTF-8"}, "en"),
    ({}, "en"),
    ({"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),  # LC_ALL wins over LANG
    ({"LC_MESSAGES": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, "zh_CN"),
    ({"LANGUAGE": "zh_CN:en", "LANG": "en_US.UTF-8"}, "zh_CN"),  # LANGUAGE first ...
    ({"LANGUAGE": "zh_CN", "LANG": "C"}, "en"),  # ... unless the locale is C
    ({"LANGUAGE": "fr:de", "LANG": "zh_CN.UTF-8"}, "zh_CN"),  # nothing in LANGUAGE we speak
    ({"SCOREBOARD_LANG": "zh_CN", "LC_ALL": "en_US.UTF-8"}, "zh_CN"),  # what --lang chose, for the workers
])
def test_the_environment_names_the_language(env: dict[str, str], expected: str) -> None:
    assert i18n.of_environment(env) == expected


def test_lang_before_the_command_wins() -> None:
    assert language(["--lang", "zh_CN", "rubric", "list"], {"LANG": "en_US.UTF-8"}) == "zh_CN"
    assert language(["--lang=en", "rubric", "list"], {"LANG": "zh_CN.UTF-8"}) == "en"
    assert language(["--lang", "fr", "rubric", "list"], {"LANG": "zh_CN.UTF-8"}) == "zh_CN"  # unknown: the environment
    assert language(["export", "cup", "--lang", "en"], {"LANG": "zh_CN.UTF-8"}) == "zh_CN"  # export's own --lang


@pytest.fixture
def bad(tmp_path: Path) -> Path:
    path = tmp_path / "bad.toml"
    path.write_text(BAD, encoding="utf-8")
    return path


def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], env: dict[str, str],
        *args: str) -> tuple[int, str, str]:
    for name in LOCALE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    try:
        code = main(list(args))
    except SystemExit as stop:
        code = int(stop.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_a_refusal_in_english_and_in_chinese(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                                             bad: Path) -> None:
    code, _out, err = run(monkeypatch, capsys, {"LANG": "en_US.UTF-8"}, "rubric", "check", str(bad))
    assert code == 2 and err.startswith("Refused — nothing was written:\n")
    assert f"{bad}: criteria[0].step: the range 0–10 must be whole steps" in err
    code, _out, err = run(monkeypatch, capsys, {"LANG": "zh_CN.UTF-8"}, "rubric", "check", str(bad))
    assert code == 2 and err.startswith("已拒绝，未写入任何内容：\n")
    assert "criteria[0].step" in err and "must be whole steps" not in err


def test_help_and_usage_errors_speak_the_locale(monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = run(monkeypatch, capsys, {"LANG": "zh_CN.UTF-8"}, "--help")
    assert code == 0 and out.startswith("用法：scoreboard")
    assert "显示此帮助信息并退出" in out and "技能竞赛现场评分与成绩大屏。" in out and "把赛事文件载入数据库" in out
    code, _out, err = run(monkeypatch, capsys, {"LANG": "zh_CN.UTF-8"})
    assert code == 2 and err.splitlines()[-1] == "scoreboard：错误：缺少以下必需参数：COMMAND"
    code, _out, err = run(monkeypatch, capsys, {"LANG": "zh_CN.UTF-8"}, "standings", "a.toml", "--format", "pdf")
    assert code == 2 and "参数 --format：无效的选项：'pdf'（可选：'table', 'json', 'csv'）" in err
    code, out, _err = run(monkeypatch, capsys, {"LANG": "en_US.UTF-8"}, "--help")
    assert out.startswith("usage: scoreboard") and "show this help message and exit" in out
    code, _out, err = run(monkeypatch, capsys, {"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"})
    assert err.splitlines()[-1] == "scoreboard: error: the following arguments are required: COMMAND"


def _notice(env: dict[str, str], folder: Path) -> str:
    """The line ``scoreboard serve`` prints at start when nobody can sign in to the console yet."""
    clean = {k: v for k, v in os.environ.items() if k not in LOCALE_VARIABLES}
    port = free_port()
    with subprocess.Popen([sys.executable, "-m", "scoreboard.cli", "serve", "--port", str(port)],
                          env={**clean, **env, "DATABASE_URL": f"sqlite:///{folder / f'{port}.db'}",
                               "SECRET_KEY": "language-test"},
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as proc:
        try:
            assert proc.stdout is not None
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                line = proc.stdout.readline()
                if "/console" in line:
                    return line.strip()
                if not line and proc.poll() is not None:
                    break
            raise AssertionError("no notice printed")
        finally:
            proc.terminate()
            proc.wait(timeout=10)


@pytest.mark.parametrize(("env", "notice"), [
    ({"LANG": "en_US.UTF-8"}, "No organizer account yet. Create one to sign in to /console: "
                              "scoreboard admin create USERNAME"),
    ({"LANG": "zh_CN.UTF-8"}, "还没有组织者账号。创建后才能登录赛事管理后台 /console："
                              "scoreboard admin create USERNAME"),
    ({"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}, "No organizer account yet. Create one to sign in to /console: "
                                                       "scoreboard admin create USERNAME"),
])
def test_the_servers_notice_speaks_the_locale(env: dict[str, str], notice: str, tmp_path: Path) -> None:
    assert _notice(env, tmp_path) == notice
