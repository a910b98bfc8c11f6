"""The one bounded way in for numbers and the one check for texts from outside (pure), with the
exact inputs that once broke the server: ``1e20000`` stored and unreadable, ``1e400000`` seconds of
exact arithmetic, a lone surrogate failing a whole group commit."""

from __future__ import annotations

import time
from decimal import Decimal
from fractions import Fraction

import pytest

from scoreboard.rubric.numbers import Refusal, fixed, fmt, read_number, stored_number
from scoreboard.texts import TextFault, shown, strings_in, text_fault

NUMBERS: list[tuple[object, Fraction | Refusal]] = [
    ("8.5", Fraction(17, 2)), (" 12 ", Fraction(12)), (".5", Fraction(1, 2)), ("5.", Fraction(5)),
    ("-0", Fraction(0)), ("1e2", Fraction(100)), (3.2, Fraction(16, 5)), (0.1, Fraction(1, 10)), (28, Fraction(28)),
    (Decimal("1.50"), Fraction(3, 2)), ("999999999999", Fraction(999_999_999_999)),
    ("0.000000000001", Fraction(1, 10**12)), ("1.500000000000000000", Fraction(3, 2)),
    # too large: refused before any exact arithmetic
    ("1e20000", Refusal.RANGE), ("1e400000", Refusal.RANGE), ("1e40", Refusal.RANGE), (1e24, Refusal.RANGE),
    (1e100, Refusal.RANGE), (10**12, Refusal.RANGE), (-(10**12), Refusal.RANGE), (10**5000, Refusal.RANGE),
    ("1000000000000", Refusal.RANGE),
    # too precise
    ("1e-400000", Refusal.PLACES), ("0.0000000000001", Refusal.PLACES),
    # not numbers
    ("NaN", Refusal.TYPE), ("Infinity", Refusal.TYPE), (float("nan"), Refusal.TYPE), (float("inf"), Refusal.TYPE),
    (True, Refusal.TYPE), (None, Refusal.TYPE), ("", Refusal.TYPE), ("1,5", Refusal.TYPE), ("0x10", Refusal.TYPE),
    ("1" * 33, Refusal.TYPE), ("1e1234567890", Refusal.TYPE), ([1], Refusal.TYPE), ("١٢", Refusal.TYPE),
]


@pytest.mark.parametrize(("raw", "expected"), NUMBERS, ids=[shown(raw, 16) for raw, _ in NUMBERS])
def test_numbers_from_outside_are_bounded(raw: object, expected: Fraction | Refusal) -> None:
    started = time.perf_counter()
    assert read_number(raw) == expected
    assert time.perf_counter() - started < 0.01  # never exact arithmetic on a huge value


def test_stored_numbers_read_back_exactly_or_refuse() -> None:
    assert stored_number("26/3") == Fraction(26, 3)
    assert stored_number("-0.25") == Fraction(-1, 4)
    for bad in ("1e20000", "1/0", "1/-3", "x", None, "1.5/2"):
        with pytest.raises(ValueError):
            stored_number(bad)


def test_totals_of_any_size_format_without_running_out_of_precision() -> None:
    assert fixed(Fraction(10**30) + Fraction(1, 3)) == "1000000000000000000000000000000.33"
    assert fmt(Fraction(-1, 3)) == "-0.3333"


TEXTS: list[tuple[object, int, bool, TextFault | None]] = [
    ("黄花炒肉丝", 64, False, None), ("评分差异过大\n请复评", 500, True, None), ("a\tb", 500, True, None),
    ("a\tb", 64, False, TextFault.CHARACTERS), ("line\nbreak", 64, False, TextFault.CHARACTERS),
    ("\ud800", 64, False, TextFault.CHARACTERS), ("a\x00b", 500, True, TextFault.CHARACTERS),
    ("\x1b[31m", 500, True, TextFault.CHARACTERS), ("a\u2028b", 500, True, TextFault.CHARACTERS),
    ("x" * 65, 64, False, TextFault.LENGTH), (7, 64, False, TextFault.TYPE), (None, 64, False, TextFault.TYPE),
]


@pytest.mark.parametrize(("raw", "limit", "multiline", "fault"), TEXTS, ids=[shown(t[0], 12) for t in TEXTS])
def test_texts_from_outside_are_checked(raw: object, limit: int, multiline: bool, fault: TextFault | None) -> None:
    assert text_fault(raw, limit, multiline) == fault


def test_a_required_text_is_not_blank() -> None:
    assert text_fault("  ", 64, required=True) is TextFault.TYPE
    assert text_fault("", 64) is None


def test_strings_in_a_message_are_found_without_recursion_and_depth_is_bounded() -> None:
    assert sorted(strings_in({"a": ["b", {"c": 1}]}, 8) or []) == ["a", "b", "c"]
    deep: object = "x"
    for _ in range(100_000):  # far deeper than the stack: found iteratively
        deep = [deep]
    assert strings_in(deep, 8) is None
    assert strings_in({"a": [[["x"]]]}, 4) == ["a", "x"]


def test_quoted_values_are_short_and_printable() -> None:
    assert shown("\ud800abc") == "?abc"
    assert shown("a\x00b\nc") == "a\ufffdb c"
    assert shown("x" * 100, 10) == "x" * 10 + "…"
    assert shown(10**5000) == "~10^5000"
    assert shown(1e24) == "1e+24"
    assert shown([1, 2]) == "list"
