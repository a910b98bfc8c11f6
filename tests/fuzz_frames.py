"""Judges' frames of every shape, for fuzzing ``/ws/judge`` (the test and the benchmark share them).

Words: a *chooser* makes every choice a generator needs — hypothesis's ``data.draw`` in the test,
so that a failure shrinks to a small example (options are listed plain first, nastiest last), or
a seeded ``random.Random`` in the benchmark. A *frame* is what a tablet sends: text written
exactly (``dump`` writes JSON whose leaves may be ``Raw`` fragments — ``NaN``, ``1e400000``, a
10,000-digit integer — and escapes lone surrogates as ``\\ud800``, the only way to send them), or
bytes: a binary frame, or invalid UTF-8 sent as a text frame. A *class* names a family of inputs
(huge numbers, bad texts, …); the benchmark counts by it. The *view* is what the fuzzing tablet
knows from its hello and acks: each entry's next revision, the frame size limit.
"""

from __future__ import annotations

import itertools
import json
import random
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from tests.support import EIGHTY

T = TypeVar("T")


class Chooser(Protocol):
    def pick(self, options: Sequence[T], label: str) -> T: ...


class RandomChooser:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def pick(self, options: Sequence[T], label: str) -> T:
        return self.rng.choice(options)


@dataclass(frozen=True)
class Raw:
    """JSON text written exactly as given."""

    text: str


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()  # a field left out of the message
SURROGATE = re.compile("[\ud800-\udfff]")


def _string(text: str) -> str:
    return SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(text, ensure_ascii=False))


def dump(value: Any) -> str:
    """``value`` as JSON text: ``Raw`` leaves and keys as written, ``MISSING`` fields left out."""
    if isinstance(value, Raw):
        return value.text
    if isinstance(value, dict):
        return "{" + ",".join(f"{k.text if isinstance(k, Raw) else _string(k)}:{dump(v)}"
                              for k, v in value.items() if v is not MISSING) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(dump(v) for v in value if v is not MISSING) + "]"
    if isinstance(value, str):
        return _string(value)
    return json.dumps(value)


# Numbers as JSON text: plain and off-range first; then what no tablet should be able to make the
# server compute with. Quoted ones are decimal strings (the protocol takes both).
BIG_INT = "1" + "0" * 5000  # 10**5000 as a JSON integer
NUMBERS = (
    "0", "-0", "-0.0", "28.3", "35.5", "-1", "1e24", "1e100", '"1e40"', "1e308", "1e309", "-1e309",
    "NaN", "Infinity", "-Infinity", '"NaN"', '"Infinity"', '"-Infinity"', '"sNaN"', '"1/3"', '"１２"', '"٣"',
    '" 28 "', '"2_8"', '"0x1c"', '"+28"', '"2.8e1"', '"-0"', "1.00000000000000000000000000001",
    "123456789012345678901234567890.5", '"1e-20"', '"1e20000"', "1e20000", '"1e400000"', "1e400000",
    '"1e-400000"', "1e-400000", '"1e3000000"', "1e3000000", BIG_INT, f'"{BIG_INT}"', f'"0.{"0" * 5000}1"',
)
# Texts: plain first; then lone surrogates, NUL and control characters, lengths at and past the
# limits (an id has at most 64 characters, a reason 500), markup and format strings.
TEXTS = (
    "", " ", "e1 ", "E1", "工匠杯", "x" * 64, "x" * 65, "x" * 500, "x" * 501, "x" * 5000, "\ud800", "\udfff",
    "a\ud800b", "\udc00\ud800", "\x00", "a\x00b", "\x01\x02\x1b\x7f", "\u0085\u2028\u2029", "\u202e",
    "\ufeff", "\U0001f600", "=1+1", "<script>alert(1)</script>", "{{ 7*7 }}", "%(x)s {0} {x}",
    "../../etc/passwd", "null", "NaN", "e1\r\n", "\t",
)
WRONG = tuple(Raw(t) for t in ("null", "true", "false", "0", "1.5", '""', '"x"', "[]", "{}", "[1,2]",
                               '{"a":1}', "[[[[[]]]]]"))
VERSIONS = tuple(Raw(t) for t in ("2", "0", "-1", '"1"', "1.0", "1.5", "true", "null", "1e400", "[1]", '{"v":1}'))
TYPES = ("hello", "ack", "pong", "error", "revoked", "delete_everything", "Submit", "submit ", "PING", "")

