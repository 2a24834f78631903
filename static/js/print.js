// The print buttons: a script file, not an onclick attribute, so the Content-Security-Policy can forbid
// inline script. Without JavaScript the button stays hidden and the browser's own Print still works.
(function () {
  "use strict";
  document.querySelectorAll("button[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
