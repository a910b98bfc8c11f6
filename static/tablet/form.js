/* The form: an entry's rubric as touch controls, with the preview's subtotal in its footer.

   Words: the *form* (`open`) holds what the judge has entered: `texts`, the raw text of every
   box (a score's box, a measurement's reading boxes), `marks` read from them (and the levels and
   yes/no picked), `problems` of boxes whose text is refused (by box id: "taste", "gap:2"),
   `partial` measurements with some readings missing, `deductions` ({on, amount, reason}, raw
   texts) and the correction's `reason`. The form is built once when it opens; while the judge
   edits, no control is ever replaced: each edit updates the form and then the controls in place
   (value, aria-pressed, classes, hints). A box's text is recorded as it is typed (`input`); its
   problem shows once the box is left (`change`) and goes as soon as the text is right. Every
   edit keeps a draft (drafts.js). Review opens the confirmation (sheet.js). */
import * as F from "./fraction.js";
import { S, entryState, findEntry, nextRevision, recordsOf, storedSheet } from "./state.js";
import { T, banner, fmt, formEl, h, listEl, nameOf, put } from "./page.js";
import { badAmount, deductionAmount, filled, hasAmount, most, pointsOf, preview } from "./preview.js";
import { rangeHint, readReading, readScore, scale } from "./typing.js";
import { dropDraft, keepDraft, saveDrafts, unsaved } from "./drafts.js";
import { renderList } from "./list.js";
import { discard, renderConfirm } from "./sheet.js";

let open = null;
export const isOpen = () => open !== null;
export const current = () => open;

/* Read a criterion's boxes into the form's mark and problems (levels and yes/no are set directly). */
function derive(d, c) {
  if (c.kind === "score") {
    const r = readScore(c, d.texts[c.key], T);
    if (r.value == null) delete d.marks[c.key]; else d.marks[c.key] = r.value;
    if (r.problem) d.problems[c.key] = r.problem; else delete d.problems[c.key];
  } else if (c.kind === "measurement") {
    const read = d.texts[c.key].map((t, i) => {
      const r = readReading(c, t, T);
      if (r.problem) d.problems[`${c.key}:${i}`] = r.problem; else delete d.problems[`${c.key}:${i}`];
      return r;
    });
    const given = read.filter((r) => r.value != null).length;
    if (given === read.length) d.marks[c.key] = read.map((r) => r.value); else delete d.marks[c.key];
    d.partial[c.key] = given > 0 && given < read.length && !read.some((r) => r.problem);
  }
}

/* A sheet as the form's texts, as a draft has them: {texts, picks, deductions, reason}. The sheet
   is a record of the outbox, or one the server stored (levels as text, deductions with `amount`). */
function fromRecord(rubric, rec) {
  const out = { texts: {}, picks: {}, deductions: {}, reason: rec.reason || "" };
  for (const c of rubric.criteria) {
    const v = rec.marks[c.key];
    if (v == null) continue;
    if (c.kind === "score") out.texts[c.key] = String(v);
    else if (c.kind === "measurement") out.texts[c.key] = [].concat(v).map(String);
    else if (c.kind === "judgement") out.picks[c.key] = Number(v);
    else out.picks[c.key] = v;
  }
  const kinds = new Map(rubric.deductions.map((r) => [r.key, r]));
  for (const x of rec.deductions || []) {
    const rule = kinds.get(x.key);
    const amount = x.minutes ?? x.count ?? (rule && hasAmount(rule) ? x.amount : null) ?? "";
    out.deductions[x.key] = { on: true, amount: String(amount), reason: x.reason || "" };
  }
  return out;
}

/* Where a form starts: the draft; else the tablet's own sheet still waiting or refused; else the
   newest stored sheet, the tablet's own or the server's (a correction's reason is given anew). */
function startingPoint(rubric, entry, saved, last) {
  if (saved) return saved;
  const stored = storedSheet(entry);
  const settled = !last || last.status === "acked";
  if (stored && settled && (!last || last.revision < stored.revision)) return fromRecord(rubric, { ...stored, reason: "" });
  return last ? fromRecord(rubric, last) : null;
}

function edited(d) {
  keepDraft(d);
  renderFooter();
}