WALL_MARKS: dict[str, Any] = {
    "theory": 80, "dimensions": [1, -2, 3, 0, 5, -1], "level": [0.5, 1, 1.5, 2, 0, 3], "plumb": [0, 0, 1, 1, 2, 2],
    "flatness": [1, 2, 3, 5], "gauge": [10, 11, 9, 12, 13, 10, 8, 10, 11, 10],
    "joints": 2, "cuts": 2, "bond": 1, "safety": 3}
ENTRIES = {"hot": ("e1", "e2", "e3"), "wall": ("w1", "w2")}


@dataclass
class JudgeView:
    """What the fuzzing tablet (judge j1) knows: next revisions, the size limit, the last sheet."""

    max_bytes: int = 65536
    revisions: dict[str, int] = field(default_factory=dict)
    last_valid: str = ""
    serial: Any = field(default_factory=itertools.count)

    def learn(self, frame: dict[str, Any]) -> None:
        """Keep the latest revision of each entry, from a hello's sheets or an ack."""
        for sheet in frame.get("sheets", []) if frame.get("type") == "hello" else [frame]:
            if isinstance(sheet.get("entry"), str) and isinstance(sheet.get("revision"), int):
                self.revisions[sheet["entry"]] = max(self.revisions.get(sheet["entry"], 0), sheet["revision"])
        if frame.get("type") == "hello":
            self.max_bytes = frame["limits"]["max_bytes"]

    def sheet_id(self) -> str:
        return f"fz-{next(self.serial)}"


@dataclass(frozen=True)
class Frame:
    kind: str
    data: str | bytes
    text: bool = True  # a text frame (bytes are sent as they are: invalid UTF-8 stays invalid)
    note: str = ""  # what is odd about it, in a few words

    @property
    def size(self) -> int:
        return len(self.data.encode() if isinstance(self.data, str) else self.data)

    @property
    def valid_utf8(self) -> bool:
        if isinstance(self.data, str):
            return True
        try:
            self.data.decode()
        except UnicodeDecodeError:
            return False
        return True

    def closes_allowed(self, max_bytes: int) -> set[int]:
        """The close codes this frame may be answered with: 1009 past the size limit, 1007 for
        invalid UTF-8 in a text frame (the websocket layer refuses it). Anything else must be
        answered with a frame, and the connection kept."""
        codes = {1009} if self.size > max_bytes else set()
        if self.text and not self.valid_utf8:
            codes.add(1007)
        return codes

    def show(self, limit: int = 300) -> str:
        text = repr(self.data)
        cut = f"{text[:limit]}… ({self.size} bytes)" if len(text) > limit else text
        return f"[{self.kind}: {self.note}; {'text' if self.text else 'binary'} frame] {cut}"


def _path(path: Path) -> str:
    return ".".join(str(p) for p in path)


def _brief(value: Any) -> str:
    text = value.text if isinstance(value, Raw) else repr(value)
    return text if len(text) <= 40 else f"{text[:30]}…({len(text)} chars)"


def submit(ch: Chooser, view: JudgeView, event: str, deduction: bool = True) -> dict[str, Any]:
    entry = ch.pick(ENTRIES[event], "entry")
    marks = dict(EIGHTY) if event == "hot" else {k: list(v) if isinstance(v, list) else v
                                                 for k, v in WALL_MARKS.items()}
    cut = ({"key": "overtime", "minutes": 2, "reason": "超时2分钟"} if event == "hot"
           else {"key": "ppe", "count": 1, "reason": "未戴安全帽"})
    sheet = {"id": view.sheet_id(), "entry": entry, "revision": view.revisions.get(entry, 0) + 1, "marks": marks,
             "deductions": [cut] if deduction else [], "reason": "复评" if view.revisions.get(entry) else ""}
    return {"v": 1, "type": "submit", "sheet": sheet}


def ping() -> dict[str, Any]:
    return {"v": 1, "type": "ping", "t": 1732440600123, "waiting": 0}


Path = tuple[str | int, ...]


