"""Everything a judge touches: the websocket protocol, judge authentication, the tablet pages and
a Python judge client. ``judges`` depends on ``scoreboard``'s service, never the other way round."""
