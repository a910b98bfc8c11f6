"""The one check for texts from outside: ids, keys, reasons, names, comments.

A text from outside is *clean* when it is valid Unicode — no lone surrogates, which JSON lets
through as ``"\\ud800"`` but which cannot be written as UTF-8, so a database refuses them and a
socket cannot send them — and holds no control characters (NUL and the like; a *multiline* text
may hold tabs and line breaks), within a length limit. ``text_fault`` says what is wrong, or
None; each caller turns that into its own refusal with a code. ``valid_unicode`` checks a whole
decoded message cheaply, before anything else reads it.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u2028\u2029]")  # what no text needs
LINE_BREAKS = re.compile(r"[\t\n\r]")


class TextFault(enum.Enum):
    TYPE = "type"  # not text, or empty where text is needed
    LENGTH = "length"  # longer than the limit
    CHARACTERS = "characters"  # a lone surrogate or a control character


def valid_unicode(text: str) -> bool:
    """No lone surrogates: the text can be written as UTF-8."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def text_fault(raw: object, limit: int, multiline: bool = False, required: bool = False) -> TextFault | None:
    """What is wrong with ``raw`` as a text of at most ``limit`` characters, or None."""
    if not isinstance(raw, str) or (required and not raw.strip()):
        return TextFault.TYPE
    if len(raw) > limit:
        return TextFault.LENGTH
    if not valid_unicode(raw) or CONTROL.search(raw) or (not multiline and LINE_BREAKS.search(raw)):
        return TextFault.CHARACTERS
    return None


def strings_in(data: object, depth: int) -> Iterable[str] | None:
    """Every string (keys too) in decoded JSON ``data``, or None when it nests deeper than
    ``depth``; iterative, so no input can exhaust the stack."""
    found: list[str] = []
    stack: list[tuple[object, int]] = [(data, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, dict | list):
            if level >= depth:
                return None
            if isinstance(item, dict):
                found.extend(k for k in item if isinstance(k, str))
                stack.extend((v, level + 1) for v in item.values())
            else:
                stack.extend((v, level + 1) for v in item)
    return found


def shown(raw: object, limit: int = 64) -> str:
    """``raw`` as a short, printable text to quote in a message: cut to ``limit`` characters,
    lone surrogates and control characters replaced."""
    if isinstance(raw, str):
        text = raw
    elif isinstance(raw, int) and not isinstance(raw, bool) and raw.bit_length() > 256:
        text = f"{'-' if raw < 0 else ''}~10^{int(raw.bit_length() * 0.30103)}"  # too long to quote
    elif isinstance(raw, int | float):
        text = repr(raw)
    else:
        text = type(raw).__name__
    cut = text[:limit] + ("…" if len(text) > limit else "")
    cut = cut.encode("utf-8", "replace").decode("utf-8")
    return CONTROL.sub("\ufffd", LINE_BREAKS.sub(" ", cut))
