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
  // While the warning shows, the rest of the page is inert: Tab stays in the warning and nothing
  // it covers can take focus.
  function shut(on) {
    for (var n = box; n !== b; n = n.parentNode) {
      for (var k = n.parentNode.firstElementChild; k; k = k.nextElementSibling) {
        if (k !== n) k.toggleAttribute("inert", on);
      }
    }
  }
  function arm() {
    clearTimeout(t1); clearTimeout(t2); box.hidden = true; shut(false);
    t1 = setTimeout(function () { shut(true); box.hidden = false; stay.focus(); }, (idle - warn) * 1000);
    t2 = setTimeout(function () { location.replace(reset); }, idle * 1000);
  }
  ["keydown", "pointerdown"].forEach(function (e) {
    document.addEventListener(e, function () { if (box.hidden) arm(); });
  });
  stay.addEventListener("click", arm);
  arm();
})();
