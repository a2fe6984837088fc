"""What the browser tests measure inside a page: axe-core, focus, targets, reflow, motion.

Shared by test_axe, test_keyboard, test_no_js and test_weight. Everything runs offline: axe-core's
script comes from the axe-playwright-python package, and every request the page makes to an
origin other than the test server is aborted and recorded (see `open_page`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from axe_playwright_python.sync_playwright import Axe

Page = Any  # playwright.sync_api.Page

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PHONE = {"width": 320, "height": 640}
DESKTOP = {"width": 1280, "height": 800}
# 200 % browser zoom of a 1280×800 window lays the page out in 640×400 CSS pixels: the device
# scale factor only changes rasterisation, so a 640×400 viewport is the same layout.
ZOOM_200 = {"width": 640, "height": 400}
VIEWPORTS = (PHONE, DESKTOP)
MIN_TARGET = 44  # CSS px, our own bar (WCAG 2.5.8 asks for 24; 2.5.5 AAA for 44)
LOCALES = {"fi": "fi-FI", "sv": "sv-SE", "en": "en-GB"}

_AXE = Axe()
# With JavaScript off, Chromium runs no timers, and axe-core waits on setTimeout between its
# rules. No page script can run in such a context, so axe gets microtask timers of its own.
_TIMERS_FOR_AXE = """() => {
  window.setTimeout = (f, _ms, ...a) => { Promise.resolve().then(() => f(...a)); return 1; };
  window.clearTimeout = () => {};
  window.requestAnimationFrame = (f) => { Promise.resolve().then(() => f(performance.now())); return 1; };
  window.requestIdleCallback = undefined;
}"""

_DESCRIBE = """const describe = (el) => {
  if (!el || el === document.body) return 'body';
  const text = (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 40);
  return el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (el.name ? '[name=' + el.name + ']' : '') + (text ? ' "' + text + '"' : '');
};"""

_INTERACTIVE = (
    "a[href], button, input:not([type=hidden]), select, textarea, summary, "
    "[tabindex]:not([tabindex='-1'])"
)


@dataclass
class Opened:
    context: Any
    page: Page
    foreign: list[str] = field(default_factory=list)  # requests to other origins (aborted)
    responses: list[Any] = field(default_factory=list)  # every response the page received


def _new_context(browser: Any, lang: str, js: bool, viewport: dict[str, int]) -> Opened:
    """A context (cold cache, no cookies) in `lang` that lets nothing leave 127.0.0.1."""
    context = browser.new_context(
        viewport=viewport,
        locale=LOCALES[lang],
        java_script_enabled=js,
        extra_http_headers={"Accept-Language": lang},  # page.request too, not only the page
    )
    context.portal_lang = lang  # what walk.same_visit sends as Accept-Language
    opened = Opened(context, context.new_page())

    def local(url: str) -> bool:
        return url.startswith("data:") or urlsplit(url).hostname == "127.0.0.1"

    def guard(route: Any) -> None:
        if local(route.request.url):
            route.continue_()
        else:
            route.abort()

    def watch(request: Any) -> None:
        # Routing does not see a redirect's next hop, so every request is watched as well.
        if not local(request.url):
            opened.foreign.append(request.url)

    # Routing every request also turns Chromium's HTTP cache off: every load is a cold one.
    context.route("**/*", guard)
    context.on("request", watch)
    opened.page.on("response", lambda response: opened.responses.append(response))
    opened.page.set_default_timeout(10_000)
    return opened


@contextlib.contextmanager
def open_page(
    browser: Any, lang: str, *, js: bool = True, viewport: dict[str, int] = PHONE
) -> Iterator[Opened]:
    """A fresh context (cold cache, no cookies) in `lang` that lets nothing leave 127.0.0.1."""
    opened = _new_context(browser, lang, js, viewport)
    try:
        yield opened
    finally:
        opened.context.close()
    assert not opened.foreign, f"requests to another origin: {opened.foreign}"


# One context per browser, language and JavaScript setting, kept for the next page state: a new
# context costs Chromium about half a second of CPU and a cold renderer, and the matrix opens
# hundreds. Between states it is emptied: no cookies, the phone viewport, no emulated media (the
# next state's first navigation replaces the page); each state is served on a new port, so no
# storage or origin is shared either.
_WARM: dict[tuple[int, str, bool], Opened] = {}


@contextlib.contextmanager
def warm_page(browser: Any, lang: str, *, js: bool = True) -> Iterator[Opened]:
    """Like open_page (no cookies, cold cache, nothing from elsewhere), in a reused context."""
    key = (id(browser), lang, js)
    opened = _WARM.get(key)
    if opened is None or opened.page.is_closed():
        opened = _WARM[key] = _new_context(browser, lang, js, PHONE)
    page = opened.page
    opened.context.clear_cookies()
    page.set_viewport_size(PHONE)
    page.emulate_media(reduced_motion="no-preference")
    opened.foreign.clear()
    opened.responses.clear()
    try:
        yield opened
    except BaseException:
        _WARM.pop(key, None)  # a failed state may have left anything behind: start afresh
        opened.context.close()
        raise
    assert not opened.foreign, f"requests to another origin: {opened.foreign}"


def axe_violations(page: Page, *, js: bool) -> list[tuple[str, str, str]]:
    """(rule, element target, help) of every WCAG 2.0–2.2 A/AA violation on the page."""
    if not js:
        page.evaluate(_TIMERS_FOR_AXE)
    if not page.evaluate("() => typeof window.axe === 'object'"):  # once per page load
        page.evaluate(_AXE.axe_script)
    results = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})"
        ".then(r => r.violations.map(v => [v.id, v.help, v.nodes.map(n => n.target.join(' '))]))",
        WCAG_TAGS,
    )
    return [(rule, target, text) for rule, text, targets in results for target in targets]


def page_facts(page: Page) -> dict[str, Any]:
    return dict(
        page.evaluate(
            """() => ({
  lang: document.documentElement.lang,
  h1: document.querySelectorAll('h1').length,
  title: document.title,
  h1text: (document.querySelector('h1') || {}).innerText || '',
  errorSummary: !!document.querySelector('.error-summary'),
  site: ((document.querySelector('.brand') || {}).innerText || '').trim(),
})"""
        )
    )


def horizontal_overflow(page: Page) -> int:
    """How many CSS px the page is wider than the viewport (0 = no horizontal scrolling)."""
    return int(
        page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
    )


def small_targets(page: Page) -> list[str]:
    """Interactive elements smaller than MIN_TARGET×MIN_TARGET CSS px.

    Exempt, as WCAG 2.5.8 exempts them: a link laid out inline inside running text (its block
    holds more text than the link). A radio button's or checkbox's target is its label, which
    toggles it. Elements that are not rendered (display:none, [hidden]) are not targets.
    """
    return list(
        page.evaluate(
            "(args) => {" + _DESCRIBE + """
  const [selector, min] = args;
  const out = [];
  for (const el of document.querySelectorAll(selector)) {
    if (el.getClientRects().length === 0) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden') continue;
    const target = (el.type === 'radio' || el.type === 'checkbox') && el.labels && el.labels.length
      ? el.labels[0] : el;
    const r = target.getBoundingClientRect();
    if (r.width >= min - 0.5 && r.height >= min - 0.5) continue;
    if (el.tagName === 'A' && style.display === 'inline') {
      let block = el.parentElement;
      while (block && getComputedStyle(block).display.startsWith('inline')) block = block.parentElement;
      if (block && block.innerText.trim().length > el.innerText.trim().length + 1) continue;
    }
    out.push(describe(el) + ' is ' + Math.round(r.width) + '×' + Math.round(r.height));
  }
  return out;
}""",
            [_INTERACTIVE, MIN_TARGET],
        )
    )


# A stable name per element for this page load (an expando on the element, not in the DOM).
_KEY = """const keyOf = (el) => (!el || el === document.body) ? 'body'
  : (el.__a11yKey = el.__a11yKey || describe(el) + '@' + (window.__a11yN = (window.__a11yN || 0) + 1));"""


def tab_order(page: Page) -> list[str]:
    """The Tab stops in document order (a radio group is one stop: its checked or first radio).

    Pages here use no positive tabindex, so document order is the Tab order.
    """
    return list(
        page.evaluate(
            "(selector) => {" + _DESCRIBE + _KEY + """
  const groups = new Set();
  const out = [];
  for (const el of document.querySelectorAll(selector)) {
    if (el.getClientRects().length === 0 || el.disabled || el.tabIndex < 0) continue;
    if (el.closest('[inert]')) continue;  // behind an open warning: not reachable, by design
    if (el.type === 'radio') {
      if (groups.has(el.name)) continue;
      groups.add(el.name);
      const all = [...document.querySelectorAll('input[type=radio]')].filter((r) => r.name === el.name);
      out.push(keyOf(all.find((r) => r.checked) || el));
      continue;
    }
    out.push(keyOf(el));
  }
  return out;
}""",
            _INTERACTIVE,
        )
    )


def tab_stops(page: Page) -> int:
    return len(tab_order(page))


def focused(page: Page, selector: str = "html") -> dict[str, Any]:
    """What has focus now, whether a focus indicator is drawn on it, whether it is `selector`."""
    return dict(
        page.evaluate(
            "(selector) => {" + _DESCRIBE + _KEY + """
  const el = document.activeElement;
  const s = el ? getComputedStyle(el) : null;
  const outline = s && s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
  const shadow = s && s.boxShadow && s.boxShadow !== 'none';
  // WCAG 1.4.11: the outline against what it is drawn on (the parent's background, since it is
  // offset outside the element), at least 3:1.
  const rgb = (c) => (c.match(/[0-9.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map((v) => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
    .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  let behind = [255, 255, 255];
  for (let a = el && el.parentElement; a; a = a.parentElement) {
    const c = rgb(getComputedStyle(a).backgroundColor);
    if (c.length >= 3 && (c.length < 4 || c[3] > 0)) { behind = c; break; }
  }
  let contrast = null;
  if (outline) {
    const [hi, lo] = [lum(rgb(s.outlineColor)), lum(behind)].sort((x, y) => y - x);
    contrast = Math.round(((hi + 0.05) / (lo + 0.05)) * 100) / 100;
  }
  // WCAG 2.4.11: the focused element is not entirely hidden by other content.
  let obscured = false;
  if (el && el !== document.body) {
    const r = el.getBoundingClientRect();
    const inside = (x, y) => Math.min(Math.max(x, 0), innerWidth - 1) === x &&
      Math.min(Math.max(y, 0), innerHeight - 1) === y;
    const points = [[r.left + r.width / 2, r.top + r.height / 2], [r.left + 2, r.top + 2],
      [r.right - 2, r.top + 2], [r.left + 2, r.bottom - 2], [r.right - 2, r.bottom - 2]]
      .filter(([x, y]) => inside(x, y));
    const labels = el.labels ? [...el.labels] : [];
    obscured = points.length === 0 || !points.some(([x, y]) => {
      const hit = document.elementFromPoint(x, y);
      return hit && (el.contains(hit) || hit.contains(el) || labels.some((l) => l.contains(hit)));
    });
  }
  return {name: describe(el), body: !el || el === document.body, drawn: !!(outline || shadow),
          key: keyOf(el), matches: !!el && el.matches(selector), contrast, obscured};
}""",
            selector,
        )
    )


def walk_focus(page: Page) -> list[str]:
    """Tab through every stop: each takes focus and shows it (an outline of 3:1 contrast against
    its background, the element not hidden by other content); focus leaves the page only after
    the last stop (the browser's own wrap), and every stop is reached (no trap). Then Shift+Tab
    must go back one stop. Focus may start anywhere (an autofocused field, an open warning)."""
    problems: list[str] = []
    order = tab_order(page)
    seen: set[str] = set()
    previous: str | None = focused(page)["key"]
    for step in range(2 * len(order) + 2):
        if seen >= set(order):
            break
        page.keyboard.press("Tab")
        now = focused(page)
        if now["body"]:
            if previous not in (order[-1:] + ["body"]):
                problems.append(f"Tab {step + 1}: focus lost (on body) after {previous}")
                break
        elif not now["drawn"]:
            problems.append(f"Tab {step + 1}: no visible focus on {now['name']}")
        else:
            if now["contrast"] is not None and now["contrast"] < 3:
                problems.append(
                    f"Tab {step + 1}: focus outline on {now['name']} has contrast "
                    f"{now['contrast']}:1 against its background (< 3:1)"
                )
            if now["obscured"]:
                problems.append(f"Tab {step + 1}: {now['name']} is hidden by other content")
        seen.add(now["key"])
        previous = now["key"]
    missing = [key.split("@")[0] for key in order if key not in seen]
    if missing and not problems:
        problems.append(f"never reached with Tab (trapped or skipped): {missing}")
    if not problems and previous in order and order.index(previous) > 0:
        expected = order[order.index(previous) - 1]
        page.keyboard.press("Shift+Tab")
        if focused(page)["key"] != expected:
            problems.append("Shift+Tab did not go back to the previous stop")
    return problems


def running_motion(page: Page) -> list[str]:
    """Elements with a transition or animation that would run (call with reduced motion on)."""
    return list(
        page.evaluate(
            "() => {" + _DESCRIBE + """
  const out = [];
  const runs = (v) => v.split(',').some((d) => parseFloat(d) > 0);
  for (const el of document.querySelectorAll('*')) {
    const s = getComputedStyle(el);
    if (runs(s.transitionDuration) || (s.animationName !== 'none' && runs(s.animationDuration)))
      out.push(describe(el));
  }
  for (const a of document.getAnimations()) out.push('running animation on ' + describe(a.effect && a.effect.target));
  return out;
}"""
        )
    )
