"""The audit log as a person reads it, in the page's language.

Words: a *record* is one audit row as stored (``store.audit``: actor, action, subject, detail,
reason, when); its *reading* is the same record in words — *when* in the competition's time zone,
*who* by name (a judge's name; an account's username and role), *what* was done (the action in
words), the *object* as a person knows it (an entry by its event, blind code and title; an event,
judge or team by name) and the *detail* as a sentence (criterion and deduction names from the
entry's rubric). Records of every age read: an action this module does not know shows its code,
and a detail it cannot phrase shows as "field: value" pairs; nothing in a record can make a
reading fail.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

from scoreboard import i18n
from scoreboard.competition import Competition, Entry, Event, local_time
from scoreboard.errors import N_
from scoreboard.i18n import gettext as _
from scoreboard.rubric.model import DeductionKind
from scoreboard.texts import shown
from scoreboard.web.pages import EVENT_STATES

DETAIL_LIMIT = 400  # characters of a detail sentence shown; the whole one is the cell's title

ACTIONS = {
    "sheet.recorded": N_("Sheet received"),
    "entry.deduction": N_("Deduction recorded"),
    "entry.rescore": N_("Re-score requested"),
    "entry.locked": N_("Entry locked"),
    "entry.unlocked": N_("Entry reopened"),
    "event.state": N_("Event state changed"),
    "event.visibility": N_("Public view changed"),
    "event.edited": N_("Event edited"),
    "judge.created": N_("Judge added"),
    "judge.assigned": N_("Judge's events set"),
    "judge.token": N_("Login card issued"),
    "judge.revoked": N_("Login card revoked"),
    "roster.imported": N_("Entrants imported"),
    "entry.edited": N_("Entry edited"),
    "entry.deleted": N_("Entry deleted"),
    "entry.withdrawn": N_("Entry withdrawn"),
    "entry.reinstated": N_("Entry reinstated"),
    "entry.accepted": N_("Entry accepted with fewer judges"),
    "entry.unaccepted": N_("Entry's acceptance withdrawn"),
    "contestant.edited": N_("Contestant edited"),
    "contestant.deleted": N_("Contestant deleted"),
    "team.edited": N_("Team edited"),
    "team.deleted": N_("Team deleted"),
    "judges.imported": N_("Judges imported"),
    "codes.assigned": N_("Blind codes assigned"),
    "competition.created": N_("Competition created"),
    "competition.team_rule": N_("Team standings set"),
    "account.created": N_("Console account created"),
    "paper.entered": N_("Paper sheet typed"),
    "paper.agreed": N_("Paper sheet typed twice alike: counted"),
    "paper.resolved": N_("Paper sheet's two entries resolved"),
}
ROLES = {"organizer": N_("organizer"), "chief": N_("chief judge"), "judge": N_("judge")}
MACHINES = {"cli": N_("command line"), "demo": N_("demo"), "test": N_("test")}
VISIBILITY = {"live": N_("live standings"), "progress": N_("progress only"), "frozen": N_("frozen standings"),
              "hidden": N_("hidden")}
EVENT_FIELDS = {"name_zh": N_("Chinese name"), "name_en": N_("English name"), "blind": N_("blind judging"),
                "reveal": N_("score-reveal card"), "rubric": N_("rubric")}
ROSTER_FIELDS = {"title": N_("title"), "code": N_("blind code"), "team_id": N_("team"),
                 "contestants": N_("contestants"), "attrs": N_("attributes"), "name": N_("name"), "age": N_("age"),
                 "gender": N_("gender")}


def label(action: str) -> str:
    """An action in words (its code where it has none)."""
    return _(ACTIONS[action]) if action in ACTIONS else action


def _text(value: object, limit: int = 80) -> str:
    if isinstance(value, str | int | float | bool) or value is None:
        return shown("" if value is None else str(value), limit)
    try:
        return shown(json.dumps(value, ensure_ascii=False, default=str), limit)
    except (TypeError, ValueError, RecursionError):
        return "…"


def _list(values: list[str]) -> str:
    return ("、" if i18n.current() == "zh_CN" else ", ").join(values)


@dataclass(frozen=True)
class Names:
    """What a competition's keys are called, in one language."""

    competition: Competition
    locale: str

    @cached_property
    def entries(self) -> Mapping[str, Entry]:
        return {e.key: e for e in self.competition.entries}

    @cached_property
    def events(self) -> Mapping[str, Event]:
        return {e.key: e for e in self.competition.events}

    @cached_property
    def judges(self) -> Mapping[str, str]:
        return {j.key: j.name for j in self.competition.judges}

    @cached_property
    def teams(self) -> Mapping[str, str]:
        return {t.key: t.name.get(self.locale) for t in self.competition.teams}

    @cached_property
    def contestants(self) -> Mapping[str, str]:
        return {c.key: c.name for c in self.competition.contestants}

    def event(self, key: object) -> str:
        event = self.events.get(key) if isinstance(key, str) else None
        return event.name.get(self.locale) if event else _text(key, 64)

    def judge(self, key: object) -> str:
        return self.judges.get(key, _text(key, 64)) if isinstance(key, str) else _text(key, 64)

    def entry(self, key: str) -> str:
        """An entry as a person knows it: its blind code and title (its key where it has neither)."""
        entry = self.entries.get(key)
        if entry is None:
            return _text(key, 64)
        return " ".join(part for part in (entry.code, entry.title) if part) or entry.key

    def criterion(self, entry: str, key: str) -> str:
        rubric = self._rubric(entry)
        criterion = rubric.criterion(key) if rubric else None
        return criterion.name.get(self.locale) if criterion else _text(key, 64)

    def deduction(self, entry: str, key: object) -> tuple[str, DeductionKind | None]:
        rubric = self._rubric(entry)
        rule = rubric.deduction(key) if rubric and isinstance(key, str) else None
        return (rule.name.get(self.locale), rule.kind) if rule else (_text(key, 64), None)

    def _rubric(self, entry: str) -> Any:
        found = self.entries.get(entry)
        event = self.events.get(found.event) if found else None
        return event.rubric if event else None


