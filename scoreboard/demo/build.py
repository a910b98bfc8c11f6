"""The two demo competitions of Datong's 2023 Craftsman Cup, as competition-file dicts.

``cooking_competition(seed)`` and ``construction_competition(seed)`` return the same structure
as a competition TOML file (``docs/competition.md``), ready for
``scoreboard.competition.parse_competition(data, "demo:cooking")``. The same seed always gives
the same competition. Blind codes are left empty: the store assigns them.

- Cooking (烹饪): 36 enterprises, about 700 daylily dishes (15–25 per enterprise, at most one
  banquet each) over six blind events, each dish tagged with its track; five judges per event,
  the first of them the chief judge; enterprises ranked by the mean of their best 10 dishes,
  then by gold medals.
- Construction (建筑): 11 county and builder teams, 50–56 contestants, each with one individual
  entry in masonry, painting or waterproofing; three judges (two of them the measuring pair), a
  clerk and a chief judge per event; teams ranked by the mean of their members' totals.

Entry attributes a rubric needs (its ``factor``, or a tie-break on ``lower:``/``higher:`` an
attribute such as ``time_used``) are read from each rubric, never assumed.
"""

from __future__ import annotations

import random
from typing import Any

from scoreboard.demo.dishes import CATEGORIES, titles, track
from scoreboard.demo.names import COUNTY_TEAMS, ENTERPRISES, people, slug
from scoreboard.rubric.load import load_preset
from scoreboard.rubric.model import Rubric

Data = dict[str, Any]

DISHES_PER_ENTERPRISE = (15, 25)
DISHES_TOTAL = (700, 740)
# share of an enterprise's ordinary dishes per category (banquet and carving are drawn apart)
DISH_MIX = {"cold": 0.25, "hot": 0.38, "staple": 0.18, "snack": 0.19}
COOKING_JUDGES = 5

CONSTRUCTION_EVENTS: tuple[tuple[str, str, str, int, float], ...] = (
    # key (= preset), Chinese, English, time limit in minutes, share of women
    ("masonry", "砌筑", "Masonry", 240, 0.05),
    ("painting", "彩画", "Decorative colour painting", 360, 0.4),
    ("waterproofing", "防水", "Waterproofing", 150, 0.08),
)
CONTESTANTS = (50, 56)
EVENT_MIX = (0.45, 0.25, 0.3)  # a team's members beyond one per event
TRADE_JUDGES = 3  # plus the chief judge


def entry_attributes(rubric: Rubric) -> list[str]:
    """The entry attributes a rubric reads: its factor and attribute tie-breakers."""
    names = [rubric.factor] if rubric.factor else []
    for link in rubric.tie_break:
        name, _, param = link.partition(":")
        if name in ("lower", "higher") and param and param not in names:
            names.append(param)
    return names


def _attribute(name: str, rng: random.Random, time_limit: int) -> int | float:
    if "time" in name:
        return round(time_limit * rng.uniform(0.78, 1.0))
    return round(rng.uniform(1.0, 1.5), 1)


def _attrs(rubric: Rubric, rng: random.Random, time_limit: int) -> dict[str, int | float]:
    return {name: _attribute(name, rng, time_limit) for name in entry_attributes(rubric)}


def _spread(counts: list[int], target: int, low: int, high: int, rng: random.Random) -> list[int]:
    """Nudge counts one at a time, within low–high, until they add up to target."""
    counts = list(counts)
    while sum(counts) != target:
        step = 1 if sum(counts) < target else -1
        i = rng.choice([i for i, c in enumerate(counts) if low <= c + step <= high])
        counts[i] += step
    return counts


def _judges(event: str, names: list[str], chief: int) -> list[Data]:
    out = []
    for i, name in enumerate(names):
        judge: Data = {"key": f"{event}-j{i + 1}", "name": name, "events": [event]}
        if i == chief:
            judge["chief_of"] = [event]
        out.append(judge)
    return out


def _genders(rng: random.Random, n: int, women: float) -> list[str]:
    return ["female" if rng.random() < women else "male" for _ in range(n)]


def _menu(rng: random.Random, n: int) -> dict[str, int]:
    """How many dishes of each category one enterprise enters, n in all."""
    counts = dict.fromkeys((c for c, _, _ in CATEGORIES), 0)
    counts["banquet"] = 1 if rng.random() < 0.6 else 0
    counts["carving"] = rng.choice((0, 1, 1, 2))
    for c in rng.choices(list(DISH_MIX), list(DISH_MIX.values()), k=n - counts["banquet"] - counts["carving"]):
        counts[c] += 1
    return counts


