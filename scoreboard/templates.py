"""The Jinja2 environment over ``templates/``, built in one way for every reader: the web pages
and live fragments (``web.templating``, which adds its request helpers) and the printable
exports (``exports.render``). Autoescaped, strict about undefined names, with the translation
functions of ``i18n`` (``_``, ``ngettext``) installed new-style.
"""

from __future__ import annotations

from pathlib import Path

import jinja2

from scoreboard import i18n

TEMPLATES_DIR = Path(__file__).resolve().parents[1] / "templates"


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=jinja2.select_autoescape(default=True),
        extensions=["jinja2.ext.i18n"],
        undefined=jinja2.StrictUndefined,
    )
    env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
    return env