@dataclass(frozen=True)
class Reading:
    id: int
    at: str  # local time in the competition's time zone
    at_utc: str  # ISO 8601, for the page's <time datetime>
    who: str
    role: str
    action: str  # the stored code (filters, data attributes)
    what: str
    object: str
    entry: str  # the entry's key when the object is an entry (the review page links it), else ""
    event: str  # ... and its event's key
    detail: str  # at most DETAIL_LIMIT characters
    full_detail: str
    reason: str


def who(actor: str, names: Names) -> tuple[str, str]:
    """The actor's name and role: a judge by name, an account by username, a command in words."""
    kind, _sep, key = actor.partition(":")
    if kind == "judge" and key:
        return names.judge(key), _(ROLES["judge"])
    if kind in ROLES and key:
        return _text(key, 100), _(ROLES[kind])
    if actor in MACHINES:
        return _(MACHINES[actor]), ""
    return _text(actor, 100), ""


def subject(text: str, names: Names) -> tuple[str, str, str]:
    """The object in words, with the entry's key and event's key when it is an entry."""
    kind, _sep, key = text.partition(":")
    if kind == "entry" and key in names.entries:
        entry = names.entries[key]
        return f"{names.event(entry.event)} · {names.entry(key)}", key, entry.event
    if kind == "entry":  # no longer in the competition
        return _("entry %(key)s") % {"key": _text(key, 64)}, "", ""
    if kind == "event":
        return names.event(key), "", ""
    if kind == "judge":
        return _("judge %(name)s") % {"name": names.judge(key)}, "", ""
    if kind == "team":
        return names.teams.get(key, _text(key, 64)), "", ""
    if kind == "contestant":
        return names.contestants.get(key, _text(key, 64)), "", ""
    if kind == "competition" and key == names.competition.key:
        return names.competition.name.get(names.locale), "", ""
    if kind == "account":
        return _("console account %(name)s") % {"name": _text(key, 100)}, "", ""
    return _text(text, 200), "", ""