def put(message: Any, path: Path, value: Any) -> None:
    """Set (or, with ``MISSING``, remove) the field at ``path``; a path that no longer exists is left."""
    *parents, last = path
    for step in parents:
        try:
            message = message[step]
        except (KeyError, IndexError, TypeError):
            return
    if isinstance(message, dict):
        if value is MISSING:
            message.pop(last, None)
        else:
            message[last] = value
    elif isinstance(message, list) and isinstance(last, int) and last < len(message):
        message[last] = value


NUMBER_SITES: dict[str, tuple[Path, ...]] = {
    "hot": (*(("sheet", "marks", c) for c in EIGHTY), ("sheet", "deductions", 0, "minutes"), ("sheet", "revision")),
    "wall": (("sheet", "marks", "theory"), ("sheet", "marks", "joints"),
             *(("sheet", "marks", m, i) for m in ("dimensions", "level", "plumb", "flatness", "gauge") for i in (0, 3)),
             ("sheet", "marks", "plumb"), ("sheet", "deductions", 0, "count")),
    "ping": (("t",), ("waiting",), ("v",)),
}


def huge_numbers(ch: Chooser, view: JudgeView) -> Frame:
    target = ch.pick(("hot", "wall", "ping"), "message")
    message = ping() if target == "ping" else submit(ch, view, target)
    path, number = ch.pick(NUMBER_SITES[target], "field"), Raw(ch.pick(NUMBERS, "number"))
    put(message, path, number)
    return Frame("huge numbers", dump(message), note=f"{target} {_path(path)} = {_brief(number)}")


TEXT_SITES = ("sheet id", "entry", "reason", "deduction reason", "deduction key", "criterion key", "mark",
              "reading", "extra sheet key", "extra message key", "type", "ping t", "ping key")


def bad_texts(ch: Chooser, view: JudgeView) -> Frame:
    site = ch.pick(TEXT_SITES, "field")
    text = ch.pick(TEXTS, "text")
    message = ping() if site.startswith("ping") else submit(ch, view, "wall" if site == "reading" else "hot")
    sheet = message.get("sheet", {})
    paths: dict[str, Path] = {"sheet id": ("sheet", "id"), "entry": ("sheet", "entry"), "reason": ("sheet", "reason"),
                              "deduction reason": ("sheet", "deductions", 0, "reason"),
                              "deduction key": ("sheet", "deductions", 0, "key"), "mark": ("sheet", "marks", "taste"),
                              "reading": ("sheet", "marks", "plumb", 2), "type": ("type",), "ping t": ("t",)}
    if site in paths:
        put(message, paths[site], text)
    elif site == "criterion key":
        sheet["marks"] = {text if k == "taste" else k: v for k, v in sheet["marks"].items()}
    elif site == "extra sheet key":
        sheet[text] = 1
    else:  # a key of the message itself, next to v and type
        message[text] = "x"
    return Frame("bad texts", dump(message), note=f"{site} = {_brief(text)}")


def wrong_types(ch: Chooser, view: JudgeView) -> Frame:
    target = ch.pick(("hot", "wall", "ping", "version", "type"), "message")
    message = ping() if target == "ping" else submit(ch, view, "wall" if target == "wall" else "hot")
    if target == "version":
        path, value = ("v",), ch.pick((*VERSIONS, MISSING), "v")
    elif target == "type":
        path, value = ("type",), ch.pick((*TYPES, MISSING), "type")
    else:
        sites: tuple[Path, ...] = (
            ("t",), ("waiting",), ("v",), ("type",)) if target == "ping" else (
            ("sheet",), ("sheet", "id"), ("sheet", "entry"), ("sheet", "revision"), ("sheet", "reason"),
            ("sheet", "marks"), ("sheet", "marks", "taste"), ("sheet", "marks", "plumb"),
            ("sheet", "marks", "plumb", 0), ("sheet", "marks", "joints"), ("sheet", "deductions"),
            ("sheet", "deductions", 0), ("sheet", "deductions", 0, "key"), ("sheet", "deductions", 0, "minutes"),
            ("sheet", "deductions", 0, "count"),
            ("sheet", "deductions", 0, "reason"), ("v",), ("type",))
        path, value = ch.pick(sites, "field"), ch.pick((MISSING, *WRONG), "value")
    put(message, path, value)
    return Frame("wrong types", dump(message), note=f"{target} {_path(path)} = {_brief(value)}")


NESTING = {"[": "]", '{"a":': "}", '[{"a":': "}]"}


