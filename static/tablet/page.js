/* The page the tablet runs in: its texts, its places and a few DOM helpers.

   Words: `T` holds every text the tablet shows, translated on the server (#tablet-strings);
   `JUDGE` and `COMPETITION` name whose tablet this is (the #app element's data); `nameOf` picks a
   bilingual name ({zh, en}) in the page's language; `h` makes an element (attributes, `on…`
   listeners, `text`, children) and `put` replaces an element's children. The *banner* is the
   line under the status bar for what concerns the whole tablet (signed out, a failure). */
export { fmt } from "./typing.js";

export const T = JSON.parse(document.getElementById("tablet-strings").textContent);
export const app = document.getElementById("app");
export const listEl = document.getElementById("list");
export const formEl = document.getElementById("form");
export const JUDGE = app.dataset.judge;
export const COMPETITION = app.dataset.competition;
const LANG = document.documentElement.lang.startsWith("zh") ? "zh" : "en";

export const nameOf = (t) => (t == null ? "" : typeof t === "string" ? t : t[LANG] || t.zh || t.en || "");

export function h(tag, attrs = {}, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "text") el.textContent = v;
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const kid of kids.flat()) if (kid != null && kid !== false) el.append(kid);
  return el;
}

export const put = (el, ...kids) => el.replaceChildren(...kids.flat().filter((k) => k != null && k !== false));

export function banner(text) {
  const b = document.getElementById("banner");
  b.textContent = text || "";
  b.hidden = !text;
}
