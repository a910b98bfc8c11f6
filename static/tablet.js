/* The judge's tablet: entries, rubric forms and the outbox (docs/protocol.md, version 1).

   Words: a *record* is a sheet as the tablet keeps it in IndexedDB, with its status:
   "waiting" (in the outbox, not yet acknowledged), "error" (refused: shown at the entry, its
   marks kept for the judge to fix) or "acked" (stored by the server, with its seq). Every sheet
   is written to IndexedDB (a strict-durability transaction) before it is sent; an ack marks it
   acked; after a reconnect the waiting ones are resent in the order they were made, with their
   ids. A sheet answered `server_error` (the server failed, not the sheet) stays waiting and goes
   again after 1, 2 and 4 s; only then is it shown as an error. The last hello is kept too, so a
   reload without a network still shows the entries, and so is a *draft* of every form the judge
   has typed into (see "the form"). Every text comes from the page (#tablet-strings, translated
   on the server). */
(() => {
  "use strict";

  const T = JSON.parse(document.getElementById("tablet-strings").textContent);
  const app = document.getElementById("app");
  const listEl = document.getElementById("list");
  const formEl = document.getElementById("form");
  const JUDGE = app.dataset.judge;
  const COMPETITION = app.dataset.competition;
  const LANG = document.documentElement.lang.startsWith("zh") ? "zh" : "en";
  const MAX_INFLIGHT = 4;
  const SERVER_RETRIES = 3, RETRY_MS = 1000; // a sheet answered `server_error` goes again after 1, 2, 4 s, then shows the error
  const NUDGE_MS = 2000; // the soonest a ping follows the last one when the outbox changed

  const fmt = (s, p) => s.replace(/\{(\w+)\}/g, (_, k) => (p[k] ?? ""));
  const nameOf = (t) => (t == null ? "" : typeof t === "string" ? t : t[LANG] || t.zh || t.en || "");
  const h = (tag, attrs = {}, ...kids) => {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (v == null || v === false) continue;
      if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
      else if (k === "text") el.textContent = v;
      else el.setAttribute(k, v === true ? "" : v);
    }
    for (const kid of kids.flat()) if (kid != null && kid !== false) el.append(kid);
    return el;
  };
  const put = (el, ...kids) => el.replaceChildren(...kids.flat().filter((k) => k != null && k !== false));

  /* ---- exact numbers: fractions {n, d} ---- */
  const gcd = (a, b) => { a = Math.abs(a); b = Math.abs(b); while (b) [a, b] = [b, a % b]; return a || 1; };
  const frac = (n, d = 1) => { if (d < 0) { n = -n; d = -d; } const g = gcd(n, d); return { n: n / g, d: d / g }; };
  const F = {
    parse(s) {
      if (s == null) return null;
      s = String(s).trim();
      if (s.includes("/")) { const [a, b] = s.split("/").map(Number); return Number.isInteger(a) && Number.isInteger(b) && b ? frac(a, b) : null; }
      const m = /^([-+]?)(\d*)(?:[.,](\d*))?$/.exec(s);
      if (!m || (m[2] === "" && !m[3])) return null;
      const dec = m[3] || "";
      return frac((m[1] === "-" ? -1 : 1) * parseInt((m[2] || "0") + dec, 10), 10 ** dec.length);
    },
    add: (a, b) => frac(a.n * b.d + b.n * a.d, a.d * b.d),
    sub: (a, b) => frac(a.n * b.d - b.n * a.d, a.d * b.d),
    mul: (a, b) => frac(a.n * b.n, a.d * b.d),
    div: (a, b) => frac(a.n * b.d, a.d * b.n),
    cmp: (a, b) => a.n * b.d - b.n * a.d,
    str(f) {
      let d = f.d, k = 0;
      while (d % 2 === 0 || d % 5 === 0) { d /= d % 2 === 0 ? 2 : 5; k++; }
      if (d !== 1) return `${f.n}/${f.d}`;
      const scaled = Math.abs(f.n) * 10 ** k / f.d;
      let s = String(scaled).padStart(k + 1, "0");
      if (k) s = (s.slice(0, -k) + "." + s.slice(-k)).replace(/\.?0+$/, "");
      return (f.n < 0 ? "-" : "") + s;
    },
    show: (f, decimals = 2) => String(Number((f.n / f.d).toFixed(decimals))),
  };
  const ZERO = frac(0), ONE = frac(1), THREE = frac(3);

  /* ---- storage: IndexedDB, strict durability ---- */
  let db = null;
  const openDb = () => new Promise((resolve, reject) => {
    const r = indexedDB.open("scoreboard-tablet", 1);
    r.onupgradeneeded = () => { r.result.createObjectStore("sheets", { keyPath: "id" }); r.result.createObjectStore("meta"); };
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
  const tx = (store, mode, fn) => new Promise((resolve, reject) => {
    const t = db.transaction(store, mode, { durability: "strict" });
    let out;
    const req = fn(t.objectStore(store));
    if (req) req.onsuccess = () => { out = req.result; };
    t.oncomplete = () => resolve(out);
    t.onerror = t.onabort = () => reject(t.error);
  });
  const store = {
    put: (rec) => tx("sheets", "readwrite", (s) => s.put(rec)),
    all: () => tx("sheets", "readonly", (s) => s.getAll()),
    del: (id) => tx("sheets", "readwrite", (s) => s.delete(id)),
    meta: (k) => tx("meta", "readonly", (s) => s.get(k)),
    setMeta: (k, v) => tx("meta", "readwrite", (s) => s.put(v, k)),
    delMeta: (k) => tx("meta", "readwrite", (s) => s.delete(k)),
    metaFrom: (prefix) => tx("meta", "readonly", (s) => s.getAll(IDBKeyRange.bound(prefix, `${prefix}\uffff`))),
  };
  const metaKey = (what) => `${what}:${COMPETITION}:${JUDGE}`;

  const uuid = () => {
    if (crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    const x = [...b].map((v) => v.toString(16).padStart(2, "0")).join("");
    return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
  };

  /* ---- state ---- */
  const S = {
    hello: null, records: new Map(), stored: {}, rescore: {}, inflight: new Set(),
    ws: null, ready: false, attempt: 0, retryAt: 0, retryTimer: 0, pingTimer: 0, pumpTimer: 0,
    nudgeTimer: 0, lastPing: 0, nextSend: 0, lastHeard: 0, signedOut: false, madeCounter: 0, open: null,
    drafts: new Map(), draftsDirty: new Set(), draftTimer: 0, draftChain: Promise.resolve(),
  };
  const mine = (r) => r.judge === JUDGE && r.competition === COMPETITION;
  const events = () => (S.hello ? S.hello.events : []);
  const findEntry = (key) => {
    for (const ev of events()) for (const en of ev.entries) if (en.key === key) return [ev, en];
    return [null, null];
  };
  const recordsOf = (entry) => [...S.records.values()].filter((r) => r.entry === entry).sort((a, b) => a.made - b.made);
  const waiting = () => [...S.records.values()].filter((r) => r.status === "waiting").sort((a, b) => a.made - b.made);

  function entryState(ev, en) {
    const recs = recordsOf(en.key);
    const stored = S.stored[en.key];
    const last = recs[recs.length - 1];
    if (last && last.status === "error") return { key: "error", text: T.state_error, detail: last.error.message, rec: last };
    const pending = recs.filter((r) => r.status === "waiting");
    if (pending.length) {
      const sent = pending.some((r) => S.inflight.has(r.id));
      const retrying = pending.some((r) => r.retries);
      return { key: sent ? "sent" : "waiting", text: sent ? T.state_sent : T.state_waiting, detail: retrying ? T.server_retry : null };
    }
    if (en.locked) return { key: "locked", text: T.state_locked };
    const asked = S.rescore[en.key];
    if (asked && (!stored || stored.revision <= asked.after)) return { key: "rescore", text: T.state_rescore, detail: asked.reason };
    if (stored) return { key: "received", text: fmt(T.state_received, { seq: stored.seq }), revision: stored.revision };
    if (ev.state !== "open") return { key: "closed", text: T.event_closed };
    return { key: "todo", text: T.state_todo };
  }

  function nextRevision(entry) {
    let rev = S.stored[entry] ? S.stored[entry].revision : 0;
    for (const r of recordsOf(entry)) if (r.status !== "error") rev = Math.max(rev, r.revision);
    return rev + 1;
  }

  function noteStored(entry, revision, seq) {
    const cur = S.stored[entry];
    if (!cur || revision >= cur.revision) S.stored[entry] = { revision, seq };
  }

  /* ---- status bar ---- */
  function renderStatus() {
    const net = document.getElementById("net");
    const text = document.getElementById("net-text");
    let state = "offline", label = T.offline;
    if (S.ready) { state = "online"; label = T.online; }
    else if (S.ws) { state = "connecting"; label = T.connecting; }
    else if (S.retryAt > Date.now()) label = `${T.offline} · ${fmt(T.retry_in, { s: Math.ceil((S.retryAt - Date.now()) / 1000) })}`;
    net.dataset.state = state;
    text.textContent = label;
    const n = waiting().length;
    const q = document.getElementById("queue");
    q.dataset.count = String(n);
    q.textContent = n ? fmt(T.waiting_n, { n }) : T.waiting_none;
    const who = document.getElementById("competition-name");
    if (S.hello) who.textContent = nameOf(S.hello.competition.name);
  }
  setInterval(renderStatus, 1000);

  function banner(text) {
    const b = document.getElementById("banner");
    b.textContent = text || "";
    b.hidden = !text;
  }

  /* ---- the list of events and entries ---- */
  function renderList() {
    renderStatus();
    listEl.replaceChildren();
    if (!S.hello) return;
    if (!events().length) { listEl.append(h("p", { class: "notice", text: T.no_events })); return; }
    for (const ev of events()) {
      const head = h("h2", {}, nameOf(ev.name),
        ev.role === "chief" ? h("span", { class: "badge chief", text: T.chief }) : null,
        ev.state !== "open" ? h("span", { class: "badge closed", text: T.event_closed }) : null);
      const grid = h("div", { class: "tiles" });
      for (const en of ev.entries) grid.append(tile(ev, en));
      listEl.append(h("section", { class: "event", id: `event-${ev.key}` }, head, grid));
    }
  }

  function tile(ev, en) {
    const st = entryState(ev, en);
    const label = en.code || en.key;
    return h("button", { type: "button", class: `tile state-${st.key}`, id: `entry-${en.key}`, "data-entry": en.key,
      "data-state": st.key, onclick: () => openForm(en.key) },
      h("span", { class: "code", text: label }),
      !ev.blind && en.title ? h("span", { class: "title", text: en.title }) : null,
      h("span", { class: "status", text: st.text }),
      st.detail ? h("span", { class: "detail", text: st.detail }) : null,
      S.drafts.has(en.key) ? h("span", { class: "draft", text: T.draft_kept }) : null);
  }

  function refreshTile(entry) {
    const [ev, en] = findEntry(entry);
    const old = document.getElementById(`entry-${entry}`);
    if (ev && old) old.replaceWith(tile(ev, en));
    renderStatus();
  }

  /* ---- what a judge types into a box ----
     A number typed into a box must be a plain decimal, as the server takes it: at most 32
     characters, 12 digits before the point and 12 after, no exponent ("1e5" is not a number); a
     comma is read as the point. `typed` gives its canonical text, made from the digits themselves
     (no floating point: a reading is sent exactly as typed), or the message saying what is wrong.
     `exact` reads a canonical decimal or "p/q" as a fraction of BigInts, for exact comparisons. */
  const MAX_CHARS = 32, MAX_DIGITS = 12;
  const quoted = (s) => (s.length > 16 ? `${s.slice(0, 15)}…` : s);
  function typed(raw) {
    const s = String(raw).trim();
    const m = s.length > 200 ? null : /^([-+]?)(\d*)(?:[.,](\d*))?$/.exec(s);
    if (!m || (m[2] === "" && !m[3])) return { problem: fmt(T.not_a_number, { value: quoted(s) }) };
    const int = m[2].replace(/^0+/, ""), dec = (m[3] || "").replace(/0+$/, "");
    if (s.length > MAX_CHARS || int.length > MAX_DIGITS || dec.length > MAX_DIGITS) {
      return { problem: fmt(T.too_many_digits, { value: quoted(s) }) };
    }
    return { text: `${m[1] === "-" && (int || dec) ? "-" : ""}${int || "0"}${dec ? `.${dec}` : ""}` };
  }
  function exact(text) {
    try {
      const s = String(text).trim();
      if (s.includes("/")) { const [p, q] = s.split("/"); const d = BigInt(q); return d > 0n ? { n: BigInt(p), d } : null; }
      const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(s);
      return m ? { n: BigInt(`${m[1]}${m[2]}${m[3] || ""}`), d: 10n ** BigInt((m[3] || "").length) } : null;
    } catch (_) { return null; }
  }
  const exactCmp = (a, b) => { const x = a.n * b.d, y = b.n * a.d; return x < y ? -1 : x > y ? 1 : 0; };

  /* A measurement's plausible readings (the hello's `measure.min` and `measure.max`; absent or
     null is unbounded), as fractions and as the texts to show. */
  function range(c) {
    const m = c.measure || {};
    const min = m.min == null ? null : exact(m.min), max = m.max == null ? null : exact(m.max);
    return { min, max, minText: min ? String(m.min) : "", maxText: max ? String(m.max) : "" };
  }
  function rangeHint(c) {
    const r = range(c), unit = c.measure ? c.measure.unit : "";
    if (r.min && r.max) return fmt(T.range, { min: r.minText, max: r.maxText, unit });
    if (r.min) return fmt(T.range_min, { min: r.minText, unit });
    if (r.max) return fmt(T.range_max, { max: r.maxText, unit });
    return "";
  }

  /* A box's text → {value} (null when empty) or {problem}: a score is a fraction in range and on
     its step; a reading is a canonical decimal string inside the plausible range. */
  function readScore(c, text) {
    if (String(text).trim() === "") return { value: null };
    const t = typed(text);
    if (t.problem) return { value: null, problem: t.problem };
    const min = F.parse(c.min) || ZERO, max = F.parse(c.max), step = F.parse(c.step) || ONE;
    const v = F.parse(t.text);
    if (F.cmp(v, min) < 0 || F.cmp(v, max) > 0) {
      return { value: null, problem: fmt(T.out_of_range, { value: t.text, min: F.str(min), max: F.str(max) }) };
    }
    if (c.step && F.div(F.sub(v, min), step).d !== 1) return { value: null, problem: fmt(T.off_step, { value: t.text, step: F.str(step) }) };
    return { value: v };
  }
  function readReading(c, text) {
    if (String(text).trim() === "") return { value: null };
    const t = typed(text);
    if (t.problem) return { value: null, problem: t.problem };
    const r = range(c), v = exact(t.text);
    const low = r.min && exactCmp(v, r.min) < 0, high = r.max && exactCmp(v, r.max) > 0;
    if (!low && !high) return { value: t.text };
    if (r.min && r.max) return { value: null, problem: fmt(T.out_of_range, { value: t.text, min: r.minText, max: r.maxText }) };
    return { value: null, problem: low ? fmt(T.below_min, { value: t.text, min: r.minText }) : fmt(T.above_max, { value: t.text, max: r.maxText }) };
  }

  /* ---- the form ----
     Words: the *form* (S.open) holds what the judge has entered: `texts`, the raw text of every
     box (a score's box, a measurement's reading boxes), `marks` read from them (and the levels and
     yes/no picked), `problems` of boxes whose text is refused (by box id: "taste", "gap:2"),
     `deductions` ({on, amount, reason}, raw texts) and the correction's `reason`. The form is
     built once when it opens; while the judge edits, no control is ever replaced: each edit
     updates the form and then the controls in place (value, aria-pressed, classes, hints).
     A box's text is recorded as it is typed (`input`); its problem shows once the box is left
     (`change`) and goes as soon as the text is right. A *draft* is the form's raw texts, kept in
     IndexedDB (`meta` store, per competition, judge and entry) as the judge types, restored when
     that entry's form opens again, and removed when its sheet is sent or discarded. */
  function criterionPoints(c, value) {
    const max = F.parse(c.max), weight = F.parse(c.weight) || ONE;
    if (value == null) return null;
    if (c.kind === "score") return F.mul(value, weight);
    if (c.kind === "judgement") return F.mul(F.div(F.mul(value, max), THREE), weight);
    if (c.kind === "check") return value ? F.mul(max, weight) : ZERO;
    return null;
  }

  function deductionAmount(rule, d) {
    const value = F.parse(rule.value) || ZERO;
    const amount = F.parse(d.amount) || ZERO;
    if (rule.kind === "per_minute") {
      if (rule.dq_after != null && F.cmp(amount, F.parse(rule.dq_after)) > 0) return "dq";
      const over = F.sub(amount, F.parse(rule.grace) || ZERO);
      return F.cmp(over, ZERO) > 0 ? F.mul(over, value) : ZERO;
    }
    if (rule.kind === "per_occurrence") {
      const total = F.mul(amount, value);
      return rule.cap != null && F.cmp(total, F.parse(rule.cap)) > 0 ? F.parse(rule.cap) : total;
    }
    if (rule.kind === "fixed") return value;
    return "dq";
  }
  const hasAmount = (rule) => rule.kind === "per_minute" || rule.kind === "per_occurrence";
  const badAmount = (rule, cur) => !!(cur && cur.on && hasAmount(rule) && !/^\d+$/.test(String(cur.amount).trim()));

  const pointsOf = (c) => (c.measure ? c.measure.points : 1);

  function filled(c, m) {
    if (m == null) return false;
    if (c.kind === "measurement") return m.length === pointsOf(c) && m.every((v) => v != null);
    return true;
  }

  /* Read a criterion's boxes into the form's mark and problems (levels and yes/no are set directly). */
  function derive(d, c) {
    if (c.kind === "score") {
      const r = readScore(c, d.texts[c.key]);
      if (r.value == null) delete d.marks[c.key]; else d.marks[c.key] = r.value;
      if (r.problem) d.problems[c.key] = r.problem; else delete d.problems[c.key];
    } else if (c.kind === "measurement") {
      const read = d.texts[c.key].map((t, i) => {
        const r = readReading(c, t);
        if (r.problem) d.problems[`${c.key}:${i}`] = r.problem; else delete d.problems[`${c.key}:${i}`];
        return r;
      });
      const given = read.filter((r) => r.value != null).length;
      if (given === read.length) d.marks[c.key] = read.map((r) => r.value); else delete d.marks[c.key];
      d.partial[c.key] = given > 0 && given < read.length && !read.some((r) => r.problem);
    }
  }

  /* The form's texts as a draft or from a sheet of the outbox: {texts, picks, deductions, reason}. */
  function fromRecord(rubric, rec) {
    const out = { texts: {}, picks: {}, deductions: {}, reason: rec.reason || "" };
    for (const c of rubric.criteria) {
      const v = rec.marks[c.key];
      if (v == null) continue;
      if (c.kind === "score") out.texts[c.key] = String(v);
      else if (c.kind === "measurement") out.texts[c.key] = [].concat(v).map(String);
      else out.picks[c.key] = v;
    }
    for (const x of rec.deductions) out.deductions[x.key] = { on: true, amount: String(x.minutes ?? x.count ?? ""), reason: x.reason || "" };
    return out;
  }

  function toDraft(d) {
    const picks = {};
    for (const c of d.rubric.criteria) {
      const m = d.marks[c.key];
      if (m == null) continue;
      if (c.kind === "judgement") picks[c.key] = m.n;
      else if (c.kind === "check") picks[c.key] = m;
    }
    return { competition: COMPETITION, judge: JUDGE, entry: d.entry, texts: JSON.parse(JSON.stringify(d.texts)), picks,
      deductions: JSON.parse(JSON.stringify(d.deductions)), reason: d.reason, at: Date.now() };
  }

  /* ---- drafts in IndexedDB: written a moment after the last edit, in order, never after removal ---- */
  const DRAFT_MS = 400;
  const draftKey = (entry) => `draft:${COMPETITION}:${JUDGE}:${entry}`;
  const queueDraft = (fn) => (S.draftChain = S.draftChain.then(fn).catch((e) => banner(String(e))));

  function edited(d) {
    S.drafts.set(d.entry, toDraft(d));
    S.draftsDirty.add(d.entry);
    formEl.dataset.draft = "pending";
    clearTimeout(S.draftTimer);
    S.draftTimer = setTimeout(saveDrafts, DRAFT_MS);
    renderFooter();
  }

  function saveDrafts() {
    clearTimeout(S.draftTimer);
    S.draftTimer = 0;
    const entries = [...S.draftsDirty];
    S.draftsDirty.clear();
    return queueDraft(async () => {
      for (const entry of entries) {
        const rec = S.drafts.get(entry);
        if (rec) await store.setMeta(draftKey(entry), rec);
      }
      if (!S.draftsDirty.size && S.open) formEl.dataset.draft = "saved";
    });
  }

  function dropDraft(entry) {
    S.drafts.delete(entry);
    S.draftsDirty.delete(entry);
    return queueDraft(() => store.delMeta(draftKey(entry)));
  }

  document.addEventListener("visibilitychange", () => { if (document.visibilityState === "hidden" && S.draftsDirty.size) saveDrafts(); });
  window.addEventListener("pagehide", () => { if (S.draftsDirty.size) saveDrafts(); });

  function openForm(entry) {
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
    const from = saved || (last ? fromRecord(rubric, last) : null);
    for (const c of rubric.criteria) {
      const text = from ? from.texts[c.key] : null;
      const pick = from ? from.picks[c.key] : null;
      if (c.kind === "score") d.texts[c.key] = text == null ? "" : String(text);
      else if (c.kind === "measurement") d.texts[c.key] = Array.from({ length: pointsOf(c) }, (_, i) => (text && text[i] != null ? String(text[i]) : ""));
      else if (c.kind === "judgement" && Number.isInteger(pick)) d.marks[c.key] = frac(pick);
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
    S.open = d;
    renderForm();
  }

  function closeForm() {
    if (S.draftsDirty.size) saveDrafts();
    S.open = null;
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
    const d = S.open;
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
    const d = S.open;
    const box = h("div", { class: `crit kind-${c.kind}`, id: `crit-${c.key}`, "data-criterion": c.key },
      h("div", { class: "crit-head" },
        h("span", { class: "crit-name", text: nameOf(c.name) }),
        h("span", { class: "crit-max", text: c.kind === "measurement" && c.measure ? `${c.measure.points} × ${c.measure.unit}` : `${T.of} ${F.str(F.mul(F.parse(c.max), F.parse(c.weight) || ONE))}` })),
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
      const min = F.parse(c.min) || ZERO, max = F.parse(c.max), step = F.parse(c.step) || ONE;
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
          h("button", { type: "button", class: "big minus", "aria-label": "−", onclick: () => bump(-1), text: "−" }),
          input,
          h("button", { type: "button", class: "big plus", "aria-label": "+", onclick: () => bump(1), text: "+" }),
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
      const same = (m, x) => (m == null ? false : c.kind === "judgement" ? F.cmp(m, frac(x)) === 0 : m === x);
      const pick = (x) => {
        if (same(d.marks[c.key], x)) delete d.marks[c.key]; else d.marks[c.key] = c.kind === "judgement" ? frac(x) : x;
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
    const hint = rangeHint(c);
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
    const d = S.open;
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

  function summary() {
    const d = S.open;
    const rubric = d.rubric;
    let total = ZERO, max = ZERO, measured = false;
    const empty = [];
    for (const c of rubric.criteria) {
      const m = d.marks[c.key];
      if (!filled(c, m)) empty.push(nameOf(c.name));
      if (c.kind === "measurement") { measured = true; continue; }
      max = F.add(max, F.mul(F.parse(c.max), F.parse(c.weight) || ONE));
      const p = filled(c, m) ? criterionPoints(c, m) : null;
      if (p) total = F.add(total, p);
    }
    let dq = false;
    for (const r of rubric.deductions) {
      const cur = d.deductions[r.key];
      if (!cur || !cur.on) continue;
      const took = deductionAmount(r, cur);
      if (took === "dq") dq = true; else total = F.sub(total, took);
    }
    const marked = rubric.criteria.length - empty.length;
    const hasDed = Object.values(d.deductions).some((x) => x.on);
    const amountBad = rubric.deductions.some((r) => badAmount(r, d.deductions[r.key]));
    const partial = rubric.criteria.filter((c) => d.partial[c.key]).map((c) => nameOf(c.name));
    const refused = Object.keys(d.problems).length > 0;
    const needAll = rubric.aggregate_on === "total" && marked > 0;
    const ok = (marked > 0 || hasDed) && !(needAll && empty.length) && !amountBad && !refused && !partial.length
      && (d.revision === 1 || d.reason.trim() !== "");
    const parts = rubric.criteria.some((c) => c.part);
    return { total, max: measured || parts ? null : max, measured, empty, dq, ok, needAll, partial, refused,
      decimals: rubric.decimals ?? 2 };
  }

  /* The footer, built once with the form; renderFooter updates it in place. */
  function footer() {
    const subtotal = h("strong", { id: "subtotal" });
    const of = h("span", { class: "small" });
    const empties = h("div", { class: "empties", id: "empties" });
    const fix = h("div", { class: "fix", id: "fix", role: "status" });
    const review = h("button", { type: "button", class: "big primary", id: "review",
      onclick: () => { S.open.confirm = true; renderConfirm(); }, text: T.review });
    const el = h("div", { class: "form-foot", id: "form-foot" },
      h("div", { class: "subtotal" }, h("span", { class: "small", text: T.subtotal }), subtotal, of),
      h("div", { class: "foot-notes" }, empties, fix), review);
    return { el, subtotal, of, empties, fix, review };
  }

  function renderFooter() {
    const f = S.open && S.open.foot;
    if (!f) return;
    const s = summary();
    f.subtotal.textContent = s.dq ? T.disqualify : F.show(s.total, s.decimals);
    f.of.textContent = `${s.max ? ` ${T.of} ${F.show(s.max, s.decimals)}` : ""}${s.measured ? ` · ${T.measured_by_server}` : ""}`;
    f.empties.classList.toggle("done", !s.empty.length);
    put(f.empties, s.empty.length ? `${T.empty}: ${s.empty.join("、")}` : T.all_marked,
      s.needAll && s.empty.length ? h("span", { class: "small", text: ` (${T.required})` }) : null);
    const fixes = [];
    if (s.refused) fixes.push(T.fix_boxes);
    if (s.partial.length) fixes.push(fmt(T.partial_readings, { criteria: s.partial.join("、") }));
    f.fix.textContent = fixes.join(" ");
    f.fix.hidden = !fixes.length;
    f.review.disabled = !s.ok;
  }

  function markText(c, m) {
    if (m == null) return "—";
    if (c.kind === "check") return m ? T.yes : T.no;
    if (c.kind === "measurement") return m.map((v) => (v == null ? "—" : v)).join(" / ") + ` ${c.measure ? c.measure.unit : ""}`;
    if (c.kind === "judgement") { const lv = (c.levels || [])[m.n]; return `${F.str(m)}${lv ? ` · ${nameOf(lv)}` : ""}`; }
    return F.str(m);
  }

  function renderConfirm() {
    const d = S.open;
    const [ev, en] = findEntry(d.entry);
    const s = summary();
    const rows = d.rubric.criteria.map((c) => h("tr", {}, h("th", { text: nameOf(c.name) }), h("td", { class: "num", text: markText(c, d.marks[c.key]) })));
    for (const r of d.rubric.deductions) {
      const cur = d.deductions[r.key];
      if (!cur || !cur.on) continue;
      const took = deductionAmount(r, cur);
      rows.push(h("tr", { class: "ded" }, h("th", { text: `${T.deductions}: ${nameOf(r.name)}${cur.reason ? ` (${cur.reason})` : ""}` }),
        h("td", { class: "num", text: took === "dq" ? T.disqualify : `−${F.str(took)}` })));
    }
    const dialog = h("div", { class: "confirm", role: "dialog", "aria-modal": "true", id: "confirm" },
      h("div", { class: "confirm-box" },
        h("h2", { text: T.confirm_title }),
        h("p", { class: "code-line" }, h("span", { class: "code", text: en.code || en.key }), ` ${nameOf(ev.name)} · ${fmt(T.revision, { n: d.revision })}`),
        h("table", {}, h("tbody", {}, rows)),
        h("p", { class: "subtotal" }, `${T.subtotal} `, h("strong", { text: s.dq ? T.disqualify : F.show(s.total, s.decimals) }), s.max ? ` ${T.of} ${F.show(s.max, s.decimals)}` : ""),
        d.revision > 1 ? h("p", { class: "small", text: `${T.reason}: ${d.reason}` }) : null,
        h("div", { class: "confirm-actions" },
          h("button", { type: "button", class: "big", onclick: () => { d.confirm = false; document.getElementById("confirm").remove(); }, text: T.edit }),
          h("button", { type: "button", class: "big primary", id: "send", onclick: send, text: T.send }))));
    const old = document.getElementById("confirm");
    if (old) old.remove();
    formEl.append(dialog);
  }

  async function send() {
    const d = S.open;
    if (!d || !summary().ok) return;
    const marks = {};
    for (const c of d.rubric.criteria) {
      const m = d.marks[c.key];
      if (!filled(c, m)) continue;
      marks[c.key] = c.kind === "check" ? m : c.kind === "judgement" ? m.n : c.kind === "measurement" ? [...m] : F.str(m);
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
      judge: JUDGE, competition: COMPETITION, event: d.event, made: Date.now() * 1000 + (S.madeCounter++ % 1000),
      status: "waiting",
    };
    await store.put(rec); // durable in the tablet before it goes anywhere
    S.records.set(rec.id, rec);
    if (d.replaces) { await store.del(d.replaces); S.records.delete(d.replaces); }
    await dropDraft(d.entry); // the sheet holds the marks now
    closeForm();
    pump();
    nudge();
  }

  async function discard(id) {
    if (!window.confirm(T.discard_confirm)) return;
    const r = S.records.get(id);
    await store.del(id);
    S.records.delete(id);
    if (r) await dropDraft(r.entry);
    closeForm();
    nudge();
  }

  /* ---- the connection ---- */
  function connect() {
    clearTimeout(S.retryTimer);
    if (S.ws || S.signedOut) return;
    S.retryAt = 0;
    const ws = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}${app.dataset.ws}`);
    S.ws = ws;
    ws.onmessage = (e) => { if (S.ws === ws) onFrame(e.data); };
    ws.onclose = (e) => { if (S.ws === ws) dropped(e.code); };
    renderStatus();
  }

  function dropped(code) {
    const ws = S.ws;
    if (ws) { ws.onmessage = ws.onclose = null; try { ws.close(); } catch (_) { /* already closed */ } }
    S.ws = null; S.ready = false;
    S.inflight.clear();
    clearInterval(S.pingTimer); clearTimeout(S.pumpTimer); clearTimeout(S.nudgeTimer); S.nudgeTimer = 0;
    if (code === 4401) { S.signedOut = true; banner(T.signed_out); refresh(); return; }
    // the card was opened on more devices than it may be: this one gave way, and stays quiet
    // (reconnecting would close another device's socket in turn); a reload takes the card back
    if (code === 4409) { S.signedOut = true; banner(T.elsewhere); refresh(); return; }
    const base = Math.min(30000, 1000 * 2 ** S.attempt);
    const delay = Math.round(base / 2 + Math.random() * base / 2); // exponential backoff, equal jitter
    S.attempt = Math.min(S.attempt + 1, 10);
    S.retryAt = Date.now() + delay;
    S.retryTimer = setTimeout(connect, delay);
    refresh();
  }

  function sendFrame(obj) {
    if (S.ws && S.ws.readyState === WebSocket.OPEN) { S.ws.send(JSON.stringify({ v: 1, ...obj })); return true; }
    return false;
  }

  async function onFrame(data) {
    let m;
    try { m = JSON.parse(data); } catch (_) { return; }
    S.lastHeard = Date.now();
    if (m.type === "hello") await onHello(m);
    else if (m.type === "ack") await onAck(m);
    else if (m.type === "error") await onError(m);
    else if (m.type === "entry_locked") { const [, en] = findEntry(m.entry); if (en) { en.locked = m.locked; refreshTile(m.entry); } }
    else if (m.type === "rescore") {
      S.rescore[m.entry] = { reason: m.reason || "", after: S.stored[m.entry] ? S.stored[m.entry].revision : 0 };
      await store.setMeta(metaKey("rescore"), S.rescore);
      refreshTile(m.entry);
    } else if (m.type === "event_closed") {
      const ev = events().find((e) => e.key === m.event);
      if (ev) { ev.state = m.state; renderList(); }
    } else if (m.type === "assignments_changed") { dropped(1000); S.attempt = 0; connect(); }
    else if (m.type === "revoked") { S.signedOut = true; banner(T.signed_out); }
  }

  async function onHello(m) {
    S.hello = m;
    S.ready = true;
    S.attempt = 0;
    S.stored = {};
    const byId = new Map();
    for (const sh of m.sheets || []) { noteStored(sh.entry, sh.revision, sh.seq); byId.set(sh.id, sh); }
    for (const r of S.records.values()) {
      const sh = byId.get(r.id);
      if (sh && r.status !== "acked") { r.status = "acked"; r.seq = sh.seq; await store.put(r); }
    }
    await store.setMeta(metaKey("hello"), m);
    const limits = m.limits || {};
    const every = (limits.ping_seconds || 10) * 1000;
    clearInterval(S.pingTimer);
    S.pingTimer = setInterval(() => {
      if (Date.now() - S.lastHeard > every * 3) { dropped(4408); return; } // three pings unanswered
      ping();
    }, every);
    nudge();
    banner("");
    refresh();
    pump();
  }

  /* A ping carries the outbox size (sheets not yet acknowledged), so the console can show it. */
  function ping() {
    if (sendFrame({ type: "ping", t: Date.now(), waiting: waiting().length })) S.lastPing = Date.now();
  }

  /* Ping soon after the outbox changed, at most once every NUDGE_MS, to keep the console's count fresh. */
  function nudge() {
    if (S.nudgeTimer || !S.ready) return;
    S.nudgeTimer = setTimeout(() => { S.nudgeTimer = 0; ping(); }, Math.max(0, S.lastPing + NUDGE_MS - Date.now()));
  }

  async function onAck(m) {
    S.inflight.delete(m.id);
    noteStored(m.entry, m.revision, m.seq);
    const r = S.records.get(m.id);
    if (r) { r.status = "acked"; r.seq = m.seq; r.time = m.time; await store.put(r); }
    refreshTile(m.entry);
    pump();
    nudge();
  }

  async function onError(m) {
    const r = m.id ? S.records.get(m.id) : null;
    if (!r) { banner(m.message); return; }
    S.inflight.delete(m.id);
    if (m.code === "server_error" && (r.retries || 0) < SERVER_RETRIES) {
      // not stored, and not the sheet's fault: it stays waiting and goes again after a pause
      r.retries = (r.retries || 0) + 1;
      r.notBefore = Date.now() + RETRY_MS * 2 ** (r.retries - 1);
      await store.put(r);
      refreshTile(r.entry);
      pump();
      return;
    }
    r.status = "error";
    r.error = { code: m.code, message: m.message, latest: m.latest ?? null };
    await store.put(r);
    refreshTile(r.entry);
    pump();
    nudge();
  }

  /* Send waiting sheets in the order they were made: a few in flight, paced under the
     server's rate limit, never two revisions of one entry at once. */
  function pump() {
    clearTimeout(S.pumpTimer);
    if (!S.ready || !S.hello) return;
    const perSecond = (S.hello.limits && S.hello.limits.per_second) || 20;
    const gap = Math.ceil(2000 / perSecond);
    const busy = new Set([...S.inflight].map((id) => S.records.get(id)).filter(Boolean).map((r) => r.entry));
    let later = Infinity; // when a sheet held back now may go
    for (const r of waiting()) {
      if (S.inflight.size >= MAX_INFLIGHT) break;
      if (S.inflight.has(r.id) || busy.has(r.entry)) continue;
      if (r.notBefore > Date.now()) { busy.add(r.entry); later = Math.min(later, r.notBefore); continue; } // after a server_error
      if (S.nextSend > Date.now()) { later = Math.min(later, S.nextSend); break; }
      const { id, entry, revision, marks, deductions, reason } = r;
      if (!sendFrame({ type: "submit", sheet: { id, entry, revision, marks, deductions, reason } })) return;
      S.inflight.add(id);
      busy.add(entry);
      S.nextSend = Date.now() + gap;
      refreshTile(entry);
    }
    if (later < Infinity) S.pumpTimer = setTimeout(pump, later - Date.now());
  }

  function refresh() {
    if (S.open) { renderStatus(); } else renderList();
  }

  window.addEventListener("online", () => { if (!S.ws) { S.attempt = 0; connect(); } });
  window.addEventListener("offline", () => { if (S.ws) dropped(1006); });

  async function start() {
    db = await openDb();
    for (const r of await store.all()) if (mine(r)) S.records.set(r.id, r);
    S.rescore = (await store.meta(metaKey("rescore"))) || {};
    for (const d of (await store.metaFrom(draftKey(""))) || []) if (d && d.judge === JUDGE && d.competition === COMPETITION) S.drafts.set(d.entry, d);
    const cached = await store.meta(metaKey("hello"));
    if (cached && !S.hello) {
      S.hello = cached;
      S.stored = {};
      for (const sh of cached.sheets || []) noteStored(sh.entry, sh.revision, sh.seq);
      for (const r of S.records.values()) if (r.status === "acked") noteStored(r.entry, r.revision, r.seq);
    }
    renderList();
    connect();
    if ("serviceWorker" in navigator && app.dataset.sw) navigator.serviceWorker.register(app.dataset.sw).catch(() => {});
  }

  start().catch((e) => banner(String(e)));
})();
