"""Console: links to every public view of a competition and of each event, with their QR codes.

Words: a *view* is what the public or the hall sees: the competition's page (``/c/C``), an
event's phone page (``/c/C/e/E``), the projector (``/c/C/board``: every event in turn;
``?event=E``: one), the bilingual projector (``?bilingual=1``), the ceremony (``?ceremony=1``:
locked or published standings uncovered from the bottom up, for a signed-in organizer) and the
team board (``/c/C/teams``, once a team rule is set). Addresses are absolute, as the request
named this server: a console opened at ``localhost`` gives addresses (and QR codes) that only
this computer can open, and the page says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

from starlette.requests import Request

from scoreboard.competition import Competition
from scoreboard.i18n import gettext as _
from scoreboard.states import FIXED

LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


@dataclass(frozen=True)
class Link:
    key: str  # the link's id on the page
    label: str
    url: str  # empty: not available now (``hint`` says why)
    hint: str = ""


@dataclass(frozen=True)
class Views:
    qr: str  # the QR code's image
    qr_target: str  # the address it opens
    qr_caption: str
    links: list[Link] = field(default_factory=list)
    teams_missing: bool = False  # no team rule yet: the team board is not there
    local: bool = False  # the addresses name this computer only: phones cannot open them


def _board(request: Request, competition: str, **query: str) -> str:
    url = str(request.url_for("board", competition=competition))
    return f"{url}?{urlencode(query)}" if query else url


def _ceremony(request: Request, competition: str, ready: bool, **query: str) -> Link:
    return Link("ceremony", _("Award ceremony"), _board(request, competition, ceremony="1", **query) if ready else "",
                _("Locked or published events only; → or space uncovers the next place") if ready else
                _("Available once the event is locked or published"))


def _teams(request: Request, comp: Competition) -> Link:
    if comp.team_rule is None:
        return Link("teams", _("Team standings board"), "", _("Set up team standings first"))
    return Link("teams", _("Team standings board"), str(request.url_for("teams", competition=comp.key)),
                _("teams ranked across events"))


def competition_views(request: Request, comp: Competition, states: Mapping[str, str], organizer: bool) -> Views:
    """The competition's views for its overview; the ceremony for an organizer only."""
    c = comp.key
    page = str(request.url_for("competition", competition=c))
    links = [Link("page", _("Competition page"), page, _("every event's phone page, the boards, a QR code")),
             Link("board", _("Projector: every event in turn"), _board(request, c)),
             Link("bilingual", _("Projector in Chinese and English"), _board(request, c, bilingual="1")),
             _teams(request, comp)]
    if organizer:
        links.insert(3, _ceremony(request, c, any(s in FIXED for s in states.values())))
    return Views(str(request.url_for("competition_qr", competition=c)), page,
                 _("Spectators scan this for the competition's page"), links, comp.team_rule is None,
                 request.url.hostname in LOCAL_HOSTS)


def event_views(request: Request, comp: Competition, event: str, state: str, organizer: bool) -> Views:
    """An event's views for its console page: its phone page (with the QR code), the projector
    showing it alone, and the competition's own; the ceremony for an organizer only."""
    c = comp.key
    phone = str(request.url_for("event", competition=c, event=event))
    links = [Link("phone", _("Phone page"), phone, _("the standings on a phone, live")),
             Link("board", _("Projector: this event"), _board(request, c, event=event)),
             Link("bilingual", _("Projector in Chinese and English"), _board(request, c, event=event, bilingual="1")),
             _teams(request, comp),
             Link("page", _("Competition page"), str(request.url_for("competition", competition=c)))]
    if organizer:
        links.insert(3, _ceremony(request, c, state in FIXED, event=event))
    return Views(str(request.url_for("event_qr", competition=c, event=event)), phone,
                 _("Spectators scan this to follow the event on their phones"), links, comp.team_rule is None,
                 request.url.hostname in LOCAL_HOSTS)
