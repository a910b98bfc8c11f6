"""HTTP requests of every shape, for fuzzing the pages, the console and the websocket handshakes.

Words (see also ``tests.fuzz_frames``: the chooser): a *request* is an HTTP/1.1 request written
byte by byte by ``Request.render``, so a path may hold ``..``, stray percent signs or invalid
UTF-8 and a header any byte a socket carries. Whose session cookie it carries (``SESSIONS``) and
its CSRF token (``valid``, ``wrong``, ``missing``, or ``header`` for ``X-CSRF-Token``) are part
of the request; the values are the probe's, filled in when it is sent. Form values are bytes,
percent-encoded already: a text with a lone surrogate goes as its "surrogatepass" UTF-8 bytes
(``%ED%A0%80``), the nearest a browser could send. Classes: *http paths* (methods, paths and
queries), *http headers/cookies* (headers, cookies and websocket handshakes on real pages),
*console forms* (a post to every console route, fields plain or nasty, files included).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import scoreboard.rubric.presets
from tests.fuzz_frames import BIG_INT, TEXTS, Chooser

ORGANIZER_KEY = "fuzz-organizer-key"
# Whose session cookie a request carries: the organizer's (signed in), a visitor's (a session with
# a CSRF token, not signed in), or none.
SESSIONS = ("organizer", "visitor", "")
PASSWORD = "correct horse battery"


def enc(text: str) -> bytes:
    return quote(text.encode("utf-8", "surrogatepass"), safe="").encode()


@dataclass(frozen=True)
class Request:
    kind: str
    method: bytes
    target: bytes
    headers: tuple[tuple[bytes, bytes], ...] = ()
    form: tuple[tuple[bytes, bytes], ...] | None = None  # urlencoded (or multipart with ``upload``)
    upload: tuple[bytes, bytes, bytes] | None = None  # field, file name, content
    session: str = "organizer"  # whose session cookie it carries: SESSIONS
    csrf: str = "valid"
    note: str = ""

    def render(self, port: int, sessions: Mapping[str, tuple[str, str]]) -> bytes:
        """The request's bytes, with the cookie and CSRF token of ``sessions[self.session]``."""
        headers = list(self.headers)
        names = {k.lower() for k, _v in headers}
        if b"host" not in names:
            headers.insert(0, (b"Host", f"127.0.0.1:{port}".encode()))
        cookie, csrf = sessions.get(self.session, ("", "x" * 43))
        if cookie:
            mine = f"scoreboard_session={cookie}".encode()
            at = next((i for i, (k, _v) in enumerate(headers) if k.lower() == b"cookie"), None)
            if at is None:
                headers.append((b"Cookie", mine))
            else:
                headers[at] = (headers[at][0], headers[at][1] + b"; " + mine)
        token = {"valid": csrf, "wrong": "x" * len(csrf)}.get(self.csrf)
        if self.csrf == "header":
            headers.append((b"X-CSRF-Token", csrf.encode()))
        fields = ([(b"csrf", enc(token))] if token and self.form is not None else []) + list(self.form or ())
        body, kind = b"", b""
        if self.upload is not None:
            boundary = b"fuzz7MA4YWxkTrZu0gW"
            parts = [b"--" + boundary + b'\r\nContent-Disposition: form-data; name="' + k + b'"\r\n\r\n' + v + b"\r\n"
                     for k, v in fields]
            name, filename, content = self.upload
            parts.append(b"--" + boundary + b'\r\nContent-Disposition: form-data; name="' + name + b'"; filename="'
                         + filename + b'"\r\nContent-Type: application/octet-stream\r\n\r\n' + content + b"\r\n")
            body, kind = b"".join(parts) + b"--" + boundary + b"--\r\n", b"multipart/form-data; boundary=" + boundary
        elif self.form is not None:
            body, kind = b"&".join(k + b"=" + v for k, v in fields), b"application/x-www-form-urlencoded"
        if kind and b"content-type" not in names:
            headers.append((b"Content-Type", kind))
        if body or self.method == b"POST":
            headers.append((b"Content-Length", str(len(body)).encode()))
        if b"connection" not in names:
            headers.append((b"Connection", b"close"))
        return (self.method + b" " + self.target + b" HTTP/1.1\r\n"
                + b"".join(k + b": " + v + b"\r\n" for k, v in headers) + b"\r\n" + body)

    def show(self, limit: int = 300) -> str:
        head = repr(self.method + b" " + self.target)
        extra = f" headers={self.headers!r}" if self.headers else ""
        if self.form is not None:
            extra += f" form={self.form!r} csrf={self.csrf}"
        if self.upload is not None:
            extra += f" file={self.upload[1]!r} ({len(self.upload[2])} bytes): {self.upload[2][:120]!r}"
        text = f"[{self.kind}: {self.note}] {head}{extra} session={self.session or 'none'}"
        return text if len(text) <= limit else text[:limit] + f"… ({len(text)} chars)"