# --- details as sentences, one phrasing per action --------------------------------------------------

Detail = Mapping[str, Any]


def _marks(entry: str, marks: object, names: Names) -> str:
    if not isinstance(marks, Mapping):
        return ""
    shown_marks = []
    for key, value in list(marks.items())[:60]:
        if isinstance(value, bool):
            text = _("yes") if value else _("no")
        elif isinstance(value, list):
            text = " / ".join(_text(v, 16) for v in value[:40])
        else:
            text = _text(value, 24)
        shown_marks.append(f"{names.criterion(entry, str(key))} {text}")
    return _list(shown_marks)


def deductions_text(entry: str, deductions: object, names: Names) -> str:
    """Deductions as stored (``[{"key", "amount", "reason"}]``) in words: 安全防护违规 7 次（未戴安全帽）."""
    if not isinstance(deductions, list):
        return ""
    parts = []
    for d in deductions[:20]:
        if not isinstance(d, Mapping):
            continue
        name, kind = names.deduction(entry, d.get("key"))
        part = name + _amount(kind, d.get("amount"))
        reason = _text(d.get("reason") or "", 100)
        parts.append(_("%(deduction)s (%(reason)s)") % {"deduction": part, "reason": reason} if reason else part)
    return _list(parts)


def _amount(kind: DeductionKind | None, amount: object) -> str:
    value = _text(amount, 16) if amount not in (None, "", "0") else ""
    if not value or kind in (DeductionKind.FIXED, DeductionKind.DISQUALIFY):
        return ""
    if kind is DeductionKind.PER_MINUTE:
        return " " + _("%(n)s min") % {"n": value}
    return " " + _("× %(n)s") % {"n": value}


def _sentences(parts: list[str]) -> str:
    return ("" if i18n.current() == "zh_CN" else " ").join(parts)


def _sheet(entry: str, d: Detail, names: Names) -> str:
    parts = [_("Revision %(revision)s, sheet #%(seq)s.") % {
        "revision": _text(d.get("revision", "?"), 8), "seq": _text(d.get("seq", "?"), 16)}]
    marks, deductions = _marks(entry, d.get("marks"), names), deductions_text(entry, d.get("deductions"), names)
    if marks:
        parts.append(_("Marks: %(marks)s.") % {"marks": marks})
    if deductions:
        parts.append(_("Deductions: %(deductions)s.") % {"deductions": deductions})
    return _sentences(parts)


def _deduction(entry: str, d: Detail, names: Names) -> str:
    name, kind = names.deduction(entry, d.get("rule"))
    return _("%(deduction)s, on sheet #%(seq)s.") % {"deduction": name + _amount(kind, d.get("amount")),
                                                     "seq": _text(d.get("sheet_seq", "?"), 16)}


def _rescore(entry: str, d: Detail, names: Names) -> str:
    return _("Asked %(judge)s to score it again.") % {"judge": names.judge(d.get("judge"))}


def _moved(labels: Mapping[str, str]) -> Callable[[str, Detail, Names], str]:
    def word(value: object) -> str:
        return _(labels[value]) if isinstance(value, str) and value in labels else _text(value, 32)

    def phrase(entry: str, d: Detail, names: Names) -> str:
        return _("From %(before)s to %(after)s.") % {"before": word(d.get("from")), "after": word(d.get("to"))}
    return phrase


def _edited(entry: str, d: Detail, names: Names) -> str:
    changed = d.get("changed")
    if not isinstance(changed, Mapping):
        return ""
    labels = {**EVENT_FIELDS, **ROSTER_FIELDS}
    fields = [_(labels[k]) if k in labels else _text(k, 32) for k in changed]
    return _("Changed: %(fields)s.") % {"fields": _list(fields)}


