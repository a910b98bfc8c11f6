/* What the tablet knows: the judge's events and entries, their sheets, and each entry's state.

   Words: a *record* is a sheet as the tablet keeps it in IndexedDB (outbox.js), with its status:
   "waiting" (in the outbox, not yet acknowledged), "error" (refused: shown at the entry, its
   marks kept for the judge to fix) or "acked" (stored by the server, with its seq). `S.hello` is
   the server's last hello (events, entries, rubrics, stored sheets, limits); `S.stored` is, per
   entry, the newest revision the server holds ({revision, seq}); `S.rescore` the re-scores asked
   for (with the revision stored when asked); `S.inflight` the ids of sheets sent and not yet
   answered; `S.drafts` the drafts by entry (form.js). An entry's *state* is what its tile says. */
import { COMPETITION, JUDGE, T, fmt } from "./page.js";

export const S = { hello: null, records: new Map(), stored: {}, rescore: {}, inflight: new Set(), drafts: new Map() };

export const mine = (r) => r.judge === JUDGE && r.competition === COMPETITION;
export const events = () => (S.hello ? S.hello.events : []);
export function findEntry(key) {
  for (const ev of events()) for (const en of ev.entries) if (en.key === key) return [ev, en];
  return [null, null];
}
export const recordsOf = (entry) => [...S.records.values()].filter((r) => r.entry === entry).sort((a, b) => a.made - b.made);
export const waiting = () => [...S.records.values()].filter((r) => r.status === "waiting").sort((a, b) => a.made - b.made);

export function entryState(ev, en) {
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
  if (ev.state === "draft") return { key: "draft", text: T.event_draft };
  if (ev.state !== "open") return { key: "closed", text: T.event_closed };
  return { key: "todo", text: T.state_todo };
}

export function nextRevision(entry) {
  let rev = S.stored[entry] ? S.stored[entry].revision : 0;
  for (const r of recordsOf(entry)) if (r.status !== "error") rev = Math.max(rev, r.revision);
  return rev + 1;
}

/* The server's copy of the entry's newest stored sheet, with its marks (the hello lists them for
   the newest revision), or null: a correction on a tablet that never held the sheet starts from it. */
export function storedSheet(entry) {
  const cur = S.stored[entry];
  if (!cur || !S.hello) return null;
  return (S.hello.sheets || []).find((sh) => sh.entry === entry && sh.revision === cur.revision && sh.marks) || null;
}

export function noteStored(entry, revision, seq) {
  const cur = S.stored[entry];
  if (!cur || revision >= cur.revision) S.stored[entry] = { revision, seq };
}