SEGMENTS = (b"..", b"%2e%2e", b"%2e%2e%2f%2e%2e%2fetc%2fpasswd", b"..%2f..%2f", b"%2f", b"%00", b"%ff", b"%ed%a0%80",
            b"%c0%af", b"%", b"%zz", b"%25", b"%e5%b7%a5%e5%8c%a0%e6%9d%af", "工匠杯".encode(), b"\xff", b"x" * 3000,
            b"%0d%0aSet-Cookie:%20x=1", b";a=1", b"\\..\\", b"~", b"%20", b"a%2fb", b"%u002e", b"NaN", b"1e400000")
SLOTS: dict[str, tuple[bytes, ...]] = {
    "c": (b"cup",), "e": (b"hot", b"wall", b"other"), "x": (b"e1", b"e2", b"e3", b"w1", b"w2"),
    "kind": (b"csv", b"csv-detail", b"xlsx", b"archive"), "token": (b"not-a-token",),
    "file": (b"app.css", b"tablet/main.js", b"vendor/htmx.min.js"), "seg": (b"favicon.ico",),
    "j": (b"j2", b"j3", b"j6", b"nope")}
PATHS = ("/", "/c/{c}/teams", "/c/{c}/board", "/c/{c}/e/{e}", "/j/", "/j/login/{token}", "/j/sw.js", "/static/{file}",
         "/console/", "/console/login", "/console/new", "/console/c/{c}", "/console/c/{c}/import",
         "/console/c/{c}/labels", "/console/c/{c}/judges", "/console/c/{c}/audit", "/console/c/{c}/downloads",
         "/console/c/{c}/downloads/{kind}", "/console/c/{c}/e/{e}", "/console/c/{c}/e/{e}/edit",
         "/console/c/{c}/e/{e}/entry/{x}", "/{seg}", "/ws/judge", "/ws/board/{c}/{e}", "/_test/stats",
         "/console/c/{c}/roster", "/console/c/{c}/roster/entry/{x}", "/console/c/{c}/import/template",
         "/console/c/{c}/judges/template")
QUERIES = (b"", b"?next=//%5B", b"?next=/console/../..//x", b"?next=%2F%2Fevil.example", b"?next=/console/%ff",
           b"?next=" + b"x" * 4000, b"?next=javascript:alert(1)", b"?next=\xff", b"?lang=fr", b"?lang=%00",
           b"?lang=zh_CN&lang=en", b"?lang=%ED%A0%80", b"?key=wrong", b"?key=" + ORGANIZER_KEY.encode(),
           b"?bilingual=1", b"?%ff=%fe", b"?a", b"?&&&=&", b"?a=%", b"?level=organizer", b"?page=-1",
           b"?x=" + b"%00" * 100, b"?next=%0d%0aLocation:%20//evil")
METHODS = (b"GET", b"GET", b"GET", b"HEAD", b"POST", b"OPTIONS", b"PUT", b"DELETE", b"PROPFIND", b"get", b"G\x00T")


def _fill(ch: Chooser, template: str, plain: int = 1) -> tuple[bytes, str]:
    """The template's slots filled: a plain value (``plain`` times out of ``plain + 1``) or a nasty one."""
    out, note = template.encode(), []
    for slot, values in SLOTS.items():
        marker = b"{" + slot.encode() + b"}"
        if marker in out:
            nasty = ch.pick((False,) * plain + (True,), slot + " nasty")
            value = ch.pick(SEGMENTS if nasty else values, slot)
            out = out.replace(marker, value)
            note.append(f"{slot}={value[:30]!r}")
    return out, " ".join(note)


