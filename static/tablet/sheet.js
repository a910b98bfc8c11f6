/* Sending a form: the confirmation, then the sheet into the outbox and onto the socket.

   Words: the *confirmation* lists every mark and deduction of the open form with the subtotal
   the judge is about to send. *Send* makes the form a record (state.js) with a fresh id and the
   next revision, writes it to IndexedDB (a strict-durability transaction) before it goes
   anywhere, replaces a refused record of the entry, drops the draft and pumps the outbox. */
import * as F from "./fraction.js";
import { S, findEntry } from "./state.js";
import { COMPETITION, JUDGE, T, fmt, formEl, h, nameOf } from "./page.js";
import { store, uuid } from "./outbox.js";
import { deductionAmount, filled } from "./preview.js";
import { dropDraft } from "./drafts.js";
import { closeForm, current, shownMax, shownTotal, summary } from "./form.js";
import { nudge, pump } from "./connection.js";

let madeCounter = 0;

function markText(c, m) {
  if (m == null) return "—";
  if (c.kind === "check") return m ? T.yes : T.no;
  if (c.kind === "measurement") return m.map((v) => (v == null ? "—" : v)).join(" / ") + ` ${c.measure ? c.measure.unit : ""}`;
  if (c.kind === "judgement") { const lv = (c.levels || [])[Number(m.n)]; return `${F.str(m)}${lv ? ` · ${nameOf(lv)}` : ""}`; }
  return F.str(m);
}

export function renderConfirm() {
  const d = current();
  const [ev, en] = findEntry(d.entry);
  const s = summary();
  const rows = d.rubric.criteria.map((c) => h("tr", {}, h("th", { text: nameOf(c.name) }), h("td", { class: "num", text: markText(c, d.marks[c.key]) })));
  for (const r of d.rubric.deductions) {
    const cur = d.deductions[r.key];
    if (!cur || !cur.on) continue;
    const took = deductionAmount(r, cur);
    rows.push(h("tr", { class: "ded" }, h("th", { text: fmt(T.labelled, { label: T.deductions,
      value: cur.reason ? fmt(T.with_reason, { text: nameOf(r.name), reason: cur.reason }) : nameOf(r.name) }) }),
      h("td", { class: "num", text: took === "dq" ? T.disqualify : `−${F.str(took)}` })));
  }
  const dialog = h("div", { class: "confirm", role: "dialog", "aria-modal": "true", id: "confirm" },
    h("div", { class: "confirm-box" },
      h("h2", { text: T.confirm_title }),
      h("p", { class: "code-line" }, h("span", { class: "code", text: en.code || en.key }), ` ${nameOf(ev.name)} · ${fmt(T.revision, { n: d.revision })}`),
      h("table", {}, h("tbody", {}, rows)),
      h("p", { class: "subtotal" }, `${T.subtotal} `, h("strong", { text: shownTotal(s) }), shownMax(s)),
      d.revision > 1 ? h("p", { class: "small", text: fmt(T.labelled, { label: T.reason, value: d.reason }) }) : null,
      h("div", { class: "confirm-actions" },
        h("button", { type: "button", class: "big", onclick: () => { d.confirm = false; document.getElementById("confirm").remove(); }, text: T.edit }),
        h("button", { type: "button", class: "big primary", id: "send", onclick: send, text: T.send }))));
  const old = document.getElementById("confirm");
  if (old) old.remove();
  formEl.append(dialog);
}

async function send() {
  const d = current();
  if (!d || d.sending || !summary().ok) return; // a second tap while the first is being kept does nothing
  d.sending = true;
  try {
    const marks = {};
    for (const c of d.rubric.criteria) {
      const m = d.marks[c.key];
      if (!filled(c, m)) continue;
      marks[c.key] = c.kind === "check" ? m : c.kind === "judgement" ? Number(m.n) : c.kind === "measurement" ? [...m] : F.str(m);
    }
    const deductions = [];
    for (const r of d.rubric.deductions) {
      const cur = d.deductions[r.key];
      if (!cur || !cur.on) continue;
      const item = { key: r.key, reason: cur.reason.trim() };
      if (r.kind === "per_minute") item.minutes = parseInt(cur.amount, 10);
      if (r.kind === "per_occurrence") item.count = parseInt(cur.amount, 10);
      deductions.push(item);
    }
    const rec = {
      id: uuid(), entry: d.entry, revision: d.revision, marks, deductions, reason: d.revision > 1 ? d.reason.trim() : "",
      judge: JUDGE, competition: COMPETITION, event: d.event, made: Date.now() * 1000 + (madeCounter++ % 1000),
      status: "waiting",
    };
    await store.put(rec); // durable in the tablet before it goes anywhere
    S.records.set(rec.id, rec);
    if (d.replaces) { await store.del(d.replaces); S.records.delete(d.replaces); }
    await dropDraft(d.entry); // the sheet holds the marks now
    closeForm();
  } finally {
    d.sending = false;
  }
  pump();
  nudge();
}

export async function discard(id) {
  if (!window.confirm(T.discard_confirm)) return;
  const r = S.records.get(id);
  await store.del(id);
  S.records.delete(id);
  if (r) await dropDraft(r.entry);
  closeForm();
  nudge();
}
