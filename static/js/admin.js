"use strict";
// Django's admin names some controls only by what sits next to them, so axe-core (and a screen reader)
// finds them nameless: a tabular inline's inputs under their column header, a split date/time field's
// two inputs after plain "Date:"/"Time:" text, and an autocomplete's Select2 box, named by its current
// choice, which is empty until one is made. Rows added later ("Add another") are named as they appear.
(function () {
  const words = (node) =>
    node ? node.textContent.replace(/\s+/g, " ").trim().replace(/[:：]$/, "") : "";
  const labelFor = (el) => (el.id ? document.querySelector(`label[for="${CSS.escape(el.id)}"]`) : null);
  const named = (el) => el.hasAttribute("aria-label") || el.hasAttribute("aria-labelledby") || labelFor(el);
  const ensureId = (el, id) => el.id || (el.id = id);

  function splitDateTimes() {
    document.querySelectorAll("p.datetime").forEach((group) => {
      if (group.closest("td")) return; // a tabular inline's column header names it (below)
      const row = group.closest(".form-row");
      const field = words(row && row.querySelector("label"));
      group.querySelectorAll("input").forEach((input) => {
        if (named(input)) return;
        const part = words(input.previousSibling);
        const name = [field, part].filter(Boolean).join(" — ");
        if (name) input.setAttribute("aria-label", name);
      });
    });
  }

  function tabularInlines() {
    document.querySelectorAll(".inline-group .tabular table").forEach((table, index) => {
      const headers = table.tHead?.rows[0]?.cells || [];
      table.querySelectorAll("tbody tr.form-row").forEach((row) => {
        [...row.cells].forEach((cell) => {
          const header = headers[cell.cellIndex];
          if (!header || !words(header)) return;
          const headerId = ensureId(header, `inline-${index}-column-${cell.cellIndex}`);
          cell.querySelectorAll("input:not([type=hidden]), select, textarea").forEach((control) => {
            if (!named(control)) control.setAttribute("aria-labelledby", headerId);
          });
        });
      });
    });
  }

  function autocompletes() {
    document.querySelectorAll("select.admin-autocomplete").forEach((select) => {
      const box = select.nextElementSibling?.querySelector(".select2-selection[role=combobox]");
      if (!box || box.dataset.named) return;
      const label = labelFor(select);
      const labelId = label ? ensureId(label, `${select.id}-label`) : select.getAttribute("aria-labelledby");
      if (!labelId) return;
      // The box and the text box inside it that shows the choice: each is the field, then its choice.
      const choice = box.querySelector(".select2-selection__rendered");
      const names = choice?.id ? `${labelId} ${choice.id}` : labelId;
      box.setAttribute("aria-labelledby", names);
      if (choice?.id) choice.setAttribute("aria-labelledby", names);
      box.dataset.named = "1";
    });
  }

  function filterIcons() {
    // SelectFilter2's search icon: an aria-label on a plain span names nothing; a title is what it means.
    document.querySelectorAll("span.search-label-icon[aria-label]").forEach((icon) => {
      icon.title = icon.getAttribute("aria-label");
      icon.removeAttribute("aria-label");
    });
  }

  function nameEverything() {
    splitDateTimes();
    tabularInlines();
    autocompletes();
    filterIcons();
  }

  document.addEventListener("DOMContentLoaded", () => {
    nameEverything();
    // Select2, the filter widgets and new inline rows are drawn after the page is read.
    new MutationObserver(nameEverything).observe(document.body, { childList: true, subtree: true });
  });
})();