def http_path(ch: Chooser) -> Request:
    method = ch.pick(METHODS, "method")
    path, note = _fill(ch, ch.pick(PATHS, "path"))
    query = ch.pick(QUERIES, "query")
    return Request("http paths", method, path + query, session=ch.pick(SESSIONS, "session"),
                   note=f"{note} query={query[:40]!r}")


HEADERS: tuple[tuple[bytes, tuple[bytes, ...]], ...] = (
    (b"Cookie", (b"a@b=1", b"a@b=1; lang=en", b"scoreboard_session=garbage", b"scoreboard_session=",
                 b"scoreboard_session=eyJ4IjoxfQ==.Zz.Zz", b"lang=fr", b"lang=\xff", b"lang=%ED%A0%80", b'=""',
                 b";;;", b"a=1; " * 500, b"lang=zh_CN; lang=en", b'"q"=1', b"a=\x01", b"$Version=1; a=b", b"a=b=c",
                 b"scoreboard_session=" + b"A" * 5000)),
    (b"Accept-Language", (b"*", b"", b"fr", b"zh-CN;q=NaN", b"en;q=1e400", b"en;q=-1", b"x" * 5000, b",,,",
                          b"zh-TW, zh;q=0.8", b"\xff\xfe", b"en-US;q=abc", b"zh_CN", b"i-klingon;q=0.5, *;q=0")),
    (b"X-Forwarded-For", (b"1.2.3.4", b"nonsense", b"::1", b", ,", b"1.2.3.4, 5.6.7.8", b"999.999.999.999",
                          b"x" * 2000, b"[::1]:80", b"\xff", b"")),
    (b"X-Forwarded-Proto", (b"https", b"gopher", b"", b"\xff", b"https, http")),
    (b"Host", (b"evil.example", b"", b"[", b"127.0.0.1:99999", "工匠杯.cn".encode(), b"localhost:-1", b"x" * 3000,
               b"[::1", b"%00", b"a@b")),
    (b"Authorization", (b"Bearer \xff", b"Bearer " + b"x" * 5000, b"Basic !!!", b"Bearer", b"Bearer %00",
                        b"bearer  ")),
    (b"Range", (b"bytes=0-1", b"bytes=999999999-", b"bytes=-0", b"bytes=5-1", b"bytes=0-1,2-3,4-5", b"bytes=x",
                b"bytes=0-" + b"9" * 5000, b"items=0-1", b"bytes=-" + b"9" * 30)),
    (b"If-None-Match", (b'"x"', b"*", b"\xff")),
    (b"If-Modified-Since", (b"garbage", b"Thu, 01 Jan 1970 00:00:00 GMT", b"Fri, 31 Dec 99999 23:59:59 GMT")),
    (b"Content-Type", (b"multipart/form-data", b"multipart/form-data; boundary=", b"application/json",
                       b"application/x-www-form-urlencoded; charset=utf-7", b"\xff")),
    (b"HX-Request", (b"true", b"\xff")),
    (b"X-CSRF-Token", (b"", b"\xff", b"x" * 5000)),
    (b"Accept-Encoding", (b"gzip;q=NaN", b"*", b"br, deflate, gzip" * 200)),
    (b"X-\xff", (b"1",)),
)
WEBSOCKET = ((b"Upgrade", b"websocket"), (b"Connection", b"Upgrade"), (b"Sec-WebSocket-Version", b"13"))
WS_HEADERS = (
    (b"Sec-WebSocket-Key", (b"dGhlIHNhbXBsZSBub25jZQ==", b"", b"!!!", b"x" * 2000)),
    (b"Sec-WebSocket-Extensions", (b"permessage-deflate", b"permessage-deflate; client_max_window_bits=99",
                                   b"permessage-deflate; server_max_window_bits", b"x-unknown, ;;;", b"\xff")),
    (b"Sec-WebSocket-Protocol", (b"chat", b"", b"\xff", b"a, a, a")),
)
PAGES = (b"/", b"/c/cup/teams", b"/c/cup/board", b"/c/cup/e/hot", b"/j/", b"/console/", b"/console/login",
         b"/console/c/cup", b"/console/c/cup/e/hot", b"/static/app.css", b"/console/c/cup/downloads/csv")


