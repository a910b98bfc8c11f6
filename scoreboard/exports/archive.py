"""The JSON archive of a whole competition, tamper-evident, from which anyone can recompute
the published results (``scoreboard standings ARCHIVE.json``).

Words:
- The archive is one JSON object: ``format`` ("scoreboard-archive") and ``version``; the
  ``competition`` in the competition-file format (``docs/competition.md``: events with their
  rubric snapshots, teams, contestants, entries with blind codes, judges — never their tokens);
  every ``sheets`` revision in order of arrival (``seq``, ``id``, ``entry``, ``judge``,
  ``revision``, ``at``, ``marks`` as exact decimal strings, ``deductions`` as a tablet sends
  them, ``reason``); the ``audit`` log; the ``results`` as computed at export
  (derived data, for reading: ``scoreboard archive verify`` recomputes and compares them); and
  the ``head``.
- The *canonical JSON* of a value is ``json.dumps`` with sorted keys, no spaces, UTF-8.
- The *chains*: ``head.competition`` is the SHA-256 of the canonical competition; each sheet
  record carries ``hash = sha256(prev + canonical(record without hash))`` (hex), ``prev`` being
  the previous sheet's hash, or ``head.competition`` for the first; the audit records chain the
  same way, separately. ``head.sheets`` and ``head.audit`` hold each chain's ``count`` and
  ``last`` hash, ``head.states`` each event's state at export (draft … published); the
  archive's *fingerprint* is the SHA-256 of the canonical head, short enough to print on signed
  result sheets. Changing, adding, removing or reordering any record breaks its chain at that
  record, which ``verify_archive`` names. (A chain is evidence, not a
  signature: whoever rewrites every later hash and the head also changes the fingerprint, which
  is why the fingerprint goes on paper.)

``export_archive(data, out, progress=None, locale="zh_CN")`` writes it; ``read_archive(path)``
verifies it and returns the competition and its sheets, each sheet checked as the service
checks a tablet's.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from scoreboard.competition import TIME_ZONE, Competition, Event, parse_competition
from scoreboard.errors import N_, Problem, UserError
from scoreboard.exports.data import AuditRecord, ExportData, Out, Progress, no_progress, opened
from scoreboard.intake import Lookup, check_sheet
from scoreboard.rubric.model import DeductionKind
from scoreboard.rubric.numbers import fixed
from scoreboard.rubric.sheet import Sheet
from scoreboard.standings import Standing
from scoreboard.store.sheets import encode_marks, exact

FORMAT = "scoreboard-archive"
VERSION = 1


def canonical(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def link(prev: str, record: Mapping[str, Any]) -> str:
    """A record's hash in its chain."""
    return sha256(prev.encode("ascii") + canonical({k: v for k, v in record.items() if k != "hash"}))


def chained(records: Sequence[dict[str, Any]], start: str) -> tuple[list[dict[str, Any]], str]:
    prev, out = start, []
    for record in records:
        prev = link(prev, record)
        out.append({**record, "hash": prev})
    return out, prev


def competition_data(c: Competition) -> dict[str, Any]:
    """The competition as a competition file's table (``parse_competition`` reads it back)."""
    def text(t: Any) -> dict[str, str]:
        return {"zh": t.zh, "en": t.en}

    head: dict[str, Any] = {"key": c.key, "name": text(c.name)}
    head.update({k: v for k, v in (("date", c.date), ("venue", c.venue),
                                   ("time_zone", "" if c.time_zone == TIME_ZONE else c.time_zone)) if v})
    out: dict[str, Any] = {
        "competition": head,
        "events": [{"key": e.key, "name": text(e.name), "rubric": dict(e.rubric_data), "blind": e.blind,
                    "visibility": e.visibility, "reveal": e.reveal} for e in c.events],
        "teams": [{"key": t.key, "name": text(t.name)} for t in c.teams],
        "contestants": [{"key": p.key, "name": p.name, **({"team": p.team} if p.team else {}),
                         **({"age": p.age} if p.age is not None else {}),
                         **({"gender": p.gender} if p.gender else {})} for p in c.contestants],
        "entries": [{"key": e.key, "event": e.event, "title": e.title, "team": e.team, "code": e.code,
                     "contestants": list(e.contestants), "tags": dict(e.tags), "attrs": dict(e.attrs)}
                    for e in c.entries],
        "judges": [{"key": j.key, "name": j.name, "events": list(j.events), "chief_of": list(j.chief_of),
                    "team": j.team} for j in c.judges],
    }
    if c.team_rule:
        r = c.team_rule
        out["team_standings"] = {"method": r.method, "n": r.n, "events": list(r.events), "count_award": r.count_award}
    return out


