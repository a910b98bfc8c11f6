"""What a careless or hostile tablet can send, as the issue "Venue-proof" saw it break the server:
every frame gets an ``error`` with its documented code (never ``server_error``), changes nothing,
and leaves the connection open; and afterwards every page of the competition still renders.

The frames are raw text, so that lone surrogates (only expressible as JSON escapes) and deep
nesting reach the server exactly as a client could send them."""

from __future__ import annotations

import json
import time
from fractions import Fraction
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine

from judges.protocol import Limits
from scoreboard.errors import UserError
from scoreboard.rubric.load import load_preset
from scoreboard.rubric.sheet import parse_sheet
from scoreboard.store import tokens
from tests.live import judge_server
from tests.support import EIGHTY
from tests.test_judge_socket import ask, open_socket, still_usable


def submit(entry: str = "e1", marks: Any = EIGHTY, **extra: Any) -> str:
    sheet = {"id": f"h-{time.monotonic_ns()}", "entry": entry, "revision": 1, "marks": marks, **extra}
    return json.dumps({"v": 1, "type": "submit", "sheet": sheet})


def with_mark(value: Any) -> str:
    return submit(marks={**EIGHTY, "taste": value})


def overtime(minutes: Any) -> str:
    return submit(deductions=[{"key": "overtime", "minutes": minutes, "reason": "超时"}])


SURROGATE = '"\\ud800"'  # a lone surrogate, as a JSON escape

# (what it is, the raw frame, the code of the error frame)
FRAMES: list[tuple[str, str, str]] = [
    # numbers from outside are bounded before any exact arithmetic
    ("a mark 1e24", with_mark(1e24), "mark_range"),
    ("a mark 1e100", with_mark(1e100), "mark_range"),
    ("a mark '1e40'", with_mark("1e40"), "mark_range"),
    ("a mark '1e400000'", with_mark("1e400000"), "mark_range"),
    ("a mark '1e20000'", with_mark("1e20000"), "mark_range"),
    ("a mark '1e-400000'", with_mark("1e-400000"), "mark_type"),
    ("a mark NaN", with_mark("NaN"), "mark_type"),
    ("a mark Infinity (JSON)", with_mark(float("inf")), "mark_type"),
    ("a mark as a 4,000-digit number", with_mark(10**3999), "mark_range"),
    ("overtime '1e3000000' minutes", overtime("1e3000000"), "deduction_amount"),
    ("overtime 1e300 minutes", overtime(1e300), "deduction_amount"),
    ("overtime 100001 minutes", overtime(100_001), "deduction_amount"),
    ("a revision of 10**30", submit(revision=10**30), "sheet_field"),
    # texts from outside are valid Unicode, without control characters, bounded
    ("a lone surrogate in a ping", '{"v": 1, "type": "ping", "t": ' + SURROGATE + "}", "malformed"),
    ("a lone surrogate as the type", '{"v": 1, "type": ' + SURROGATE + "}", "malformed"),
    ("a lone surrogate as the entry", submit(entry="\ud800"), "malformed"),
    ("a lone surrogate as a criterion", submit(marks={"\ud800": 1}), "malformed"),
    ("a lone surrogate in the sheet id", submit().replace('"h-', '"\\udfff-'), "malformed"),
    ("a lone surrogate in a reason", submit(reason="\ud800"), "malformed"),
    ("a NUL in the sheet id", submit().replace('"h-', '"\\u0000-'), "sheet_field"),
    ("a NUL in a reason", submit(reason="a\u0000b"), "reason_type"),
    ("a control character in a deduction's reason",
     submit(deductions=[{"key": "overtime", "minutes": 1, "reason": "\u001b[31m"}]), "reason_type"),
    ("a 501-character reason", submit(reason="长" * 501), "reason_type"),
    ("a 65-character sheet id", submit().replace('"h-', '"' + "x" * 65), "sheet_field"),
    # malformed frames of any shape
    ("deep nesting", "[" * 1000, "malformed"),
    ("deep nesting inside an object", '{"v": 1, "type": "ping", "t": ' + "[" * 5000 + "]" * 5000 + "}", "malformed"),
    ("nesting deeper than any message", submit(marks={"taste": [[[[[[[[1]]]]]]]]}), "malformed"),
    ("a 5,000-digit integer", '{"v": 1, "type": "ping", "t": ' + "9" * 5000 + "}", "malformed"),
    ("an invalid escape", '{"v": 1, "type": "ping", "t": "\\x"}', "malformed"),
    # the protocol's required fields
    ("a sheet without revision", submit().replace('"revision": 1, ', ""), "sheet_field"),
    ("a sheet without entry", submit().replace('"entry": "e1", ', ""), "sheet_field"),
    ("a sheet whose entry is a number", submit(entry=7), "sheet_field"),
]


async def test_hostile_frames_are_refused_with_their_codes_and_change_nothing(engine: Engine) -> None:
    async with judge_server(engine, Limits(per_second=1000, burst=1000)) as live:  # flooding is tested apart
        ws, _ = await open_socket(live, "j1")
        before = live.count(), live.count(tokens.db.AuditLog)
        for what, frame, code in FRAMES:
            started = time.perf_counter()
            answer = await ask(ws, frame)
            took = time.perf_counter() - started
            assert (answer["type"], answer["code"]) == ("error", code), (what, answer)
            assert answer["message"], what
            assert took < 1, f"{what} took {took:.2f} s"  # a refusal is cheap (the benchmark measures it)
            assert (live.count(), live.count(tokens.db.AuditLog)) == before, what
            await still_usable(ws)
        await ws.send(b"\xff\xfe{")  # a binary frame that is not UTF-8
        assert json.loads(await ws.recv())["code"] == "malformed"
        # a refused sheet that named its id is answered with that id, so a tablet can mark it
        answer = await ask(ws, json.dumps({"v": 1, "type": "submit", "sheet": {"id": "no-rev", "entry": "e1"}}))
        assert (answer["code"], answer["id"]) == ("sheet_field", "no-rev")
        good = await ask(ws, submit())
        assert good["type"] == "ack"
        base = live.url.replace("ws://", "http://").removesuffix("/ws/judge")
        async with httpx.AsyncClient(base_url=base) as http:
            for path in ("/", "/c/cup/e/hot", "/c/cup/e/other", "/c/cup/teams", "/c/cup/board"):
                assert (await http.get(path)).status_code == 200, path


@pytest.mark.parametrize(("reading", "code"), [("1e20000", "mark_range"), ("1001", "mark_range"),
                                               ("-1000.5", "mark_range"), ("abc", "mark_type"),
                                               (True, "mark_type"), ("1000", None), ("-0.25", None)])
def test_a_measurement_reading_is_bounded_by_its_plausible_range(reading: Any, code: str | None) -> None:
    """A masonry reading (a deviation in mm: plausible from −1000 to 1000 by default) of "1e20000"
    is refused as out of range — once it was stored and broke every page of the competition."""
    masonry = load_preset("masonry")
    level = masonry.criterion("level")
    assert level is not None and level.measure is not None
    assert (level.measure.lowest, level.measure.highest) == (-1000, 1000)
    readings = ["0"] * (level.measure.points - 1) + [reading]
    raw = {"id": "r", "entry": "w1", "judge": "j1", "marks": {"level": readings}}
    if code is None:
        assert parse_sheet(masonry, raw).marks["level"][-1] == Fraction(str(reading))
    else:
        with pytest.raises(UserError) as refused:
            parse_sheet(masonry, raw)
        assert refused.value.code == code
