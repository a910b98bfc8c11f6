"""The cooking demo copied ``copies`` times within its events, as a judged database (for ``growth.py``).

Every dish of the demo's cooking contest comes ``copies`` times in its event (``hot-001``,
``hot-001-2``, …, each copy with its own blind code), so at 10× the hot dishes are 2,490 and the
contest about 7,200 dishes. Every sheet of the demo's plan for that competition is stored but the
last ``held`` of its timeline, which are returned for a replay: a server then gets the sheets a
judged contest gets near its end, when every event is nearly full. The construction contest is
seeded beside it, as in the demo. Sheets are stored as the sheet service stores them
(``store.batch.record_batch``: rows and audit records), in batches.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from scoreboard.demo.build import construction_competition, cooking_competition
from scoreboard.demo.plan import demo_sheets
from scoreboard.demo.run import store_open
from scoreboard.intake import Lookup, check_sheet
from scoreboard.services.accounts import AccountService
from scoreboard.store.batch import Item, record_batch
from scoreboard.store.engine import make_engine, migrate, session

SEED = 2023
COOKING = "datong-cooking-2023"
BATCH = 2000


def copied(copies: int, seed: int = SEED) -> dict[str, Any]:
    """The cooking contest with each dish ``copies`` times in its event."""
    data = cooking_competition(seed)
    entries = []
    for entry in data["entries"]:
        for k in range(1, copies + 1):
            twin = copy.deepcopy(entry)
            if k > 1:
                twin["key"] = f"{entry['key']}-{k}"
            entries.append(twin)
    data["entries"] = entries
    return data


def build(path: Path, copies: int, held: int, account: tuple[str, str]) -> list[dict[str, Any]]:
    """A fresh database at ``path``; the ``held`` sheets not stored, in the order a replay sends them."""
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    try:
        cooking = store_open(engine, copied(copies), "growth:cooking")
        store_open(engine, construction_competition(SEED), "demo:construction")
        plan = demo_sheets(cooking, SEED)
        keep, replay = plan[:len(plan) - held], plan[len(plan) - held:]
        lookup = Lookup(cooking)
        for i in range(0, len(keep), BATCH):
            items = [Item(COOKING, check_sheet(lookup, raw)[2], f"judge:{raw['judge']}") for raw in keep[i:i + BATCH]]
            with session(engine) as s:
                refused = [r for r in record_batch(s, items) if isinstance(r, Exception)]
                if refused:
                    raise RuntimeError(f"the database refused a demo sheet: {refused[0]}")
                s.commit()
        AccountService(engine).create(*account, actor="growth")
        return [dict(raw) for raw in replay]
    finally:
        engine.dispose()