def http_headers(ch: Chooser) -> Request:
    handshake = ch.pick((False, False, True), "websocket")
    target = ch.pick((b"/ws/judge", b"/ws/board/cup", b"/ws/board/cup/hot"), "socket") if handshake else ch.pick(
        PAGES, "page")
    headers: list[tuple[bytes, bytes]] = list(WEBSOCKET) if handshake else []
    for _ in range(ch.pick((1, 2, 3), "how many")):
        name, values = ch.pick(WS_HEADERS + HEADERS if handshake else HEADERS, "header")
        headers.append((name, ch.pick(values, name.decode("latin-1"))))
    if handshake and not any(k == b"Sec-WebSocket-Key" for k, _v in headers):
        headers.append((b"Sec-WebSocket-Key", b"dGhlIHNhbXBsZSBub25jZQ=="))
    note = "; ".join(f"{k.decode('latin-1')}: {v[:30]!r}" for k, v in headers if (k, v) not in WEBSOCKET)
    return Request("http headers/cookies", b"GET", target, tuple(headers), session=ch.pick(SESSIONS, "session"),
                   note=note)


NUMBER_TEXTS = ("1e20000", "1e400000", "1e3000000", "NaN", "Infinity", "-0", "1e-400000", BIG_INT, "0x10", "1/3")
NASTY = (*(enc(t) for t in (*TEXTS, *NUMBER_TEXTS)), b"%", b"%zz", b"%ff%fe", b"%00", b"a+b%2Bc", b"=&=")
FIELDS: dict[str, tuple[str, ...]] = {
    "username": ("admin", "nobody"), "password": (PASSWORD, "wrong"),
    "next": ("/console/", "//evil.example", "/console/../..//x", "//%5B"),
    "key": ("fz1", "cup", "j9", "new-judge"), "name_zh": ("模糊测试", ""), "name_en": ("Fuzz", ""),
    "date": ("2026-11-24", "yesterday"), "venue": ("大同市",), "preset": ("cooking_hot", "masonry", "nope"),
    "blind": ("1", "0"), "reveal": ("1", "0"), "events": ("hot", "wall", "other", "nope"),
    "chief_of": ("hot", "wall", "nope"), "team": ("", "t1", "t2", "t9"), "judge": ("j2", "j3", "j6", "nope", ""),
    "reason": ("", "fix", "超时"), "to": ("open", "closed", "locked", "published", "draft", "nope"),
    "visibility": ("live", "progress", "frozen", "hidden", "nope"), "rule": ("overtime", "ppe", "stop_work", "nope"),
    "amount": ("1", "2", "-1", "1.5"), "locked": ("1", "0"), "accept": ("1", "0", "x"), "skip_bad": ("1", "0"),
    "title": ("黄花鱼", ""), "code": ("", "W-9", "H-101", "a b"), "contestants": ("张三、李四", "、", ""),
    "attr:time_used": ("140", "", "1e400000"),
    "entry": ("e1", "e3", "nope", ""), "c:taste": ("28", "36", "1e400000", "八", "²", ""), "c:texture": ("16", "-1"),
    "d:overtime": ("on", ""), "d:overtime:amount": ("3", "²", "٣", "9" * 40, ""),
    "choice": ("first", "second", "third", ""),
    "filename": ("roster.csv",), "name": ("新评委", ""),
    "table": ("[]", '[["event","entry","title","team"],["hot","e9","新菜","t1"]]', '{"a":1}', "[[1e400000]]",
              "[" * 100_000, '[["' + "x" * 10_000 + '"]]', "[[" + "[]," * 30_000 + "[]]]", "null"),
}
ROUTES: dict[str, tuple[str, ...]] = {
    "/console/login": ("username", "password", "next"),
    "/console/logout": (),
    "/console/new/presets": ("key", "name_zh", "name_en", "date", "venue", "preset", "preset", "blind"),
    "/console/new/file": (),
    "/console/c/{c}/import/preview": (),
    "/console/c/{c}/import/confirm": ("table", "filename", "skip_bad"),
    "/console/c/{c}/codes": (),
    "/console/c/{c}/roster/entry/{x}": ("title", "code", "team", "contestants", "attr:time_used"),
    # (withdrawing or deleting an entry would take away an entry the probes after the campaign look at)
    "/console/c/{c}/roster/entry/{x}/reinstate": ("reason",),
    "/console/c/{c}/judges/import/preview": (),
    "/console/c/{c}/judges/import/confirm": ("table", "filename", "skip_bad"),
    "/console/c/{c}/judges/new": ("key", "name", "team", "events", "events", "chief_of"),
    "/console/c/{c}/judges/cards": ("judge",),
    "/console/c/{c}/judges/{j}/assign": ("events", "chief_of", "team"),
    "/console/c/{c}/judges/{j}/revoke": ("reason",),
    "/console/c/{c}/e/{e}/edit": ("name_zh", "name_en", "blind", "reveal", "visibility", "reason", "rubric"),
    "/console/c/{c}/e/{e}/state": ("to", "reason"),
    "/console/c/{c}/e/{e}/entry/{x}/rescore": ("judge", "reason"),
    "/console/c/{c}/e/{e}/entry/{x}/deduction": ("rule", "amount", "reason"),
    "/console/c/{c}/e/{e}/entry/{x}/lock": ("locked", "reason"),
    "/console/c/{c}/e/{e}/entry/{x}/accept": ("accept", "reason"),
    "/console/c/{c}/e/{e}/paper": ("entry", "judge", "c:taste", "c:texture", "d:overtime", "d:overtime:amount"),
    "/console/c/{c}/e/{e}/paper/{x}": ("choice",),
}
PRESETS = Path(scoreboard.rubric.presets.__file__).parent
RUBRIC = (PRESETS / "masonry.toml").read_text(encoding="utf-8")
RUBRIC_SITES = ("max = 15", "points = 6", "step = 0.5", "within = 2", "pct = 100", "panel = 3", "decimals = 2",
                "cap = 5", "weight = 30", "value = 10", "spread = 1")
