/* The scoring preview: what one judge's sheet is worth, by the rules of scoreboard/rubric/score.py.

   Words: a *mark* is what the form holds for a criterion: a score as a fraction, a judgement
   level as a fraction 0–3, a check as true or false, a measurement as its reading texts. A
   criterion's *points* are its mark × its weight (a level l counts max × l / 3, a check max or 0);
   measurements are graded by the server (the hello does not carry their bands), so they have no
   points here. A *part*'s points are the sum of its criteria's; with parts, the sheet's *base* is
   Σ part weight × part points / part maximum (the parts' maxima include every criterion, measured
   ones too), else the sum of every criterion's points. A *deduction* is a rule the judge switched
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
  return null;
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
    const most_ = inPart.reduce((t, c) => F.add(t, most(c)), F.ZERO);
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
  const measured = rubric.criteria.some((c) => c.kind === "measurement");
  const max = measured || rubric.parts.length ? null : rubric.criteria.reduce((t, c) => F.add(t, most(c)), F.ZERO);
  return { criteria, parts, deductions: taken, dq, subtotal, max, measured, decimals: rubric.decimals ?? 2 };
}
