/* The scoring preview: what one judge's sheet is worth, by the rules of scoreboard/rubric/score.py.

   Words: a *mark* is what the form holds for a criterion: a score as a fraction, a judgement
   level as a fraction 0–3, a check as true or false, a measurement as its reading texts. A
   criterion's *points* are its mark × its weight (a level l counts max × l / 3, a check max or 0,
   a measurement max × its grade / 100). A measurement's *error* is a reading's distance from the
   target value (either way for "nominal", only short of it for "minimum", only over it for
   "maximum"); a *band* gives the per cent an error within it earns, the first band that holds it;
   its *grade* is the mean of its readings' bands, or for "count_out" grading the band of how many
   readings lie outside the first band (`count_bands`). A *part*'s points are the sum of its criteria's; with parts, the sheet's *base* is
   Σ part weight × part points / part maximum (the parts' maxima include every criterion, measured
   ones and those other judges mark: the server sends each part's `max`), else the sum of every
   criterion's points. A *deduction* is a rule the judge switched
   on, with its `amount` text (minutes or occurrences); "dq" disqualifies. The *subtotal* is the
   base less the deductions, never below 0 (and 0 when disqualified): the total the server gives an
   entry with only this sheet's marks, before the entry's factor (diving's difficulty), which the
   tablet does not know. Pure: no DOM, so Node runs it against the server (tests/test_tablet_preview.py). */
import * as F from "./fraction.js";

const weightOf = (c) => F.parse(c.weight) || F.ONE;
export const pointsOf = (c) => (c.measure ? c.measure.points : 1); // how many readings a measurement takes
export const hasAmount = (rule) => rule.kind === "per_minute" || rule.kind === "per_occurrence";
export const badAmount = (rule, cur) => !!(cur && cur.on && hasAmount(rule) && !/^\d+$/.test(String(cur.amount).trim()));

/* The most a criterion adds to its part: max × weight. */
export const most = (c) => F.mul(F.parse(c.max), weightOf(c));

export function filled(c, m) {
  if (m == null) return false;
  if (c.kind === "measurement") return m.length === pointsOf(c) && m.every((v) => v != null);
  return true;
}

export function criterionPoints(c, value) {
  if (value == null) return null;
  const max = F.parse(c.max), weight = weightOf(c);
  if (c.kind === "score") return F.mul(value, weight);
  if (c.kind === "judgement") return F.mul(F.div(F.mul(value, max), F.THREE), weight);
  if (c.kind === "check") return value ? F.mul(max, weight) : F.ZERO;
  if (c.kind === "measurement") {
    const readings = value.map(F.parse);
    if (!c.measure || !readings.length || readings.some((r) => r == null)) return null;
    return F.mul(F.div(F.mul(max, grade(c.measure, readings)), F.frac(100)), weight);
  }
  return null;
}

/* A measurement's grade, 0–100, by the rules of measurement_pct in scoreboard/rubric/score.py. */
export function grade(m, readings) {
  const value = F.parse(m.value);
  const error = (r) => (m.target === "minimum" ? F.max(F.ZERO, F.sub(value, r))
    : m.target === "maximum" ? F.max(F.ZERO, F.sub(r, value))
      : F.max(F.sub(r, value), F.sub(value, r)));
  const band = (err, bands) => {
    const b = bands.find((x) => F.cmp(err, F.parse(x.within)) <= 0);
    return b ? F.parse(b.pct) : F.ZERO;
  };
  if (m.grading === "count_out") {
    const first = F.parse(m.bands[0].within);
    const out = readings.filter((r) => F.cmp(error(r), first) > 0).length;
    return band(F.frac(out), m.count_bands);
  }
  return F.div(readings.reduce((t, r) => F.add(t, band(error(r), m.bands)), F.ZERO), F.frac(readings.length));
}

/* A switched-on deduction's amount as a fraction, or "dq". */
export function deductionAmount(rule, d) {
  const value = F.parse(rule.value) || F.ZERO;
  const amount = F.parse(d.amount) || F.ZERO;
  if (rule.kind === "per_minute") {
    if (rule.dq_after != null && F.cmp(amount, F.parse(rule.dq_after)) > 0) return "dq";
    return F.mul(F.max(F.ZERO, F.sub(amount, F.parse(rule.grace) || F.ZERO)), value);
  }
  if (rule.kind === "per_occurrence") {
    const total = F.mul(amount, value);
    return rule.cap != null ? F.min(total, F.parse(rule.cap)) : total;
  }
  if (rule.kind === "fixed") return value;
  return "dq";
}

/* A sheet's worth: marks by criterion key, deductions by rule key ({on, amount}). */
export function preview(rubric, marks, deductions) {
  const criteria = {};
  let sum = F.ZERO;
  for (const c of rubric.criteria) {
    const p = filled(c, marks[c.key]) ? criterionPoints(c, marks[c.key]) : null;
    criteria[c.key] = p;
    if (p) sum = F.add(sum, p);
  }
  const parts = {};
  let base = rubric.parts.length ? F.ZERO : sum;
  for (const part of rubric.parts) {
    const inPart = rubric.criteria.filter((c) => c.part === part.key);
    parts[part.key] = inPart.reduce((t, c) => (criteria[c.key] ? F.add(t, criteria[c.key]) : t), F.ZERO);
    const most_ = part.max != null ? F.parse(part.max) : inPart.reduce((t, c) => F.add(t, most(c)), F.ZERO);
    if (most_.n) base = F.add(base, F.div(F.mul(F.parse(part.weight), parts[part.key]), most_));
  }
  let taken = F.ZERO, dq = false;
  for (const rule of rubric.deductions) {
    const cur = deductions[rule.key];
    if (!cur || !cur.on) continue;
    const amount = deductionAmount(rule, cur);
    if (amount === "dq") dq = true; else taken = F.add(taken, amount);
  }
  const subtotal = dq ? F.ZERO : F.max(F.ZERO, F.sub(base, taken));
  return { criteria, parts, deductions: taken, dq, subtotal, max: F.parse(rubric.max_total), decimals: rubric.decimals ?? 2 };
}
