/* The judge's socket (docs/protocol.md, version 1): hello, submit, ack, error, ping, and what
   the server tells the tablet unasked; the status bar that shows it.

   Words: the socket is *ready* once the server's hello arrived. Waiting records are *pumped* in
   the order they were made: at most MAX_INFLIGHT in flight, paced under the hello's rate limit,
   never two revisions of one entry at once; after a reconnect they go again with their ids. A
   sheet answered `server_error` (the server failed, not the sheet) stays waiting and goes again
   after 1, 2 and 4 s; only then is it shown as an error. A lost socket is *retried* with
   exponential backoff and jitter; close code 4401 (card revoked) and 4409 (the card is open on
   more devices than it may be) sign the tablet out until a reload. A *ping* carries the outbox
   size, so the console can show it; a *nudge* pings soon after the outbox changed. */
import { S, events, findEntry, noteStored, waiting } from "./state.js";
import { T, app, banner, fmt, nameOf } from "./page.js";
import { metaKey, store } from "./outbox.js";
import { refresh, refreshTile, renderList } from "./list.js";

const MAX_INFLIGHT = 4;
const SERVER_RETRIES = 3, RETRY_MS = 1000; // a sheet answered `server_error` goes again after 1, 2, 4 s, then shows the error
const NUDGE_MS = 2000; // the soonest a ping follows the last one when the outbox changed

const C = { ws: null, ready: false, attempt: 0, retryAt: 0, retryTimer: 0, pingTimer: 0, pumpTimer: 0, nudgeTimer: 0,
  lastPing: 0, nextSend: 0, lastHeard: 0, signedOut: false };

export function renderStatus() {
  const net = document.getElementById("net");
  const text = document.getElementById("net-text");
  let state = "offline", label = T.offline;
  if (C.ready) { state = "online"; label = T.online; }
  else if (C.ws) { state = "connecting"; label = T.connecting; }
  else if (C.retryAt > Date.now()) label = `${T.offline} · ${fmt(T.retry_in, { s: Math.ceil((C.retryAt - Date.now()) / 1000) })}`;
  net.dataset.state = state;
  text.textContent = label;
  const n = waiting().length;
  const q = document.getElementById("queue");
  q.dataset.count = String(n);
  q.textContent = n ? fmt(T.waiting_n, { n }) : T.waiting_none;
  const who = document.getElementById("competition-name");
  if (S.hello) who.textContent = nameOf(S.hello.competition.name);
}

export function connect() {
  clearTimeout(C.retryTimer);
  if (C.ws || C.signedOut) return;
  C.retryAt = 0;
  const ws = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}${app.dataset.ws}`);
  C.ws = ws;
  ws.onmessage = (e) => { if (C.ws === ws) onFrame(e.data); };
  ws.onclose = (e) => { if (C.ws === ws) dropped(e.code); };
  renderStatus();
}

function dropped(code) {
  const ws = C.ws;
  if (ws) { ws.onmessage = ws.onclose = null; try { ws.close(); } catch (_) { /* already closed */ } }
  C.ws = null; C.ready = false;
  S.inflight.clear();
  clearInterval(C.pingTimer); clearTimeout(C.pumpTimer); clearTimeout(C.nudgeTimer); C.nudgeTimer = 0;
  if (code === 4401) { C.signedOut = true; banner(T.signed_out); refresh(); return; }
  // the card was opened on more devices than it may be: this one gave way, and stays quiet
  // (reconnecting would close another device's socket in turn); a reload takes the card back
  if (code === 4409) { C.signedOut = true; banner(T.elsewhere); refresh(); return; }
  const base = Math.min(30000, 1000 * 2 ** C.attempt);
  const delay = Math.round(base / 2 + Math.random() * base / 2); // exponential backoff, equal jitter
  C.attempt = Math.min(C.attempt + 1, 10);
  C.retryAt = Date.now() + delay;
  C.retryTimer = setTimeout(connect, delay);
  refresh();
}

function sendFrame(obj) {
  if (C.ws && C.ws.readyState === WebSocket.OPEN) { C.ws.send(JSON.stringify({ v: 1, ...obj })); return true; }
  return false;
}

async function onFrame(data) {
  let m;
  try { m = JSON.parse(data); } catch (_) { return; }
  C.lastHeard = Date.now();
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
  } else if (m.type === "assignments_changed") { dropped(1000); C.attempt = 0; connect(); }
  else if (m.type === "revoked") { C.signedOut = true; banner(T.signed_out); }
}

async function onHello(m) {
  S.hello = m;
  C.ready = true;
  C.attempt = 0;
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
  clearInterval(C.pingTimer);
  C.pingTimer = setInterval(() => {
    if (Date.now() - C.lastHeard > every * 3) { dropped(4408); return; } // three pings unanswered
    ping();
  }, every);
  nudge();
  banner("");
  refresh();
  pump();
}

function ping() {
  if (sendFrame({ type: "ping", t: Date.now(), waiting: waiting().length })) C.lastPing = Date.now();
}

/* Ping soon after the outbox changed, at most once every NUDGE_MS, to keep the console's count fresh. */
export function nudge() {
  if (C.nudgeTimer || !C.ready) return;
  C.nudgeTimer = setTimeout(() => { C.nudgeTimer = 0; ping(); }, Math.max(0, C.lastPing + NUDGE_MS - Date.now()));
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

export function pump() {
  clearTimeout(C.pumpTimer);
  if (!C.ready || !S.hello) return;
  const perSecond = (S.hello.limits && S.hello.limits.per_second) || 20;
  const gap = Math.ceil(2000 / perSecond);
  const busy = new Set([...S.inflight].map((id) => S.records.get(id)).filter(Boolean).map((r) => r.entry));
  let later = Infinity; // when a sheet held back now may go
  for (const r of waiting()) {
    if (S.inflight.size >= MAX_INFLIGHT) break;
    if (S.inflight.has(r.id) || busy.has(r.entry)) continue;
    if (r.notBefore > Date.now()) { busy.add(r.entry); later = Math.min(later, r.notBefore); continue; } // after a server_error
    if (C.nextSend > Date.now()) { later = Math.min(later, C.nextSend); break; }
    const { id, entry, revision, marks, deductions, reason } = r;
    if (!sendFrame({ type: "submit", sheet: { id, entry, revision, marks, deductions, reason } })) return;
    S.inflight.add(id);
    busy.add(entry);
    C.nextSend = Date.now() + gap;
    refreshTile(entry);
  }
  if (later < Infinity) C.pumpTimer = setTimeout(pump, later - Date.now());
}

/* Follow the browser's own idea of the network; the status bar ticks every second. */
export function watch() {
  window.addEventListener("online", () => { if (!C.ws) { C.attempt = 0; connect(); } });
  window.addEventListener("offline", () => { if (C.ws) dropped(1006); });
  setInterval(renderStatus, 1000);
}
