"""Exact numbers and the one rounding rule.

Values from files and tablets are read as decimals and kept as exact fractions, so a mean of
three marks is 26/3, not 8.666…. Rounding happens in one place, half up (8.665 → 8.67; the
common rule of Chinese competition codes), to a rubric's ``decimals``: for display, for ranking
and for award cut-offs — so what a person sees is what was compared.
"""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation
from fractions import Fraction


def number(raw: object) -> Fraction | None:
    """An exact number from JSON/TOML data, or None if it is not one (booleans are not)."""
    if isinstance(raw, bool) or raw is None:
        return None
    if isinstance(raw, (int, Fraction)):
        return Fraction(raw)
    if isinstance(raw, (float, str, Decimal)):
        try:
            d = Decimal(str(raw).strip())
        except InvalidOperation:
            return None
        return Fraction(d) if d.is_finite() else None
    return None


def round_half_up(value: Fraction, decimals: int) -> Decimal:
    scale = 10**decimals
    scaled = abs(value) * scale
    n = math.floor(scaled + Fraction(1, 2))
    return (Decimal(n if value >= 0 else -n) / Decimal(scale)).quantize(Decimal(1).scaleb(-decimals))


def fmt(value: Fraction | Decimal, places: int = 4) -> str:
    """A number for people: exact where short, else rounded half up to ``places``; no trailing zeros."""
    text = format(round_half_up(Fraction(value), places), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def fixed(value: Fraction | Decimal, decimals: int = 2) -> str:
    """A total as shown on boards and result sheets: always ``decimals`` places (80.00)."""
    return format(round_half_up(Fraction(value), decimals), "f")
