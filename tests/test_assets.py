"""Compressed responses and cached static files, in-process.

A page asked for with ``Accept-Encoding: gzip`` comes back gzipped and decodes to exactly the page
a client without it gets (plain, no encoding), with its security headers either way; a tiny answer
and an already compressed download (PDF, workbook, archive, image) are sent as they are. Pages link
static files by their content's version; a versioned address is cached for a year, immutably, and
any other request of the file is revalidated by its ETag."""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from bs4 import BeautifulSoup
from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from scoreboard.app import create_app
from scoreboard.settings import Settings
from scoreboard.store.engine import make_engine, migrate
from scoreboard.web import assets
from tests.support import running, seed

STATIC = Path(__file__).resolve().parents[1] / "static"
GZIP = {"Accept-Encoding": "gzip"}
PLAIN = {"Accept-Encoding": "identity"}


def version_of(path: str) -> str:
    return hashlib.sha256((STATIC / path).read_bytes()).hexdigest()[:8]


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path / 'assets.db'}")
    migrate(engine)
    seed(engine)
    return engine


@pytest.fixture
async def http(engine: Engine) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings.from_env(env_file=None, database_url="sqlite://")
    async with running(create_app(settings, engine=engine)) as (client, _state):
        yield client


async def raw(http: httpx.AsyncClient, url: str, headers: dict[str, str]) -> tuple[httpx.Response, bytes]:
    """The response and its body as sent, not decoded."""
    async with http.stream("GET", url, headers=headers) as r:
        return r, b"".join([chunk async for chunk in r.aiter_raw()])


@pytest.mark.parametrize("url", ["/", "/c/cup/e/hot", "/c/cup/teams"])
async def test_a_page_comes_gzipped_to_who_accepts_it_and_plain_to_who_does_not(http: httpx.AsyncClient,
                                                                                url: str) -> None:
    zipped, body = await raw(http, url, GZIP)
    plain, text = await raw(http, url, PLAIN)
    assert (zipped.status_code, plain.status_code) == (200, 200)
    assert zipped.headers["content-encoding"] == "gzip"
    assert "accept-encoding" in zipped.headers["vary"].lower()
    assert "content-encoding" not in plain.headers
    assert gzip.decompress(body) == text
    assert len(body) < len(text)
    assert int(zipped.headers["content-length"]) == len(body)
    for response in (zipped, plain):  # the security headers survive the compression
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


async def test_an_htmx_fragment_and_a_script_are_gzipped_too(http: httpx.AsyncClient) -> None:
    fragment, body = await raw(http, "/c/cup/e/hot", {**GZIP, "HX-Request": "true"})
    _plain, text = await raw(http, "/c/cup/e/hot", {**PLAIN, "HX-Request": "true"})
    assert not text.lstrip().startswith(b"<!doctype")  # the block alone
    assert fragment.headers["content-encoding"] == "gzip"
    assert gzip.decompress(body) == text
    script, body = await raw(http, "/static/board.js", GZIP)
    assert script.headers["content-encoding"] == "gzip"
    assert gzip.decompress(body) == (STATIC / "board.js").read_bytes()


def downloads() -> Starlette:
    """A tiny app answering 4 KB of each kind: what the middleware does with each type."""
    body = bytes(range(256)) * 4 + b"a" * 3072

    async def one(request: Request) -> Response:
        kind = request.path_params["kind"]
        return Response(body if kind != "tiny" else b"<p>ok</p>", media_type={
            "pdf": "application/pdf", "xlsx": assets.XLSX, "zip": "application/zip", "png": "image/png",
            "csv": "text/csv; charset=utf-8", "json": "application/json", "tiny": "text/html"}[kind])

    return Starlette(routes=[Route("/{kind}", one)], middleware=[assets.compression()])


@pytest.mark.parametrize(("kind", "zipped"), [("pdf", False), ("xlsx", False), ("zip", False), ("png", False),
                                              ("csv", True), ("json", True), ("tiny", False)])
async def test_only_what_compression_helps_is_compressed(kind: str, zipped: bool) -> None:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=downloads()), base_url="http://test") as http:
        r, _body = await raw(http, f"/{kind}", GZIP)
    assert ("content-encoding" in r.headers) is zipped


async def test_pages_link_static_files_by_their_content_version(http: httpx.AsyncClient) -> None:
    page = BeautifulSoup((await http.get("/c/cup/e/hot")).text, "html.parser")
    links = {str(x.get("href") or x.get("src")) for x in page.select("link[rel=stylesheet], script[src]")}
    assert f"http://test/static/app.css?v={version_of('app.css')}" in links
    assert f"http://test/static/board.js?v={version_of('board.js')}" in links
    assert f"http://test/static/vendor/htmx.min.js?v={version_of('vendor/htmx.min.js')}" in links


async def test_a_versioned_address_is_kept_for_a_year_and_any_other_is_revalidated(http: httpx.AsyncClient) -> None:
    current = await http.get(f"/static/app.css?v={version_of('app.css')}")
    assert current.headers["cache-control"] == "public, max-age=31536000, immutable"
    plain = await http.get("/static/app.css")
    old = await http.get("/static/app.css?v=00000000")  # a page cached before an upgrade
    assert plain.headers["cache-control"] == old.headers["cache-control"] == "no-cache"
    assert plain.content == current.content == (STATIC / "app.css").read_bytes()
    again = await http.get("/static/app.css", headers={"If-None-Match": plain.headers["etag"]})
    assert (again.status_code, again.headers["cache-control"], again.content) == (304, "no-cache", b"")


async def test_the_tablet_links_its_entry_module_by_version_and_its_service_worker_keeps_paths() -> None:
    assert assets.version("tablet/main.js") == version_of("tablet/main.js")
    assert assets.version("../pyproject.toml") is None  # nothing outside static/
    assert assets.version("no-such-file.js") is None
    worker = (STATIC / "tablet-sw.js").read_text(encoding="utf-8")
    assert "url.pathname" in worker  # kept by path: a versioned address finds its copy offline
