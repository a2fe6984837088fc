"""Every page state × fi/sv/en × phone and desktop × JavaScript on and off: zero axe violations.

Each state is reached once per language and JavaScript setting; the viewport then changes on the
same page. Where the walk has a client page freshly loaded with JavaScript on, it also weighs it
(test_weight's budget) and, in fi and sv, looks for English left on it (test_translated's check),
so no state is reached twice for the same language. On client pages the test also checks what axe cannot: the page's language, one h1, a
title that says where you are, no horizontal scrolling at 320 px and at 200 % zoom, a visible
focus on every Tab stop, 44×44 px targets, and no motion when reduced motion is asked for.
Screenshots of every state, viewport and language go to test-artefacts/screenshots/.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from portal.config import Settings
from tests.browser import pagecheck, test_translated, test_weight, walk
from tests.browser.conftest import ARTEFACTS, SCREENSHOTS_WANTED
from tests.browser.pagecheck import DESKTOP, PHONE, VIEWPORTS, ZOOM_200

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)

SCREENSHOTS = ARTEFACTS / "screenshots"
# Violations we know of, have written into the accessibility statement, and keep for a reason:
# (audience, axe rule) → why. Every entry is a promise to fix or to keep justifying it.
KNOWN_GAPS: dict[tuple[str, str], str] = {
    ("tablet", "meta-refresh"): (
        "JavaScript off on a shared tablet: a <noscript> refresh clears the page after the idle "
        "time without a warning, so the next person never sees the last one's answers "
        "(WCAG 2.2.1; in the statement)"
    ),
}


def test_every_get_route_is_walked(app: Flask) -> None:
    missing = walk.uncovered_get_routes(app, walk.available(app))
    assert not missing, (
        "GET routes that no page state in tests/browser/walk.py reaches: "
        + ", ".join(missing)
        + ". Add a State for each (or, if it is not a page, a line in walk.NOT_PAGES saying why)."
    )


def test_every_needed_endpoint_of_a_state_exists(app: Flask) -> None:
    skipped = [s.name for s in walk.states() if not walk.is_available(s, app)]
    # Parts of the product still being built are reported, not hidden.
    if skipped:
        pytest.skip("states waiting for their routes: " + ", ".join(skipped))


def _size(viewport: dict[str, int]) -> str:
    return f"{viewport['width']}×{viewport['height']}"


# Statuses a page state may answer with when it is not an error page: a form sent back with
# its errors (400), a code nobody has (404), a closed record (410), too many sign-in tries (429).
FORM_ANSWERS = {200, 400, 404, 410, 429}


def document_status(responses: list[Any]) -> int:
    documents = [r for r in responses if r.request.resource_type == "document"]
    return int(documents[-1].status) if documents else 0


def verify_reached(
    page: Any, app: Flask, state: walk.State, responses: list[Any] | None = None
) -> None:
    """The walk really got there: the right route, the state's own marks, the error's number,
    and no error page where the state is not one (a crashing template must not pass)."""
    if responses is not None:
        status = document_status(responses)
        if state.status_text is None:
            assert status in FORM_ANSWERS, f"{state.name}: {page.url} answered {status}"
        else:
            assert str(status) == state.status_text, f"{state.name}: {page.url} answered {status}"
    if state.endpoint is not None and state.status_text is None:
        assert walk.endpoint_of(app, page.url) == state.endpoint, (
            f"{state.name}: expected a page of {state.endpoint}, got {page.url}"
        )
    for selector in state.expect:
        assert page.locator(selector).count() > 0, f"{state.name}: {selector} not on {page.url}"
    for selector in state.expect_absent:
        assert page.locator(selector).count() == 0, f"{state.name}: {selector} on {page.url}"
    if state.status_text is not None:
        assert state.status_text in page.locator("main").inner_text(), (
            f"{state.name}: no status {state.status_text} on {page.url}"
        )


def client_page_problems(page: Any, state: walk.State, lang: str) -> list[str]:
    """The checks axe does not make, on one client page at the current viewport."""
    problems: list[str] = []
    facts = pagecheck.page_facts(page)
    if facts["lang"] != lang:
        problems.append(f"<html lang> is {facts['lang']!r}")
    if facts["h1"] != 1:
        problems.append(f"{facts['h1']} h1 elements")
    where, _sep, site = str(facts["title"]).rpartition(" – ")
    if not where.strip() or site != facts["site"] or where.strip() == site:
        problems.append(f"title {facts['title']!r} does not say where you are")
    if state.name.startswith("question") and not re.search(r"\d+\D+\d+", where):
        problems.append(f"title {facts['title']!r} lacks 'question n of N'")
    if facts["errorSummary"] and ":" not in where:
        problems.append(f"title {facts['title']!r} does not start with 'Error:'")
    for target in pagecheck.small_targets(page):
        problems.append(f"target under 44×44 px: {target}")
    return problems


@pytest.mark.parametrize("lang", walk.LANGS)
@pytest.mark.parametrize("state", walk.states(), ids=lambda s: s.name)
def test_page_state(
    state: walk.State, lang: str, browser: Any, settings: Settings, tmp_path: Path
) -> None:
    problems: list[str] = []
    with walk.serve(state, settings, tmp_path) as server:
        if not walk.is_available(state, server.app):
            pytest.skip(f"{state.name}: route(s) {', '.join(state.needs)} not built yet")
        # A state that only JavaScript makes (the tablet's idle warning) has no JS-off variant.
        for js in (True,) if state.js_only else (True, False):
            opening = pagecheck.open_page if state.own_context else pagecheck.warm_page
            with opening(browser, lang, js=js) as opened:
                page = opened.page
                responses = opened.responses
                state.reach(page, server)
                page.wait_for_load_state("load")
                verify_reached(page, server.app, state, responses)
                if js and state.client:
                    weight = test_weight.page_load_weight(responses)
                    for p in test_weight.record(state.name, lang, weight):
                        problems.append(f"{state.name} [{lang}, cold cache] {p}")
                if js and lang != "en":
                    text = page.evaluate(test_translated.PAGE_TEXT)
                    for english in test_translated.english_on_page(text, lang):
                        problems.append(f"{state.name} [{lang}] {page.url}: English {english!r}")
                for viewport in VIEWPORTS:
                    page.set_viewport_size(viewport)
                    variant = f"{state.name} [{lang}, {_size(viewport)}, JS {'on' if js else 'off'}]"
                    for rule, target, text in pagecheck.axe_violations(page, js=js):
                        if (state.audience, rule) in KNOWN_GAPS:
                            continue
                        problems.append(f"{variant} {rule}: {target} — {text}")
                    if js and SCREENSHOTS_WANTED:
                        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                        page.screenshot(
                            path=str(SCREENSHOTS / f"{state.name}-{lang}-{_size(viewport)}.png"),
                            full_page=True,
                        )
                    if state.client:
                        problems += [f"{variant} {p}" for p in client_page_problems(page, state, lang)]
                if state.client and js:
                    problems += _layout_and_focus(page, f"{state.name} [{lang}, JS on]")
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(problems)


def _layout_and_focus(page: Any, variant: str) -> list[str]:
    problems = []
    for viewport, name in ((PHONE, "320 px"), (ZOOM_200, "200 % zoom")):
        page.set_viewport_size(viewport)
        overflow = pagecheck.horizontal_overflow(page)
        if overflow > 0:
            problems.append(f"{variant} scrolls sideways by {overflow} px at {name}")
    page.set_viewport_size(PHONE)
    problems += [f"{variant} {p}" for p in pagecheck.walk_focus(page)]
    page.emulate_media(reduced_motion="reduce")
    problems += [f"{variant} moves with reduced motion: {m}" for m in pagecheck.running_motion(page)]
    page.set_viewport_size(DESKTOP)
    return problems
