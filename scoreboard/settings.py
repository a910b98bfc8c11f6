"""Every setting in one place: its name, default, cast and a line of help.

Settings come from the environment (or a ``.env`` file in the working directory); the README's
settings table is checked against ``SETTINGS`` by the test suite.

Words: a setting's *cast* turns its text into the value the program uses, or refuses it. Every
setting is cast when the settings are read, before anything starts: a bad value stops start-up
with a ``SettingError`` naming each bad setting and its value (the command exits with status 2).
A *yes/no* setting takes 1/0, true/false, yes/no or on/off, in any case.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.config import Config
from starlette.datastructures import Secret

from scoreboard.errors import N_, Problem, UserError

SYNCHRONOUS = ("OFF", "NORMAL", "FULL", "EXTRA")  # SQLite's synchronous pragma, as store.engine takes it
_YES, _NO = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


class SettingError(UserError):
    """One or more settings have a value Scoreboard cannot use: nothing started."""


class _Refused(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _text(value: str) -> str:
    return value


def _yes_no(value: str) -> bool:
    v = value.strip().lower()
    if v in _YES:
        return True
    if v in _NO:
        return False
    raise _Refused(N_("{name} cannot be {value}: use 1 or 0 (or true/false, yes/no, on/off)"))


def _locale(value: str) -> str:
    v = value.strip().replace("-", "_")
    if re.fullmatch(r"(?i)zh(_(cn|hans|hans_cn))?", v):
        return "zh_CN"
    if re.fullmatch(r"(?i)en(_[a-z]{2})?", v):
        return "en"
    raise _Refused(N_("{name} cannot be {value}: Scoreboard speaks zh_CN or en"))


def _synchronous(value: str) -> str:
    v = value.strip().upper()
    if v not in SYNCHRONOUS:
        raise _Refused(N_("{name} cannot be {value}: use OFF, NORMAL, FULL or EXTRA"))
    return v


def _database_url(value: str) -> str:
    v = value.strip()
    if not re.match(r"(?i)(sqlite|postgres|postgresql)(\+\w+)?://", v):
        raise _Refused(N_("{name} cannot be {value}: use sqlite:///FILE or postgresql://USER@HOST/DB"))
    return v


def _broadcast_url(value: str) -> str:
    v = value.strip()
    if not re.match(r"(?i)(memory://$|rediss?://|postgres(ql)?://)", v):
        raise _Refused(N_("{name} cannot be {value}: use memory:// (one process), redis://HOST:PORT/DB or "
                          "postgresql://USER@HOST/DB"))
    return v


def _proxies(value: str) -> str:
    """Empty (trust no proxy), ``*`` (trust any: only where nothing else can reach the server), or
    IP addresses and networks separated by commas."""
    items = [item.strip() for item in value.split(",") if item.strip()]
    for item in items:
        if item == "*":
            continue
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise _Refused(N_("{name} cannot be {value}: name the proxies by IP address or network, "
                              "separated by commas, or leave it empty")) from None
    return ",".join(items)


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str
    cast: Callable[[str], Any] = _text


SETTINGS = (
    Setting("DATABASE_URL", "sqlite:///scoreboard.db",
            "Where scores are kept: an SQLite file (WAL, durable commits) or postgresql://user@host/db.",
            _database_url),
    Setting("BROADCAST_URL", "memory://",
            "The live bus across workers: memory:// for one process; redis://HOST:PORT/DB (Redis pub/sub) or "
            "postgresql://USER@HOST/DB (LISTEN/NOTIFY) for several.", _broadcast_url),
    Setting("SECRET_KEY", "",
            "Signs session cookies. Empty: a random key made once and kept in the database, shared by every "
            "process using it, so a restart signs nobody out."),
    Setting("DEFAULT_LOCALE", "zh_CN", "The language for browsers that state no preference: zh_CN or en.", _locale),
    Setting("SQLITE_SYNCHRONOUS", "FULL", "SQLite's synchronous pragma: FULL keeps every acknowledged commit.",
            _synchronous),
    Setting("ORGANIZER_KEY", "",
            "A secret (?key=) that opens the organizer's board and the ceremony on the projector's kiosk browser; "
            "a signed-in organizer needs none. Empty: only signed-in organizers."),
    Setting("HTTPS", "0", "1: the deployment is served over HTTPS (directly or behind a proxy), so cookies are "
            "sent only over HTTPS (Secure).", _yes_no),
    Setting("FORWARDED_ALLOW_IPS", "",
            "The reverse proxies (IP addresses or networks, comma-separated) whose X-Forwarded-For and "
            "X-Forwarded-Proto are believed. Empty: no proxy is trusted; the connecting address is the client's.",
            _proxies),
    Setting("WS_COMPRESSION", "1", "permessage-deflate on websockets. 1: frames about 5× smaller on the venue's "
            "network; 0: less server CPU and memory (2,000 spectators: p99 110 vs 196 ms, RSS 165 vs 249 MB).",
            _yes_no),
    Setting("TEST_HOOKS", "0", "1 adds /_test/ routes (submit a sheet, change an event, cut board sockets) for "
            "browser tests and benchmarks; never in production.", _yes_no),
)


def _shown(name: str, value: str) -> str:
    """A refused value as the message shows it: quoted, a password in a URL hidden, cut short."""
    if name in ("DATABASE_URL", "BROADCAST_URL"):
        value = re.sub(r"(://[^:/@]*:)[^@/]*@", r"\1***@", value)
    return repr(value if len(value) <= 200 else value[:200] + "…")


def cast(values: dict[str, str]) -> dict[str, Any]:
    """Each setting's value cast, by name; every refused value is one problem of one ``SettingError``."""
    out: dict[str, Any] = {}
    problems = []
    for s in SETTINGS:
        try:
            out[s.name] = s.cast(values[s.name])
        except _Refused as e:
            shown = _shown(s.name, values[s.name])
            problems.append(Problem("setting_invalid", e.message, {"name": s.name, "value": shown}))
    if problems:
        raise SettingError(problems)
    return out


@dataclass(frozen=True)
class Settings:
    database_url: str
    broadcast_url: str
    secret_key: Secret  # empty: the key kept in the database (scoreboard.store.keys)
    default_locale: str
    sqlite_synchronous: str
    organizer_key: str = ""
    test_hooks: bool = False
    ws_compression: bool = True
    https: bool = False
    forwarded_allow_ips: str = ""

    @classmethod
    def from_env(cls, env_file: str | Path | None = ".env", **overrides: str) -> Settings:
        """The settings from the environment (and ``env_file``), ``overrides`` (by lower-case name)
        winning; raises ``SettingError`` naming every bad value."""
        config = Config(env_file if env_file and Path(env_file).is_file() else None)
        values = {s.name: config(s.name, default=s.default) for s in SETTINGS}
        values.update({k.upper(): v for k, v in overrides.items()})
        v = cast(values)
        return cls(v["DATABASE_URL"], v["BROADCAST_URL"], Secret(v["SECRET_KEY"]), v["DEFAULT_LOCALE"],
                   v["SQLITE_SYNCHRONOUS"], v["ORGANIZER_KEY"], v["TEST_HOOKS"], v["WS_COMPRESSION"], v["HTTPS"],
                   v["FORWARDED_ALLOW_IPS"])

