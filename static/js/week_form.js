// Progressive enhancement of the weekly form; everything here also works, more plainly, without it:
// warn before leaving with unsaved input, show each KPI's change as it is typed, add incident rows in
// place, and keep the focused field clear of the sticky save bar.
(function () {
  "use strict";
  var form = document.getElementById("week-form");
  if (!form) return;
  var dirty = false;
  form.addEventListener("input", function () { dirty = true; });
  form.addEventListener("change", function () { dirty = true; });
  form.addEventListener("submit", function () { dirty = false; });
  window.addEventListener("beforeunload", function (event) {
    if (!dirty) return;
    event.preventDefault();
    event.returnValue = "";
  });

  // ---- the change column, as the server writes it: +17 (+5.43%), −1.72 pp (−2.10%), new
  var MINUS = "\u2212";
  function parseNumber(text, unit) {
    text = (text || "").normalize ? text.normalize("NFKC") : text;
    text = text.trim().replace(/\u2212/g, "-");
    if (unit && text.slice(-unit.length) === unit) text = text.slice(0, -unit.length).trim();
    if (text.slice(-1) === "%") text = text.slice(0, -1).trim();
    if (/^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$/.test(text)) text = text.replace(/,/g, "");
    if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(text)) return null;
    return parseFloat(text);
  }
  function signed(value, places) {
    var text = Math.abs(value).toFixed(places);
    if (parseFloat(text) === 0) return (0).toFixed(places);
    return (value > 0 ? "+" : MINUS) + text;
  }
  function placesFor(row, value) {
    var decimals = parseInt(row.dataset.decimals || "0", 10);
    return row.dataset.count && Math.round(value) === value ? 0 : decimals;
  }
  function updateChange(row, input) {
    var cell = row.querySelector("td.change");
    var out = cell && cell.querySelector(".change-text");
    if (!out) return;
    var unit = row.dataset.unit || "";
    var current = parseNumber(input.value, unit === "%" ? "" : unit);
    var previous = row.dataset.previous === "" ? null : parseFloat(row.dataset.previous);
    var tone = "missing", text = "";
    if (current !== null) {
      if (previous === null) {
        tone = "new"; text = cell.dataset.newLabel || "new";
      } else {
        var places = placesFor(row, current);
        var delta = parseFloat((current - previous).toFixed(parseInt(row.dataset.decimals || "0", 10)));
        text = signed(delta, Math.max(places, placesFor(row, delta))) + (row.dataset.percent ? " pp" : unit);
        if (previous !== 0) text += " (" + signed(delta * 100 / Math.abs(previous), 2) + "%)";
        var direction = row.dataset.direction;
        if (delta === 0) tone = "unchanged";
        else if (direction === "neutral") tone = "neutral";
        else tone = (delta > 0) === (direction === "up") ? "better" : "worse";
      }
    }
    out.textContent = text;
    cell.className = cell.className.replace(/\btone-\S+/g, "").trim() + " tone-" + tone;
  }
  form.querySelectorAll("tr.kpi-row").forEach(function (row) {
    var input = row.querySelector("input.num-input");
    if (!input) return;
    var cell = row.querySelector("td.change");
    if (cell && !cell.dataset.newLabel) cell.dataset.newLabel = form.dataset.newLabel || "new";
    input.addEventListener("input", function () { updateChange(row, input); });
  });

  // ---- another incident row, without leaving the page
  var template = document.getElementById("incident-template");
  var addButton = form.querySelector(".add-incident");
  var total = form.querySelector('input[name="incidents-TOTAL_FORMS"]');
  if (template && addButton && total) {
    addButton.hidden = false;
    form.querySelectorAll(".no-js-hint").forEach(function (hint) { hint.hidden = true; });
    addButton.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      var holder = document.createElement("div");
      holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index));
      var row = holder.firstElementChild;
      form.querySelector(".incident-rows").appendChild(row);
      total.value = String(index + 1);
      var first = row.querySelector("input:not([type=hidden]), textarea, select");
      if (first) first.focus();
    });
  }

  // ---- the sticky save bar never covers the field being typed in
  var bar = form.querySelector(".form-actions");
  if (bar) {
    form.addEventListener("focusin", function (event) {
      var target = event.target;
      if (!target || bar.contains(target)) return;
      var box = target.getBoundingClientRect();
      var limit = window.innerHeight - bar.getBoundingClientRect().height - 8;
      if (box.bottom > limit) window.scrollBy(0, box.bottom - limit);
    });
  }
})();
