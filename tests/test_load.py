"""Bad rubric and competition files: every error names the file, the field and the problem."""

from __future__ import annotations

import tomllib
from fractions import Fraction
from pathlib import Path

import pytest

from scoreboard.competition import parse_competition
from scoreboard.errors import UserError
from scoreboard.rubric.load import load_rubric, load_rubric_text, preset_text
from scoreboard.rubric.model import Aggregation, DeductionKind, Kind, Target

GOOD = """
key = "good"
name = { zh = "好", en = "Good" }
panel = 5
aggregation = { method = "trimmed", high = 1, low = 1 }
tie_break = ["criterion:taste", "fewer_deductions"]

[[criteria]]
key = "taste"
name = "Taste"
kind = "score"
max = 10
step = 0.5

[[criteria]]
key = "gap"
name = "Gap"
kind = "measurement"
max = 5
bands = [{ within = 1, pct = 100 }, { within = 2, pct = 50 }]

[[deductions]]
key = "late"
name = "Late"
kind = "per_minute"
value = 0.5
grace = 1

[[awards]]
key = "medal"
name = "Medal"
kind = "threshold"
tiers = [{ key = "gold", name = "Gold", min = 90 }, { key = "silver", name = "Silver", min = 80 }]

[[honours]]
key = "youth"
name = "Youth"
awards = ["gold"]
age_max = 35
"""


def problems(text: str) -> list[tuple[str, str, str]]:
    """(place, code, rendered message) of every problem found."""
    with pytest.raises(UserError) as info:
        load_rubric_text(text, "test")
    return [(p.place, p.code, p.render()) for p in info.value.problems]


def test_the_good_rubric_loads() -> None:
    rb = load_rubric_text(GOOD, "test")
    assert rb.key == "good" and rb.name.get("zh") == "好" and rb.name.get("en") == "Good"
    assert rb.aggregation == Aggregation("trimmed", 1, 1, "mean")
    assert [c.kind for c in rb.criteria] == [Kind.SCORE, Kind.MEASUREMENT]
    assert rb.criteria[0].step == Fraction(1, 2)
    gap = rb.criteria[1].measure
    assert gap is not None and gap.target is Target.NOMINAL and gap.points == 1
    assert rb.deductions[0].kind is DeductionKind.PER_MINUTE and rb.deductions[0].grace == 1
    assert rb.max_total == 15


