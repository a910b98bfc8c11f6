"""TOML → ``Rubric``, with every error naming the file, the field and the problem.

The file format is documented in ``docs/rubrics.md``; the shipped presets in ``presets/`` are
examples of every feature. ``load_rubric`` checks the whole file before returning anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from importlib import resources
from pathlib import Path
from typing import Any

from scoreboard.errors import N_, UserError
from scoreboard.rubric import aggregate, markers, tiebreak
from scoreboard.rubric.model import (
    Aggregation,
    AwardRule,
    AwardTier,
    Band,
    Criterion,
    DeductionKind,
    DeductionRule,
    GoldenCase,
    HonourRule,
    Kind,
    Measure,
    Part,
    Rubric,
    Target,
    Text,
)
from scoreboard.rubric.reader import Reader, Table, read_toml

ZERO, HUNDRED = Fraction(0), Fraction(100)
ZERO_TEXT = Text("?", "?")
RUBRIC_FIELDS = {"key", "name", "description", "panel", "panel_min", "aggregate_on", "aggregation", "parts",
                 "criteria", "deductions", "factor", "multiplier", "total_spread", "decimals", "tie_break", "awards",
                 "honours", "golden", "award_for"}
CRITERION_FIELDS = {"key", "name", "kind", "max", "min", "step", "weight", "part", "levels", "aggregation",
                    "panel", "spread", "help", "points", "unit", "target", "value", "bands", "grading", "count_bands",
                    "reading_min", "reading_max", "markers"}
AWARD_FOR = ("work", "event")  # a certificate honours the entry (a dish, by its title) or the result in the event
MEASURE_FIELDS = ("points", "unit", "target", "value", "bands", "grading", "count_bands", "reading_min", "reading_max")


def preset_names() -> list[str]:
    return sorted(p.name.removesuffix(".toml") for p in resources.files("scoreboard.rubric.presets").iterdir()
                  if p.name.endswith(".toml"))


def preset_text(name: str) -> str:
    if name not in preset_names():
        raise UserError.one("preset_unknown", N_("no preset {name} (there are: {names})"), name=name,
                            names=", ".join(preset_names()))
    return resources.files("scoreboard.rubric.presets").joinpath(f"{name}.toml").read_text(encoding="utf-8")


def load_preset(name: str) -> Rubric:
    return load_rubric_text(preset_text(name), f"preset:{name}")


def load_rubric(path: Path | str) -> Rubric:
    return parse_rubric(read_toml(path), str(path))


def load_rubric_text(text: str, source: str) -> Rubric:
    return parse_rubric(read_toml(source, text), source)


def parse_rubric(data: Table, source: str, path: str = "") -> Rubric:
    r = Reader(source)
    rubric = read_rubric(r, data, path)
    r.done()
    return rubric


def _aggregation(r: Reader, data: object, path: str) -> Aggregation:
    t = r.fields(data, path, {"method", "high", "low", "combine"}, {"method"})
    method = r.choice(t, path, "method", list(aggregate.METHODS), "mean")
    low_default = 1 if method == "drop_lowest" else 0
    return Aggregation(method, r.integer(t, path, "high", 0, 0, 10), r.integer(t, path, "low", low_default, 0, 10),
                       r.choice(t, path, "combine", aggregate.COMBINES, "mean"))


def _bands(r: Reader, data: Table, path: str, name: str) -> tuple[Band, ...]:
    bands = []
    for where, t in r.tables(data, path, name):
        r.fields(t, where, {"within", "pct"}, {"within", "pct"})
        within = r.number(t, where, "within", low=ZERO)
        pct = r.number(t, where, "pct", low=ZERO, high=HUNDRED)
        if within is not None and pct is not None:
            bands.append(Band(within, pct))
    if not bands:
        r.fail(f"{path}.{name}", N_("at least one band is needed"))
    elif [b.within for b in bands] != sorted(b.within for b in bands):
        r.fail(f"{path}.{name}", N_("bands must go from the tightest to the widest"))
    return tuple(bands)


def _markers(r: Reader, t: Table, path: str, default: str, on_total: bool) -> str:
    """Who marks a criterion or a part's criteria (``markers.MARKERS``)."""
    if "markers" not in t:
        return default
    value = r.choice(t, path, "markers", markers.MARKERS, default)
    if on_total and value != markers.EVERY:
        r.fail(f"{path}.markers", N_("aggregate_on = \"total\" needs every judge to mark every criterion"))
    return value


