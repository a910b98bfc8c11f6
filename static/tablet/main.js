/* The judge's tablet (docs/protocol.md, version 1): entries, rubric forms and the outbox.
   Every sheet is kept in IndexedDB until the server acknowledges it, so the tablet scores on
   without a network and across reloads. This module starts it: the judge's records, re-scores,
   drafts and last hello from IndexedDB, the list, the socket, and the offline service worker.

   The modules: page (texts, DOM helpers), fraction and typing and preview (pure: exact numbers,
   what a box holds, what a sheet is worth), outbox (IndexedDB), state (records and entry states),
   list (tiles), form (the rubric form), drafts, sheet (confirm and send), connection (socket). */
import { S, mine, noteStored } from "./state.js";
import { app, banner } from "./page.js";
import { metaKey, openDb, store } from "./outbox.js";
import { loadDrafts, watch as watchDrafts } from "./drafts.js";
import { renderList } from "./list.js";
import { connect, watch as watchNetwork } from "./connection.js";

async function start() {
  await openDb();
  for (const r of await store.all()) if (mine(r)) S.records.set(r.id, r);
  S.rescore = (await store.meta(metaKey("rescore"))) || {};
  await loadDrafts();
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

watchNetwork();
watchDrafts();
start().catch((e) => banner(String(e)));
