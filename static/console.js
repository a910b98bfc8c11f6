/* The console's small behaviours, without inline script (the Content-Security-Policy allows none):
   a button marked data-print prints the page (the blind-code labels); a checkbox marked
   data-enables="ID" enables the button ID while it is ticked (an import's "skip the bad rows");
   a button marked data-confirm="TEXT" asks before its form is sent (deleting). */
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
})();