@pytest.mark.parametrize(("old", "new", "place", "code", "words"), [
    pytest.param("step = 0.5", "step = 0.3", "test: criteria[0].step", "invalid", "must be whole steps",
                 id="0-10 is not whole steps of 0.3"),
    pytest.param("step = 0.5", "", "test: criteria[0].step", "missing", "needs a step", id="score without a step"),
    pytest.param("step = 0.5", "step = 0", "test: criteria[0].step", "invalid", "must be whole steps", id="step 0"),
    pytest.param("step = 0.5", 'step = "0.5"', "test: criteria[0].step", "invalid", "must be a number",
                 id="a number written as text"),
    pytest.param("max = 10", "max = 10\nmin = 10", "test: criteria[0].max", "invalid", "must be more than min",
                 id="max not above min"),
    pytest.param('kind = "score"', 'kind = "guess"', "test: criteria[0].kind", "invalid", "must be one of",
                 id="unknown kind"),
    pytest.param('key = "taste"', 'key = "taste"\ncolour = "red"', "test: criteria[0].colour", "unknown_field",
                 "unknown field", id="unknown criterion field"),
    pytest.param("panel = 5", "panel = 5\npanels = 3", "test: panels", "unknown_field", "unknown field",
                 id="unknown rubric field"),
    pytest.param("grace = 1", "grace = 1\ncap = 3", "test: deductions[0].cap", "invalid", "has no cap",
                 id="per_minute deduction with a cap"),
    pytest.param('key = "gap"', 'key = "taste"', "test: criteria", "duplicate", "criterion taste is defined twice",
                 id="duplicate criterion key"),
    pytest.param("step = 0.5", "step = 0.5\nstep = 1", "test", "toml_syntax", "not valid TOML",
                 id="duplicate TOML key is a syntax error"),
    pytest.param("{ within = 1, pct = 100 }, { within = 2, pct = 50 }",
                 "{ within = 2, pct = 50 }, { within = 1, pct = 100 }", "test: criteria[1].bands", "invalid",
                 "from the tightest to the widest", id="bands out of order"),
    pytest.param("pct = 50 }", "pct = 150 }", "test: criteria[1].bands[1].pct", "invalid", "out of range 0 to 100",
                 id="band pct over 100"),
    pytest.param("bands = [{ within = 1, pct = 100 }, { within = 2, pct = 50 }]", "bands = []",
                 "test: criteria[1].bands", "invalid", "at least one band", id="no bands"),
    pytest.param('kind = "score"', 'kind = "score"\nunit = "mm"', "test: criteria[0].unit", "invalid",
                 "only measurement criteria", id="a measurement field on a score"),
    pytest.param("panel = 5", "panel = 2", "test: panel", "invalid", "trimmed needs at least 3 judges for taste",
                 id="trimmed 1/1 needs more judges than a panel of 2"),
    pytest.param("panel = 5", "panel = 0", "test: panel", "invalid", "must be from 1 to 50", id="panel 0"),
    pytest.param('"fewer_deductions"', '"coin_toss"', "test: tie_break[1]", "invalid", "unknown tie-breaker coin_toss",
                 id="unknown tie-breaker"),
    pytest.param('"criterion:taste"', '"criterion:smell"', "test: tie_break[0]", "invalid",
                 "unknown tie-breaker criterion:smell", id="tie-breaker naming an unknown criterion"),
    pytest.param('"fewer_deductions"', '"part:theory"', "test: tie_break[1]", "invalid", "unknown tie-breaker",
                 id="tie-breaker naming an unknown part"),
    pytest.param('"fewer_deductions"', '"fewer_deductions:x"', "test: tie_break[1]", "invalid", "unknown tie-breaker",
                 id="a parameter on a breaker that takes none"),
    pytest.param("min = 90 }, { key", "min = 70 }, { key", "test: awards[0].tiers", "invalid",
                 "from the highest minimum down", id="threshold tiers out of order"),
    pytest.param('awards = ["gold"]', 'awards = ["platinum"]', "test: honours", "invalid",
                 "honour youth names an unknown award tier platinum", id="honour naming an unknown tier"),
    pytest.param('awards = ["gold"]', "", "test: honours[0]", "invalid", "needs rank_max or awards",
                 id="honour without rank_max or awards"),
    pytest.param("age_max = 35", 'gender = "other"', "test: honours[0].gender", "invalid", "must be one of",
                 id="honour with an unknown gender"),
    pytest.param('key = "good"', 'key = "a b"', "test: key", "invalid", "short key", id="key with a space"),
    pytest.param('name = { zh = "好", en = "Good" }', 'name = { zh = "好" }', "test: name", "invalid",
                 "zh and en", id="name without en"),
    pytest.param("panel = 5", "panel = 5\ndecimals = 7", "test: decimals", "invalid", "from 0 to 6",
                 id="decimals 7"),
    pytest.param("aggregation = { method = \"trimmed\", high = 1, low = 1 }",
                 "aggregation = { method = \"mode\" }", "test: aggregation.method", "invalid", "must be one of",
                 id="unknown aggregation method"),
    pytest.param("panel = 5", 'panel = 5\naggregate_on = "total"\n[criteria.aggregation]',
                 "test", "toml_syntax", "not valid TOML", id="a table where TOML cannot put it"),
])
def test_one_problem(old: str, new: str, place: str, code: str, words: str) -> None:
    assert old in GOOD
    found = problems(GOOD.replace(old, new, 1))
    assert {(p, c) for p, c, _ in found} == {(place, code)}, found
    text = found[0][2]
    assert text.startswith(f"{place}: ") and words in text


def test_a_panel_too_small_is_reported_for_each_criterion() -> None:
    assert [t for _, _, t in problems(GOOD.replace("panel = 5", "panel = 2"))] == [
        "test: panel: trimmed needs at least 3 judges for taste",
        "test: panel: trimmed needs at least 3 judges for gap",
    ]


QUOTA = """
key = "q"
name = "Q"
criteria = [{ key = "c", name = "C", kind = "score", max = 100, step = 1 }]
[[awards]]
key = "prize"
name = "Prize"
kind = "quota"
tiers = [
  { key = "first", name = "First", share = 10 },
  { key = "second", name = "Second", share = 20 },
  { key = "third", name = "Third", share = 30 },
]
"""


