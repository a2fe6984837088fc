// Only improves: every page works without it. Esc twice: quick exit, no Back entry.
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
// Focus the error summary or the crisis help; the slip's Print button.
(function () {
  var s = document.querySelector(".error-summary,[data-focus-on-load]"),
    p = document.getElementById("print-slip");
  if (s) s.focus();
  if (p) { p.hidden = false; p.addEventListener("click", function () { window.print(); }); }
})();
// Warnings before a pause ends something; the page behind is inert.
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
    else if (was) (was !== b && b.contains(was) ? was : document.getElementById("main")).focus();
  }
  // Shared tablet: warn, then reset without a Back entry.
  var idle = +b.getAttribute("data-idle"), box = document.getElementById("idle-warning");
  if (idle && box && location.pathname !== "/tablet/") {
    var warn = +b.getAttribute("data-warn"), reset = b.getAttribute("data-reset"), t1, t2,
      told = Date.now(), token = document.querySelector("input[name=csrf_token]");
    // Tell the server too (its idle clock), at most every 20 s.
    var tell = function (now) {
      if (!window.fetch || !token || (!now && Date.now() - told < 20000)) return;
      told = Date.now();
      var f = new FormData(); f.append("csrf_token", token.value);
      fetch(b.getAttribute("data-keep"), {method: "POST", body: f, credentials: "same-origin",
        headers: {"X-Keep": "1"}}).then(function (r) { if (r.status === 410) location.replace(reset); });
    };
    var arm = function () {
      clearTimeout(t1); clearTimeout(t2); show(box, false);
      t1 = setTimeout(function () { show(box, true); }, (idle - warn) * 1000);
      t2 = setTimeout(function () { location.replace(reset); }, idle * 1000);
    };
    ["keydown", "pointerdown"].forEach(function (e) {
      document.addEventListener(e, function () { if (box.hidden) { arm(); tell(); } });
    });
    document.getElementById("idle-stay").addEventListener("click", function () { arm(); tell(1); });
    arm();
  }
  // Offer more time before a visit or sign-in ends; at the end, reload.
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
