// Optional: pages work without it. Esc twice leaves quickly, without a Back entry.
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
// Focus where a screen reader should start: the error summary after an error (GOV.UK), or the
// crisis help right after an acute answer (issue 11; without script #crisis-now scrolls to it).
// The slip's Print button needs JavaScript.
(function () {
  var s = document.querySelector(".error-summary,[data-focus-on-load]"),
    p = document.getElementById("print-slip");
  if (s) s.focus();
  if (p) { p.hidden = false; p.addEventListener("click", function () { window.print(); }); }
})();
// Warnings before a pause ends something; while one shows, the rest of the page is inert.
(function () {
  var b = document.body, was = null;
  function show(box, on) {
    if (on === !box.hidden) return;
    if (on) was = document.activeElement;
    for (var n = box; n !== b; n = n.parentNode) {
      for (var k = n.parentNode.firstElementChild; k; k = k.nextElementSibling) {
        if (k !== n) k.toggleAttribute("inert", on);
      }
    }
    box.hidden = !on;
    if (on) box.querySelector("button").focus();
    // Back to where the person was, never to <body>.
    else if (was) (was !== b && b.contains(was) ? was : document.getElementById("main")).focus();
  }
  // Shared tablet: warn before an idle reset, then leave without a Back entry.
  var idle = +b.getAttribute("data-idle"), box = document.getElementById("idle-warning");
  if (idle && box && location.pathname !== "/tablet/") {
    var warn = +b.getAttribute("data-warn"), reset = b.getAttribute("data-reset"), t1, t2;
    var arm = function () {
      clearTimeout(t1); clearTimeout(t2); show(box, false);
      t1 = setTimeout(function () { show(box, true); }, (idle - warn) * 1000);
      t2 = setTimeout(function () { location.replace(reset); }, idle * 1000);
    };
    ["keydown", "pointerdown"].forEach(function (e) {
      document.addEventListener(e, function () { if (box.hidden) arm(); });
    });
    document.getElementById("idle-stay").addEventListener("click", arm);
    arm();
  }
  // Before a pause ends a visit or a sign-in, offer more time (the server renews the session); at
  // the end the page reloads, so what was on the screen is gone.
  var tw = document.getElementById("time-warning");
  if (!tw || !window.fetch) return;
  var form = tw.querySelector("form");
  var left = +tw.getAttribute("data-expire"), lead = +tw.getAttribute("data-warn"), w1, w2;
  function over() { location.replace(location.href); }
  function again() {
    clearTimeout(w1); clearTimeout(w2); show(tw, false);
    w1 = setTimeout(function () { show(tw, true); }, Math.max(left - lead, 0) * 1000);
    w2 = setTimeout(over, (left + 5) * 1000);
  }
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    fetch(form.action, {method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: {"X-Keep": "1"}}).then(function (r) { if (r.status === 204) again(); else over(); }, over);
  });
  again();
})();
