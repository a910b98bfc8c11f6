"""Exact numbers, the one bounded way in for numbers from outside, and the one rounding rule.

Values from files and tablets are read as decimals and kept as exact fractions, so a mean of
three marks is 26/3, not 8.666…. Rounding happens in one place, half up (8.665 → 8.67; the
common rule of Chinese competition codes), to a rubric's ``decimals``: for display, for ranking
and for award cut-offs — so what a person sees is what was compared.

Every number from outside — a mark, a reading, a deduction's minutes, a rubric or competition
file, an imported cell, a console field — passes ``read_number`` before any exact arithmetic.
It refuses cheaply what no competition needs and what would make exact arithmetic unbounded:
text longer than ``MAX_CHARS``, anything not finite, magnitudes of ``10**MAX_DIGITS`` or more,
more than ``MAX_PLACES`` decimal places (``"1e20000"``, ``"1e-400000"``). Its answer says why
(``Refusal``: not a number, too large, too many places), so a tablet hears ``mark_type`` or
``mark_range``, never a server error.
"""

from __future__ import annotations

import enum
import math
import re
from decimal import Decimal, InvalidOperation, localcontext
from fractions import Fraction

MAX_CHARS = 32  # the longest text read as a number
MAX_DIGITS = 12  # a number from outside is below 10**12 in magnitude
MAX_PLACES = 12  # ... and has at most 12 decimal places
LIMIT = 10**MAX_DIGITS
DECIMAL = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]{1,9})?")  # ASCII digits only


class Refusal(enum.Enum):
    TYPE = "type"  # not a number at all (text, a boolean, NaN, infinity, a list…)
    RANGE = "range"  # a number, but too large for any competition
    PLACES = "places"  # a number with more decimal places than any competition needs


def _bounded(d: Decimal) -> Fraction | Refusal:
    if not d.is_finite():
        return Refusal.TYPE
    if d.is_zero():
        return Fraction(0)
    _sign, digits, exponent = d.as_tuple()
    assert isinstance(exponent, int)
    trailing = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    if d.adjusted() >= MAX_DIGITS:
        return Refusal.RANGE
    if exponent + trailing < -MAX_PLACES:
        return Refusal.PLACES
    return Fraction(d)


def read_number(raw: object) -> Fraction | Refusal:
    """An exact number from JSON, TOML or a form, within the bounds; or why it is refused."""
    if isinstance(raw, bool) or raw is None:
        return Refusal.TYPE
    if isinstance(raw, Fraction):
        return raw
    if isinstance(raw, int):
        return Fraction(raw) if -LIMIT < raw < LIMIT else Refusal.RANGE
    if isinstance(raw, float):
        return _bounded(Decimal(repr(raw))) if math.isfinite(raw) else Refusal.TYPE
    if isinstance(raw, Decimal):
        return _bounded(raw)
    if isinstance(raw, str):
        text = raw.strip()
        if len(text) > MAX_CHARS or not DECIMAL.fullmatch(text):
            return Refusal.TYPE
        try:
            return _bounded(Decimal(text))
        except InvalidOperation:
            return Refusal.TYPE
    return Refusal.TYPE


def number(raw: object) -> Fraction | None:
    """``read_number``'s number, or None when it is refused (booleans are not numbers)."""
    value = read_number(raw)
    return value if isinstance(value, Fraction) else None


def stored_number(raw: object) -> Fraction:
    """A number as the store wrote it (``"8.5"``, ``"26/3"``), bounded like any other:
    ``ValueError`` when a stored value cannot be read back."""
    if isinstance(raw, str) and "/" in raw:
        top, _slash, bottom = raw.partition("/")
        n, d = number(top), number(bottom)
        if n is None or d is None or n.denominator != 1 or d.denominator != 1 or d <= 0:
            raise ValueError(f"not a stored fraction: {raw[:40]!r}")
        return n / d
    value = number(raw)
    if value is None:
        raise ValueError(f"not a stored number: {str(raw)[:40]!r}")
    return value


def round_half_up(value: Fraction, decimals: int) -> Decimal:
    scale = 10**decimals
    scaled = abs(value) * scale
    n = math.floor(scaled + Fraction(1, 2))
    with localcontext() as ctx:  # enough digits for any value: quantize never runs out of precision
        ctx.prec = max(28, len(str(n)) + decimals + 2)
        return (Decimal(n if value >= 0 else -n) / Decimal(scale)).quantize(Decimal(1).scaleb(-decimals))


def fmt(value: Fraction | Decimal, places: int = 4) -> str:
    """A number for people: exact where short, else rounded half up to ``places``; no trailing zeros."""
    key = (value, places)
    text = _FORMATTED.get(key)
    if text is None:
        text = format(round_half_up(Fraction(value), places), "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        text = "0" if text == "-0" else text
        if len(_FORMATTED) >= _FORMATTED_MAX:  # bounded: scoring a large competition formats the same values often
            _FORMATTED.clear()
        _FORMATTED[key] = text
    return text


_FORMATTED: dict[tuple[Fraction | Decimal, int], str] = {}
_FORMATTED_MAX = 20_000


def fixed(value: Fraction | Decimal, decimals: int = 2) -> str:
    """A total as shown on boards and result sheets: always ``decimals`` places (80.00)."""
    return format(round_half_up(Fraction(value), decimals), "f")
