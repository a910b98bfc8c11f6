"""Secrets never reach the logs: the access log's addresses are redacted before they are written.

Words: a *secret* in an address is a judge's login token (``/j/login/<token>``, the address printed
on the login card) or the value of a ``key`` or ``token`` query parameter (the organizer's key on
a board, ``?key=<ORGANIZER_KEY>``). *Redacting* replaces the secret with ``***`` and keeps the rest,
so the log still says who asked for what and how it was answered.

uvicorn writes one line per HTTP request to the ``uvicorn.access`` logger and one per websocket
handshake to ``uvicorn.error``, each with the address as an argument of the record; ``install()``
adds one filter (the same object, so installing twice adds it once) that rewrites those arguments.
A logger's filters survive uvicorn's own logging set-up (``dictConfig`` keeps them), so
``create_app`` installs it and ``scoreboard serve``, the demo and tests all get it.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import unquote_plus

LOGGERS = ("uvicorn.access", "uvicorn.error")
SECRET_PARAMETERS = frozenset({"key", "token"})
HIDDEN = "***"
LOGIN = re.compile(r"(/j/login/)[^/?#\s\"]+")


def _pair(pair: str) -> str:
    name = pair.partition("=")[0]
    # the app decodes parameter names (``%6Bey`` is ``key``): compare them decoded, and case folded
    return f"{name}={HIDDEN}" if unquote_plus(name).strip().casefold() in SECRET_PARAMETERS else pair


def redact(text: str) -> str:
    """``text`` with every secret of an address in it replaced by ``***``."""
    text = LOGIN.sub(rf"\g<1>{HIDDEN}", text)
    path, sep, query = text.partition("?")
    if not sep:
        return text
    tail = ""
    if " " in query:  # a whole log line: the address ends at the first space
        query, space, rest = query.partition(" ")
        tail = space + rest
    return path + sep + "&".join(";".join(_pair(p) for p in part.split(";")) for part in query.split("&")) + tail


class Redact(logging.Filter):
    """Rewrites a record's message and text arguments; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        return True


REDACT = Redact()


def install() -> None:
    for name in LOGGERS:
        logging.getLogger(name).addFilter(REDACT)