def _events(keys: object, names: Names) -> str:
    return _list([names.event(k) for k in keys[:50]]) if isinstance(keys, list) else ""


def _judge_created(entry: str, d: Detail, names: Names) -> str:
    team = d.get("team")
    if team:
        return _("%(name)s, of %(team)s.") % {"name": _text(d.get("name"), 100),
                                              "team": names.teams.get(team, _text(team, 64))}
    return _("%(name)s.") % {"name": _text(d.get("name"), 100)}


def _assigned(entry: str, d: Detail, names: Names) -> str:
    events, chief = _events(d.get("events"), names), _events(d.get("chief_of"), names)
    parts = [_("Marks %(events)s.") % {"events": events} if events else _("Marks no event.")]
    if chief:
        parts.append(_("Chief judge of %(events)s.") % {"events": chief})
    return _sentences(parts)


def _imported(entry: str, d: Detail, names: Names) -> str:
    counts = {k: _text(d.get(k, 0), 12) for k in ("entries", "contestants", "teams", "codes", "skipped_rows",
                                                  "updated")}
    if d.get("updated"):
        return _("%(entries)s new entries and %(updated)s updated, %(contestants)s contestants and %(teams)s teams; "
                 "%(codes)s blind codes; %(skipped_rows)s rows skipped.") % counts
    return _("%(entries)s entries, %(contestants)s contestants and %(teams)s teams; %(codes)s blind codes; "
             "%(skipped_rows)s rows skipped.") % counts


def _judges_imported(entry: str, d: Detail, names: Names) -> str:
    created, updated = d.get("created"), d.get("updated")
    return _("%(created)s new judges, %(updated)s updated; %(skipped)s rows skipped.") % {
        "created": len(created) if isinstance(created, list) else 0,
        "updated": len(updated) if isinstance(updated, list) else 0, "skipped": _text(d.get("skipped_rows", 0), 12)}


def _renamed(entry: str, d: Detail, names: Names) -> str:
    def name(value: object) -> str:
        return " / ".join(dict.fromkeys(_text(v, 100) for v in value[:2])) if isinstance(value, list) else ""

    return _("From %(before)s to %(after)s.") % {"before": name(d.get("before")), "after": name(d.get("after"))}


def _gone(entry: str, d: Detail, names: Names) -> str:
    """What was deleted, by the name it had (it is no longer in the competition to name it)."""
    parts = [_text(d.get(k), 100) for k in ("code", "title", "name") if d.get(k)]
    taken = d.get("entries")
    if isinstance(taken, list) and taken:
        parts.append(_("with entries %(keys)s") % {"keys": _list([_text(k, 64) for k in taken[:50]])})
    return " ".join(parts)


def _accepted(entry: str, d: Detail, names: Names) -> str:
    return _("Marked by %(judges)s of the %(panel)s judges.") % {"judges": _text(d.get("judges", "?"), 8),
                                                                 "panel": _text(d.get("panel", "?"), 8)}


def _paper(entry: str, d: Detail, names: Names) -> str:
    parts = [_("%(judge)s's paper sheet.") % {"judge": names.judge(d.get("judge"))}]
    if "entry_no" in d:
        parts.append(_("Entry %(n)s of 2.") % {"n": _text(d.get("entry_no"), 4)})
    if d.get("agrees") is False:
        parts.append(_("It differs from the first entry."))
    if "first_by" in d:
        parts.append(_("Typed by %(first)s, then by %(second)s.") % {
            "first": who(str(d.get("first_by")), names)[0], "second": who(str(d.get("second_by")), names)[0]})
    if d.get("choice") in ("first", "second"):
        parts.append(_("The first entry was taken.") if d.get("choice") == "first" else
                     _("The second entry was taken."))
    marks = _marks(entry, d.get("marks"), names)
    if marks:
        parts.append(_("Marks: %(marks)s.") % {"marks": marks})
    return _sentences(parts)


