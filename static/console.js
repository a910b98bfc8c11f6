/* The console's small behaviours, without inline script (the Content-Security-Policy allows none):
   a button marked data-print prints the page (the blind-code labels). */
(function () {
  "use strict";
  document.addEventListener("click", function (e) {
    var button = e.target instanceof Element ? e.target.closest("[data-print]") : null;
    if (button) window.print();
  });
})();