TOML_NUMBERS = ("16", "0", "-15", "1e308", "inf", "nan", "-inf", "1e20000", "1e-400000", "1e400000", BIG_INT,
                '"1e400000"', "100000000", "[1, 2]")


def rubric_text(ch: Chooser) -> tuple[bytes, str]:
    how = ch.pick(("unchanged", "number", "number", "nesting", "text", "raw"), "rubric")
    if how == "raw":
        return ch.pick(NASTY, "raw rubric"), "raw"
    if how == "number":
        site, value = ch.pick(RUBRIC_SITES, "site"), ch.pick(TOML_NUMBERS, "toml number")
        text, note = RUBRIC.replace(site, site.split("=")[0] + "= " + value, 1), f"{site} → {value[:30]}"
    elif how == "nesting":
        depth = ch.pick((100, 1000, 10_000, 100_000), "depth")
        text, note = RUBRIC + "\nx = " + "[" * depth + "]" * depth + "\n", f"[ × {depth}"
    elif how == "text":
        value = ch.pick(TEXTS, "text")
        text, note = RUBRIC.replace('"砌筑"', '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"', 1), \
            f"name = {value[:30]!r}"
    else:
        text, note = RUBRIC, "unchanged"
    return enc(text), note


COMPETITION = """[competition]
key = "{key}"
name = {{ zh = "{title}", en = "Fuzz" }}

[[events]]
key = "hot"
name = {{ zh = "热菜", en = "Hot" }}
rubric = "cooking_hot"

[[teams]]
key = "t1"
name = {{ zh = "队", en = "Team" }}

[[entries]]
key = "e1"
event = "hot"
team = "t1"
title = "{title}"
{attrs}

[[judges]]
key = "j1"
name = "评委"
events = ["hot"]
"""
CSV_HEAD = "event,entry,title,team,contestants,code\n"


def upload(ch: Chooser, route: str) -> tuple[tuple[bytes, bytes, bytes], str]:
    if route.endswith("/file"):
        number = ch.pick(("140", *TOML_NUMBERS), "attr")
        title = ch.pick(TEXTS, "title").replace("\\", "\\\\").replace('"', '\\"')
        text = COMPETITION.format(key=ch.pick(("fz-new", "cup", "x" * 100, "a b"), "key"), title=title,
                                  attrs=f"attrs = {{ time_used = {number} }}")
        body = text.encode("utf-8", "surrogatepass")
        return (b"file", ch.pick((b"fuzz.toml", b"\xff.toml", b"../../x.toml"), "file name"), body), \
            f"time_used = {number[:30]}, title = {title[:30]!r}"
    cell = ch.pick(TEXTS + NUMBER_TEXTS, "cell").replace('"', '""')
    rows = ch.pick((1, 2, 6000), "rows")
    cell = cell[:100] if rows > 2 else cell  # under the form parser's 8 MB a part: a refusal, not a reset
    body = (CSV_HEAD + f'hot,"{cell}","{cell}",t1,"{cell}",\n' * rows).encode("utf-8", "surrogatepass")
    body = ch.pick((body, b"\xff\xfe" + body, body.replace(b",", b"\x00")), "encoding")
    return (b"file", ch.pick((b"roster.csv", b"roster.xlsx", b"\xff.csv"), "file name"), body), \
        f"{rows} rows, cell = {cell[:30]!r}"


