"""Real published diving results as competition files and sheets (a test helper, not a shipped feature).

The data (``tests/data/realdata/``, see its README): every judge's mark of the Paris 2024 Olympic
men's 10 m platform final (``divingParis.csv``: a row per dive, seven marks, the degree of
difficulty and the published points) and of the four individual events of Sydney 2000, every
round (``Diving2000.csv``: a row per mark, with the diver's published place in the round).

The converter writes what an organizer would: a competition table (as a TOML file parses) in
which every dive is an entry of its diver (``attrs.difficulty``), every round an event with
``totals = "contestant"``, and a round after the first carries the one before it
(``round = { after, carry = 100, qualify }``); and the judges' sheets, one per mark.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data" / "realdata"
ROUNDS = (("Prelim", "预赛", "Preliminary", 18), ("Semi", "半决赛", "Semi-final", 12), ("Final", "决赛", "Final", 0))
EVENTS = {"M3mSB": ("男子3米跳板", "Men's 3 m springboard"), "W3mSB": ("女子3米跳板", "Women's 3 m springboard"),
          "M10mPF": ("男子10米跳台", "Men's 10 m platform"), "W10mPF": ("女子10米跳台", "Women's 10 m platform")}


@dataclass(frozen=True)
class Converted:
    competition: dict[str, Any]
    sheets: list[dict[str, Any]]
    places: dict[tuple[str, str], int]  # (event key, contestant key) → the published place
    names: dict[str, str]  # contestant key → the diver's name as published


def _keys(names: Iterable[str], prefix: str) -> dict[str, str]:
    return {name: f"{prefix}{n}" for n, name in enumerate(sorted(set(names)), 1)}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def paris() -> Converted:
    """The Paris 2024 men's 10 m platform final: one event of six dives per diver (rubric ``diving``)."""
    with (DATA / "divingParis.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    divers = _keys((r["Diver_Name"] for r in rows), "d")
    entries, sheets = [], []
    for r in rows:
        key = f"{divers[r['Diver_Name']]}-{r['Round_Number']}"
        entries.append({"key": key, "event": "final", "contestants": [divers[r["Diver_Name"]]],
                        "title": f"{r['Diver_Name']} · {r['Round_Number']} · {r['Position']}",
                        "attrs": {"difficulty": float(r["Difficulty"])}})
        sheets += [{"id": f"{key}-j{j}", "entry": key, "judge": f"j{j}", "seq": len(sheets) + j,
                    "marks": {"execution": r[f"Judge{j}"]}} for j in range(1, 8)]
    competition = {
        "competition": {"key": "paris-2024", "name": {"zh": "2024年巴黎奥运会", "en": "Paris 2024"}},
        "events": [{"key": "final", "name": {"zh": "男子10米跳台决赛", "en": "Men's 10 m platform final"},
                    "rubric": "diving", "totals": "contestant"}],
        "contestants": [{"key": k, "name": name} for name, k in divers.items()],
        "entries": entries,
        "judges": [{"key": f"j{j}", "name": f"Judge {j}", "events": ["final"]} for j in range(1, 8)],
    }
    return Converted(competition, sheets, {}, {k: name for name, k in divers.items()})


def sydney(event: str) -> Converted:
    """One event of Sydney 2000 in three rounds (rubric ``diving_2000``): the semi-final carries the
    preliminary's points, the final the semi-final's; 18 and then 12 qualify."""
    with (DATA / "Diving2000.csv").open(encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["Event"] == event]
    divers = _keys((r["Diver"] for r in rows), "d")
    countries = sorted({r["Country"] for r in rows})
    judges = _keys((r["Judge"] for r in rows), "j")
    zh, en = EVENTS[event]
    events, entries, sheets = [], [], []
    places: dict[tuple[str, str], int] = {}
    judged: dict[str, set[str]] = {}
    previous = ""
    for name, round_zh, round_en, qualify in ROUNDS:
        key = f"{_slug(event)}-{name.lower()}"
        stage: dict[str, Any] = {"name": {"zh": round_zh, "en": round_en}, "qualify": qualify}
        if previous:
            stage |= {"after": previous, "carry": 100}
        events.append({"key": key, "name": {"zh": f"{zh}{round_zh}", "en": f"{en}, {round_en}"},
                       "rubric": "diving_2000", "totals": "contestant", "round": stage})
        seen: set[str] = set()
        for r in (r for r in rows if r["Round"] == name):
            diver = divers[r["Diver"]]
            entry = f"{key}-{diver}-{r['DiveNo']}"
            if entry not in seen:
                seen.add(entry)
                entries.append({"key": entry, "event": key, "contestants": [diver], "team": r["Country"].lower(),
                                "title": f"{r['Diver']} · {r['DiveNo']}",
                                "attrs": {"difficulty": float(r["Difficulty"])}})
            judge = judges[r["Judge"]]
            judged.setdefault(judge, set()).add(key)
            sheets.append({"id": f"{entry}-{judge}", "entry": entry, "judge": judge, "seq": len(sheets) + 1,
                           "marks": {"execution": r["JScore"]}})
            places[(key, diver)] = int(r["Rank"])
        previous = key
    competition = {
        "competition": {"key": f"sydney-2000-{_slug(event)}", "name": {"zh": "2000年悉尼奥运会", "en": "Sydney 2000"}},
        "events": events,
        "teams": [{"key": c.lower(), "name": c} for c in countries],
        "contestants": [{"key": k, "name": name, "team": next(r["Country"] for r in rows if r["Diver"] == name).lower()}
                        for name, k in divers.items()],
        "entries": entries,
        "judges": [{"key": k, "name": name, "events": sorted(judged[k])} for name, k in judges.items()],
    }
    return Converted(competition, sheets, places, {k: name for name, k in divers.items()})
