"""Everything a judge's device touches: the websocket protocol, the open sockets and what the bus
tells them, the tablet pages and sign-in, a Python judge client and the demo's simulated judges.
Tokens are issued and revoked by ``scoreboard.services.judges`` and checked through
``scoreboard.store.tokens``. ``judges`` depends on ``scoreboard``, never the other way round:
only ``scoreboard.app`` imports both."""