def sheet_record(event: Event, s: Sheet) -> dict[str, Any]:
    deductions = []
    for d in s.deductions:
        rule = event.rubric.deduction(d.key)
        item: dict[str, Any] = {"key": d.key}
        if rule is not None and rule.kind is DeductionKind.PER_MINUTE:
            item["minutes"] = exact(d.amount)
        elif rule is not None and rule.kind is DeductionKind.PER_OCCURRENCE:
            item["count"] = exact(d.amount)
        if d.reason:
            item["reason"] = d.reason
        deductions.append(item)
    return {"seq": s.seq, "id": s.id, "entry": s.entry, "judge": s.judge, "revision": s.revision, "at": s.at,
            "marks": encode_marks(s.marks), "deductions": deductions, "reason": s.reason}


def audit_data(a: AuditRecord) -> dict[str, Any]:
    return {"seq": a.seq, "at": a.at, "actor": a.actor, "action": a.action, "subject": a.subject,
            "detail": json.loads(json.dumps(dict(a.detail), default=str)), "reason": a.reason}


def results_data(standings: Mapping[str, Sequence[Standing]]) -> dict[str, list[dict[str, Any]]]:
    return {event: [{"entry": s.entry.key, "rank": s.rank, "shared": s.shared,
                     "total": None if s.result.shown is None else fixed(s.result.shown, s.result.decimals),
                     "exact": None if s.result.total is None else str(s.result.total),
                     "awards": {rule.key: tier.key for rule, tier in s.awards}} for s in ss]
            for event, ss in standings.items()}


def build_archive(data: ExportData, progress: Progress | None = None) -> dict[str, Any]:
    progress = progress or no_progress
    c = data.competition
    comp = competition_data(c)
    start = sha256(canonical(comp))
    event_of = {e.key: e.event for e in c.entries}
    events = {e.key: e for e in c.events}
    total = len(data.sheets) + len(data.audit) + 1
    records = []
    for n, s in enumerate(sorted(data.sheets, key=lambda s: s.seq), 1):
        records.append(sheet_record(events[event_of[s.entry]], s))
        if n % 500 == 0:
            progress(n, total)
    sheets, last_sheet = chained(records, start)
    audit, last_audit = chained([audit_data(a) for a in sorted(data.audit, key=lambda a: a.seq)], start)
    progress(total - 1, total)
    head = {"competition": start, "states": dict(data.states), "sheets": {"count": len(sheets), "last": last_sheet},
            "audit": {"count": len(audit), "last": last_audit}}
    return {"format": FORMAT, "version": VERSION, "exported_at": data.exported_at.isoformat(),
            "fingerprint": sha256(canonical(head)), "head": head, "competition": comp,
            "results": results_data(data.standings), "sheets": sheets, "audit": audit}


def fingerprint(data: ExportData) -> str:
    """The fingerprint of the archive ``data`` would make (for the signed result sheets)."""
    return str(build_archive(data)["fingerprint"])


def export_archive(data: ExportData, out: Out, progress: Progress | None = None, locale: str = "zh_CN") -> None:
    """The archive of the whole competition (``data`` should not be narrowed to one event)."""
    progress = progress or no_progress
    archive = build_archive(data, progress)
    with opened(out) as f:
        f.write(json.dumps(archive, ensure_ascii=False, indent=1).encode("utf-8"))
        f.write(b"\n")
    total = len(data.sheets) + len(data.audit) + 1
    progress(total, total)


def _broken(place: str, what: str, **params: object) -> Problem:
    return Problem("archive_tampered", what, params, place)


