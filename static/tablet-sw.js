/* The tablet's service worker (served as /j/sw.js, scope /j/): keeps the app's page and its
   modules so that a reload while the venue's network is down still opens the app, whose
   outbox lives in IndexedDB. Network first (a fresh page when the server answers), the kept
   copy when it does not; only successful answers are kept. Sheets never pass through here. */
"use strict";

const CACHE = "scoreboard-tablet-v2";
const MODULES = ["main", "page", "fraction", "typing", "preview", "outbox", "state", "list", "form", "drafts", "sheet",
  "connection"];  // every file of static/tablet/, which main.js imports at start
const SHELL = ["/j/", "/static/app.css", "/static/tablet.css", ...MODULES.map((m) => `/static/tablet/${m}.js`)];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(SHELL)).catch(() => undefined).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k.startsWith("scoreboard-tablet-") && k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

function kept(request) {
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || request.method !== "GET") return null;
  if (url.pathname === "/j/") return "/j/";
  if (SHELL.includes(url.pathname)) return url.pathname;
  return null;
}

self.addEventListener("fetch", (event) => {
  const key = kept(event.request);
  if (!key) return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    try {
      const response = await fetch(event.request);
      if (response.ok) await cache.put(key, response.clone());
      return response;
    } catch (err) {
      const copy = await cache.match(key);
      if (copy) return copy;
      throw err;
    }
  })());
});
