/* Anjian (安监) — small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";

  // Language switch: submit on change (a <noscript> button covers browsers without JS).
  document.querySelectorAll("form[data-autosubmit] select").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });

  // Dependent selects: options carry data-parent; only those of the chosen parent stay visible.
  // Used for township → grid on the enterprise form, so a long grid list stays short.
  document.querySelectorAll("select[data-depends-on]").forEach(function (child) {
    var parent = document.getElementById(child.getAttribute("data-depends-on"));
    if (!parent) { return; }
    function sync() {
      var value = parent.value;
      Array.prototype.forEach.call(child.options, function (opt) {
        var owner = opt.getAttribute("data-parent");
        var visible = !owner || !value || owner === value;
        opt.hidden = !visible;
        opt.disabled = !visible;
      });
      var selected = child.options[child.selectedIndex];
      if (selected && selected.disabled) { child.value = ""; }
    }
    parent.addEventListener("change", sync);
    sync();
  });

  // Officer picker: choosing a user fills the officer name and phone when they are empty.
  document.querySelectorAll("select[data-fills]").forEach(function (select) {
    select.addEventListener("change", function () {
      var opt = select.options[select.selectedIndex];
      var targets = JSON.parse(select.getAttribute("data-fills"));
      Object.keys(targets).forEach(function (attr) {
        var input = document.getElementById(targets[attr]);
        var value = opt ? opt.getAttribute("data-" + attr) : "";
        if (input && value && !input.value) { input.value = value; }
      });
    });
  });

  // Filter bars fold behind a "筛选 (n)" button on narrow screens (CSS decides when the fold
  // applies), so a phone shows the list first. The count is the filters that are on.
  document.querySelectorAll(".filter-bar[data-collapsible]").forEach(function (bar, index) {
    var form = bar.querySelector("form");
    var button = bar.querySelector(".filter-toggle");
    if (!form || !button) { return; }
    var active = 0;
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "hidden" || el.type === "submit" || el.name === "sort") { return; }
      if ((el.type === "checkbox" || el.type === "radio") ? el.checked : el.value !== "") { active += 1; }
    });
    form.id = form.id || "filters-" + index;
    button.setAttribute("aria-controls", form.id);
    button.querySelector(".filter-count").textContent = active ? "（" + active + "）" : "";
    button.hidden = false;
    bar.classList.add("collapsible");
    if (bar.querySelector(".has-error")) { bar.classList.add("open"); }
    button.setAttribute("aria-expanded", bar.classList.contains("open") ? "true" : "false");
    button.addEventListener("click", function () {
      var open = bar.classList.toggle("open");
      button.setAttribute("aria-expanded", open ? "true" : "false");
    });
  });

  // List tables become one card per row on narrow screens (CSS in app.css): each cell gets its
  // column's name as data-label; the cell with the row's first record link becomes the card's
  // title and cells with buttons its actions, whatever the column order. A column whose header
  // has class "card-hide" is left out of the cards. Tables marked "no-cards" keep scrolling.
  document.querySelectorAll("table.data").forEach(function (table) {
    if (table.classList.contains("no-cards") || !table.tHead || !table.tBodies.length) { return; }
    var labels = [];
    var hidden = [];
    var headRow = table.tHead.rows[table.tHead.rows.length - 1];
    if (!headRow || headRow.cells.length < 3) { return; }
    Array.prototype.forEach.call(headRow.cells, function (th) {
      for (var i = 0; i < (th.colSpan || 1); i += 1) {
        labels.push(th.textContent.replace(/[↑↓]/g, "").trim());
        hidden.push(th.classList.contains("card-hide"));
      }
    });
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        var col = 0;
        var titled = false;
        Array.prototype.forEach.call(row.cells, function (cell) {
          if (cell.colSpan > 1) { cell.classList.add("card-full"); }
          if (labels[col] && !cell.hasAttribute("data-label")) { cell.setAttribute("data-label", labels[col]); }
          if (hidden[col] || (!cell.textContent.trim() && !cell.querySelector("img, input, select"))) {
            cell.classList.add("card-hide");  // nothing to read in the card
          }
          if (cell.querySelector(".btn, form, button")) {
            cell.classList.add("card-actions");
          } else if (!titled && cell.querySelector("a[href]")) {
            cell.classList.add("card-title");
            titled = true;
          }
          col += cell.colSpan || 1;
        });
      });
    });
    table.classList.add("cardable");
    if (table.parentElement && table.parentElement.classList.contains("table-wrap")) {
      table.parentElement.classList.add("has-cards");
    }
  });

  // Irreversible actions ask once more.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });

  // Print buttons (no inline handlers: the Content-Security-Policy allows no inline script).
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