def _criterion(r: Reader, t: Table, path: str, parts: Mapping[str, str], on_total: bool) -> Criterion:
    r.fields(t, path, CRITERION_FIELDS, {"key", "name", "max"})
    kind = Kind(r.choice(t, path, "kind", [k.value for k in Kind], "score"))
    low = r.number(t, path, "min", ZERO) or ZERO
    high = r.number(t, path, "max", low=ZERO) or Fraction(1)
    if high <= low:
        r.fail(f"{path}.max", N_("must be more than min"))
    step = r.number(t, path, "step", low=ZERO, required=False)
    if step is not None and (step == 0 or (high - low) % step):
        r.fail(f"{path}.step", N_("the range {low}–{high} must be whole steps"), low=str(low), high=str(high))
    if kind is Kind.SCORE and "step" not in t:
        r.fail(f"{path}.step", N_("a score criterion needs a step (e.g. 0.5)"), code="missing")
    part = r.string(t, path, "part", "")
    if parts and part not in parts:
        r.fail(f"{path}.part", N_("must name one of the parts: {parts}"), parts=", ".join(sorted(parts)))
    if not parts and part:
        r.fail(f"{path}.part", N_("the rubric has no parts"))
    levels = tuple(lv for i in range(len(t.get("levels", [])))
                   if (lv := r.text({"l": t["levels"][i]}, f"{path}.levels[{i}]", "l")) is not None)
    if levels and (kind is not Kind.JUDGEMENT or len(levels) != 4):
        r.fail(f"{path}.levels", N_("only judgement criteria have levels, exactly four (0–3)"))
    measure = None
    if kind is Kind.MEASUREMENT:
        grading = r.choice(t, path, "grading", ("mean", "count_out"), "mean")
        measure = Measure(
            target=Target(r.choice(t, path, "target", [x.value for x in Target], "nominal")),
            value=r.number(t, path, "value", ZERO) or ZERO,
            bands=_bands(r, t, path, "bands"),
            points=r.integer(t, path, "points", 1, 1, 50),
            unit=r.string(t, path, "unit", "mm", 16),
            grading=grading,
            count_bands=_bands(r, t, path, "count_bands") if grading == "count_out" else (),
            low=r.number(t, path, "reading_min", required=False),
            high=r.number(t, path, "reading_max", required=False),
        )
        if measure.lowest >= measure.highest:
            r.fail(f"{path}.reading_max", N_("must be more than reading_min"))
    else:
        for name in MEASURE_FIELDS:
            if name in t:
                r.fail(f"{path}.{name}", N_("only measurement criteria have this field"))
    aggregation = None
    if "aggregation" in t:
        aggregation = _aggregation(r, t["aggregation"], f"{path}.aggregation")
        if on_total:
            r.fail(f"{path}.aggregation", N_("aggregate_on = \"total\" aggregates whole sheets, not criteria"))
    return Criterion(
        key=r.key(t, path), name=r.text(t, path, "name") or ZERO_TEXT, kind=kind, max=high, min=low, step=step,
        weight=r.number(t, path, "weight", Fraction(1), low=ZERO) or Fraction(1), part=part, levels=levels,
        measure=measure, aggregation=aggregation,
        panel=r.integer(t, path, "panel", low=1, high=50) if "panel" in t else None,
        spread=r.number(t, path, "spread", low=ZERO, required=False), help=r.text(t, path, "help", required=False),
        markers=_markers(r, t, path, parts.get(part, markers.EVERY), on_total),
    )


def _deduction(r: Reader, t: Table, path: str) -> DeductionRule:
    r.fields(t, path, {"key", "name", "kind", "value", "grace", "dq_after", "cap"}, {"key", "name", "kind"})
    kind = DeductionKind(r.choice(t, path, "kind", [k.value for k in DeductionKind], "fixed"))
    needs_value = kind is not DeductionKind.DISQUALIFY
    allowed = {DeductionKind.PER_MINUTE: {"grace", "dq_after"}, DeductionKind.PER_OCCURRENCE: {"cap"}}.get(kind, set())
    for name in ({"grace", "dq_after", "cap"} - allowed) & set(t):
        r.fail(f"{path}.{name}", N_("a {kind} deduction has no {field}"), kind=kind.value, field=name)
    return DeductionRule(
        key=r.key(t, path), name=r.text(t, path, "name") or ZERO_TEXT, kind=kind,
        value=(r.number(t, path, "value", low=ZERO) or ZERO) if needs_value else ZERO,
        grace=r.number(t, path, "grace", ZERO, low=ZERO) or ZERO,
        dq_after=r.number(t, path, "dq_after", low=ZERO, required=False),
        cap=r.number(t, path, "cap", low=ZERO, required=False),
    )