export function openForm(entry) {
  const [ev, en] = findEntry(entry);
  if (!ev) return;
  const st = entryState(ev, en);
  if (en.locked && st.key !== "error") { banner(T.entry_locked); return; }
  banner("");
  const recs = recordsOf(entry);
  const last = recs[recs.length - 1];
  const rubric = ev.rubric;
  const saved = S.drafts.get(entry) || null;
  const d = { entry, event: ev.key, rubric, texts: {}, marks: {}, problems: {}, partial: {}, shown: new Set(),
    deductions: {}, reason: "", replaces: null, confirm: false, restored: !!saved, foot: null };
  const from = startingPoint(rubric, entry, saved, last);
  for (const c of rubric.criteria) {
    const text = from ? from.texts[c.key] : null;
    const pick = from ? from.picks[c.key] : null;
    if (c.kind === "score") d.texts[c.key] = text == null ? "" : String(text);
    else if (c.kind === "measurement") d.texts[c.key] = Array.from({ length: pointsOf(c) }, (_, i) => (text && text[i] != null ? String(text[i]) : ""));
    else if (c.kind === "judgement" && Number.isInteger(pick)) d.marks[c.key] = F.frac(pick);
    else if (c.kind === "check" && typeof pick === "boolean") d.marks[c.key] = pick;
    derive(d, c);
  }
  for (const r of rubric.deductions) {
    const x = from && from.deductions[r.key];
    d.deductions[r.key] = { on: !!(x && x.on), amount: x ? String(x.amount ?? "") : "", reason: x ? String(x.reason ?? "") : "" };
  }
  if (from) d.reason = from.reason || "";
  if (last && last.status === "error") d.replaces = last.id;
  for (const id of Object.keys(d.problems)) d.shown.add(id); // a restored draft shows what is wrong at once
  d.revision = nextRevision(entry);
  if (st.key === "error" && last.error.code === "revision_conflict" && last.error.latest != null) {
    d.revision = last.error.latest + 1;
  }
  open = d;
  renderForm();
}

export function closeForm() {
  if (unsaved()) saveDrafts();
  open = null;
  formEl.hidden = true;
  formEl.replaceChildren();
  delete formEl.dataset.draft;
  listEl.hidden = false;
  renderList();
}

async function discardDraft(entry) {
  if (!window.confirm(T.discard_draft_confirm)) return;
  await dropDraft(entry);
  openForm(entry);
}

function renderForm() {
  const d = open;
  const [ev, en] = findEntry(d.entry);
  const rubric = d.rubric;
  const st = entryState(ev, en);
  listEl.hidden = true;
  formEl.hidden = false;
  const asked = S.rescore[d.entry];
  const head = h("div", { class: "form-head" },
    h("button", { type: "button", class: "big back", onclick: closeForm, text: `← ${T.back}` }),
    h("div", { class: "form-title" },
      h("span", { class: "code", text: en.code || en.key }),
      !ev.blind && en.title ? h("span", { class: "title", text: en.title }) : null,
      h("span", { class: "small", text: [...new Set([nameOf(ev.name), nameOf(rubric.name)])].concat(fmt(T.revision, { n: d.revision })).join(" · ") })));
  const notes = h("div", { class: "form-notes" },
    st.key === "error" ? h("p", { class: "error-note", role: "alert" }, st.detail,
      st.rec.error.code === "revision_conflict" ? h("span", { class: "small", text: ` — ${fmt(T.resend_as, { n: d.revision })}` }) : null,
      h("button", { type: "button", class: "link-btn", onclick: () => discard(st.rec.id), text: T.discard })) : null,
    asked ? h("p", { class: "notice", text: fmt(T.rescore_reason, { reason: asked.reason }) }) : null,
    d.restored ? h("p", { class: "notice draft-note", id: "draft-note" }, T.draft_restored,
      h("button", { type: "button", class: "link-btn", onclick: () => discardDraft(d.entry), text: T.discard_draft })) : null);
  const body = h("div", { class: "criteria" }, rubric.criteria.map((c) => criterionBlock(c)));
  const deds = rubric.deductions.length ? h("fieldset", { class: "deductions" },
    h("legend", { text: T.deductions }), rubric.deductions.map((r) => deductionBlock(r))) : null;
  const correction = d.revision > 1 ? h("label", { class: "correction" },
    h("span", { text: `${fmt(T.correction, { n: d.revision })} — ${T.correction_reason}` }),
    h("textarea", { rows: 2, maxlength: 500, id: "correction-reason", oninput: (e) => { d.reason = e.target.value; edited(d); } }, d.reason)) : null;
  d.foot = footer();
  put(formEl, head, notes, h("form", { class: "sheet", onsubmit: (e) => e.preventDefault() }, body, deds, correction), d.foot.el);
  formEl.dataset.draft = S.drafts.has(d.entry) ? "saved" : "none";
  renderFooter();
  if (d.confirm) renderConfirm();
}

