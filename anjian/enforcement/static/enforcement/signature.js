/* The signature pad of the on-site inspection (enforcement/inspections/walk.html): draw with a
   finger, a pen or the mouse on the canvas; on submit the drawing is sent as a PNG data URL in
   the form's hidden "signature" field. A plain file from our origin (the CSP allows no inline
   script); the page works without it except for drawing. */
(function () {
  "use strict";

  function setUp(form) {
    var canvas = form.querySelector("canvas.enf-sign");
    var field = form.querySelector("input[name=signature]");
    var error = form.querySelector(".enf-sign-error");
    if (!canvas || !field) { return; }
    var ctx = canvas.getContext("2d");
    var drawn = false;
    var last = null;

    function resize() {
      // Draw at the screen's pixel density; the stored PNG keeps the canvas's own size.
      var ratio = window.devicePixelRatio || 1;
      var rect = canvas.getBoundingClientRect();
      if (!rect.width) { return; }
      canvas.width = Math.round(rect.width * ratio);
      canvas.height = Math.round(rect.height * ratio);
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.lineWidth = 2.5;
      ctx.lineCap = "round";
      ctx.lineJoin = "round";
      ctx.strokeStyle = "#111";
      drawn = false;
    }

    function point(ev) {
      var rect = canvas.getBoundingClientRect();
      return { x: ev.clientX - rect.left, y: ev.clientY - rect.top };
    }

    canvas.addEventListener("pointerdown", function (ev) {
      ev.preventDefault();
      canvas.setPointerCapture(ev.pointerId);
      last = point(ev);
      ctx.beginPath();
      ctx.arc(last.x, last.y, 1.2, 0, 2 * Math.PI);
      ctx.fill();
      drawn = true;
    });
    canvas.addEventListener("pointermove", function (ev) {
      if (!last) { return; }
      ev.preventDefault();
      var p = point(ev);
      ctx.beginPath();
      ctx.moveTo(last.x, last.y);
      ctx.lineTo(p.x, p.y);
      ctx.stroke();
      last = p;
    });
    ["pointerup", "pointercancel", "pointerleave"].forEach(function (name) {
      canvas.addEventListener(name, function () { last = null; });
    });

    var clear = form.querySelector(".enf-sign-clear");
    if (clear) {
      clear.addEventListener("click", function () {
        ctx.clearRect(0, 0, canvas.width, canvas.height);
        drawn = false;
        field.value = "";
      });
    }

    form.addEventListener("submit", function (ev) {
      if (!drawn) {
        ev.preventDefault();
        if (error) { error.hidden = false; }
        return;
      }
      field.value = canvas.toDataURL("image/png");
    });

    resize();
    window.addEventListener("resize", function () { if (!drawn) { resize(); } });
  }

  document.querySelectorAll("form.enf-sign-form").forEach(setUp);

  // The chosen result colours its item at once (before saving).
  document.querySelectorAll(".enf-item input[type=radio]").forEach(function (radio) {
    radio.addEventListener("change", function () {
      var item = radio.closest(".enf-item");
      if (item) { item.className = item.className.replace(/\bresult-\S+/g, "") + " result-" + radio.value; }
    });
  });
})();