def _award(r: Reader, t: Table, path: str) -> AwardRule:
    r.fields(t, path, {"key", "name", "kind", "tiers", "rounding", "min_total", "pool"},
             {"key", "name", "kind", "tiers"})
    kind = r.choice(t, path, "kind", ("threshold", "quota"), "threshold")
    tiers = []
    for where, tt in r.tables(t, path, "tiers"):
        r.fields(tt, where, {"key", "name", "min", "share", "places"}, {"key", "name"})
        tier = AwardTier(r.key(tt, where), r.text(tt, where, "name") or ZERO_TEXT,
                         min=r.number(tt, where, "min", required=kind == "threshold"),
                         share=r.number(tt, where, "share", low=ZERO, high=HUNDRED, required=False),
                         places=r.integer(tt, where, "places", low=1) if "places" in tt else None)
        if kind == "quota" and ("share" in tt) == ("places" in tt):
            r.fail(where, N_("a quota tier has either share (per cent) or places"))
        tiers.append(tier)
    if not tiers:
        r.fail(f"{path}.tiers", N_("at least one tier is needed"))
    minimums = [x.min for x in tiers]
    if kind == "threshold" and minimums != sorted((m for m in minimums if m is not None), reverse=True):
        r.fail(f"{path}.tiers", N_("threshold tiers go from the highest minimum down"))
    if kind == "quota" and sum((x.share or ZERO for x in tiers), ZERO) > HUNDRED:
        r.fail(f"{path}.tiers", N_("quota shares add up to more than 100 %"))
    r.unique([(path, x.key) for x in tiers], N_("tier {key} is defined twice"))
    return AwardRule(
        key=r.key(t, path), name=r.text(t, path, "name") or ZERO_TEXT, kind=kind, tiers=tuple(tiers),
        rounding=r.choice(t, path, "rounding", ("half_up", "floor", "ceil"), "half_up"),
        min_total=r.number(t, path, "min_total", required=False), pool=r.string(t, path, "pool", ""),
    )


def _honour(r: Reader, t: Table, path: str) -> HonourRule:
    r.fields(t, path, {"key", "name", "rank_max", "awards", "age_max", "gender"}, {"key", "name"})
    rule = HonourRule(
        key=r.key(t, path), name=r.text(t, path, "name") or ZERO_TEXT,
        rank_max=r.integer(t, path, "rank_max", low=1) if "rank_max" in t else None,
        awards=r.strings(t, path, "awards"),
        age_max=r.integer(t, path, "age_max", low=1, high=150) if "age_max" in t else None,
        gender=r.choice(t, path, "gender", ("female", "male")) if "gender" in t else None,
    )
    if rule.rank_max is None and not rule.awards:
        r.fail(path, N_("an honour needs rank_max or awards"))
    return rule


def _golden(r: Reader, t: Table, path: str) -> GoldenCase:
    r.fields(t, path, {"name", "entry", "sheets", "total", "rank", "attrs", "roles"}, {"name", "sheets"})
    sheets = []
    for _where, s in r.tables(t, path, "sheets"):
        sheets.append(dict(s))
    if not sheets:
        r.fail(f"{path}.sheets", N_("at least one sheet is needed"))
    attrs = t.get("attrs", {})
    if not isinstance(attrs, Mapping):
        r.fail(f"{path}.attrs", N_("must be a table"))
    roles: dict[str, tuple[str, ...]] = {}
    raw_roles = t.get("roles", {})
    if not isinstance(raw_roles, Mapping):
        r.fail(f"{path}.roles", N_("must be a table"))
        raw_roles = {}
    for judge, given in raw_roles.items():
        roles[str(judge)] = tuple(str(x) for x in (given if isinstance(given, list) else [given]))
        for x in set(roles[str(judge)]) - set(markers.ROLES):
            r.fail(f"{path}.roles.{judge}", N_("no role {role} (known: {known})"), role=str(x),
                   known=", ".join(markers.ROLES))
    return GoldenCase(
        name=r.string(t, path, "name"), sheets=tuple(sheets), roles=roles,
        total=r.number(t, path, "total", required=False),
        rank=r.integer(t, path, "rank", low=1) if "rank" in t else None,
        entry=r.string(t, path, "entry", ""), attrs=dict(attrs) if isinstance(attrs, Mapping) else {},
    )


