"""A board page as static/frames.js keeps it, in Python: for tests that read what a socket shows.

The model holds each event's block as its parts — the head, the rows by id, their order and the
shell around them — and applies frames the way ``applyFrame`` does: a full state replaces the
block, a delta (the next seq only) replaces the elements it brings, moves rows and numbers them
again; a delta out of turn is refused (the page would ask for a full state). ``text(event)``
is the block as markup, to compare with a fresh full state. The browser tests check that
frames.js itself ends on the same page.
"""

from __future__ import annotations

import json
import re

ROW = re.compile(r'<tr id="(entry-[^"]+)".*?</tr>', re.S)
HEAD = re.compile(r'<header class="live-head" id="head-[^"]+">.*?</header>', re.S)
TIE = re.compile(r'<tr id="[^"]+"[^>]*?(?: data-r="([^"]*)")?[ >]')
RANK = re.compile(r'(<td class="num rank">)([^<]*)(</td>)')


def parse(frame: str) -> tuple[dict[str, object], str]:
    head, _, markup = frame.partition("\n")
    return json.loads(head), markup


class Block:
    def __init__(self, markup: str) -> None:
        rows = list(ROW.finditer(markup))
        self.head = HEAD.search(markup).group(0) if HEAD.search(markup) else ""  # type: ignore[union-attr]
        self.rows = {m.group(1): m.group(0) for m in rows}
        self.order = [m.group(1) for m in rows]
        start, end = (rows[0].start(), rows[-1].end()) if rows else (len(markup), len(markup))
        self.shell = (markup[:start].replace(self.head, "\x00"), markup[end:])

    def text(self) -> str:
        return self.shell[0].replace("\x00", self.head) + "".join(self.rows[i] for i in self.order) + self.shell[1]

    def number(self) -> None:
        place, rank, tie = 0, 0, None
        for i in self.order:
            m = TIE.match(self.rows[i])
            if m is None or 'data-r="' not in self.rows[i].split(">", 1)[0]:
                continue
            r = m.group(1) or ""
            place += 1
            if not r or r != tie:
                rank = place
            tie = r or None
            text = f"{rank}=" if r else str(rank)
            self.rows[i] = RANK.sub(lambda x, t=text: x.group(1) + t + x.group(3), self.rows[i], count=1)


class BoardModel:
    def __init__(self) -> None:
        self.blocks: dict[str, Block] = {}
        self.seqs: dict[str, int] = {}
        self.reveals: list[str] = []
        self.refused = 0

    def apply(self, frame: str) -> str:
        head, markup = parse(frame)
        if head.get("beat"):
            return "ignored"
        if head.get("reveal"):
            self.reveals.append(markup)
            return "reveal"
        event = str(head["e"])
        if head.get("full"):
            self.blocks[event], self.seqs[event] = Block(markup), int(head["seq"])  # type: ignore[call-overload]
            return "applied"
        if event not in self.seqs or head["seq"] != self.seqs[event] + 1:
            self.refused += 1
            return "again"
        block = self.blocks[event]
        fresh = Block(markup)
        if fresh.head:
            block.head = fresh.head
        for i, row in fresh.rows.items():
            assert i in block.rows, f"a delta names {i}, which the page lacks"
            block.rows[i] = row
        for row_id, after in head.get("moves", []):  # type: ignore[union-attr]
            key = f"entry-{row_id}"
            block.order.remove(key)
            block.order.insert(0 if after is None else block.order.index(f"entry-{after}") + 1, key)
        block.number()
        self.seqs[event] = int(head["seq"])  # type: ignore[call-overload]
        return "applied"

    def text(self, event: str) -> str:
        return self.blocks[event].text()
