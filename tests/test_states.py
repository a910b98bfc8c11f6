"""The state machine and the visibility table, checked as tables written out by hand."""

from __future__ import annotations

import pytest

from scoreboard.states import MOVES, EventState, Shown, move_problem, moves, shown

# from → what an organizer may do, what a chief judge may do
MOVE_TABLE = {
    "draft": (["open"], []),
    "open": (["closed", "locked"], ["closed", "locked"]),
    "closed": (["open", "locked"], ["open", "locked"]),
    "locked": (["open", "published"], ["open"]),
    "published": (["open"], []),
}


@pytest.mark.parametrize("state", list(MOVE_TABLE))
def test_who_may_move_an_event_where(state: str) -> None:
    organizer, chief = MOVE_TABLE[state]
    assert moves(state, organizer=True) == organizer
    assert moves(state, organizer=False) == chief


def test_nothing_goes_back_to_draft() -> None:
    assert all(to != EventState.DRAFT for (_frm, to) in MOVES)
    for state in EventState:
        problem = move_problem(state, "draft", organizer=True, reason="because")
        assert problem is not None and problem.code == "move_impossible"


@pytest.mark.parametrize(("state", "to", "organizer", "reason", "flagged", "code"), [
    ("draft", "open", True, "", (), None),
    ("draft", "open", False, "", (), "move_forbidden"),
    ("locked", "published", False, "", (), "move_forbidden"),
    ("published", "open", False, "a mistake", (), "move_forbidden"),
    ("published", "open", True, "", (), "reason_missing"),
    ("published", "open", True, "a mistake in 007", (), None),
    ("closed", "open", False, "  ", (), "reason_missing"),
    ("locked", "open", False, "judge 3 re-scores", (), None),
    ("open", "locked", False, "", ("H012", "H044"), "entries_flagged"),
    ("open", "locked", False, "the chief judge decided", ("H012",), None),
    ("closed", "locked", False, "", (), None),
    ("open", "published", True, "", (), "move_impossible"),
    ("open", "archived", True, "x", (), "move_impossible"),
    ("nonsense", "open", True, "x", (), "move_impossible"),
])
def test_which_moves_need_what(state: str, to: str, organizer: bool, reason: str, flagged: tuple[str, ...],
                               code: str | None) -> None:
    problem = move_problem(state, to, organizer, reason, flagged)
    assert (problem.code if problem else None) == code
    if code == "entries_flagged":
        assert problem is not None and "H012, H044" in problem.render()


T, F = True, False
# state, visibility, blind → the public's (scores, names, progress, reveals, snapshot, teams), for an
# event with reveal cards
PUBLIC = [
    ("open", "live", F, (T, T, T, T, F, T)),
    ("open", "live", T, (T, F, T, T, F, F)),
    ("open", "progress", F, (F, T, T, F, F, F)),
    ("open", "frozen", F, (T, T, T, F, T, T)),
    ("closed", "frozen", T, (T, F, T, F, T, F)),
    ("open", "hidden", F, (F, T, F, F, F, F)),
    ("locked", "hidden", T, (F, F, F, F, F, F)),
    ("draft", "live", F, (T, T, T, T, F, T)),
    ("published", "hidden", T, (T, T, T, F, F, T)),
    ("published", "frozen", F, (T, T, T, F, F, T)),
    ("published", "live", F, (T, T, T, F, F, T)),
]


@pytest.mark.parametrize(("state", "visibility", "blind", "expected"), PUBLIC)
def test_what_the_public_sees(state: str, visibility: str, blind: bool,
                              expected: tuple[bool, bool, bool, bool, bool, bool]) -> None:
    assert shown(state, visibility, blind, True, "public") == Shown(*expected)


def test_no_reveal_cards_for_an_event_without_them() -> None:
    assert not shown("open", "live", False, False, "public").reveals
    assert not shown("open", "live", False, False, "organizer").reveals


@pytest.mark.parametrize("audience", ["organizer", "chief"])
@pytest.mark.parametrize("visibility", ["live", "progress", "frozen", "hidden"])
def test_the_console_sees_everything_current(audience: str, visibility: str) -> None:
    for state in EventState:
        assert shown(state, visibility, True, True, audience) == Shown(T, T, T, T, F, T)


@pytest.mark.parametrize(("state", "sees"), [("draft", F), ("open", F), ("closed", F), ("locked", T),
                                             ("published", T)])
def test_the_ceremony_shows_only_fixed_results(state: str, sees: bool) -> None:
    for visibility in ("live", "hidden"):
        assert shown(state, visibility, True, True, "ceremony") == Shown(sees, sees, sees, F, F, sees)
