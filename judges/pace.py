"""A token bucket: how fast a judge's socket may send frames.

The server refuses a socket that sends faster (``take``); the Python client waits its turn
(``wait``) so it never is refused.
"""

from __future__ import annotations

import asyncio
import time


class Bucket:
    """``burst`` frames at once, refilled at ``rate`` a second."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate, self.burst = rate, burst
        self.tokens, self.at = float(burst), time.monotonic()

    def take(self) -> bool:
        """Take a frame's token now; False (nothing taken) when the bucket is empty."""
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True

    async def wait(self) -> None:
        """Take a frame's token, waiting until there is one."""
        while not self.take():
            await asyncio.sleep((1 - self.tokens) / self.rate)