@pytest.mark.parametrize(("old", "new", "place", "words"), [
    pytest.param("share = 30", "share = 71", "test: awards[0].tiers", "more than 100 %", id="10+20+71 > 100"),
    pytest.param("share = 30", "share = 101", "test: awards[0].tiers[2].share", "out of range 0 to 100",
                 id="one share over 100"),
    pytest.param("share = 30", "share = 30, places = 3", "test: awards[0].tiers[2]",
                 "either share (per cent) or places", id="share and places"),
    pytest.param(', share = 30', "", "test: awards[0].tiers[2]", "either share (per cent) or places",
                 id="neither share nor places"),
    pytest.param('key = "second"', 'key = "first"', "test: awards[0]", "tier first is defined twice",
                 id="duplicate tier key"),
    pytest.param('kind = "quota"', 'kind = "quota"\nrounding = "bankers"', "test: awards[0].rounding",
                 "must be one of", id="unknown rounding"),
])
def test_quota_problems(old: str, new: str, place: str, words: str) -> None:
    assert old in QUOTA
    found = problems(QUOTA.replace(old, new, 1))
    assert [(p, words in t) for p, _, t in found] == [(place, True)]


def test_quota_shares_of_exactly_100_are_fine() -> None:
    rb = load_rubric_text(QUOTA.replace("share = 30", "share = 70"), "test")
    assert [t.share for t in rb.awards[0].tiers] == [10, 20, 70]


def test_several_errors_are_reported_together() -> None:
    text = (GOOD.replace("step = 0.5", "step = 0.3").replace("panel = 5", "panel = 2")
            .replace('"fewer_deductions"', '"coin_toss"').replace('awards = ["gold"]', 'awards = ["platinum"]')
            .replace('key = "late"', 'key = "late"\nextra = 1'))
    assert [(place, code) for place, code, _ in problems(text)] == [
        ("test: criteria[0].step", "invalid"),
        ("test: panel", "invalid"),
        ("test: panel", "invalid"),
        ("test: deductions[0].extra", "unknown_field"),
        ("test: honours", "invalid"),
        ("test: tie_break[1]", "invalid"),
    ]


def test_missing_required_fields() -> None:
    found = problems('key = "x"\n')
    assert ("test: name", "missing") in [(p, c) for p, c, _ in found]
    assert ("test: criteria", "missing") in [(p, c) for p, c, _ in found]
    assert ("test: criteria", "invalid") in [(p, c) for p, c, _ in found]  # at least one criterion is needed


def test_toml_syntax_error_names_the_file() -> None:
    [(place, code, text)] = problems('key = "x\nname = 3')
    assert (place, code) == ("test", "toml_syntax")
    assert text.startswith("test: not valid TOML")


def test_a_file_path_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(GOOD.replace("step = 0.5", "step = 0.3"), encoding="utf-8")
    with pytest.raises(UserError) as info:
        load_rubric(path)
    assert [p.place for p in info.value.problems] == [f"{path}: criteria[0].step"]


def test_an_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(UserError) as info:
        load_rubric(tmp_path / "missing.toml")
    assert info.value.code == "file_unreadable"


def test_unknown_preset() -> None:
    with pytest.raises(UserError) as info:
        preset_text("no_such_preset")
    assert info.value.code == "preset_unknown"


# ---- competition files ---------------------------------------------------------------------------

COMPETITION = """
[competition]
key = "cup"
name = "Craftsman Cup"

[[events]]
key = "dive"
name = "Diving"
[events.rubric]
key = "d"
name = "D"
factor = "difficulty"
criteria = [{ key = "c", name = "C", kind = "score", max = 10, step = 0.5 }]

[[events]]
key = "hot"
name = "Hot dishes"
blind = true
[events.rubric]
key = "h"
name = "H"
criteria = [{ key = "c", name = "C", kind = "score", max = 10, step = 0.5 }]

[[teams]]
key = "t1"
name = "Team one"

[[contestants]]
key = "p1"
name = "Li Na"
team = "t1"
age = 30
gender = "female"

[[entries]]
key = "e1"
event = "dive"
team = "t1"
contestants = ["p1"]
attrs = { difficulty = 3.2 }

[[entries]]
key = "e2"
event = "hot"
code = "A01"

[[entries]]
key = "e3"
event = "hot"
code = "A02"

[[judges]]
key = "j1"
name = "Wang"
events = ["hot"]
chief_of = ["hot"]
"""


def competition_problems(text: str) -> list[tuple[str, str, str]]:
    with pytest.raises(UserError) as info:
        parse_competition(tomllib.loads(text), "test")
    return [(p.place, p.code, p.render()) for p in info.value.problems]


