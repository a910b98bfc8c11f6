"""Translations: Chinese (zh_CN) and English, chosen per request or per command.

Every user-facing string is written in English in the code (``_()`` at the edge, ``N_()`` in the
pure core) and translated here from the Babel catalogs in ``scoreboard/locale``. The current
locale lives in a context variable, so templates, derivations and error messages rendered during
one request all speak the language that request asked for.
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from babel.support import NullTranslations, Translations

LOCALES = ("zh_CN", "en")
LOCALE_DIR = Path(__file__).parent / "locale"
_current: contextvars.ContextVar[str] = contextvars.ContextVar("locale", default="zh_CN")


@functools.cache
def translations(locale: str) -> NullTranslations:
    return Translations.load(str(LOCALE_DIR), [locale], domain="messages")


def normalize(value: str | None) -> str | None:
    """``zh-CN``, ``zh_cn``, ``zh`` → ``zh_CN``; ``en-US`` → ``en``; anything else → None."""
    if not value:
        return None
    v = value.strip().replace("-", "_").lower()
    if v.startswith("zh"):
        return "zh_CN"
    if v.startswith("en"):
        return "en"
    return None


def from_accept_language(header: str | None) -> str | None:
    """The best supported locale in an Accept-Language header, by its q values."""
    choices = []
    for i, part in enumerate((header or "").split(",")):
        tag, _, q = part.strip().partition(";q=")
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            continue
        locale = normalize(tag)
        if locale:
            choices.append((-weight, i, locale))
    return min(choices)[2] if choices else None


COMMAND_LANG = "SCOREBOARD_LANG"  # ``scoreboard --lang`` hands its choice to the server's worker processes


def of_environment(env: Mapping[str, str]) -> str:
    """The language of a command's messages, as gettext reads the environment: the first of
    ``LC_ALL``, ``LC_MESSAGES`` and ``LANG`` that is set names the locale, and ``LANGUAGE`` (a
    list, ``zh_CN:en``) comes first unless that locale is C/POSIX. Chinese for a Chinese locale,
    English for any other (C and POSIX too). ``SCOREBOARD_LANG`` (what ``--lang`` chose) wins."""
    chosen = normalize(env.get(COMMAND_LANG))
    if chosen:
        return chosen
    base = next((env[k] for k in ("LC_ALL", "LC_MESSAGES", "LANG") if env.get(k)), "")
    if base.split(".")[0] not in ("", "C", "POSIX"):
        for tag in env.get("LANGUAGE", "").split(":"):
            if found := normalize(tag):
                return found
    return "zh_CN" if normalize(base) == "zh_CN" else "en"


def current() -> str:
    return _current.get()


def set_locale(locale: str) -> contextvars.Token[str]:
    return _current.set(locale if locale in LOCALES else "zh_CN")


@contextmanager
def using(locale: str) -> Iterator[None]:
    token = set_locale(locale)
    try:
        yield
    finally:
        _current.reset(token)


def gettext(message: str) -> str:
    return translations(current()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current()).ngettext(singular, plural, n)


_ = gettext


def both(message: str) -> tuple[str, str]:
    """The message in Chinese and in English, for what speaks both (login cards, the bilingual board)."""
    return translations("zh_CN").gettext(message), translations("en").gettext(message)
