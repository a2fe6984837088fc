"""The faults an independent accessibility audit found, each checked so it cannot come back.

Reflow with long words and WCAG text spacing at 320 px, text-only zoom of 200 %, the code's
characters, grouping and accessible name, where the code sits on a phone, focus after errors and
after the time warnings, and quick exit from the result page without losing the code.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path
from typing import Any

import pytest

from portal.config import Settings
from portal.domain.codes import DATA_SYMBOLS
from tests.browser import pagecheck, walk
from tests.browser.conftest import ARTEFACTS, SCREENSHOTS_WANTED
from tests.browser.pagecheck import DESKTOP, PHONE

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)

SHOTS = ARTEFACTS / "screenshots" / "audit"

# WCAG 1.4.12's text spacing, set through the CSSOM (the CSP forbids inline <style>, rightly).
TEXT_SPACING = """() => {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(`* { line-height: 1.5 !important; letter-spacing: .12em !important;
    word-spacing: .16em !important; } p { margin-bottom: 2em !important; }`);
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
}"""
# Text-only zoom: the browser's default font size doubled; our sizes are all in rem and em.
TEXT_ZOOM_200 = "() => { document.documentElement.style.fontSize = '200%'; }"


def _overflow_with(page: Any, script: str) -> int:
    page.evaluate(script)
    return pagecheck.horizontal_overflow(page)


def _shot(page: Any, name: str) -> None:
    if not SCREENSHOTS_WANTED:
        return
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_every_question_reflows_at_320_px_with_text_spacing_and_text_zoom(
    browser: Any, settings: Settings, tmp_path: Path, lang: str
) -> None:
    """Long Finnish and Swedish words ("Alkoholikysymyksissä" in an h1 inside a legend) wrap."""
    state = walk.state("question-single")
    with walk.serve(state, settings, tmp_path) as server, pagecheck.open_page(browser, lang) as opened:
        page = opened.page
        walk.start_visit(page, server)
        wide = []
        for item in walk.questionnaire_of(server).items:
            for name, script in (("spacing", TEXT_SPACING), ("zoom", TEXT_ZOOM_200)):
                page.goto(f"{server.url}/q/{item.id}")
                if (over := _overflow_with(page, script)) > 0:
                    wide.append((item.id, name, over))
        assert wide == [], f"question pages wider than 320 px in {lang}: {wide}"


# Pages with the audit's long words (Saavutettavuusseloste, Tillgänglighetsutlåtande,
# Giftinformationscentralen), the language menu, the professional's summary and the admin tables.
REFLOW_STATES = [
    "landing", "about", "accessibility", "result-segment-acute", "check", "delete-typo",
    "slip", "landing-came-back", "tablet-result",
    # every page of the professional's and the administrator's side (the time warning is the
    # redeem page with a dialog over it)
    "pro-login", "pro-login-error", "pro-redeem", "pro-redeem-typo", "pro-redeem-unknown",
    "pro-record", "pro-print", "pro-account", "admin-accounts", "admin-accounts-error",
    "admin-audit", "admin-stats",
]  # fmt: skip


@pytest.mark.parametrize("name", REFLOW_STATES)
def test_pages_reflow_at_320_px_plain_with_text_spacing_and_with_text_zoom(
    browser: Any, settings: Settings, tmp_path: Path, name: str
) -> None:
    state = walk.state(name)
    wide = []
    with walk.serve(state, settings, tmp_path) as server:
        for lang in ("fi", "sv", "en"):
            with pagecheck.open_page(browser, lang) as opened:
                page = opened.page
                state.reach(page, server)
                if (over := pagecheck.horizontal_overflow(page)) > 0:
                    wide.append((lang, "plain", over))
                for label, script in (("spacing", TEXT_SPACING), ("zoom", TEXT_ZOOM_200)):
                    page.reload()
                    if (over := _overflow_with(page, script)) > 0:
                        wide.append((lang, label, over))
                if lang == "fi":
                    _shot(page, f"{name}-320-fi-text-zoom-200")
    assert wide == [], f"{name} is wider than 320 px: {wide}"


def test_the_pictures_labels_are_at_least_12_px_and_none_is_cut(
    browser: Any, settings: Settings, tmp_path: Path
) -> None:
    for name in ("result-segment", "pro-record"):
        state = walk.state(name)
        with walk.serve(state, settings, tmp_path) as server:
            for lang in ("fi", "sv", "en"):
                for viewport in (PHONE, DESKTOP):
                    with pagecheck.open_page(browser, lang, viewport=viewport) as opened:
                        page = opened.page
                        state.reach(page, server)
                        facts = page.evaluate(
                            """() => {
  const svg = document.querySelector('figure.grid svg'), box = svg.getBoundingClientRect();
  const scale = box.width / svg.viewBox.baseVal.width;
  return [...svg.querySelectorAll('text')].map(t => {
    const r = t.getBoundingClientRect();
    return {text: t.textContent, px: parseFloat(getComputedStyle(t).fontSize) * scale,
            inside: r.left >= box.left - 0.5 && r.right <= box.right + 0.5 &&
                    r.top >= box.top - 0.5 && r.bottom <= box.bottom + 0.5};
  });
}"""
                        )
                        small = [f for f in facts if f["px"] < 12]
                        cut = [f for f in facts if not f["inside"] or "…" in f["text"]]
                        assert not small, (name, lang, viewport, small)
                        assert not cut, (name, lang, viewport, cut)
                        if lang == "fi":
                            _shot(page, f"{name}-{viewport['width']}-fi")


@pytest.mark.parametrize("name", ["result-segment", "slip", "tablet-result"])
def test_the_code_reads_once_by_character_and_never_breaks_inside_a_group(
    browser: Any, settings: Settings, tmp_path: Path, name: str
) -> None:
    state = walk.state(name)
    with walk.serve(state, settings, tmp_path) as server, pagecheck.open_page(browser, "fi") as opened:
        page = opened.page
        state.reach(page, server)
        code = page.locator("p.code").first
        groups = code.locator(".g")
        shown = code.locator(".code-text").inner_text()
        assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]", shown), shown
        assert set(shown.replace("-", "")) <= set(DATA_SYMBOLS)  # no * ~ $ = U
        # Each group is one piece on one line at 320 px (the line may break only after a dash).
        for index in range(groups.count()):
            rects = groups.nth(index).evaluate("g => g.getClientRects().length")
            assert rects == 1, f"group {index + 1} of the code breaks across lines"
        assert pagecheck.horizontal_overflow(page) == 0
        # A screen reader gets it once: group by group, character by character.
        spelled = ", ".join(" ".join(group) for group in shown.split("-"))
        tree = code.aria_snapshot()
        assert spelled in tree and shown not in tree and shown.replace("-", "") not in tree, tree
        assert page.locator("p.code").count() == 1
        _shot(page, f"code-{name}-320")


def test_on_a_phone_the_code_is_on_the_first_screen_of_the_result(
    browser: Any, settings: Settings, tmp_path: Path
) -> None:
    state = walk.state("result-segment")
    with walk.serve(state, settings, tmp_path) as server:
        for lang in ("fi", "sv", "en"):
            with pagecheck.open_page(browser, lang) as opened:
                page = opened.page
                state.reach(page, server)
                box = page.locator(".code-panel p.code").bounding_box()
                assert box is not None and box["y"] + box["height"] <= PHONE["height"], (lang, box)


ERROR_STATES = [
    ("question-multiple-error", "input"),
    ("question-number-error", "input"),
    ("delete-typo", "input"),
    ("pro-login-error", "input"),
    ("pro-redeem-typo", "input"),
    ("admin-accounts-error", "input, select"),
]


@pytest.mark.parametrize(("name", "field"), ERROR_STATES)
def test_after_an_error_focus_is_on_the_summary_whose_link_leads_to_the_field_itself(
    browser: Any, settings: Settings, tmp_path: Path, name: str, field: str
) -> None:
    state = walk.state(name)
    with walk.serve(state, settings, tmp_path) as server, pagecheck.open_page(browser, "en") as opened:
        page = opened.page
        state.reach(page, server)
        page.wait_for_load_state()
        assert page.evaluate("document.activeElement.classList.contains('error-summary')")
        link = page.locator(".error-summary a").first
        target = str(link.get_attribute("href")).lstrip("#")
        assert page.locator(f"[id='{target}']").evaluate(f"e => e.matches('{field}')"), target
        link.click()
        assert page.evaluate("document.activeElement.id") == target


def test_after_more_time_focus_returns_where_the_person_was(
    browser: Any, settings: Settings, tmp_path: Path
) -> None:
    state = walk.state("visit-time-warning")
    with walk.serve(state, settings, tmp_path) as server, pagecheck.open_page(browser, "en") as opened:
        page = opened.page
        page.clock.install()
        walk.start_visit(page, server)
        page.goto(f"{server.url}/q/{walk.questionnaire_of(server).items[0].id}")
        page.focus("#answer-2")
        warning = page.locator("#time-warning")
        assert warning.evaluate("w => w.tagName") == "DIV"  # the alertdialog is not the form
        assert page.locator("form[role=alertdialog]").count() == 0
        seconds = int(str(warning.get_attribute("data-expire")))
        page.clock.run_for((seconds - int(str(warning.get_attribute("data-warn"))) + 1) * 1000)
        warning.wait_for(state="visible")
        with page.expect_response("**/keep"):
            page.keyboard.press("Enter")
        warning.wait_for(state="hidden")
        assert page.evaluate("document.activeElement.id") == "answer-2"


def test_after_i_am_still_here_focus_returns_where_the_person_was(
    browser: Any, settings: Settings, tmp_path: Path
) -> None:
    state = walk.state("tablet-warning")
    with walk.serve(state, settings, tmp_path) as server, pagecheck.open_page(browser, "en") as opened:
        page = opened.page
        walk.enroll_tablet(page, server)
        page.clock.install()
        page.locator("main form button[type=submit]").click()
        page.wait_for_url("**/q/**")
        page.focus("#answer-2")
        config = server.app.extensions["portal.settings"]
        page.clock.run_for((config.tablet_idle_seconds - config.tablet_warning_seconds + 1) * 1000)
        page.locator("#idle-warning").wait_for(state="visible")
        page.keyboard.press("Enter")
        page.locator("#idle-warning").wait_for(state="hidden")
        assert page.evaluate("document.activeElement.id") == "answer-2"


def test_quick_exit_from_the_result_leaves_at_once_and_the_code_can_be_shown_again(
    browser: Any, settings: Settings, tmp_path: Path
) -> None:
    state = walk.state("result-segment")
    with walk.serve(state, settings, tmp_path) as server, pagecheck.open_page(browser, "en") as opened:
        page = opened.page
        state.reach(page, server)
        code = page.locator("p.code .code-text").inner_text()
        with page.expect_request(lambda r: r.url.startswith(settings.quick_exit_url)):
            page.keyboard.press("Escape")
            page.keyboard.press("Escape")
        opened.foreign.clear()  # the neutral site is elsewhere: the test browser may not go there
        # What Back or a second look would show: no result. (The aborted trip to the neutral site
        # ends in Chromium's error page, which may interrupt the first try.)
        for _ in range(5):
            with contextlib.suppress(Exception):
                page.goto(server.url + "/result")
                break
            page.wait_for_timeout(200)
        assert page.locator("p.code").count() == 0 and "/result" not in page.url
        assert page.locator("#come-back-title").is_visible()
        page.locator("form[action$='/code'] button").click()
        page.wait_for_url("**/result")
        assert page.locator("p.code .code-text").inner_text() == code


def test_the_check_page_lists_the_questions_left_open(
    browser: Any, settings: Settings, tmp_path: Path
) -> None:
    state = walk.state("check")  # one question skipped
    with walk.serve(state, settings, tmp_path) as server, pagecheck.open_page(browser, "en") as opened:
        page = opened.page
        state.reach(page, server)
        notice = page.locator(".notice")
        assert "You left 1 question unanswered" in notice.inner_text()
        assert notice.locator("a").get_attribute("href") == f"/q/{walk.questionnaire_of(server).items[1].id}?change=1"


def test_progress_text_is_read_once(browser: Any, settings: Settings, tmp_path: Path) -> None:
    state = walk.state("question-single")
    with walk.serve(state, settings, tmp_path) as server, pagecheck.open_page(browser, "en") as opened:
        page = opened.page
        state.reach(page, server)
        tree = page.locator("main").aria_snapshot()
        assert len(re.findall(r"Question \d+ of \d+", tree)) == 1, tree
