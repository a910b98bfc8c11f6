/* Applying one board frame to the page (see board.js for the words). No socket and no timers
   here: the browser tests feed it frames straight from the server's renderer.

   applyFrame(doc, data, seqs) → "applied" (the page changed), "again" (a delta that does not
   follow the last frame, or names a row the page lacks: ask for a full state), "reveal" (the
   score-reveal card was put in place) or "ignored" (a heartbeat, an event this page does not
   show). `seqs` maps each event to the seq of its last frame applied. */

export function applyFrame(doc, data, seqs) {
  const cut = data.indexOf("\n");
  const head = JSON.parse(cut < 0 ? data : data.slice(0, cut));
  const markup = cut < 0 ? "" : data.slice(cut + 1);
  if (head.beat) return "ignored";
  const parts = doc.createElement("template");
  parts.innerHTML = markup;
  if (head.reveal) {
    const card = parts.content.firstElementChild, old = doc.getElementById("reveal");
    if (!card || !old) return "ignored";
    old.replaceWith(card);
    return "reveal";
  }
  const block = doc.getElementById(`live-${head.e}`);
  if (!block) return "ignored";
  if (head.full) {
    block.replaceWith(parts.content.firstElementChild);
    seqs[head.e] = head.seq;
    return "applied";
  }
  if (seqs[head.e] === undefined || head.seq !== seqs[head.e] + 1) return "again";
  const fresh = [...parts.content.children].flatMap((el) => (el.tagName === "TABLE" ? [...el.querySelectorAll("tr[id]")] : [el]));
  if (fresh.some((el) => !doc.getElementById(el.id))) return "again";
  for (const move of head.moves || []) {
    if (!doc.getElementById(`entry-${move[0]}`) || (move[1] !== null && !doc.getElementById(`entry-${move[1]}`))) {
      return "again";
    }
  }
  for (const el of fresh) doc.getElementById(el.id).replaceWith(el);
  const body = doc.getElementById(`rows-${head.e}`);
  for (const [id, after] of head.moves || []) {
    const row = doc.getElementById(`entry-${id}`);
    if (after === null) body.prepend(row); else doc.getElementById(`entry-${after}`).after(row);
  }
  if (body) number(body);
  seqs[head.e] = head.seq;
  return "applied";
}

/* Ranks from the order: a ranked row (data-r) takes its place among the ranked, or the rank of
   the row before it when both share one (the same non-empty data-r): 1, 2=, 2=, 4. */
function number(body) {
  let place = 0, rank = 0, tie = null;
  for (const row of body.rows) {
    if (!row.hasAttribute("data-r")) continue;
    const r = row.getAttribute("data-r");
    place += 1;
    if (!r || r !== tie) rank = place;
    tie = r || null;
    const cell = row.querySelector(".rank");
    if (cell) cell.textContent = r ? `${rank}=` : String(rank);
  }
}
