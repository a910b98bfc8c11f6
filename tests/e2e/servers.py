"""Real servers for browser tests: a command in a subprocess on 127.0.0.1, outside the test's
event loop, waited for until it answers, and stopped afterwards; and Debian chromium's flags."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(command: Sequence[str], port: int, log: Path, env: Mapping[str, str] | None = None) -> Iterator[str]:
    """Run ``command`` (which serves on ``port``) until the block ends; yields its base URL."""
    base = f"http://127.0.0.1:{port}"
    with log.open("w") as out:
        proc = subprocess.Popen(list(command), env=dict(env) if env else None, stdout=out, stderr=subprocess.STDOUT)
        try:
            for _ in range(150):
                try:
                    urllib.request.urlopen(base + "/", timeout=1).close()
                    break
                except OSError:
                    if proc.poll() is not None:
                        raise RuntimeError(log.read_text()) from None
                    time.sleep(0.2)
            else:
                raise RuntimeError("the server did not answer in 30 s: " + log.read_text())
            yield base
        finally:
            proc.terminate()
            proc.wait(timeout=10)
