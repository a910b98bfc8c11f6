"""Public pages: the competitions' home, a competition's page, team standings and QR codes (an
event's live page and the projector are in ``board``).

Read-only and open to anyone, so every page shows what ``states.shown`` lets the public see.
Data comes from the standings book (kept current by accepted sheets). A competition's *page*
(``/c/COMP``) links every public view of it — each event's phone page, the projector, the team
board — with a QR code of its own address; ``/c/COMP/qr.svg`` and ``/c/COMP/e/EVENT/qr.svg`` are
the QR codes of the competition's page and of an event's phone page, for the page and the console.
"""

from __future__ import annotations

import io

import segno
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from scoreboard import i18n
from scoreboard.errors import UserError
from scoreboard.i18n import gettext as _
from scoreboard.live.book import StandingsBook
from scoreboard.standings import Standing, team_standings
from scoreboard.states import Audience, shown_of
from scoreboard.store import load as store_load
from scoreboard.store.engine import session
from scoreboard.web import pages
from scoreboard.web.templating import render


def _book(request: Request) -> StandingsBook:
    book: StandingsBook = request.state.book
    return book


def _competitions(request: Request) -> list[str]:
    with session(request.state.engine) as s:
        return [c[0] for c in store_load.competitions(s)]


async def home(request: Request) -> Response:
    book = _book(request)

    def build() -> pages.HomePage:
        cards = []
        for key in _competitions(request):
            b = book.book(key)
            known = pages.directory(b.competition)
            events = []
            for ev in b.competition.events:  # the book's summaries: nothing is ranked per request
                summary = book.summary(key, ev.key, Audience.PUBLIC)
                events.append(pages.event_card(ev, shown_of(ev, summary.state, Audience.PUBLIC), summary, known))
            c = b.competition
            cards.append(pages.CompetitionCard(c.key, c.name.get(pages.i18n.current()), c.date, c.venue, events,
                                               c.team_rule is not None))
        return pages.HomePage(cards)

    return render(request, "home.html", await run_in_threadpool(build))


def team_page(book: StandingsBook, competition: str, audience: Audience) -> pages.TeamsPage | None:
    """The competition's team standings over the entries ``audience`` may count (``states.shown``:
    a blind event's entries count for the public only once it is published), each team with the
    contestants of those entries; None without a team rule. ``UserError`` for an unknown competition."""
    b = book.book(competition)
    rule = b.competition.team_rule
    if rule is None:
        return None
    counted: list[Standing] = []
    for ev in b.competition.events:
        _e, state, standings = book.standings(competition, ev.key, audience)
        if shown_of(ev, state, audience).teams:
            counted.extend(standings)
    return pages.teams_page(b.competition, team_standings(rule, [t.key for t in b.competition.teams], counted),
                            [s.entry for s in counted])


async def teams(request: Request) -> Response:
    try:
        page = await run_in_threadpool(team_page, _book(request), request.path_params["competition"], Audience.PUBLIC)
    except UserError:
        raise HTTPException(404, _("No such competition.")) from None
    if page is None:
        raise HTTPException(404, _("This competition has no team standings."))
    return render(request, "teams.html", page)


def competition_page(book: StandingsBook, key: str) -> pages.CompetitionPage:
    """What the public may see of each event of the competition: its state, and how many entries
    are scored where progress is shown (the book's summaries: nothing is ranked)."""
    c = book.book(key).competition
    events = []
    for ev in c.events:
        summary = book.summary(key, ev.key, Audience.PUBLIC)
        seen = shown_of(ev, summary.state, Audience.PUBLIC)
        events.append(pages.EventLink(ev.key, ev.name.get(i18n.current()),
                                      _(pages.EVENT_STATES.get(summary.state, summary.state)), summary.state,
                                      summary.entries, summary.scored if seen.progress else 0, seen.progress))
    return pages.CompetitionPage(c.key, c.name.get(i18n.current()), c.date, c.venue, events,
                                 c.team_rule is not None)


async def competition(request: Request) -> Response:
    try:
        page = await run_in_threadpool(competition_page, _book(request), request.path_params["competition"])
    except UserError:
        raise HTTPException(404, _("No such competition.")) from None
    return render(request, "competition.html", page)


def qr_file(url: str) -> bytes:
    """A QR code of ``url`` as an SVG file."""
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=8, border=2, dark="#111", light="#fff", xmldecl=False)
    return out.getvalue()


async def qr(request: Request) -> Response:
    """The QR code of a competition's page, or of an event's phone page (``event`` in the path)."""
    c, e = request.path_params["competition"], request.path_params.get("event")
    try:
        lookup = await run_in_threadpool(_book(request).lookup, c)
    except UserError:
        raise HTTPException(404, _("No such competition.")) from None
    if e is not None and e not in lookup.events:
        raise HTTPException(404, _("No such event."))
    target = request.url_for("event", competition=c, event=e) if e else request.url_for("competition", competition=c)
    return Response(qr_file(str(target)), media_type="image/svg+xml", headers={"Cache-Control": "public, max-age=3600"})


routes = [
    Route("/", home, name="home"),
    Route("/c/{competition}", competition, name="competition"),
    Route("/c/{competition}/teams", teams, name="teams"),
    Route("/c/{competition}/qr.svg", qr, name="competition_qr"),
    Route("/c/{competition}/e/{event}/qr.svg", qr, name="event_qr"),
]