function criterionBlock(c) {
  const d = open;
  const box = h("div", { class: `crit kind-${c.kind}`, id: `crit-${c.key}`, "data-criterion": c.key },
    h("div", { class: "crit-head" },
      h("span", { class: "crit-name", text: nameOf(c.name) }),
      h("span", { class: "crit-max", text: c.kind === "measurement" && c.measure ? `${c.measure.points} × ${c.measure.unit}` : `${T.of} ${F.str(most(c))}` })),
    c.help ? h("div", { class: "small", text: nameOf(c.help) }) : null);
  const sync = () => { box.classList.toggle("empty", !filled(c, d.marks[c.key])); ctl.sync(); };
  const changed = () => { derive(d, c); sync(); edited(d); };
  const ctl = control(c, d, changed, sync);
  box.append(ctl.el);
  sync();
  return box;
}

/* A criterion's control, built once: {el, sync}. `changed` after an edit, `sync` to repaint in place. */
function control(c, d, changed, sync) {
  const typing = (input, id, write) => {
    input.addEventListener("input", () => { write(input.value); derive(d, c); if (!d.problems[id]) d.shown.delete(id); changed(); });
    input.addEventListener("change", () => { d.shown.add(id); sync(); });
  };
  if (c.kind === "score") {
    const { min, max, step } = scale(c);
    const hint = `${F.str(min)}–${F.str(max)} · ${F.str(step)}`;
    const bump = (dir) => {
      const m = d.marks[c.key];
      let v = m == null ? (dir > 0 ? min : max) : dir > 0 ? F.add(m, step) : F.sub(m, step);
      v = F.cmp(v, min) < 0 ? min : F.cmp(v, max) > 0 ? max : v;
      input.value = d.texts[c.key] = F.str(v);
      d.shown.delete(c.key);
      changed();
    };
    const input = h("input", { type: "text", inputmode: "decimal", class: "value", "aria-label": nameOf(c.name),
      value: d.texts[c.key], placeholder: "—" });
    typing(input, c.key, (text) => { d.texts[c.key] = text; });
    const msg = h("span", { class: "hint", text: hint });
    return {
      el: h("div", { class: "stepper" },
        h("button", { type: "button", class: "big minus", "aria-label": fmt(T.less, { criterion: nameOf(c.name) }),
          onclick: () => bump(-1), text: "−" }),
        input,
        h("button", { type: "button", class: "big plus", "aria-label": fmt(T.more, { criterion: nameOf(c.name) }),
          onclick: () => bump(1), text: "+" }),
        msg),
      sync() {
        const problem = d.shown.has(c.key) ? d.problems[c.key] : null;
        input.classList.toggle("bad", !!problem);
        msg.classList.toggle("bad", !!problem);
        msg.textContent = problem || hint;
      },
    };
  }
  if (c.kind === "judgement" || c.kind === "check") {
    const choices = c.kind === "judgement" ? [0, 1, 2, 3] : [true, false];
    const same = (m, x) => (m == null ? false : c.kind === "judgement" ? F.cmp(m, F.frac(x)) === 0 : m === x);
    const pick = (x) => {
      if (same(d.marks[c.key], x)) delete d.marks[c.key]; else d.marks[c.key] = c.kind === "judgement" ? F.frac(x) : x;
      changed();
    };
    const levels = c.levels || [];
    const buttons = choices.map((x) => (c.kind === "judgement"
      ? h("button", { type: "button", class: "level", "aria-pressed": "false", onclick: () => pick(x) },
        h("strong", { text: String(x) }), h("span", { text: levels[x] ? nameOf(levels[x]) : fmt(T.level, { n: x }) }))
      : h("button", { type: "button", class: "big", "aria-pressed": "false", onclick: () => pick(x), text: x ? T.yes : T.no })));
    return {
      el: h("div", { class: c.kind === "judgement" ? "levels" : "toggle" }, buttons),
      sync() { buttons.forEach((b, i) => b.setAttribute("aria-pressed", same(d.marks[c.key], choices[i]) ? "true" : "false")); },
    };
  }
  const unit = c.measure ? c.measure.unit : "";
  const hint = rangeHint(c, T);
  const inputs = d.texts[c.key].map((text, i) => {
    const input = h("input", { type: "text", inputmode: "decimal", class: "value", value: text,
      "aria-label": `${nameOf(c.name)} ${fmt(T.reading, { n: i + 1 })}`, placeholder: fmt(T.reading, { n: i + 1 }) });
    typing(input, `${c.key}:${i}`, (t) => { d.texts[c.key][i] = t; });
    return input;
  });
  const msg = h("span", { class: "hint", text: hint });
  return {
    el: h("div", { class: "readings" }, inputs.map((input) => h("label", { class: "reading" }, input, h("span", { class: "unit", text: unit }))), msg),
    sync() {
      let first = "";
      inputs.forEach((input, i) => {
        const id = `${c.key}:${i}`;
        const problem = d.shown.has(id) ? d.problems[id] : null;
        input.classList.toggle("bad", !!problem);
        if (problem && !first) first = `${fmt(T.reading, { n: i + 1 })}: ${problem}`;
      });
      msg.textContent = first || hint;
      msg.classList.toggle("bad", !!first);
      msg.hidden = !msg.textContent;
    },
  };
}

