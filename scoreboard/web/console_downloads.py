"""Console: downloads — the exports of ``scoreboard.exports`` for one competition.

Each *download* names the writer that makes it (module and function of ``scoreboard.exports``,
all taking ``(data, out, progress=None, locale=...)``), a file name and a media type. The data
is read once per download (``exports.source.load_export_data``) and written to memory in a
worker thread. A writer whose module is not there (yet) shows as unavailable, not as an error.
"""

from __future__ import annotations

import importlib
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from scoreboard import i18n
from scoreboard.errors import N_
from scoreboard.i18n import gettext as _
from scoreboard.store import events as store_events
from scoreboard.store import load as store_load
from scoreboard.store.engine import session
from scoreboard.web.console_auth import Chrome, Ctx, chrome
from scoreboard.web.templating import render

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Download:
    key: str
    label: str
    module: str
    function: str
    suffix: str
    media_type: str
    options: tuple[tuple[str, object], ...] = ()


DOWNLOADS = (
    Download("xlsx", N_("Standings workbook (XLSX)"), "xlsx", "export_xlsx", "xlsx", XLSX),
    Download("csv", N_("Standings (CSV)"), "csv", "export_csv", "csv", "text/csv; charset=utf-8",
             (("table", "standings"),)),
    Download("csv-detail", N_("Every judge's marks (CSV)"), "csv", "export_csv", "detail.csv",
             "text/csv; charset=utf-8", (("table", "detail"),)),
    Download("archive", N_("Archive of the whole competition (JSON)"), "archive", "export_archive", "json",
             "application/json"),
    Download("results", N_("Result sheets for signing (PDF)"), "pdf", "export_results", "results.pdf",
             "application/pdf"),
    Download("certificates", N_("Award certificates (PDF)"), "pdf", "export_certificates", "certificates.pdf",
             "application/pdf"),
    Download("consistency", N_("Judges' consistency report (PDF)"), "consistency", "export_consistency",
             "consistency.pdf", "application/pdf", (("pdf", True),)),
)


@dataclass(frozen=True)
class DownloadLine:
    key: str
    label: str
    available: bool


@dataclass(frozen=True)
class DownloadsPage:
    chrome: Chrome
    downloads: list[DownloadLine]
    states: dict[str, str]


def writer(d: Download) -> Callable[..., Any] | None:
    try:
        module = importlib.import_module(f"scoreboard.exports.{d.module}")
    except ImportError:
        return None
    found = getattr(module, d.function, None)
    return found if callable(found) else None


async def page(request: Request, ctx: Ctx) -> Response:
    c = request.path_params["competition"]

    def build() -> DownloadsPage:
        with session(request.state.engine) as s:
            row = store_load.competition_row(s, c)
            states = store_events.event_states(s, c)
        name = row.name_zh if i18n.current() == "zh_CN" else row.name_en
        return DownloadsPage(chrome(ctx, c, name, "downloads"),
                             [DownloadLine(d.key, _(d.label), writer(d) is not None) for d in DOWNLOADS], states)

    return render(request, "console/downloads.html", await run_in_threadpool(build))


async def download(request: Request, ctx: Ctx) -> Response:
    c, kind = request.path_params["competition"], request.path_params["kind"]
    d = next((x for x in DOWNLOADS if x.key == kind), None)
    write = writer(d) if d is not None else None
    if d is None or write is None:
        raise HTTPException(404, _("This download is not available yet."))
    locale = i18n.current()

    def make() -> bytes:
        from scoreboard.exports.source import load_export_data

        with session(request.state.engine) as s:
            data = load_export_data(s, c)
        out = io.BytesIO()
        write(data, out, None, locale, **dict(d.options))
        return out.getvalue()

    body = await run_in_threadpool(make)
    return attachment(body, d.media_type, f"{c}.{d.suffix}")


def attachment(body: bytes, media_type: str, filename: str, plain: str = "") -> Response:
    """A file to save as ``filename`` (``plain``: an ASCII name for clients that cannot take UTF-8)."""
    return Response(body, media_type=media_type, headers={
        "Content-Disposition": f"attachment; filename=\"{plain or filename}\"; filename*=UTF-8''{quote(filename)}",
        "Cache-Control": "no-store"})
