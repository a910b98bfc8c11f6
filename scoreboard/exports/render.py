"""Rendering the printable exports: the templates in ``templates/exports`` through the one
Jinja2 environment (``scoreboard.templates``), and HTML → PDF through WeasyPrint.

Words: a *document* is one WeasyPrint rendering; long exports render several (an event's
results, a batch of certificates) and join their pages into one PDF, so progress can be told
as each is done. Fonts are Debian's ``fonts-noto-cjk`` ("Noto Sans CJK SC", "Noto Serif CJK
SC"); the text in the PDF stays selectable.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import IO, Any

import jinja2

from scoreboard import i18n, templates
from scoreboard.templates import TEMPLATES_DIR


@functools.cache
def environment() -> jinja2.Environment:
    return templates.environment()


def render_html(name: str, **context: Any) -> str:
    return environment().get_template(name).render(locale=i18n.current(), **context)


def long_date(value: str | date | datetime, locale: str) -> str:
    """``2023-08-18`` → 2023年8月18日 (zh) or 18 August 2023 (en); other text as it is."""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return str(value)
    if locale.startswith("zh"):
        return f"{value.year}年{value.month}月{value.day}日"
    return f"{value.day} {value:%B} {value.year}"


def write_pdf(pages_html: Iterable[str], out: IO[bytes], step: Callable[[], None] | None = None) -> None:
    """Render each HTML document and write all their pages, in order, as one PDF."""
    from weasyprint import HTML

    documents = []
    for html in pages_html:
        documents.append(HTML(string=html, base_url=str(TEMPLATES_DIR)).render())
        if step:
            step()
    pages = [p for d in documents for p in d.pages]
    documents[0].copy(pages).write_pdf(out)