def deep_nesting(ch: Chooser, view: JudgeView) -> Frame:
    depth = ch.pick((64, 500, 1000, 5000, 30000, 65000), "depth")
    opener = ch.pick(tuple(NESTING), "opener")
    closed = ch.pick((False, True), "closed")
    where = ch.pick(("frame", "ping t", "mark", "sheet"), "where")
    depth = min(depth, (view.max_bytes - 300) // (len(opener) + len(NESTING[opener])))
    deep = opener * depth + ("0" + NESTING[opener] * depth if closed else "")
    note = f"{where}: {opener} × {depth}{', closed' if closed else ''}"
    if where == "frame":
        return Frame("deep nesting", deep, note=note)
    if where == "ping t":
        return Frame("deep nesting", '{"v":1,"type":"ping","t":' + deep + "}", note=note)
    if where == "sheet":
        return Frame("deep nesting", '{"v":1,"type":"submit","sheet":' + deep + "}", note=note)
    message = submit(ch, view, "hot")
    put(message, ("sheet", "marks", "taste"), Raw(deep))
    return Frame("deep nesting", dump(message), note=note)


PING = '{"v":1,"type":"ping","t":1}'
BAD_TEXT_FRAMES = (
    "", " ", "{", "}", "{not json", "[1, 2]", "null", "1", '"ping"', "true", '{"v":1,"type":"ping"',
    "{'v': 1, 'type': 'ping'}", PING + " trailing", '{"v":1,"v":2,"type":"ping"}', "\ufeff" + PING,
    '{"v":1,"type":"ping","t":"\\ud800"', '{"v":1,"type":"ping","t":"\\x41"}', '{"v":1,"type":"ping","t":"\\u12"}',
    "\x00", PING + "\x00", "1" * 5000, "-", '{"v":1,"type":"ping","t":1,}', '{"v":1,"type":"ping",}',
)
INVALID_UTF8 = (b"\xff", b"\xc0\xaf", b'{"v":1,"type":"ping","t":"\xc3"}', b"\xed\xa0\x80",
                b'{"v":1,"type":"ping","t":"\xf4\x90\x80\x80"}', b'{"v":1,"type":"ping","t":"\xed\xbf\xbf"}')
BINARY = (PING.encode(), b"", b"\x00\x01\x02", b"\xff\xfe{\x00", PING.encode("utf-16"),
          b'{"v":1,"type":"ping","t":"\xff"}',
          b"\x1f\x8b\x08\x00")
SIZES = ("at the limit", "at the limit, Chinese", "one past the limit", "long reason", "many marks",
         "many deductions", "many readings")


def sized(kind: str, ch: Chooser, view: JudgeView) -> str:
    """Frames near the size limit, or with many parts inside it."""
    if kind.startswith("at the limit") or kind == "one past the limit":
        char = "工" if kind.endswith("Chinese") else "x"
        room = view.max_bytes - len('{"v":1,"type":"ping","t":""}') + (1 if kind == "one past the limit" else 0)
        return '{"v":1,"type":"ping","t":"' + char * (room // len(char.encode())) + '"}'
    message = submit(ch, view, "wall" if kind == "many readings" else "hot")
    sheet = message["sheet"]
    if kind == "long reason":
        sheet["reason"] = "x" * (view.max_bytes - 1000)
    elif kind == "many marks":
        sheet["marks"] = {f"k{i}": 1 for i in range(view.max_bytes // 12)}
    elif kind == "many deductions":
        sheet["deductions"] = [{"key": "overtime", "minutes": 1}] * (view.max_bytes // 40)
    else:
        sheet["marks"]["plumb"] = [0] * (view.max_bytes // 3)
    return dump(message)


def malformed(ch: Chooser, view: JudgeView) -> Frame:
    shape = ch.pick(("text", "invalid UTF-8", "binary", "size"), "shape")
    if shape == "text":
        return Frame("malformed JSON", ch.pick(BAD_TEXT_FRAMES, "frame"), note="not a JSON object")
    if shape == "invalid UTF-8":
        return Frame("malformed JSON", ch.pick(INVALID_UTF8, "frame"), text=True, note="invalid UTF-8")
    if shape == "binary":
        return Frame("malformed JSON", ch.pick(BINARY, "frame"), text=False, note="binary")
    size = ch.pick(SIZES, "size")
    return Frame("malformed JSON", sized(size, ch, view), note=size)


def valid_sheets(ch: Chooser, view: JudgeView) -> Frame:
    how = ch.pick(("hot", "wall", "hot without deductions", "resend", "stale revision"), "sheet")
    message = submit(ch, view, "wall" if how == "wall" else "hot", deduction=how != "hot without deductions")
    if how == "resend" and view.last_valid:  # the same choices are made either way (hypothesis replays them)
        return Frame("valid sheets", view.last_valid, note=how)
    if how == "stale revision":
        message["sheet"]["revision"] = max(1, message["sheet"]["revision"] - 1)
    text = dump(message)
    view.last_valid = text
    return Frame("valid sheets", text, note=how)


CLASSES: dict[str, Callable[[Chooser, JudgeView], Frame]] = {
    "huge numbers": huge_numbers, "bad texts": bad_texts, "deep nesting": deep_nesting,
    "malformed JSON": malformed, "wrong types": wrong_types, "valid sheets": valid_sheets,
}


def any_frame(ch: Chooser, view: JudgeView) -> Frame:
    return CLASSES[ch.pick(tuple(CLASSES), "class")](ch, view)


class FirstChooser:
    """Always the first option: the plain entry (e1, w1) for the frames listed below."""

    def pick(self, options: Sequence[T], label: str) -> T:
        return options[0]


def listed_frames(view: JudgeView) -> Iterator[Frame]:
    """The inputs issue 8 names, sent before any generated one: every campaign tries them. Each is
    made when it is asked for, so its sheet takes the revision that follows the last ack. Those that
    make today's server compute for minutes come last."""
    first = FirstChooser()

    def sheet(kind: str, event: str, path: Path, value: Any) -> Frame:
        message = submit(first, view, event)
        put(message, path, value)
        return Frame(kind, dump(message), note=f"{event} {_path(path)} = {_brief(value)}")

    def pinged(path: Path, value: Any) -> Frame:
        message = ping()
        put(message, path, value)
        return Frame("bad texts", dump(message), note=f"ping {_path(path)} = {_brief(value)}")

    def renamed(text: str) -> Frame:
        message = submit(first, view, "hot")
        message["sheet"]["marks"] = {text if k == "taste" else k: v for k, v in message["sheet"]["marks"].items()}
        return Frame("bad texts", dump(message), note=f"criterion key = {_brief(text)}")

    taste, plumb = ("sheet", "marks", "taste"), ("sheet", "marks", "plumb", 0)
    for number in ("1e24", "1e100", '"1e40"', "NaN", "Infinity", "-0", BIG_INT):
        yield sheet("huge numbers", "hot", taste, Raw(number))
    for text in ("\ud800", "\x00"):
        yield pinged(("t",), text)
        yield pinged(("type",), text)
        for path in (("sheet", "id"), ("sheet", "entry"), ("sheet", "reason"), ("sheet", "deductions", 0, "reason"),
                     ("sheet", "deductions", 0, "key")):
            yield sheet("bad texts", "hot", path, text)
        yield renamed(text)
    yield Frame("deep nesting", "[" * 1000, note="frame: [ × 1000")
    yield Frame("malformed JSON", PING.encode(), text=False, note="binary")
    yield Frame("malformed JSON", b"\xff", note="invalid UTF-8")
    yield Frame("malformed JSON", sized("at the limit", first, view), note="at the limit")
    yield Frame("malformed JSON", sized("one past the limit", first, view), note="one past the limit")
    yield Frame("wrong types", dump({"v": 1, "type": "delete_everything"}), note="type = 'delete_everything'")
    yield Frame("wrong types", dump({"v": 2, "type": "ping"}), note="v = 2")
    yield sheet("wrong types", "hot", ("sheet", "entry"), MISSING)
    yield sheet("wrong types", "hot", ("sheet", "revision"), MISSING)
    yield sheet("wrong types", "hot", ("sheet", "marks"), Raw("[]"))
    yield sheet("huge numbers", "wall", plumb, Raw('"1e20000"'))
    yield sheet("huge numbers", "hot", taste, Raw('"1e400000"'))
    yield sheet("huge numbers", "hot", ("sheet", "deductions", 0, "minutes"), Raw('"1e3000000"'))
