"""Public pages: the competitions' home and team standings (an event's live page is in ``board``).

Read-only and open to anyone, so every page shows what ``states.shown`` lets the public see.
Data comes from the standings book (kept current by accepted sheets).
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

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
            teams = {t.key: t.name.get(pages.i18n.current()) for t in b.competition.teams}
            events = []
            for ev in b.competition.events:  # the book's summaries: nothing is ranked per request
                summary = book.summary(key, ev.key, Audience.PUBLIC)
                events.append(pages.event_card(ev, shown_of(ev, summary.state, Audience.PUBLIC), summary, teams))
            c = b.competition
            cards.append(pages.CompetitionCard(c.key, c.name.get(pages.i18n.current()), c.date, c.venue, events,
                                               c.team_rule is not None))
        return pages.HomePage(cards)

    return render(request, "home.html", await run_in_threadpool(build))


async def teams(request: Request) -> Response:
    competition = request.path_params["competition"]
    book = _book(request)
    try:
        b = await run_in_threadpool(book.book, competition)
    except UserError:
        raise HTTPException(404, _("No such competition.")) from None
    if b.competition.team_rule is None:
        raise HTTPException(404, _("This competition has no team standings."))
    visible: list[Standing] = []
    for ev in b.competition.events:
        _e, state, standings = await run_in_threadpool(book.standings, competition, ev.key, Audience.PUBLIC)
        if shown_of(ev, state, Audience.PUBLIC).teams:
            visible.extend(standings)
    rows = team_standings(b.competition.team_rule, [t.key for t in b.competition.teams], visible)
    return render(request, "teams.html", pages.teams_page(b.competition, rows))


routes = [
    Route("/", home, name="home"),
    Route("/c/{competition}/teams", teams, name="teams"),
]
