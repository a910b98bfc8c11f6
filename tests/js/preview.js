/* Runs the tablet's scoring preview (static/tablet/preview.js) for tests/test_tablet_preview.py.

   stdin: {"rubric": the hello's rubric view, "sheets": [{"marks": …, "deductions": […]}]}, marks
   and deductions as a tablet sends them (docs/protocol.md). stdout: per sheet, every value the
   preview computes, fractions as their canonical text ("26/3"), and the subtotal as the tablet
   shows it (rounded half up to the rubric's decimals). */
import { readFileSync } from "node:fs";
import * as F from "../../static/tablet/fraction.js";
import { preview } from "../../static/tablet/preview.js";

/* A sent sheet's marks as the form holds them. */
function formMarks(rubric, sent) {
  const marks = {};
  for (const c of rubric.criteria) {
    const v = sent[c.key];
    if (v == null) continue;
    if (c.kind === "score") marks[c.key] = F.parse(v);
    else if (c.kind === "judgement") marks[c.key] = F.frac(v);
    else if (c.kind === "check") marks[c.key] = v;
    else marks[c.key] = v.map(String);
  }
  return marks;
}

const text = (f) => (f == null ? null : `${f.n}/${f.d}`);
const { rubric, sheets } = JSON.parse(readFileSync(0, "utf8"));
const out = sheets.map((sheet) => {
  const deductions = {};
  for (const d of sheet.deductions || []) deductions[d.key] = { on: true, amount: String(d.minutes ?? d.count ?? "") };
  const p = preview(rubric, formMarks(rubric, sheet.marks), deductions);
  return {
    criteria: Object.fromEntries(Object.entries(p.criteria).map(([k, v]) => [k, text(v)])),
    parts: Object.fromEntries(Object.entries(p.parts).map(([k, v]) => [k, text(v)])),
    deductions: text(p.deductions), disqualified: p.dq, subtotal: text(p.subtotal), shown: F.show(p.subtotal, p.decimals),
  };
});
process.stdout.write(JSON.stringify(out));