def verify_archive(archive: Any, place: str = "") -> list[Problem]:
    """Every chain checked; for each, the first record that does not match is named. Empty: intact."""
    where = f"{place}: " if place else ""
    if not isinstance(archive, Mapping) or archive.get("format") != FORMAT:
        return [Problem("archive_format", N_("not a Scoreboard archive"), {}, place)]
    if archive.get("version") != VERSION:
        return [Problem("archive_version", N_("archive version {version} is not supported"),
                        {"version": str(archive.get("version"))}, place)]
    head = archive.get("head")
    if not isinstance(head, Mapping) or not all(isinstance(head.get(k), (str, Mapping))
                                                for k in ("competition", "sheets", "audit")):
        return [Problem("archive_format", N_("the archive has no head"), {}, place)]
    problems = []
    start = sha256(canonical(archive.get("competition")))
    if start != head["competition"]:
        problems.append(_broken(f"{where}competition", N_("the competition data does not match the head's hash")))
    for chain in ("sheets", "audit"):
        records = archive.get(chain)
        if not isinstance(records, list):
            problems.append(Problem("archive_format", N_("{chain} must be a list"), {"chain": chain}, place))
            continue
        prev = start
        for i, record in enumerate(records):
            if not isinstance(record, Mapping) or record.get("hash") != link(prev, record):
                seq = record.get("seq", "?") if isinstance(record, Mapping) else "?"
                ident = record.get("id", record.get("action", "")) if isinstance(record, Mapping) else ""
                problems.append(_broken(f"{where}{chain}[{i}]", N_(
                    "record {index} of {chain} (seq {seq}, {id}) does not match its hash: changed here"),
                    index=i, chain=chain, seq=str(seq), id=str(ident)))
                break
            prev = str(record["hash"])
        else:
            expected = head.get(chain)
            if not isinstance(expected, Mapping) or (
                    (expected.get("count"), expected.get("last")) != (len(records), prev)):
                problems.append(_broken(f"{where}head.{chain}", N_(
                    "{chain}: {count} records ending in {last}, but the head says otherwise: records were "
                    "removed or added at the end"), chain=chain, count=len(records), last=prev[:12]))
    if archive.get("fingerprint") != sha256(canonical(head)):
        problems.append(_broken(f"{where}fingerprint", N_("the fingerprint does not match the head")))
    return problems


def load_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as e:
        raise UserError.one("file_unreadable", N_("cannot read the file: {error}"), str(path), error=str(e)) from e
    except json.JSONDecodeError as e:
        raise UserError.one("json", N_("not valid JSON: {error}"), f"{path}:{e.lineno}", error=e.msg) from e


def is_archive(path: Path) -> bool:
    """A ``.json`` file, or a file whose first non-blank character opens a JSON object."""
    if path.suffix.lower() == ".json":
        return True
    try:
        with path.open("rb") as f:
            return f.read(64).lstrip().lstrip(b"\xef\xbb\xbf").startswith(b"{")
    except OSError:
        return False


def read_archive(path: Path) -> tuple[Competition, list[Sheet], dict[str, Any]]:
    """The competition and its sheets from a verified archive; ``UserError`` if it was tampered
    with (``archive_tampered``, naming the first changed record) or a sheet does not check."""
    archive = load_json(path)
    problems = verify_archive(archive, str(path))
    if problems:
        raise UserError(problems)
    competition = parse_competition(archive["competition"], f"{path}: competition")
    lookup = Lookup(competition)
    sheets: list[Sheet] = []
    found: list[Problem] = []
    for i, record in enumerate(archive["sheets"]):
        raw = {k: v for k, v in record.items() if k != "hash"}
        try:
            sheets.append(check_sheet(lookup, raw, None, f"{path}: sheets[{i}]")[2])
        except UserError as e:
            found.extend(e.problems)
    if found:
        raise UserError(found)
    return competition, sheets, archive


def results_differ(archive: Mapping[str, Any], standings: Mapping[str, Sequence[Standing]]) -> list[str]:
    """The events whose recomputed results differ from the results recorded in the archive."""
    recorded = archive.get("results") or {}
    now = results_data(standings)
    return [event for event in now if recorded.get(event) != now[event]]
