/* The live boards (projector and event pages): clock, carousel, FLIP rank animation, the
   score-reveal card, the staleness notice and the ceremony. Frames arrive through the htmx ws
   extension as out-of-band swaps; this module only animates and announces them.

   Words: the *root* is the element holding the socket (`ws-connect`); a *row* is a standing's
   table row (`tr#entry-KEY`); a *slide* is one event on the projector, shown in turn every
   `data-pace` seconds (the *carousel*); the *reveal* card shows a newly scored entry for
   `data-reveal-seconds`; the *stale* notice says how long ago the board last heard the server
   while the socket is down. In a *ceremony* the slide's rows are uncovered from the bottom up,
   one award place (a *step*) per key press. */

// Reconnect soon after a cut and never wait more than 5 s (the ws extension's default backoff
// can grow to a minute); the jitter spreads a hall full of phones after a server restart.
if (window.htmx) {
  window.htmx.config.wsReconnectDelay = (retry) => Math.min(500 * 2 ** retry, 5000) * (0.5 + Math.random() / 2);
}
const body = document.body;
const root = document.querySelector("[ws-connect]") || document.querySelector(".pj") || body;
const holder = document.querySelector("[data-stale]");
const staleText = holder ? holder.getAttribute("data-stale") : "{n}";
const revealHolder = document.querySelector("[data-reveal-seconds]");
const revealSeconds = parseFloat(revealHolder ? revealHolder.getAttribute("data-reveal-seconds") : "8") || 8;
let lastMessage = Date.now(), connected = false, socket = null, positions = {};

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
  // a socket silent for 40 s (heartbeats come every 15 s) is dead: reconnect
  if (connected && socket && Date.now() - lastMessage > 40000) { connected = false; socket.reconnect(); }
}
setInterval(tick, 1000);
tick();

// -- FLIP: rows keep their place on screen, then glide to the new one ------------------
const rows = () => document.querySelectorAll("tr[id^='entry-']");
root.addEventListener("htmx:wsBeforeMessage", () => {
  positions = {};
  rows().forEach((r) => { positions[r.id] = { top: r.getBoundingClientRect().top, text: r.textContent }; });
});
root.addEventListener("htmx:wsAfterMessage", () => {
  lastMessage = Date.now();
  const s = document.getElementById("stale");
  if (s) s.hidden = true;
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
  showReveal();
});
root.addEventListener("htmx:wsOpen", (e) => {
  connected = true; socket = e.detail.socketWrapper; lastMessage = Date.now();
  body.setAttribute("data-socket", "open");
  const s = document.getElementById("stale");
  if (s) s.hidden = true;
});
root.addEventListener("htmx:wsClose", () => { connected = false; body.setAttribute("data-socket", "closed"); });
root.addEventListener("htmx:wsError", () => { connected = false; });

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
if (body.classList.contains("ceremony")) {
  prepare();
  document.addEventListener("keydown", (e) => {
    if (["ArrowRight", " ", "PageDown", "ArrowDown"].includes(e.key)) { e.preventDefault(); step(1); }
    if (["ArrowLeft", "PageUp", "ArrowUp"].includes(e.key)) { e.preventDefault(); step(-1); }
  });
}