function deductionBlock(rule) {
  const d = open;
  const cur = d.deductions[rule.key];
  const changed = () => { sync(); edited(d); };
  const toggle = h("button", { type: "button", class: "big toggle-ded", "aria-pressed": "false",
    onclick: () => { cur.on = !cur.on; changed(); } }, nameOf(rule.name));
  const amount = hasAmount(rule) ? h("input", { type: "number", min: 0, step: 1, inputmode: "numeric", value: cur.amount,
    oninput: (e) => { cur.amount = e.target.value; changed(); } }) : null;
  const amountBox = amount ? h("label", { class: "amount" }, amount, h("span", { text: rule.kind === "per_minute" ? T.minutes : T.count })) : null;
  const reason = h("input", { type: "text", class: "reason", maxlength: 500, placeholder: T.reason, "aria-label": T.reason,
    value: cur.reason, oninput: (e) => { cur.reason = e.target.value; edited(d); } });
  const took = h("span", { class: "took" });
  const sync = () => {
    toggle.setAttribute("aria-pressed", cur.on ? "true" : "false");
    for (const el of [amountBox, reason, took]) if (el) el.hidden = !cur.on;
    if (amount) amount.classList.toggle("bad", badAmount(rule, cur) && String(cur.amount).trim() !== "");
    const t = cur.on ? deductionAmount(rule, cur) : null;
    took.textContent = t == null ? "" : t === "dq" ? T.disqualify : `−${F.str(t)}`;
  };
  sync();
  return h("div", { class: "deduction", id: `ded-${rule.key}` }, toggle, amountBox, reason, took);
}

/* The open form's preview (preview.js) and whether it may be sent. */
export function summary() {
  const d = open;
  const rubric = d.rubric;
  const p = preview(rubric, d.marks, d.deductions);
  const empty = rubric.criteria.filter((c) => !filled(c, d.marks[c.key])).map((c) => nameOf(c.name));
  const marked = rubric.criteria.length - empty.length;
  const hasDed = Object.values(d.deductions).some((x) => x.on);
  const amountBad = rubric.deductions.some((r) => badAmount(r, d.deductions[r.key]));
  const partial = rubric.criteria.filter((c) => d.partial[c.key]).map((c) => nameOf(c.name));
  const refused = Object.keys(d.problems).length > 0;
  const needAll = rubric.aggregate_on === "total" && marked > 0;
  const ok = (marked > 0 || hasDed) && !(needAll && empty.length) && !amountBad && !refused && !partial.length
    && (d.revision === 1 || d.reason.trim() !== "");
  return { ...p, empty, ok, needAll, partial, refused };
}

/* The subtotal as shown: "disqualified", or rounded half up to the rubric's decimals, with its maximum. */
export const shownTotal = (s) => (s.dq ? T.disqualify : F.show(s.subtotal, s.decimals));
export const shownMax = (s) => (s.max ? ` ${T.of} ${F.show(s.max, s.decimals)}` : "");

/* The footer, built once with the form; renderFooter updates it in place. */
function footer() {
  const subtotal = h("strong", { id: "subtotal" });
  const of = h("span", { class: "small" });
  const empties = h("div", { class: "empties", id: "empties" });
  const fix = h("div", { class: "fix", id: "fix", role: "status" });
  const review = h("button", { type: "button", class: "big primary", id: "review",
    onclick: () => { open.confirm = true; renderConfirm(); }, text: T.review });
  const el = h("div", { class: "form-foot", id: "form-foot" },
    h("div", { class: "subtotal" }, h("span", { class: "small", text: T.subtotal }), subtotal, of),
    h("div", { class: "foot-notes" }, empties, fix), review);
  return { el, subtotal, of, empties, fix, review };
}

function renderFooter() {
  const f = open && open.foot;
  if (!f) return;
  const s = summary();
  f.subtotal.textContent = shownTotal(s);
  f.of.textContent = shownMax(s);
  f.empties.classList.toggle("done", !s.empty.length);
  put(f.empties, s.empty.length ? fmt(T.empty, { criteria: s.empty.join(T.list_sep) }) : T.all_marked,
    s.needAll && s.empty.length ? h("span", { class: "small", text: T.gap + T.required }) : null);
  const fixes = [];
  if (s.refused) fixes.push(T.fix_boxes);
  if (s.partial.length) fixes.push(fmt(T.partial_readings, { criteria: s.partial.join(T.list_sep) }));
  if (open.revision > 1 && !open.reason.trim()) fixes.push(T.reason_needed);
  f.fix.textContent = fixes.join(" ");
  f.fix.hidden = !fixes.length;
  f.review.disabled = !s.ok;
}