def _codes(entry: str, d: Detail, names: Names) -> str:
    return _("%(n)s blind codes.") % {"n": _text(d.get("codes", 0), 12)}


def _created(entry: str, d: Detail, names: Names) -> str:
    source = d.get("source")
    if source == "console":
        return _("From presets, in the console.")
    return _("From the file %(file)s.") % {"file": _text(source, 200)}


def _account(entry: str, d: Detail, names: Names) -> str:
    chief_of = d.get("chief_of")
    if d.get("role") == "chief" and isinstance(chief_of, list):
        events = [names.event(str(x).partition(":")[2] or x) for x in chief_of[:50]]
        return _("A chief judge's account, for %(events)s.") % {"events": _list(events)}
    return _("An organizer's account.")


def _team_rule(entry: str, d: Detail, names: Names) -> str:
    rule = d.get("to")
    if not isinstance(rule, Mapping):
        return _("No team standings.")
    n = rule.get("n")
    method = {"sum": _("sum of every ranked entry"), "mean": _("mean of every ranked entry"),
              "best_n": _("mean of the best %(n)s entries") % {"n": _text(n, 8) if n else
                                                               _("N (the fewest any team has)")}}
    key = rule.get("method")
    how = method[key] if isinstance(key, str) and key in method else _text(key, 32)
    events = _events(rule.get("events"), names) or _("every event")
    return _("%(rule)s; events counted: %(events)s.") % {"rule": how, "events": events}


PHRASES: dict[str, Callable[[str, Detail, Names], str]] = {
    "sheet.recorded": _sheet, "entry.deduction": _deduction, "entry.rescore": _rescore,
    "event.state": _moved(EVENT_STATES), "event.visibility": _moved(VISIBILITY), "event.edited": _edited,
    "judge.created": _judge_created, "judge.assigned": _assigned, "roster.imported": _imported,
    "codes.assigned": _codes, "competition.created": _created, "account.created": _account,
    "entry.edited": _edited, "contestant.edited": _edited, "entry.deleted": _gone, "contestant.deleted": _gone,
    "team.deleted": _gone, "team.edited": _renamed, "judges.imported": _judges_imported,
    "competition.team_rule": _team_rule, "entry.accepted": _accepted, "entry.unaccepted": _accepted,
    "paper.entered": _paper, "paper.agreed": _paper, "paper.resolved": _paper,
}
QUIET = {"competition", "event", "entry_keys", "updated_keys"}  # in every record, or too long to read: never listed


def _pairs(d: Detail) -> str:
    return "; ".join(f"{_text(k, 32)}: {_text(v)}" for k, v in list(d.items())[:20] if k not in QUIET)


def detail(action: str, entry: str, d: object, names: Names) -> str:
    """A record's detail as a sentence; its fields as pairs where the action has no phrasing."""
    if not isinstance(d, Mapping):
        return _text(d, DETAIL_LIMIT)
    phrase = PHRASES.get(action)
    if phrase is not None:
        try:
            return phrase(entry, d, names)
        except (KeyError, TypeError, ValueError, AttributeError):  # a record older than its phrasing
            pass
    return _pairs(d)


def reading(row_id: int, at: datetime, actor: str, action: str, subject_text: str, d: object, reason: str,
            names: Names) -> Reading:
    name, role = who(actor, names)
    thing, entry, event = subject(subject_text, names)
    if not entry and isinstance(d, Mapping) and subject_text.startswith("entry:"):
        entry = subject_text.partition(":")[2]
    sentence = detail(action, entry, d, names)
    moment = at.replace(tzinfo=UTC) if at.tzinfo is None else at
    cut = sentence[:DETAIL_LIMIT] + ("…" if len(sentence) > DETAIL_LIMIT else "")
    return Reading(row_id, local_time(at, names.competition.time_zone), moment.astimezone(UTC).isoformat(), name,
                   role, action, label(action), thing, entry if entry in names.entries else "", event, cut, sentence,
                   shown(reason, 500))
