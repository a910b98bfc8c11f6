"""The tablet pages: signing in with a login card's link, and the judge's scoring app.

- ``GET /j/login/{token}`` exchanges the card's token for the signed session cookie (holding the
  token's hash, ``SESSION_KEY``) and redirects to ``/j/`` so the token leaves the
  address bar and the history; a bad, replaced or revoked token gets a translated 403 page.
- ``GET /j/`` is the app (``templates/tablet.html`` + the modules of ``static/tablet/``): it talks to
  ``/ws/judge`` (``docs/protocol.md``) and keeps unacknowledged sheets in the tablet's own
  storage. Without a session: a 401 page saying how to sign in.
- ``GET /j/sw.js`` is the service worker that keeps the app's page and scripts, so a reload
  while the venue's Wi-Fi is down still opens the app and its outbox. Served from ``/j/`` so its
  scope covers the app.

Every text the script shows comes from ``strings()``, translated here and handed to the page.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Route

from scoreboard import i18n
from scoreboard.i18n import gettext as _
from scoreboard.store.engine import session
from scoreboard.store.tokens import JudgeIdentity, identify, identify_hash
from scoreboard.web.templating import STATIC_DIR, render

SESSION_KEY = "judge"  # the session cookie's entry: the token's hash
NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


@dataclass(frozen=True)
class TabletPage:
    judge: str
    name: str
    competition: str
    strings: dict[str, str]


@dataclass(frozen=True)
class DeniedPage:
    title: str
    message: str
    steps: list[str]


def strings() -> dict[str, str]:
    """The script's texts in the request's language."""
    return {
        "online": _("Online"), "offline": _("Offline"), "connecting": _("Connecting…"),
        "retry_in": _("retrying in {s} s"), "waiting_n": _("{n} sheets waiting to send"),
        "waiting_none": _("All sheets received"),
        "signed_out": _("Your login card no longer works: ask the organizer for a new card and scan it."),
        "elsewhere": _("Your login card is now in use on other devices, so this one stopped. Reload the page to "
                       "score here again; your sheets are kept."),
        "state_todo": _("to score"), "state_waiting": _("waiting to send"), "state_sent": _("sent"),
        "state_received": _("received ✓ #{seq}"), "state_rescore": _("needs re-score"),
        "state_locked": _("locked"), "state_error": _("not stored"),
        "event_closed": _("scoring closed"), "event_draft": _("scoring not open yet"), "chief": _("chief judge"),
        "no_events": _("No events are assigned to you yet."),
        "back": _("Back to the list"), "review": _("Review"), "send": _("Send"), "edit": _("Change marks"),
        "confirm_title": _("Check the sheet, then send it"), "subtotal": _("Subtotal"), "of": _("of"),
        "empty": _("Still empty: {criteria}"), "all_marked": _("Every criterion is marked"),
        "required": _("(every criterion must be marked on this rubric)"),
        "list_sep": "、" if i18n.current() == "zh_CN" else ", ", "gap": "" if i18n.current() == "zh_CN" else " ",
        "labelled": _("{label}: {value}"), "with_reason": _("{text} ({reason})"),
        "deductions": _("Deductions"), "reason": _("Reason"), "minutes": _("minutes"), "count": _("times"),
        "disqualify": _("disqualified"), "correction": _("Correction: revision {n}"),
        "correction_reason": _("Why the correction (required)"), "rescore_reason": _("Re-score requested: {reason}"),
        "revision": _("revision {n}"), "yes": _("Yes"), "no": _("No"),
        "reading": _("reading {n}"), "less": _("Lower the mark for {criterion}"),
        "more": _("Raise the mark for {criterion}"), "out_of_range": _("{value} is outside {min}–{max}"),
        "off_step": _("{value} is not on the step {step}"), "resend_as": _("Send again as revision {n}"),
        "discard": _("Discard"), "discard_confirm": _("Discard this sheet? Its marks are not stored."),
        "level": _("Level {n}"), "entry_locked": _("This entry is locked: it cannot be scored."),
        "not_a_number": _("{value} is not a number"),
        "too_many_digits": _("{value} has too many digits: at most 12 before the point and 12 after"),
        "range": _("readings from {min} to {max} {unit}"), "range_min": _("readings from {min} {unit} up"),
        "range_max": _("readings up to {max} {unit}"), "below_min": _("{value} is below {min}"),
        "above_max": _("{value} is above {max}"), "fix_boxes": _("Correct or clear the boxes marked in red."),
        "partial_readings": _("Fill in every reading, or none, of: {criteria}."),
        "reason_needed": _("Say why you correct the sheet, in the box above, to review it."),
        "draft_kept": _("draft, not sent"),
        "draft_restored": _("What was typed on this form before is back. It is not sent yet."),
        "discard_draft": _("Discard the draft"),
        "discard_draft_confirm": _("Discard what was typed on this form? It was never sent."),
        "server_retry": _("the server could not store it; sending again"),
    }


async def _identity(request: Request, hashed: str = "", token: str = "") -> JudgeIdentity | None:
    def find() -> JudgeIdentity | None:
        with session(request.state.engine) as s:
            return identify(s, token) if token else identify_hash(s, hashed)

    return await run_in_threadpool(find)


def _denied(request: Request, status: int) -> Response:
    if status == 403:
        page = DeniedPage(_("This login link does not work"),
                          _("The link is wrong, or the card was replaced by a newer one or revoked."),
                          [_("Check that you scanned your own, newest card."),
                           _("Ask the organizer or the chief judge for a new login card.")])
    else:
        page = DeniedPage(_("Please sign in"), _("This tablet is not signed in as a judge."),
                          [_("Scan the QR code on your login card with the tablet's camera."),
                           _("Or type the link printed under the QR code into the browser.")])
    response = render(request, "tablet_denied.html", page, status_code=status)
    response.headers.update(NO_STORE)
    return response


async def login(request: Request) -> Response:
    identity = await _identity(request, token=request.path_params["token"])
    if identity is None:
        request.session.pop(SESSION_KEY, None)
        return _denied(request, 403)
    request.session[SESSION_KEY] = identity.token_hash
    return RedirectResponse(request.url_for("tablet"), status_code=303, headers=NO_STORE)


async def tablet(request: Request) -> Response:
    identity = await _identity(request, hashed=str(request.session.get(SESSION_KEY, "")))
    if identity is None:
        return _denied(request, 401)
    response = render(request, "tablet.html", TabletPage(identity.judge, identity.name, identity.competition,
                                                               strings()))
    response.headers.update({"Cache-Control": "no-cache", "Referrer-Policy": "no-referrer"})  # as its <meta> says
    return response


async def service_worker(request: Request) -> Response:
    return FileResponse(STATIC_DIR / "tablet-sw.js", media_type="text/javascript",
                        headers={"Cache-Control": "no-cache"})


routes = [
    Route("/j/login/{token}", login, name="tablet_login"),
    Route("/j/", tablet, name="tablet"),
    Route("/j/sw.js", service_worker, name="tablet_sw"),
]
