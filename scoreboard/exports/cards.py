"""Login cards: one printable card per judge with a QR code of their login link.

Words: a *card* carries a judge's name, the competition, the events they are assigned to (in
Chinese and English), the *login link* ``BASE/j/login/TOKEN`` as a QR code (segno, inline SVG)
and as text, and a short how-to in both languages. Cards are made for fresh tokens
(``services.judges.JudgeService.cards`` issues them): every earlier card of those judges stops
working. Cards are written as HTML and as an A4 PDF (WeasyPrint, six cards a page with cut lines).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import segno
from sqlmodel import Session, col, select

from scoreboard import i18n
from scoreboard.errors import N_
from scoreboard.exports.render import render_html
from scoreboard.rubric.model import Text
from scoreboard.store import tables as db
from scoreboard.store.load import competition_row

HOWTO = (
    N_("Scan the QR code with the tablet's camera, or type the link into its browser."),
    N_("Your events and entries appear; tap an entry to score it."),
    N_("Keep this card private: it is your login. If it is lost, ask for a new card."),
)
LABELS = {"events": N_("Events"), "chief": N_("chief judge"), "howto": N_("How to sign in")}


@dataclass(frozen=True)
class EventLine:
    name: Text
    chief: bool


@dataclass(frozen=True)
class Card:
    judge: str
    name: str
    competition: Text
    events: tuple[EventLine, ...]
    link: str
    qr_svg: str


@dataclass(frozen=True)
class CardsPage:
    competition: Text
    cards: tuple[Card, ...]
    howto: tuple[Text, ...]
    labels: dict[str, Text]


def both(message: str) -> Text:
    """A message in Chinese and in English, for a card that speaks both."""
    return Text(*i18n.both(message))


def login_link(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/j/login/{token}"


def qr_svg(link: str) -> str:
    """The link as an inline SVG QR code (no XML declaration; scales to its box)."""
    return str(segno.make(link, error="m").svg_inline(scale=4, border=2, omitsize=True))


def make_cards(session: Session, competition: str, tokens: dict[str, str], base_url: str) -> CardsPage:
    row = competition_row(session, competition)
    name = Text(row.name_zh, row.name_en)
    cards = []
    for key, token in tokens.items():
        judge = session.exec(select(db.Judge).where(db.Judge.competition_id == row.id, db.Judge.key == key)).one()
        found = session.exec(select(db.Event, db.Assignment.role).join(db.Assignment)
                             .where(db.Assignment.judge_id == judge.id)
                             .order_by(col(db.Event.position), col(db.Assignment.role))).all()
        lines: dict[str, EventLine] = {}
        for event, role in found:
            chief = role == "chief" or (event.key in lines and lines[event.key].chief)
            lines[event.key] = EventLine(Text(event.name_zh, event.name_en), chief)
        link = login_link(base_url, token)
        cards.append(Card(key, judge.name, name, tuple(lines.values()), link, qr_svg(link)))
    return CardsPage(name, tuple(cards), tuple(both(m) for m in HOWTO),
                     {k: both(m) for k, m in LABELS.items()})


def cards_html(page: CardsPage) -> str:
    return render_html("exports/cards.html", page=page)


def write_cards(page: CardsPage, folder: Path) -> tuple[Path, Path]:
    """``login-cards.html`` and ``login-cards.pdf`` in ``folder``."""
    from weasyprint import HTML

    folder.mkdir(parents=True, exist_ok=True)
    html = cards_html(page)
    html_path, pdf_path = folder / "login-cards.html", folder / "login-cards.pdf"
    html_path.write_text(html, encoding="utf-8")
    HTML(string=html, base_url=str(folder)).write_pdf(pdf_path)
    return html_path, pdf_path
