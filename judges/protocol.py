"""The judges' websocket protocol, version 1: every message as JSON (see ``docs/protocol.md``).

Words: a *frame* is one websocket text message, one JSON object with the version ``v`` and a
``type``. *Client messages* (``submit``, ``ping``) are parsed here from untrusted text into small
dataclasses, or refused with a ``UserError`` whose code the error frame carries. *Server
messages* (``hello``, ``ack``, ``error``, ``pong`` and the pushes) are built here as plain dicts
from domain objects; nothing here touches the database or the network.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from fractions import Fraction
from typing import Any

from scoreboard.competition import Competition, Event, Judge
from scoreboard.errors import N_, UserError
from scoreboard.rubric import markers
from scoreboard.rubric.model import Band, Criterion, Rubric, Text
from scoreboard.store.sheets import Receipt, exact
from scoreboard.texts import strings_in, valid_unicode

VERSION = 1
PATH = "/ws/judge"
CLOSE_NORMAL = 1000
CLOSE_GOING_AWAY = 1001
CLOSE_FLOOD = 1008
CLOSE_TOO_BIG = 1009
CLOSE_INTERNAL = 1011
CLOSE_UNAUTHORIZED = 4401
CLOSE_IDLE = 4408
CLOSE_TOO_MANY = 4409
MAX_DEPTH = 8  # the deepest nesting a client message needs is 4 (submit → sheet → marks → readings)
MAX_CONTAINERS = 1024  # "[" and "{" in a frame: a sheet needs a few dozen (a reason may hold 500 more)
MAX_WAITING = 1_000_000
REQUIRED = ("id", "entry", "revision")  # a submitted sheet's fields that have no default


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 64 * 1024
    per_second: float = 20
    burst: int = 40
    ping_seconds: float = 10
    idle_seconds: float = 45
    sockets: int = 4  # open sockets one login card may hold; a fifth closes the oldest (4409)
    recheck_seconds: float = 2  # how often open sockets re-check their card (revoked, replaced)


@dataclass(frozen=True)
class Submit:
    sheet: Mapping[str, Any]

    @property
    def sheet_id(self) -> str | None:
        sid = self.sheet.get("id")
        return sid if isinstance(sid, str) else None


@dataclass(frozen=True)
class Ping:
    t: Any = None
    waiting: int | None = None  # the tablet's outbox: sheets not yet acknowledged (optional)


ClientMessage = Submit | Ping


@dataclass(frozen=True)
class StoredSheet:
    """One of the judge's stored sheets, as the hello lists it: the newest revision of each entry
    with its ``marks`` and ``deductions`` as stored, so a correction on any tablet starts from it."""

    id: str
    entry: str
    revision: int
    seq: int
    marks: Mapping[str, Any] | None = None
    deductions: list[Mapping[str, str]] | None = None

    def frame(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}


class SheetRefused(UserError):
    """A submit refused before its sheet was read: the error frame still names the sheet's id."""

    def __init__(self, error: UserError, sheet_id: str | None) -> None:
        super().__init__(error.problems)
        self.sheet_id = sheet_id


SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _deeper(data: object, most: int) -> bool:
    """Whether decoded JSON ``data`` nests deeper than ``most`` (containers only are walked)."""
    stack: list[tuple[object, int]] = [(data, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > most:
            return True
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        stack.extend((c, depth + 1) for c in children if isinstance(c, dict | list))
    return False


def _decode(text: str | bytes) -> dict[str, Any]:
    """A frame's JSON object, of at most ``MAX_CONTAINERS`` lists and objects nested at most
    ``MAX_DEPTH`` deep, with every text in it valid Unicode. Each check costs little whatever the
    frame: brackets are counted before the JSON is decoded, and texts are looked at only when the
    frame escapes a surrogate (``\\ud800``)."""
    try:
        text = text.decode("utf-8") if isinstance(text, bytes) else text
    except UnicodeDecodeError:
        raise UserError.one("malformed", N_("the message is not valid JSON")) from None
    if text.count("[") + text.count("{") > MAX_CONTAINERS:
        raise UserError.one("malformed", N_("the message holds more lists and objects than any message needs"))
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        raise UserError.one("malformed", N_("the message is not valid JSON")) from None
    if not isinstance(data, dict):
        raise UserError.one("malformed", N_("the message must be a JSON object"))
    if _deeper(data, MAX_DEPTH):
        raise UserError.one("malformed", N_("the message is nested too deeply"))
    if SURROGATE_ESCAPE.search(text) and not all(valid_unicode(s) for s in strings_in(data, MAX_DEPTH + 1) or ()):
        raise UserError.one("malformed", N_("the message holds text that is not valid Unicode"))
    return data


def parse(text: str | bytes) -> ClientMessage:
    """A client frame, or a ``UserError``: malformed, version_unsupported, type_unknown,
    field_type, sheet_field."""
    data = _decode(text)
    if data.get("v") != VERSION or isinstance(data.get("v"), bool):
        raise UserError.one("version_unsupported", N_("protocol version {v} is not supported; use {version}"),
                            v=str(data.get("v"))[:16], version=VERSION)
    kind = data.get("type")
    if kind == "submit":
        sheet = data.get("sheet")
        if not isinstance(sheet, dict):
            raise UserError.one("field_type", N_("{field} must be an object"), field="sheet")
        missing = [name for name in REQUIRED if name not in sheet]
        if missing:
            sid = sheet.get("id")
            raise SheetRefused(UserError.one("sheet_field", N_("the sheet has no {fields}"),
                                             fields=", ".join(missing)), sid if isinstance(sid, str) else None)
        return Submit(sheet)
    if kind == "ping":
        t = data.get("t")
        waiting = data.get("waiting")
        if waiting is not None and (not isinstance(waiting, int) or isinstance(waiting, bool)
                                    or not 0 <= waiting <= MAX_WAITING):
            raise UserError.one("field_type", N_("{field} must be a whole number, 0 or more"), field="waiting")
        echo = isinstance(t, int | float | str) and not isinstance(t, bool) and len(str(t)) <= 64
        return Ping(t if echo else None, waiting)
    raise UserError.one("type_unknown", N_("unknown message type {type}"), type=str(kind)[:32])


def _num(value: Fraction | None) -> str | None:
    return None if value is None else exact(value)


def _text(value: Text | None) -> dict[str, str] | None:
    return None if value is None else {"zh": value.zh, "en": value.en}


def _bands(bands: Iterable[Band]) -> list[dict[str, str | None]]:
    return [{"within": _num(b.within), "pct": _num(b.pct)} for b in bands]


def _most(rubric: Rubric, mine: Collection[Criterion]) -> Fraction:
    """The most ``mine`` (some of the rubric's criteria) can add to the total."""
    if not rubric.parts:
        return sum((c.points for c in mine), Fraction(0))
    return sum((p.weight * sum((c.points for c in mine if c.part == p.key), Fraction(0)) / rubric.part_points(p.key)
                for p in rubric.parts), Fraction(0))


def rubric_view(rubric: Rubric, roles: Collection[str] | None = None) -> dict[str, Any]:
    """What a tablet needs to draw a rubric's form: criteria and deductions, numbers as exact text.
    With the judge's ``roles``, only the criteria they mark (``rubric.markers``); each part's
    maximum counts every criterion, and ``max_total`` is the most the judge's criteria add."""
    mine = rubric.criteria if roles is None else markers.criteria_for(rubric, roles)
    criteria = [{
        "key": c.key, "name": _text(c.name), "kind": str(c.kind), "min": _num(c.min), "max": _num(c.max),
        "step": _num(c.step), "weight": _num(c.weight), "part": c.part,
        "levels": [_text(level) for level in c.levels],
        "measure": None if c.measure is None else {
            "points": c.measure.points, "unit": c.measure.unit, "target": str(c.measure.target),
            "value": _num(c.measure.value), "min": _num(c.measure.lowest), "max": _num(c.measure.highest),
            "grading": c.measure.grading, "bands": _bands(c.measure.bands),
            "count_bands": _bands(c.measure.count_bands)},
        "help": _text(c.help),
    } for c in mine]
    deductions = [{
        "key": d.key, "name": _text(d.name), "kind": str(d.kind), "value": _num(d.value), "grace": _num(d.grace),
        "dq_after": _num(d.dq_after), "cap": _num(d.cap),
    } for d in rubric.deductions]
    return {"key": rubric.key, "name": _text(rubric.name), "aggregate_on": rubric.aggregate_on,
            "panel": rubric.panel, "decimals": rubric.decimals, "max_total": _num(_most(rubric, mine)),
            "parts": [{"key": p.key, "name": _text(p.name), "weight": _num(p.weight),
                       "max": _num(rubric.part_points(p.key))} for p in rubric.parts],
            "criteria": criteria, "deductions": deductions}


def _event_view(competition: Competition, event: Event, role: str, judge: Judge, state: str,
                locked: set[str]) -> dict[str, Any]:
    judge_team = judge.team
    entries = []
    for e in competition.entries:
        if e.event != event.key or (judge_team and e.team == judge_team):
            continue
        view: dict[str, Any] = {"key": e.key, "code": e.code}
        if not event.blind:
            view["title"] = e.title
        view["locked"] = e.key in locked
        entries.append(view)
    return {"key": event.key, "name": _text(event.name), "state": state, "blind": event.blind, "role": role,
            "rubric": rubric_view(event.rubric, judge.roles_in(event.key)), "entries": entries}


def hello(competition: Competition, judge: str, states: Mapping[str, str], locked: Iterable[str],
          sheets: Iterable[StoredSheet], now: datetime, limits: Limits) -> dict[str, Any]:
    """The first frame: the judge's assignments (only theirs, never their own team's entries,
    no titles where blind) and their own stored sheets; see ``docs/protocol.md``."""
    j = next(x for x in competition.judges if x.key == judge)
    locked_set = set(locked)
    events = [_event_view(competition, e, "chief" if e.key in j.chief_of and e.key not in j.events else "judge",
                          j, states.get(e.key, "draft"), locked_set)
              for e in competition.events if e.key in j.events or e.key in j.chief_of]
    stored = sorted(sheets, key=lambda s: s.seq)
    return {"v": VERSION, "type": "hello", "judge": {"key": j.key, "name": j.name},
            "competition": {"key": competition.key, "name": _text(competition.name)},
            "events": events, "sheets": [s.frame() for s in stored], "server_time": now.isoformat(),
            "last_seq": max((s.seq for s in stored), default=0), "limits": asdict(limits)}


def ack(sheet_id: str, entry: str, receipt: Receipt) -> dict[str, Any]:
    return {"v": VERSION, "type": "ack", "id": sheet_id, "entry": entry, "revision": receipt.revision,
            "seq": receipt.seq, "time": receipt.received_at.isoformat(), "duplicate": not receipt.created}


def error(err: UserError, sheet_id: str | None, gettext: Callable[[str], str]) -> dict[str, Any]:
    """An error frame; messages translated with ``gettext`` (the connection's language)."""
    problems = [{"code": p.code, "message": p.render(gettext)} for p in err.problems]
    frame: dict[str, Any] = {"v": VERSION, "type": "error", "code": err.code, "message": "; ".join(
        p["message"] for p in problems), "id": sheet_id, "problems": problems}
    for p in err.problems:
        if p.code == "revision_conflict" and "latest" in p.params:
            frame["latest"] = p.params["latest"]
    return frame


def pong(t: Any, now: datetime) -> dict[str, Any]:
    return {"v": VERSION, "type": "pong", "t": t, "server_time": now.isoformat()}


def push(kind: str, **fields: Any) -> dict[str, Any]:
    """A push: ``entry_locked`` (entry, locked), ``rescore`` (entry, reason), ``event_closed``
    (event, state), ``assignments_changed``, ``revoked``."""
    return {"v": VERSION, "type": kind, **fields}


def dumps(frame: Mapping[str, Any]) -> str:
    return json.dumps(frame, ensure_ascii=False, separators=(",", ":"))
