/* The live boards (projector and event pages): the board socket, the frames it brings, clock,
   carousel, FLIP rank animation, the score-reveal card, the staleness notice and the ceremony.

   Words: the *root* is the element naming the socket (`data-socket-url`); a *row* is a standing's
   table row (`tr#entry-ID`); a *frame* is one socket message: a line of JSON (`e` the event,
   `seq`, `full`, `moves`, `reveal`, `beat`), a newline, then markup. A *full* frame replaces the
   event's block; a *delta* (the next `seq` only) replaces the elements it brings by id (its rows come in a table of their own), moves each
   row in `moves` just after the row named (null: first), and the rows are numbered again from
   their order (`data-r`: a ranked row, with the id of the rank it shares). A delta that does not
   follow asks the server for a full state ("full"). A *slide* is one event on the projector,
   shown in turn every `data-pace` seconds (the *carousel*); the *reveal* card shows a newly
   scored entry for `data-reveal-seconds`; the *stale* notice says how long ago the board last
   heard the server while the socket is down. In a *ceremony* the slide's rows are uncovered from
   the bottom up, one award place (a *step*) per key press. */

import { applyFrame } from "./frames.js";

const body = document.body;
const root = document.querySelector("[data-socket-url]") || document.querySelector(".pj") || body;
const holder = document.querySelector("[data-stale]");
const staleText = holder ? holder.getAttribute("data-stale") : "{n}";
const revealHolder = document.querySelector("[data-reveal-seconds]");
const revealSeconds = parseFloat(revealHolder ? revealHolder.getAttribute("data-reveal-seconds") : "8") || 8;
let lastMessage = Date.now(), connected = false, socket = null, retry = 0, asking = false;
const seqs = {};

// -- the socket: reconnect soon after a cut and never wait more than 5 s; the jitter spreads a
// hall full of phones after a server restart -------------------------------------------------
function connect() {
  const url = root.getAttribute("data-socket-url");
  if (!url) return;
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  socket = new WebSocket(url.startsWith("ws") ? url : `${scheme}//${location.host}${url}`);
  socket.onopen = () => {
    connected = true; retry = 0; asking = false; lastMessage = Date.now();
    body.setAttribute("data-socket", "open");
    const s = document.getElementById("stale");
    if (s) s.hidden = true;
  };
  socket.onmessage = (m) => received(m.data);
  socket.onclose = () => {
    connected = false; body.setAttribute("data-socket", "closed");
    for (const k of Object.keys(seqs)) delete seqs[k];
    const delay = Math.min(500 * 2 ** retry, 5000) * (0.5 + Math.random() / 2);
    retry += 1;
    setTimeout(connect, delay);
  };
}

function received(data) {
  lastMessage = Date.now();
  const s = document.getElementById("stale");
  if (s) s.hidden = true;
  const positions = {};
  rows().forEach((r) => { positions[r.id] = { top: r.getBoundingClientRect().top, text: r.textContent }; });
  const done = applyFrame(document, data, seqs);
  if (done === "again") {  // ask once; the deltas until the full state comes do not follow either
    if (!asking && socket && socket.readyState === 1) { asking = true; socket.send("full"); }
    return;
  }
  if (done === "applied") asking = false;
  if (done === "reveal") { showReveal(); return; }
  if (done !== "applied") return;
  rows().forEach((r) => {
    const was = positions[r.id];
    if (!was) return;
    const dy = was.top - r.getBoundingClientRect().top;
    if (was.text !== r.textContent) { r.classList.add("changed"); setTimeout(() => r.classList.remove("changed"), 2500); }
    if (!dy || r.offsetParent === null) return;
    r.style.transition = "none";
    r.style.transform = `translateY(${dy}px)`;
    r.getBoundingClientRect();
    r.style.transition = "transform 700ms cubic-bezier(.2,.7,.2,1)";
    r.style.transform = "";
  });
}

// -- clock --------------------------------------------------------------------------------
function tick() {
  const c = document.getElementById("clock");
  if (c) {
    c.textContent = new Date().toLocaleTimeString(document.documentElement.lang,
      { hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });
  }
  const s = document.getElementById("stale");
  if (s && !connected && socket !== null) {
    s.hidden = false;
    s.textContent = staleText.replace("{n}", Math.round((Date.now() - lastMessage) / 1000));
  }
  // a socket silent for 40 s (heartbeats come every 15 s) is dead: close it, and reconnect
  if (connected && socket && Date.now() - lastMessage > 40000) { connected = false; socket.close(); }
}
setInterval(tick, 1000);
tick();

const rows = () => document.querySelectorAll("tr[id^='entry-']");

// -- the score-reveal card ----------------------------------------------------------------
let revealTimer = null, shownReveal = null;
function showReveal() {
  const r = document.getElementById("reveal");
  if (!r || r.hidden || r === shownReveal) return;
  shownReveal = r;
  clearTimeout(revealTimer);
  revealTimer = setTimeout(() => { r.hidden = true; }, revealSeconds * 1000);
}

// -- the carousel ---------------------------------------------------------------------------
const slides = [...document.querySelectorAll(".slide")];
let current = 0;
function show(i) {
  current = (i + slides.length) % slides.length;
  slides.forEach((s, k) => { s.hidden = k !== current; });
  document.querySelectorAll(".pj-dots .dot").forEach((d, k) => d.classList.toggle("on", k === current));
}
if (slides.length) show(0);
const pace = parseFloat(body.getAttribute("data-pace") || "0");
if (slides.length > 1 && pace > 0 && !body.classList.contains("ceremony")) {
  setInterval(() => {
    const r = document.getElementById("reveal");
    if (r && !r.hidden) return; // never move on under a reveal card
    show(current + 1);
  }, pace * 1000);
}

// -- the ceremony: uncover from the bottom up, one award place at a time --------------------
let steps = [];
function prepare() {
  const slide = slides[current];
  steps = [];
  let group = [];
  for (const r of [...slide.querySelectorAll("tbody tr")].reverse()) {
    r.classList.add("covered");
    if (r.hasAttribute("data-award")) {
      if (group.length) steps.push(group);
      steps.push([r]); group = [];
    } else group.push(r);
  }
  if (group.length) steps.push(group);
  slide.dataset.step = "0";
}
function step(by) {
  const slide = slides[current], n = parseInt(slide.dataset.step || "0", 10);
  if (by > 0 && n < steps.length) {
    steps[n].forEach((r) => { r.classList.remove("covered"); r.classList.remove("spot"); });
    if (steps[n].length === 1 && steps[n][0].hasAttribute("data-award")) steps[n][0].classList.add("spot");
    steps[n][0].scrollIntoView({ block: "center", behavior: "smooth" });
    slide.dataset.step = String(n + 1);
  } else if (by < 0 && n > 0) {
    steps[n - 1].forEach((r) => r.classList.add("covered"));
    slide.dataset.step = String(n - 1);
  } else if (by > 0 && slides.length > 1) { show(current + 1); prepare(); }
}
if (!body.classList.contains("ceremony")) connect();
if (body.classList.contains("ceremony")) {
  prepare();
  document.addEventListener("keydown", (e) => {
    if (["ArrowRight", " ", "PageDown", "ArrowDown"].includes(e.key)) { e.preventDefault(); step(1); }
    if (["ArrowLeft", "PageUp", "ArrowUp"].includes(e.key)) { e.preventDefault(); step(-1); }
  });
}
