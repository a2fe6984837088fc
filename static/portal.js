// Optional: the page works fully without this. Esc twice leaves quickly, without a Back entry.
(function () {
  var exit = document.getElementById("quick-exit");
  if (!exit) return;
  var last = 0;
  function leave(e) { if (e) e.preventDefault(); window.location.replace(exit.href); }
  exit.addEventListener("click", leave);
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape") return;
    var now = Date.now();
    if (now - last < 800) leave(e);
    last = now;
  });
})();
// The slip's Print button needs JavaScript, so it is hidden until this runs.
(function () {
  var button = document.getElementById("print-slip");
  if (!button) return;
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
})();
// Shared tablet: warn before an idle reset, then leave without a Back entry.
(function () {
  var b = document.body, idle = +b.getAttribute("data-idle");
  if (!idle || location.pathname === "/tablet/") return;
  var warn = +b.getAttribute("data-warn"), reset = b.getAttribute("data-reset");
  var box = document.getElementById("idle-warning"), stay = document.getElementById("idle-stay");
  var t1, t2;
  function arm() {
    clearTimeout(t1); clearTimeout(t2); box.hidden = true;
    t1 = setTimeout(function () { box.hidden = false; stay.focus(); }, (idle - warn) * 1000);
    t2 = setTimeout(function () { location.replace(reset); }, idle * 1000);
  }
  ["keydown", "pointerdown"].forEach(function (e) {
    document.addEventListener(e, function () { if (box.hidden) arm(); });
  });
  stay.addEventListener("click", arm);
  arm();
})();
