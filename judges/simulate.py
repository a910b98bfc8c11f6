"""Simulated judges for the demo: a ``Simulation``'s sheets, each sent by its judge's
``JudgeClient`` over the real socket — the path a tablet's sheet takes.

The app factory runs ``simulate`` in the background while the app serves; a sheet the server
refuses is logged and the simulation goes on.
"""

from __future__ import annotations

import asyncio
import logging

from judges.client import JudgeClient, JudgeError
from scoreboard.demo.plan import Sheet, Simulation
from scoreboard.i18n import gettext as _

log = logging.getLogger("scoreboard.demo")


async def _send(client: JudgeClient, raw: Sheet) -> bool:
    try:
        await client.submit(raw)
        return True
    except JudgeError as e:
        log.warning("simulated sheet refused: %s", e)
        return False


async def simulate(simulation: Simulation) -> None:
    """Send every sheet, ``rate`` a second, each judge connecting when their first sheet is due."""
    clients: dict[tuple[str, str], JudgeClient] = {}
    sending: list[asyncio.Task[bool]] = []
    try:
        for competition, raw in simulation.sheets:
            judge = (competition, str(raw["judge"]))
            if judge not in clients:
                clients[judge] = JudgeClient(simulation.url, simulation.tokens[judge], backoff=(0.2, 5))
                await clients[judge].start(timeout=30)
            sending.append(asyncio.create_task(_send(clients[judge], raw)))
            await asyncio.sleep(1 / simulation.rate)
        sent = sum(await asyncio.gather(*sending))
        log.warning(_("The simulation has sent all %(n)s sheets."), {"n": sent})
    finally:
        await asyncio.gather(*(c.close() for c in clients.values()))
