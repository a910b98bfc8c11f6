/* What a judge types into a box, read as the server reads it.

   Words: a *box* is a text input for a score or for one reading of a measurement. Its *text* is
   what was typed; `typed` gives the canonical text of a plain decimal, as the server takes it: at
   most 32 characters, 12 digits before the point and 12 after, no exponent ("1e5" is not a
   number); a comma is read as the point. The text is made from the digits themselves (no floating
   point: a reading is sent exactly as typed), or a *problem*, the message saying what is wrong.
   A measurement's *range* is its plausible readings (the hello's `measure.min` and `measure.max`;
   absent or null is unbounded). Messages come from the page's strings `T`, passed in. Pure: no DOM. */
import * as F from "./fraction.js";

export const fmt = (s, p) => s.replace(/\{(\w+)\}/g, (_, k) => (p[k] ?? ""));

const MAX_CHARS = 32, MAX_DIGITS = 12;
const quoted = (s) => (s.length > 16 ? `${s.slice(0, 15)}…` : s);

export function typed(raw, T) {
  const s = String(raw).trim();
  const m = s.length > 200 ? null : /^([-+]?)(\d*)(?:[.,](\d*))?$/.exec(s);
  if (!m || (m[2] === "" && !m[3])) return { problem: fmt(T.not_a_number, { value: quoted(s) }) };
  const int = m[2].replace(/^0+/, ""), dec = (m[3] || "").replace(/0+$/, "");
  if (s.length > MAX_CHARS || int.length > MAX_DIGITS || dec.length > MAX_DIGITS) {
    return { problem: fmt(T.too_many_digits, { value: quoted(s) }) };
  }
  return { text: `${m[1] === "-" && (int || dec) ? "-" : ""}${int || "0"}${dec ? `.${dec}` : ""}` };
}

function range(c) {
  const m = c.measure || {};
  const min = m.min == null ? null : F.parse(m.min), max = m.max == null ? null : F.parse(m.max);
  return { min, max, minText: min ? String(m.min) : "", maxText: max ? String(m.max) : "" };
}

export function rangeHint(c, T) {
  const r = range(c), unit = c.measure ? c.measure.unit : "";
  if (r.min && r.max) return fmt(T.range, { min: r.minText, max: r.maxText, unit });
  if (r.min) return fmt(T.range_min, { min: r.minText, unit });
  if (r.max) return fmt(T.range_max, { max: r.maxText, unit });
  return "";
}

/* A score's bounds and step as fractions: min 0 and step 1 unless the rubric says otherwise. */
export function scale(c) {
  return { min: F.parse(c.min) || F.ZERO, max: F.parse(c.max), step: F.parse(c.step) || F.ONE };
}

/* A score box's text → {value} (a fraction in range and on its step; null when empty) or {problem}. */
export function readScore(c, text, T) {
  if (String(text).trim() === "") return { value: null };
  const t = typed(text, T);
  if (t.problem) return { value: null, problem: t.problem };
  const { min, max, step } = scale(c);
  const v = F.parse(t.text);
  if (F.cmp(v, min) < 0 || F.cmp(v, max) > 0) {
    return { value: null, problem: fmt(T.out_of_range, { value: t.text, min: F.str(min), max: F.str(max) }) };
  }
  if (c.step && !F.isWhole(F.div(F.sub(v, min), step))) {
    return { value: null, problem: fmt(T.off_step, { value: t.text, step: F.str(step) }) };
  }
  return { value: v };
}

/* A reading box's text → {value} (the canonical decimal text inside the range) or {problem}. */
export function readReading(c, text, T) {
  if (String(text).trim() === "") return { value: null };
  const t = typed(text, T);
  if (t.problem) return { value: null, problem: t.problem };
  const r = range(c), v = F.parse(t.text);
  const low = r.min && F.cmp(v, r.min) < 0, high = r.max && F.cmp(v, r.max) > 0;
  if (!low && !high) return { value: t.text };
  if (r.min && r.max) return { value: null, problem: fmt(T.out_of_range, { value: t.text, min: r.minText, max: r.maxText }) };
  return { value: null, problem: low ? fmt(T.below_min, { value: t.text, min: r.minText }) : fmt(T.above_max, { value: t.text, max: r.maxText }) };
}
