"""Golden cases: examples carried in a rubric file, with the totals and ranks they must give.

``scoreboard rubric check`` runs them, and the event services (``services.events``) run them
before an event opens or a rubric edit is stored: an event whose rubric's golden cases fail
cannot open. The runner sits above the pure core (it scores and ranks with ``rubric``,
``competition`` and ``standings``), so the rubric package never imports upward.

Each case is one entry (named by ``entry``, else by its ``name``); ranks are computed over all
cases of the rubric together, so a file can pin its tie-break chain with a few examples.
"""

from __future__ import annotations

from scoreboard.competition import Entry
from scoreboard.errors import N_, Problem, UserError
from scoreboard.rubric.model import Rubric
from scoreboard.rubric.numbers import round_half_up
from scoreboard.rubric.score import Result, score_entry
from scoreboard.rubric.sheet import parse_sheet
from scoreboard.standings import rank_event


def run_golden(rubric: Rubric, source: str = "") -> tuple[list[Problem], int]:
    """The problems found, and how many cases ran."""
    problems: list[Problem] = []
    entries, results = [], {}
    places = [f"{source}: golden[{i}] ({c.name})" if source else f"golden[{i}] ({c.name})"
              for i, c in enumerate(rubric.golden)]
    for i, case in enumerate(rubric.golden):
        place = places[i]
        key = case.entry or f"case{i + 1}"
        try:
            sheets = [parse_sheet(rubric, {"id": f"{key}-{n}", "entry": key, "seq": n, **s}, place)
                      for n, s in enumerate(case.sheets, 1)]
        except UserError as e:
            problems.extend(e.problems)
            continue
        entry = Entry(key, rubric.key, code=key, attrs=dict(case.attrs))
        result: Result = score_entry(rubric, key, sheets, entry.attrs, case.roles or None)
        entries.append(entry)
        results[key] = result
        if case.total is not None:
            want = round_half_up(case.total, rubric.decimals)
            got = None if result.total is None else round_half_up(result.total, rubric.decimals)
            if got != want:
                problems.append(Problem("golden_total", N_("expected total {want}, got {got}"),
                                        {"want": str(want), "got": "—" if got is None else str(got)}, place))
    if any(c.rank is not None for c in rubric.golden) and entries:
        ranks = {s.entry.key: s.rank for s in rank_event(rubric, entries, results)}
        for i, case in enumerate(rubric.golden):
            key = case.entry or f"case{i + 1}"
            if case.rank is not None and key in ranks and ranks[key] != case.rank:
                problems.append(Problem("golden_rank", N_("expected rank {want}, got {got}"),
                                        {"want": case.rank, "got": ranks[key] or "—"}, places[i]))
    return problems, len(rubric.golden)