def cooking_competition(seed: int = 2023) -> Data:
    rng = random.Random(f"cooking:{seed}")
    rubrics = {c: load_preset(f"cooking_{c}") for c, _, _ in CATEGORIES}
    teams: list[Data] = [{"key": slug(en), "name": {"zh": zh, "en": en}} for zh, en in ENTERPRISES]
    low, high = DISHES_PER_ENTERPRISE
    counts = _spread([rng.randint(low, high) for _ in teams], rng.randint(*DISHES_TOTAL), low, high, rng)
    dishes: dict[str, list[tuple[str, str]]] = {c: [] for c, _, _ in CATEGORIES}
    for team, n in zip(teams, counts, strict=True):
        for category, k in _menu(rng, n).items():
            dishes[category] += [(team["key"], title) for title in titles(category, k, rng)]
    entries: list[Data] = []
    for category, _, _ in CATEGORIES:
        rng.shuffle(dishes[category])  # keys in an order that says nothing about the enterprise
        for i, (team_key, title) in enumerate(dishes[category], 1):
            entry: Data = {"key": f"{category}-{i:03d}", "event": category, "title": title, "team": team_key,
                           "tags": {"track": track(rng)}}
            attrs = _attrs(rubrics[category], rng, 90)
            if attrs:
                entry["attrs"] = attrs
            entries.append(entry)
    names = people(rng, _genders(rng, COOKING_JUDGES * len(CATEGORIES), 0.25))
    judges = [j for i, (c, _, _) in enumerate(CATEGORIES)
              for j in _judges(c, names[i * COOKING_JUDGES:(i + 1) * COOKING_JUDGES], chief=0)]
    return {
        "competition": {
            "key": "datong-cooking-2023",
            "name": {"zh": "大同市第三届“工匠杯”职工职业技能竞赛 · 黄花美食团宴名菜烹饪大赛",
                     "en": "3rd Datong Craftsman Cup: Daylily Cuisine Cooking Contest"},
            "date": "2023-07-20",
            "venue": "大同市总工会工匠学院",
        },
        "events": [{"key": c, "name": {"zh": zh, "en": en}, "rubric": f"cooking_{c}", "blind": True}
                   for c, zh, en in CATEGORIES],
        "teams": teams,
        "entries": entries,
        "judges": judges,
        "team_standings": {"method": "best_n", "n": 10, "count_award": "gold"},
    }


def construction_competition(seed: int = 2023) -> Data:
    rng = random.Random(f"construction:{seed}")
    rubrics = {key: load_preset(key) for key, *_ in CONSTRUCTION_EVENTS}
    teams: list[Data] = [{"key": key, "name": {"zh": zh, "en": en}} for key, zh, en in COUNTY_TEAMS]
    low = len(CONSTRUCTION_EVENTS) + 1
    sizes = _spread([low] * len(teams), rng.randint(*CONTESTANTS), low, low + 2, rng)
    members: list[tuple[str, int]] = []  # (team, event index)
    for team, size in zip(teams, sizes, strict=True):
        extra = rng.choices(range(len(CONSTRUCTION_EVENTS)), EVENT_MIX, k=size - len(CONSTRUCTION_EVENTS))
        members += [(team["key"], e) for e in [*range(len(CONSTRUCTION_EVENTS)), *extra]]
    genders = [_genders(rng, 1, CONSTRUCTION_EVENTS[e][4])[0] for _, e in members]
    contestants = [
        {"key": f"c{i:02d}", "name": name, "team": team, "age": round(rng.triangular(22, 55, 36)), "gender": gender}
        for i, ((team, _), name, gender) in enumerate(zip(members, people(rng, genders), genders, strict=True), 1)
    ]
    panels = [max(TRADE_JUDGES, rubrics[key].panel) for key, *_ in CONSTRUCTION_EVENTS]
    judge_names = iter(people(rng, _genders(rng, sum(panels) + len(panels), 0.2)))
    entries: list[Data] = []
    judges: list[Data] = []
    for e, (key, zh, _, limit, _) in enumerate(CONSTRUCTION_EVENTS):
        mine = [c for c, (_, ev) in zip(contestants, members, strict=True) if ev == e]
        rng.shuffle(mine)  # stations by lot
        for i, c in enumerate(mine, 1):
            entry: Data = {"key": f"{key}-{i:02d}", "event": key, "title": f"{c['name']} · {zh}",
                           "team": c["team"], "contestants": [c["key"]]}
            attrs = _attrs(rubrics[key], rng, limit)
            if attrs:
                entry["attrs"] = attrs
            entries.append(entry)
        panel = _judges(key, [next(judge_names) for _ in range(panels[e] + 1)], chief=panels[e])
        for judge in panel[:2]:  # the measuring pair
            judge["roles"] = {key: ["measuring"]}
        clerk = {"key": f"{key}-clerk", "name": f"{zh}录分员", "events": [key], "roles": {key: ["clerk"]}}
        judges += [*panel, clerk]
    return {
        "competition": {
            "key": "datong-construction-2023",
            "name": {"zh": "大同市第三届“工匠杯”职工职业技能竞赛 · 建筑行业技能竞赛",
                     "en": "3rd Datong Craftsman Cup: Construction Trades Contest"},
            "date": "2023-09-16",
            "venue": "大同市建筑职工实训基地",
        },
        "events": [{"key": key, "name": {"zh": zh, "en": en}, "rubric": key}
                   for key, zh, en, _, _ in CONSTRUCTION_EVENTS],
        "teams": teams,
        "contestants": contestants,
        "entries": entries,
        "judges": judges,
        "team_standings": {"method": "mean"},
    }
