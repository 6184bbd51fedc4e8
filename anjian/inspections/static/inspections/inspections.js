/* Inspections pages: small progressive enhancements (the pages work without this file). */
(function () {
  "use strict";

  // Photo pickers: show how many photos were chosen next to the "add photos" button.
  document.querySelectorAll(".photo-pick input[type=file]").forEach(function (input) {
    input.addEventListener("change", function () {
      var badge = input.parentNode.querySelector(".count");
      if (!badge) { return; }
      var n = input.files ? input.files.length : 0;
      badge.textContent = String(n);
      badge.hidden = n === 0;
    });
  });

  // Choosing a result marks the item at once (the colour of its left edge), before saving.
  document.querySelectorAll(".check-item .segmented input[type=radio]").forEach(function (radio) {
    radio.addEventListener("change", function () {
      var item = radio.closest(".check-item");
      if (!item) { return; }
      item.className = item.className.replace(/\bresult-\S+/g, "") + " result-" + radio.value;
    });
  });
})();