def read_rubric(r: Reader, data: Any, path: str = "") -> Rubric:
    t = r.fields(data, path, RUBRIC_FIELDS, {"key", "name", "criteria"})
    w = (lambda name: f"{path}.{name}" if path else name)  # noqa: E731
    on = r.choice(t, path, "aggregate_on", ("criterion", "total"), "criterion")
    parts = tuple(Part(r.key(p, where), r.text(p, where, "name") or ZERO_TEXT,
                       r.number(p, where, "weight", low=ZERO) or ZERO,
                       _markers(r, p, where, markers.EVERY, on == "total"))
                  for where, p in r.tables(t, path, "parts")
                  if r.fields(p, where, {"key", "name", "weight", "markers"}) is not None)
    r.unique([(w("parts"), p.key) for p in parts], N_("part {key} is defined twice"))
    criteria = tuple(_criterion(r, c, where, {p.key: p.markers for p in parts}, on == "total")
                     for where, c in r.tables(t, path, "criteria"))
    if not criteria:
        r.fail(w("criteria"), N_("at least one criterion is needed"))
    r.unique([(w("criteria"), c.key) for c in criteria], N_("criterion {key} is defined twice"))
    for p in parts:
        if not any(c.part == p.key for c in criteria):
            r.fail(w("parts"), N_("part {part} has no criteria"), part=p.key)
    aggregation = _aggregation(r, t.get("aggregation", {"method": "mean"}), w("aggregation"))
    panel = r.integer(t, path, "panel", 1, 1, 50)
    for c in criteria:
        agg = c.aggregation or aggregation
        by_panel = c.panel is None and c.markers == markers.EVERY and agg.method != "single"
        if by_panel and panel < aggregate.METHODS[agg.method].needs(agg):
            r.fail(w("panel"), N_("{method} needs at least {n} judges for {criterion}"), method=agg.method,
                   n=aggregate.METHODS[agg.method].needs(agg), criterion=c.key)
    least = aggregate.METHODS[aggregation.method].needs(aggregation) if aggregation.method != "single" else 1
    panel_min = r.integer(t, path, "panel_min", panel, min(least, panel), panel) if "panel_min" in t else None
    deductions = tuple(_deduction(r, d, where) for where, d in r.tables(t, path, "deductions"))
    r.unique([(w("deductions"), d.key) for d in deductions], N_("deduction {key} is defined twice"))
    awards = tuple(_award(r, a, where) for where, a in r.tables(t, path, "awards"))
    r.unique([(w("awards"), a.key) for a in awards], N_("award {key} is defined twice"))
    honours = tuple(_honour(r, h, where) for where, h in r.tables(t, path, "honours"))
    r.unique([(w("honours"), h.key) for h in honours], N_("honour {key} is defined twice"))
    tier_keys = {x.key for a in awards for x in a.tiers}
    for h in honours:
        for k in set(h.awards) - tier_keys:
            r.fail(w("honours"), N_("honour {honour} names an unknown award tier {tier}"), honour=h.key, tier=k)
    rubric = Rubric(
        key=r.key(t, path), name=r.text(t, path, "name") or ZERO_TEXT, criteria=criteria, aggregation=aggregation,
        aggregate_on=on, panel=panel, panel_min=panel_min, parts=parts, deductions=deductions,
        factor=r.string(t, path, "factor", ""),
        multiplier=r.number(t, path, "multiplier", Fraction(1), Fraction(1, 1000), Fraction(1000)) or Fraction(1),
        total_spread=r.number(t, path, "total_spread", low=ZERO, required=False),
        decimals=r.integer(t, path, "decimals", 2, 0, 6), tie_break=r.strings(t, path, "tie_break"),
        awards=awards, honours=honours, description=r.text(t, path, "description", required=False),
        award_for=r.choice(t, path, "award_for", AWARD_FOR, "work"),
        golden=tuple(_golden(r, g, where) for where, g in r.tables(t, path, "golden")),
    )
    for i, link in enumerate(rubric.tie_break):
        breaker, param = tiebreak.parse(link)
        if breaker is None or not breaker.valid(rubric, param):
            r.fail(f"{w('tie_break')}[{i}]", N_("unknown tie-breaker {link} (known: {known})"), link=link,
                   known=", ".join(f"{b.key}:<{b.param}>" if b.param else b.key for b in tiebreak.BREAKERS.values()))
    return rubric

