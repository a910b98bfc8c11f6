"""Every setting in one place: its name, default and a line of help.

Settings come from the environment (or a ``.env`` file in the working directory); the README's
settings table is checked against ``SETTINGS`` by the test suite.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from starlette.config import Config
from starlette.datastructures import Secret


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str


SETTINGS = (
    Setting("DATABASE_URL", "sqlite:///scoreboard.db",
            "Where scores are kept: an SQLite file (WAL, durable commits) or postgresql://user@host/db."),
    Setting("BROADCAST_URL", "memory://", "The live bus across workers: memory:// for one process."),
    Setting("SECRET_KEY", "", "Signs session cookies; a random one is made per run when empty."),
    Setting("DEFAULT_LOCALE", "zh_CN", "The language for browsers that state no preference: zh_CN or en."),
    Setting("SQLITE_SYNCHRONOUS", "FULL", "SQLite's synchronous pragma: FULL keeps every acknowledged commit."),
    Setting("ORGANIZER_KEY", "",
            "A secret (?key=) that opens the organizer's board and the ceremony on the projector's kiosk browser; "
            "a signed-in organizer needs none. Empty: only signed-in organizers."),
    Setting("WS_COMPRESSION", "1", "permessage-deflate on websockets. 1: frames about 5× smaller on the venue's "
            "network; 0: less server CPU and memory (2,000 spectators: p99 110 vs 196 ms, RSS 165 vs 249 MB)."),
    Setting("TEST_HOOKS", "0", "1 adds /_test/ routes (submit a sheet, change an event, cut board sockets) for "
            "browser tests and benchmarks; never in production."),
)


@dataclass(frozen=True)
class Settings:
    database_url: str
    broadcast_url: str
    secret_key: Secret
    default_locale: str
    sqlite_synchronous: str
    organizer_key: str = ""
    test_hooks: bool = False
    ws_compression: bool = True

    @classmethod
    def from_env(cls, env_file: str | Path | None = ".env", **overrides: str) -> Settings:
        config = Config(env_file if env_file and Path(env_file).is_file() else None)
        values = {s.name: config(s.name, default=s.default) for s in SETTINGS}
        values.update({k.upper(): v for k, v in overrides.items()})
        if not values["SECRET_KEY"]:
            import secrets

            values["SECRET_KEY"] = secrets.token_urlsafe(32)
        return cls(values["DATABASE_URL"], values["BROADCAST_URL"], Secret(values["SECRET_KEY"]),
                   values["DEFAULT_LOCALE"], values["SQLITE_SYNCHRONOUS"].upper(), values["ORGANIZER_KEY"],
                   values["TEST_HOOKS"].strip() == "1", values["WS_COMPRESSION"].strip() != "0")
