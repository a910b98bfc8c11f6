"""Static files with versioned addresses, and compressed responses.

Words: a static file's *version* is the first 8 hex digits of the SHA-256 of its content. Pages
link static files by ``url_for('static', path=…)``, which adds it: ``/static/board.js?v=1a2b3c4d``.
Such an address names one content for ever, so ``Static`` answers it with ``Cache-Control: public,
max-age=31536000, immutable``: a browser never asks again, and a new version of the file is a new
address. Any other request of a static file — no version, or a version that is not the file's
(a page cached before an upgrade) — gets ``no-cache``: the browser may keep it but asks again each
time, with the file's ETag, and gets ``304 Not Modified`` while it is the same.

The tablet's modules import each other by relative address (``./outbox.js``, no build step), so
only its entry module carries a version; the modules it imports are revalidated. The tablet's
service worker keeps every module by its path, without the version, so the tablet still opens
offline (``static/tablet-sw.js``).

``compression`` gzips what is worth it — pages, htmx fragments, JSON, CSV, scripts and styles of
500 bytes or more, for a client that accepts gzip — and never PDFs, workbooks, archives, images
or fonts, which are compressed already. Websockets are not HTTP responses: the middleware leaves
them alone (their frames have their own permessage-deflate).
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path
from typing import Any

import jinja2
from starlette.datastructures import URL
from starlette.middleware import Middleware
from starlette.middleware.gzip import DEFAULT_EXCLUDED_CONTENT_TYPES, GZipMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

STATIC_DIR = Path(__file__).resolve().parents[2] / "static"
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
MINIMUM_SIZE = 500  # below this, gzip's header and trailer cost more than they save
LEVEL = 6  # zlib's default: most of level 9's saving at a fraction of its time
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COMPRESSED_ALREADY = (*DEFAULT_EXCLUDED_CONTENT_TYPES, "application/pdf", XLSX, "application/octet-stream",
                      "image/*", "font/*", "application/x-7z-compressed", "application/x-bzip2")

_versions: dict[str, tuple[int, int, str]] = {}  # path → (mtime_ns, size, version)
_versions_lock = threading.Lock()


def version(path: str) -> str | None:
    """The version of the static file at ``path`` (relative to ``static/``); None if there is none.
    Read once per change of the file (its modification time and size)."""
    full = os.path.realpath(STATIC_DIR / path)
    if os.path.commonpath([full, str(STATIC_DIR)]) != str(STATIC_DIR):
        return None
    try:
        st = os.stat(full)
    except OSError:
        return None
    known = _versions.get(full)
    if known is not None and known[:2] == (st.st_mtime_ns, st.st_size):
        return known[2]
    try:
        with open(full, "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()[:8]
    except OSError:
        return None
    with _versions_lock:
        _versions[full] = (st.st_mtime_ns, st.st_size, digest)
    return digest


def url_for(request: Request, name: str, /, **path_params: Any) -> URL:
    """``request.url_for``; a static file's address carries its version."""
    url = request.url_for(name, **path_params)
    if name == "static":
        found = version(str(path_params.get("path", "")))
        if found is not None:
            url = url.include_query_params(v=found)
    return url


@jinja2.pass_context
def template_url_for(context: dict[str, Any], name: str, /, **path_params: Any) -> URL:
    return url_for(context["request"], name, **path_params)


class Static(StaticFiles):
    """``static/``, with the caching the module describes."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code in (200, 304):
            wanted = Request(scope).query_params.get("v")
            current = version(path)
            response.headers["Cache-Control"] = IMMUTABLE if wanted is not None and wanted == current else REVALIDATE
        return response


def compression() -> Middleware:
    return Middleware(GZipMiddleware, minimum_size=MINIMUM_SIZE, compresslevel=LEVEL,
                      exclude_content_types=COMPRESSED_ALREADY)
