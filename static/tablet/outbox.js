/* The tablet's own storage: IndexedDB, every write a strict-durability transaction.

   Words: the `sheets` store holds *records*, sheets as the tablet keeps them (see state.js), by
   id; the `meta` store holds, per competition and judge, the last *hello* (so a reload without a
   network still shows the entries), the *re-score* requests heard, and a *draft* of every form
   the judge typed into (`draft:COMPETITION:JUDGE:ENTRY`). Nothing here touches the page. */
import { COMPETITION, JUDGE } from "./page.js";

let db = null;

export const openDb = () => new Promise((resolve, reject) => {
  const r = indexedDB.open("scoreboard-tablet", 1);
  r.onupgradeneeded = () => { r.result.createObjectStore("sheets", { keyPath: "id" }); r.result.createObjectStore("meta"); };
  r.onsuccess = () => { db = r.result; resolve(db); };
  r.onerror = () => reject(r.error);
});

const tx = (name, mode, fn) => new Promise((resolve, reject) => {
  const t = db.transaction(name, mode, { durability: "strict" });
  let out;
  const req = fn(t.objectStore(name));
  if (req) req.onsuccess = () => { out = req.result; };
  t.oncomplete = () => resolve(out);
  t.onerror = t.onabort = () => reject(t.error);
});

export const store = {
  put: (rec) => tx("sheets", "readwrite", (s) => s.put(rec)),
  all: () => tx("sheets", "readonly", (s) => s.getAll()),
  del: (id) => tx("sheets", "readwrite", (s) => s.delete(id)),
  meta: (k) => tx("meta", "readonly", (s) => s.get(k)),
  setMeta: (k, v) => tx("meta", "readwrite", (s) => s.put(v, k)),
  delMeta: (k) => tx("meta", "readwrite", (s) => s.delete(k)),
  metaFrom: (prefix) => tx("meta", "readonly", (s) => s.getAll(IDBKeyRange.bound(prefix, `${prefix}\uffff`))),
};

export const metaKey = (what) => `${what}:${COMPETITION}:${JUDGE}`;
export const draftKey = (entry) => `draft:${COMPETITION}:${JUDGE}:${entry}`;

export function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
  const x = [...b].map((v) => v.toString(16).padStart(2, "0")).join("");
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}
