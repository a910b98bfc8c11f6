"""The organizer console's routes, mounted at ``/console``: every one behind the guard.

Who may do what (``console_auth.guard``): *organizer* pages are for organizer accounts only
(competitions, imports, judges, the audit log, downloads, publishing); *scoped* pages — an
event's progress, an entry's review and the actions there — are also open to a chief judge's
account for their own events. Every POST needs the session's CSRF token.
"""

from __future__ import annotations

from starlette.routing import Route

from scoreboard.web import (
    console_audit,
    console_auth,
    console_clerk,
    console_competitions,
    console_downloads,
    console_entrants,
    console_events,
    console_judges,
    console_login,
    console_paper,
    console_progress,
    console_review,
    console_roster,
    console_teams,
)
from scoreboard.web.console_auth import Console, guard

__all__ = ["Console", "routes"]

C = "/console/c/{competition}"
E = C + "/e/{event}"
ENTRY = E + "/entry/{entry}"
R = C + "/roster"
GET, POST = ["GET"], ["POST"]


def _organizer(path: str, handler: console_auth.Handler, name: str, methods: list[str]) -> Route:
    return Route(path, guard(handler, organizer=True), name=name, methods=methods)


def _scoped(path: str, handler: console_auth.Handler, name: str, methods: list[str]) -> Route:
    return Route(path, guard(handler, scoped=True), name=name, methods=methods)


routes = [
    Route("/console/login", console_login.login, name="console_login", methods=["GET", "POST"]),
    Route("/console/logout", console_login.logout, name="console_logout", methods=POST),
    Route("/console/", guard(console_competitions.home), name="console_home", methods=GET),
    _organizer("/console/new", console_competitions.new, "console_new", GET),
    _organizer("/console/new/file", console_competitions.create_file, "console_new_file", POST),
    _organizer("/console/new/presets", console_competitions.create_presets, "console_new_presets", POST),
    Route(C, guard(console_competitions.overview), name="console_competition", methods=GET),
    _organizer(C + "/import", console_roster.page, "console_import", GET),
    _organizer(C + "/import/preview", console_roster.preview_file, "console_import_preview", POST),
    _organizer(C + "/import/confirm", console_roster.confirm, "console_import_confirm", POST),
    _organizer(C + "/import/template", console_roster.template, "console_import_template", GET),
    _organizer(R, console_entrants.page, "console_roster", GET),
    _organizer(R + "/entry/{entry}", console_entrants.edit_entry, "console_entry_edit", GET),
    _organizer(R + "/entry/{entry}", console_entrants.save_entry, "console_entry_save", POST),
    _organizer(R + "/entry/{entry}/delete", console_entrants.delete_entry, "console_entry_delete", POST),
    _organizer(R + "/entry/{entry}/withdraw", console_entrants.withdraw_entry, "console_entry_withdraw", POST),
    _organizer(R + "/entry/{entry}/reinstate", console_entrants.reinstate_entry, "console_entry_reinstate", POST),
    _organizer(R + "/contestant/{contestant}", console_entrants.edit_contestant, "console_contestant_edit", GET),
    _organizer(R + "/contestant/{contestant}", console_entrants.save_contestant, "console_contestant_save", POST),
    _organizer(R + "/contestant/{contestant}/delete", console_entrants.delete_contestant, "console_contestant_delete",
               POST),
    _organizer(R + "/team/{team}", console_entrants.edit_team, "console_team_edit", GET),
    _organizer(R + "/team/{team}", console_entrants.save_team, "console_team_save", POST),
    _organizer(R + "/team/{team}/delete", console_entrants.delete_team, "console_team_delete", POST),
    _organizer(C + "/codes", console_roster.codes, "console_codes", POST),
    _organizer(C + "/labels", console_roster.labels, "console_labels", GET),
    _organizer(C + "/judges", console_judges.page, "console_judges", GET),
    _organizer(C + "/judges/new", console_judges.create, "console_judge_new", POST),
    _organizer(C + "/judges/cards", console_judges.cards, "console_cards", POST),
    _organizer(C + "/judges/import/preview", console_judges.preview_file, "console_judges_preview", POST),
    _organizer(C + "/judges/import/confirm", console_judges.confirm, "console_judges_confirm", POST),
    _organizer(C + "/judges/template", console_judges.template, "console_judges_template", GET),
    _organizer(C + "/judges/{judge}/assign", console_judges.assign, "console_judge_assign", POST),
    _organizer(C + "/judges/{judge}/revoke", console_judges.revoke, "console_judge_revoke", POST),
    _organizer(C + "/teams", console_teams.page, "console_teams", GET),
    _organizer(C + "/teams", console_teams.save, "console_teams_save", POST),
    _organizer(C + "/audit", console_audit.page, "console_audit", GET),
    _organizer(C + "/downloads", console_downloads.page, "console_downloads", GET),
    _organizer(C + "/downloads/{kind}", console_downloads.download, "console_download", GET),
    _organizer(E + "/edit", console_events.page, "console_event_edit", GET),
    _organizer(E + "/edit", console_events.save, "console_event_save", POST),
    _organizer(E + "/clerk", console_clerk.page, "console_clerk", GET),
    _organizer(E + "/clerk", console_clerk.save, "console_clerk_save", POST),
    _organizer(E + "/paper", console_paper.page, "console_paper", GET),
    _organizer(E + "/paper", console_paper.enter, "console_paper_enter", POST),
    _organizer(E + "/paper/{paper}", console_paper.resolve, "console_paper_resolve", POST),
    _scoped(E, console_progress.page, "console_event", GET),
    _scoped(E + "/state", console_progress.move, "console_event_state", POST),
    _scoped(ENTRY, console_review.page, "console_entry", GET),
    _scoped(ENTRY + "/rescore", console_review.rescore, "console_rescore", POST),
    _scoped(ENTRY + "/deduction", console_review.deduction, "console_deduction", POST),
    _scoped(ENTRY + "/lock", console_review.lock, "console_lock", POST),
    _organizer(ENTRY + "/accept", console_progress.accept, "console_accept", POST),
]
