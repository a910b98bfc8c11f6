/* Drafts: what the judge typed into a form and has not sent, kept across reloads.

   Words: a *draft* is a form's raw texts ({texts, picks, deductions, reason}, with the
   competition, judge and entry), kept in IndexedDB (outbox.js, the `meta` store) a moment after
   the last edit, restored when that entry's form opens again, and removed when its sheet is sent
   or discarded. Writes go one after another, so a removal is never overtaken by an older write.
   The form element's `data-draft` says "pending", "saved" or "none". */
import { S } from "./state.js";
import { COMPETITION, JUDGE, banner, formEl } from "./page.js";
import { draftKey, store } from "./outbox.js";

const DRAFT_MS = 400;
const dirty = new Set();
let timer = 0, chain = Promise.resolve();
const queue = (fn) => (chain = chain.then(fn).catch((e) => banner(String(e))));

/* The open form `d` (form.js) as a draft. */
function toDraft(d) {
  const picks = {};
  for (const c of d.rubric.criteria) {
    const m = d.marks[c.key];
    if (m == null) continue;
    if (c.kind === "judgement") picks[c.key] = Number(m.n);
    else if (c.kind === "check") picks[c.key] = m;
  }
  return { competition: COMPETITION, judge: JUDGE, entry: d.entry, texts: JSON.parse(JSON.stringify(d.texts)), picks,
    deductions: JSON.parse(JSON.stringify(d.deductions)), reason: d.reason, at: Date.now() };
}

export function keepDraft(d) {
  S.drafts.set(d.entry, toDraft(d));
  dirty.add(d.entry);
  formEl.dataset.draft = "pending";
  clearTimeout(timer);
  timer = setTimeout(saveDrafts, DRAFT_MS);
}

export function saveDrafts() {
  clearTimeout(timer);
  timer = 0;
  const entries = [...dirty];
  dirty.clear();
  return queue(async () => {
    for (const entry of entries) {
      const rec = S.drafts.get(entry);
      if (rec) await store.setMeta(draftKey(entry), rec);
    }
    if (!dirty.size && !formEl.hidden) formEl.dataset.draft = "saved";
  });
}

export const unsaved = () => dirty.size > 0;

export function dropDraft(entry) {
  S.drafts.delete(entry);
  dirty.delete(entry);
  return queue(() => store.delMeta(draftKey(entry)));
}

export async function loadDrafts() {
  for (const d of (await store.metaFrom(draftKey(""))) || []) {
    if (d && d.judge === JUDGE && d.competition === COMPETITION) S.drafts.set(d.entry, d);
  }
}

/* Save at once when the tablet is put away or the page goes. */
export function watch() {
  document.addEventListener("visibilitychange", () => { if (document.visibilityState === "hidden" && unsaved()) saveDrafts(); });
  window.addEventListener("pagehide", () => { if (unsaved()) saveDrafts(); });
}
