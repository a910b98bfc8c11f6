/* The console's small behaviours, without inline script (the Content-Security-Policy allows none):
   a button marked data-print prints the page (the blind-code labels); a checkbox marked
   data-enables="ID" enables the button ID while it is ticked (an import's "skip the bad rows");
   a button marked data-confirm="TEXT" asks before its form is sent (deleting); the live pages'
   frames are kept in order; "last seen" labels tick on between frames.

   Words: a live page's *root* holds its socket (`[data-console-live]`, the htmx ws extension).
   Every frame opens with `#console-seq`: its *seq* and its *kind*, `full` (the whole view: taken
   whatever came before) or `delta` (only what changed: taken only as the seq after the last one).
   On a gap the frame is dropped and the socket asks once for a full frame ("full"). A frame is
   swapped out of band by htmx.swap (rows and header cells come wrapped in <template>). */
(function () {
  "use strict";
  document.addEventListener("click", function (e) {
    var target = e.target instanceof Element ? e.target : null;
    if (!target) return;
    if (target.closest("[data-print]")) window.print();
    var asking = target.closest("[data-confirm]");
    if (asking && !window.confirm(asking.getAttribute("data-confirm"))) e.preventDefault();
  });
  document.addEventListener("change", function (e) {
    var box = e.target;
    if (!(box instanceof HTMLInputElement) || !box.hasAttribute("data-enables")) return;
    var button = document.getElementById(box.getAttribute("data-enables"));
    if (button) button.disabled = !box.checked;
  });

  // -- "last seen N min ago": from the frame's data-ago, on by the clock ---------------------
  function tickSeen() {
    var matrix = document.getElementById("matrix");
    if (!matrix) return;
    var now = Date.now();
    document.querySelectorAll(".seen[data-ago]").forEach(function (el) {
      if (!el.hasAttribute("data-t0")) el.setAttribute("data-t0", String(now));
      var ago = parseInt(el.getAttribute("data-ago"), 10) +
        Math.floor((now - parseInt(el.getAttribute("data-t0"), 10)) / 1000);
      var text = ago < 60 ? matrix.getAttribute("data-seen-s").replace("{n}", String(ago))
        : ago < 3600 ? matrix.getAttribute("data-seen-min").replace("{n}", String(Math.floor(ago / 60)))
          : matrix.getAttribute("data-seen-h").replace("{n}", String(Math.floor(ago / 3600)));
      if (el.textContent !== text) el.textContent = text;
    });
  }
  setInterval(tickSeen, 5000);

  // -- the live pages' frames, in order ----------------------------------------------------
  var root = document.querySelector("[data-console-live]");
  if (!root) return;
  if (window.htmx) {  // reconnect soon after a cut (a server restart), never more than 5 s apart
    window.htmx.config.wsReconnectDelay = function (retry) {
      return Math.min(500 * Math.pow(2, retry), 5000) * (0.5 + Math.random() / 2);
    };
  }
  var last = null, asked = false;
  function inTurn(message, socket) {
    var found = /id="console-seq" data-seq="(\d+)" data-kind="(full|delta)"/.exec(message.slice(0, 200));
    if (!found) return true;
    var seq = parseInt(found[1], 10);
    if (found[2] === "full") {
      last = seq;
      asked = false;
      return true;
    }
    if (!asked && last !== null && seq === last + 1) {
      last = seq;
      return true;
    }
    if (!asked && (last === null || seq > last)) {  // a gap: the full frame asked for brings what it hid
      asked = true;
      socket.send("full");
    }
    return false;
  }
  root.addEventListener("htmx:wsBeforeMessage", function (e) {
    // Swapped here, by htmx's own swap: the extension's takes no <tr> or <th>, which a frame
    // sends in <template>s (htmx's way for out-of-band table parts).
    e.preventDefault();
    var message = String(e.detail.message);
    if (!inTurn(message, e.detail.socketWrapper)) return;
    window.htmx.swap(root, message, { swapStyle: "none", swapDelay: 0, settleDelay: 0 }, { contextElement: root });
    tickSeen();
  });
  root.addEventListener("htmx:wsOpen", function () {
    document.body.setAttribute("data-socket", "open");
    var off = document.getElementById("live-off");
    if (off) off.hidden = true;
  });
  root.addEventListener("htmx:wsClose", function (e) {
    document.body.setAttribute("data-socket", "closed");
    var code = e.detail && e.detail.event ? e.detail.event.code : 0;
    var off = document.getElementById("live-off");
    if (off && [1006, 1011, 1012, 1013].indexOf(code) < 0) off.hidden = false;  // those reconnect
  });
})();