def test_the_good_competition_parses() -> None:
    c = parse_competition(tomllib.loads(COMPETITION), "test")
    assert [e.key for e in c.events] == ["dive", "hot"]
    assert c.event("hot") is not None and c.event("hot").blind is True  # type: ignore[union-attr]
    assert [e.key for e in c.entries_of("hot")] == ["e2", "e3"]
    assert c.entries[0].attrs == {"difficulty": 3.2}
    assert c.contestants[0].age == 30


@pytest.mark.parametrize(("old", "new", "place", "code", "words"), [
    pytest.param('event = "dive"', 'event = "swim"', "test: entries[0].event", "unknown_ref", "no event swim",
                 id="entry of an unknown event"),
    pytest.param('team = "t1"\ncontestants', 'team = "t9"\ncontestants', "test: entries[0].team", "unknown_ref",
                 "no team t9", id="entry of an unknown team"),
    pytest.param('contestants = ["p1"]', 'contestants = ["p2"]', "test: entries[0].contestants", "unknown_ref",
                 "no contestant p2", id="entry naming an unknown contestant"),
    pytest.param('team = "t1"\nage', 'team = "t2"\nage', "test: contestants[0].team", "unknown_ref", "no team t2",
                 id="contestant of an unknown team"),
    pytest.param('events = ["hot"]', 'events = ["cold"]', "test: judges[0].events", "unknown_ref", "no event cold",
                 id="judge of an unknown event"),
    pytest.param('code = "A02"', 'code = "A01"', "test: entries (hot)", "duplicate", "blind code A01 is defined twice",
                 id="duplicate blind codes in an event"),
    pytest.param("attrs = { difficulty = 3.2 }", "", "test: entries[0].attrs", "missing", "multiplies by difficulty",
                 id="missing factor attribute"),
    pytest.param("attrs = { difficulty = 3.2 }", 'attrs = { difficulty = "hard" }', "test: entries[0].attrs",
                 "invalid", "table of numbers", id="factor attribute not a number"),
    pytest.param('key = "e3"', 'key = "e2"', "test: entries", "duplicate", "entry e2 is defined twice",
                 id="duplicate entry key"),
    pytest.param("blind = true", 'blind = "yes"', "test: events[1].blind", "invalid", "true or false",
                 id="blind not a boolean"),
    pytest.param('age = 30', 'age = 5', "test: contestants[0].age", "invalid", "from 10 to 120", id="age 5"),
    pytest.param('name = "Li Na"', 'name = "Li Na"\nnickname = "Na"', "test: contestants[0].nickname",
                 "unknown_field", "unknown field", id="unknown contestant field"),
    pytest.param('step = 0.5 }]\n\n[[teams]]', 'step = 0.3 }]\n\n[[teams]]', "test: events[1].rubric.criteria[0].step",
                 "invalid", "must be whole steps", id="an inline rubric's error is placed inside the event"),
])
def test_competition_problems(old: str, new: str, place: str, code: str, words: str) -> None:
    assert old in COMPETITION
    found = competition_problems(COMPETITION.replace(old, new, 1))
    assert len(found) == 1, found
    assert found[0][:2] == (place, code)
    assert words in found[0][2]


def test_duplicate_event_key() -> None:
    found = competition_problems(COMPETITION.replace('key = "hot"', 'key = "dive"', 1))
    assert found[0] == ("test: events", "duplicate", "test: events: event dive is defined twice")


def test_unknown_preset_name_in_a_competition() -> None:
    text = COMPETITION.replace('[events.rubric]\nkey = "h"\nname = "H"\n', 'rubric = "no_such_preset"\n[x]\n', 1)
    text = text.replace('[x]\ncriteria = [{ key = "c", name = "C", kind = "score", max = 10, step = 0.5 }]\n', "")
    found = competition_problems(text)
    assert [(p, c) for p, c, _ in found] == [("test: events[1].rubric", "rubric_unknown")]
    assert "must be a preset name" in found[0][2]


def test_several_competition_errors_together() -> None:
    text = (COMPETITION.replace('event = "dive"', 'event = "swim"').replace('code = "A02"', 'code = "A01"')
            .replace('events = ["hot"]', 'events = ["cold"]'))
    assert [(p, c) for p, c, _ in competition_problems(text)] == [
        ("test: entries[0].event", "unknown_ref"),
        ("test: entries (hot)", "duplicate"),
        ("test: judges[0].events", "unknown_ref"),
    ]