def console_form(ch: Chooser) -> Request:
    route = ch.pick(tuple(ROUTES), "route")
    path, note = _fill(ch, route, plain=5)
    form: list[tuple[bytes, bytes]] = []
    for name in ROUTES[route]:
        how = ch.pick(("plain", "nasty", "nasty", "left out"), name)
        if how == "left out":
            continue
        if name == "rubric":
            value, detail = rubric_text(ch)
            note += f" rubric: {detail}"
        else:
            value = enc(ch.pick(FIELDS[name], name)) if how == "plain" else ch.pick(NASTY, name)
        form.append((name.encode(), value))
    csrf = ch.pick(("valid",) * 5 + ("header", "wrong", "missing"), "csrf")
    # Signing in or out ends the session the cookie held: those two go with the visitor's, so
    # that the organizer's session lasts the campaign.
    who = ("visitor", "") if route.endswith(("/login", "/logout")) else ("organizer",) * 6 + ("visitor", "")
    files, detail = (upload(ch, route) if route.endswith(("/file", "/preview")) else (None, ""))
    return Request("console forms", b"POST", path, form=tuple(form), upload=files, session=ch.pick(who, "session"),
                   csrf=csrf, note=f"{note} {detail}".strip())


CLASSES: dict[str, Callable[[Chooser], Request]] = {
    "http paths": http_path, "http headers/cookies": http_headers, "console forms": console_form}


def any_request(ch: Chooser) -> Request:
    return CLASSES[ch.pick(tuple(CLASSES), "class")](ch)


def listed_requests() -> list[Request]:
    """The requests issue 8 names, sent before any generated one."""
    ws = (*WEBSOCKET, (b"Sec-WebSocket-Key", b"dGhlIHNhbXBsZSBub25jZQ=="))
    edit = b"/console/c/cup/e/wall/edit"
    keep = ((b"name_zh", enc("砌筑")), (b"name_en", b"Masonry"), (b"visibility", b"live"))
    nested = RUBRIC + "\nx = " + "[" * 1000 + "]" * 1000 + "\n"
    return [
        Request("http headers/cookies", b"GET", b"/", ((b"Cookie", b"a@b=1"),), note="Cookie: a@b=1"),
        Request("http headers/cookies", b"GET", b"/ws/judge", (*ws, (b"Cookie", b"a@b=1")), note="Cookie: a@b=1"),
        Request("http paths", b"GET", b"/console/login?next=//%5B", session="", note="next=//%5B"),
        Request("http paths", b"GET", b"/console/login?next=/console/../..//x", note="next=/console/../..//x"),
        Request("console forms", b"POST", b"/console/c/cup/e/hot/entry/e2/deduction",
                form=((b"rule", b"overtime"), (b"amount", b"1e20000"), (b"reason", b"fuzz")), note="amount = 1e20000"),
        Request("console forms", b"POST", edit, note="rubric max = 1e400000",
                form=(*keep, (b"rubric", enc(RUBRIC.replace("max = 15", "max = 1e400000", 1))))),
        Request("console forms", b"POST", edit, form=(*keep, (b"rubric", enc(nested))), note="rubric [ × 1000"),
        Request("console forms", b"POST", b"/console/c/cup/import/confirm", form=((b"table", enc("[" * 100_000)),),
                note="table [ × 100000"),
        Request("console forms", b"POST", b"/console/c/cup/e/hot/entry/e2/deduction",
                form=((b"rule", b"overtime"), (b"amount", b"1e3000000"), (b"reason", b"fuzz")),
                note="amount = 1e3000000"),
    ]
