"""Rendering pages: one template per page, a typed context, and htmx fragments from the same file.

``render`` gives a plain request the whole page and an htmx request (``HX-Request``) only the
named block, so handlers never choose between them (the Template Fragments pattern). Templates
get ``page`` (the page's dataclass), ``locale`` and the translation functions.
"""

from __future__ import annotations

import functools
from typing import Any

from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.templating import Jinja2Templates

from scoreboard import i18n
from scoreboard.templates import environment
from scoreboard.web.assets import STATIC_DIR, template_url_for, url_for

__all__ = ["STATIC_DIR", "both", "make_templates", "render"]


def make_templates() -> Jinja2Templates:
    """The web's templates: the one environment (``scoreboard.templates``) with ``both``; made
    once per app, and shared by the pages and the board renderer."""
    env = environment()
    env.globals["both"] = both
    env.globals["url_for"] = template_url_for  # static files' addresses carry their version (``assets``)
    return Jinja2Templates(env=env)


def both(message: str) -> Markup:
    """A label in Chinese and English, for the bilingual projector (``?bilingual=1``)."""
    zh, en = i18n.both(message)
    return escape(zh) if zh == en else Markup('{} <span class="en">{}</span>').format(zh, en)


def render(request: Request, name: str, page: Any, block: str | None = None, status_code: int = 200) -> HTMLResponse:
    templates: Jinja2Templates = request.state.templates
    context = {"request": request, "page": page, "locale": i18n.current()}
    if block and request.headers.get("HX-Request") == "true":
        template = templates.get_template(name)
        ctx = template.new_context({**context, "url_for": functools.partial(url_for, request)})
        html = "".join(template.blocks[block](ctx))
        return HTMLResponse(html, status_code=status_code)
    return templates.TemplateResponse(request, name, context, status_code=status_code)
