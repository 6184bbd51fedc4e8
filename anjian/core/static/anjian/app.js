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

  // Irreversible actions ask once more.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
})();
