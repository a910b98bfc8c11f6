// The live boards (projector and event pages): clock, carousel, FLIP rank animation, the
// score-reveal card, the staleness notice and the ceremony. Frames arrive through the htmx ws
// extension as out-of-band swaps; this file only animates and announces them.
(function () {
  "use strict";
  // Reconnect soon after a cut and never wait more than 5 s (the ws extension's default backoff
  // can grow to a minute); the jitter spreads a hall full of phones after a server restart.
  if (window.htmx) {
    window.htmx.config.wsReconnectDelay = function (retry) {
      return Math.min(500 * Math.pow(2, retry), 5000) * (0.5 + Math.random() / 2);
    };
  }
  var body = document.body;
  var root = document.querySelector("[ws-connect]") || document.querySelector(".pj") || body;
  var holder = document.querySelector("[data-stale]");
  var staleText = holder ? holder.getAttribute("data-stale") : "{n}";
  var revealHolder = document.querySelector("[data-reveal-seconds]");
  var revealSeconds = parseFloat(revealHolder ? revealHolder.getAttribute("data-reveal-seconds") : "8") || 8;
  var lastMessage = Date.now(), connected = false, socket = null, positions = {};

  // -- clock --------------------------------------------------------------------------------
  function tick() {
    var c = document.getElementById("clock");
    if (c) { var d = new Date(); c.textContent = d.toLocaleTimeString(document.documentElement.lang, {hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false}); }
    var s = document.getElementById("stale");
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
  function rows() { return document.querySelectorAll("tr[id^='entry-']"); }
  root.addEventListener("htmx:wsBeforeMessage", function () {
    positions = {};
    rows().forEach(function (r) { positions[r.id] = {top: r.getBoundingClientRect().top, text: r.textContent}; });
  });
  root.addEventListener("htmx:wsAfterMessage", function () {
    lastMessage = Date.now();
    var s = document.getElementById("stale");
    if (s) s.hidden = true;
    rows().forEach(function (r) {
      var was = positions[r.id];
      if (!was) return;
      var dy = was.top - r.getBoundingClientRect().top;
      if (was.text !== r.textContent) { r.classList.add("changed"); setTimeout(function () { r.classList.remove("changed"); }, 2500); }
      if (!dy || r.offsetParent === null) return;
      r.style.transition = "none";
      r.style.transform = "translateY(" + dy + "px)";
      r.getBoundingClientRect();
      r.style.transition = "transform 700ms cubic-bezier(.2,.7,.2,1)";
      r.style.transform = "";
    });
    showReveal();
  });
  root.addEventListener("htmx:wsOpen", function (e) {
    connected = true; socket = e.detail.socketWrapper; lastMessage = Date.now();
    body.setAttribute("data-socket", "open");
    var s = document.getElementById("stale");
    if (s) s.hidden = true;
  });
  root.addEventListener("htmx:wsClose", function () { connected = false; body.setAttribute("data-socket", "closed"); });
  root.addEventListener("htmx:wsError", function () { connected = false; });

  // -- the score-reveal card ----------------------------------------------------------------
  var revealTimer = null, shownReveal = null;
  function showReveal() {
    var r = document.getElementById("reveal");
    if (!r || r.hidden || r === shownReveal) return;
    shownReveal = r;
    clearTimeout(revealTimer);
    revealTimer = setTimeout(function () { r.hidden = true; }, revealSeconds * 1000);
  }

  // -- the carousel ---------------------------------------------------------------------------
  var slides = Array.prototype.slice.call(document.querySelectorAll(".slide"));
  var current = 0;
  function show(i) {
    current = (i + slides.length) % slides.length;
    slides.forEach(function (s, k) { s.hidden = k !== current; });
    document.querySelectorAll(".pj-dots .dot").forEach(function (d, k) { d.classList.toggle("on", k === current); });
  }
  if (slides.length) show(0);
  var pace = parseFloat(body.getAttribute("data-pace") || "0");
  if (slides.length > 1 && pace > 0 && !body.classList.contains("ceremony")) {
    setInterval(function () {
      var r = document.getElementById("reveal");
      if (r && !r.hidden) return; // never move on under a reveal card
      show(current + 1);
    }, pace * 1000);
  }

  // -- the ceremony: uncover from the bottom up, one award place at a time --------------------
  if (body.classList.contains("ceremony")) {
    var steps = [];
    function prepare() {
      var slide = slides[current];
      var list = Array.prototype.slice.call(slide.querySelectorAll("tbody tr")).reverse();
      steps = [];
      var group = [];
      list.forEach(function (r) {
        r.classList.add("covered");
        if (r.hasAttribute("data-award")) {
          if (group.length) steps.push(group);
          steps.push([r]); group = [];
        } else { group.push(r); }
      });
      if (group.length) steps.push(group);
      slide.dataset.step = "0";
    }
    function step(by) {
      var slide = slides[current], n = parseInt(slide.dataset.step || "0", 10);
      if (by > 0 && n < steps.length) {
        steps[n].forEach(function (r) { r.classList.remove("covered"); r.classList.remove("spot"); });
        if (steps[n].length === 1 && steps[n][0].hasAttribute("data-award")) steps[n][0].classList.add("spot");
        steps[n][0].scrollIntoView({block: "center", behavior: "smooth"});
        slide.dataset.step = String(n + 1);
      } else if (by < 0 && n > 0) {
        steps[n - 1].forEach(function (r) { r.classList.add("covered"); });
        slide.dataset.step = String(n - 1);
      } else if (by > 0 && slides.length > 1) { show(current + 1); prepare(); }
    }
    prepare();
    document.addEventListener("keydown", function (e) {
      if (e.key === "ArrowRight" || e.key === " " || e.key === "PageDown" || e.key === "ArrowDown") { e.preventDefault(); step(1); }
      if (e.key === "ArrowLeft" || e.key === "PageUp" || e.key === "ArrowUp") { e.preventDefault(); step(-1); }
    });
  }
})();
