/* The list: the judge's events, each with a tile per entry saying its state (state.js).

   Words: a *tile* is an entry's button (id `entry-KEY`, `data-state`), with its blind code or
   key, its title where the event is not blind, its state and a note of a kept draft; tapping it
   opens the entry's form. `refresh` redraws what is on screen after the connection changed. */
import { S, entryState, events, findEntry } from "./state.js";
import { T, h, listEl, nameOf } from "./page.js";
import { renderStatus } from "./connection.js";
import { isOpen, openForm } from "./form.js";

export function renderList() {
  renderStatus();
  listEl.replaceChildren();
  if (!S.hello) return;
  if (!events().length) { listEl.append(h("p", { class: "notice", text: T.no_events })); return; }
  for (const ev of events()) {
    const head = h("h2", {}, nameOf(ev.name),
      ev.role === "chief" ? h("span", { class: "badge chief", text: T.chief }) : null,
      ev.state === "draft" ? h("span", { class: "badge closed", text: T.event_draft })
        : ev.state !== "open" ? h("span", { class: "badge closed", text: T.event_closed }) : null);
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

export function refreshTile(entry) {
  const [ev, en] = findEntry(entry);
  const old = document.getElementById(`entry-${entry}`);
  if (ev && old) old.replaceWith(tile(ev, en));
  renderStatus();
}

export function refresh() {
  if (isOpen()) renderStatus(); else renderList();
}
