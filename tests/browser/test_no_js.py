"""With JavaScript off: the whole client path, deleting by code, and a professional's redemption.

Only what a person does is used: clicks on labels, links and buttons, typing into fields.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from portal.config import Settings
from tests.browser import pagecheck, walk

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def _continue(page: Any, url_part: str) -> None:
    with page.expect_navigation(url=f"**{url_part}**"):
        page.locator("button[name=continue]").click()


def client_path(page: Any, server: Any) -> str:
    """Answer every question by clicking, change one answer, send, print, finish: the code."""
    page.goto(server.url + "/")
    page.locator("form.start button").click()
    items = walk.questionnaire_of(server).items
    for number, item in enumerate(items, start=1):
        page.wait_for_url(f"**/q/{item.id}")
        if item.kind == "number":
            page.fill("#answer", "4")
        else:
            labels = page.locator("label.choice")
            labels.nth(0).click()  # the label is the target: clicking it ticks its control
            if item.kind == "multiple":
                labels.nth(1).click()
            assert page.locator("input[name=answer]:checked").count() >= 1
        _continue(page, "/check" if number == len(items) else "/q/")
    assert page.locator("dl.answers dd", has_text="Not answered").count() == 0
    # Change the first answer and come back to the check page.
    page.locator("dl.answers a").first.click()
    page.wait_for_url("**change=1**")
    if items[0].kind == "number":
        page.fill("#answer", "5")
    else:
        page.locator("label.choice").nth(1).click()
    _continue(page, "/check")
    page.locator("form[action$='/submit'] button").click()
    page.wait_for_url("**/result")
    code = str(page.locator("p.code").first.inner_text()).strip()
    page.locator("a[href$='/slip']").click()
    page.wait_for_url("**/slip")
    assert page.locator("#print-slip").is_hidden(), "the Print button needs JS: hidden without"
    assert page.locator(".slip p.code").inner_text().strip() == code
    page.locator("a.backlink").click()
    page.wait_for_url("**/result")
    page.locator("form[action$='/finish'] button").click()
    page.wait_for_url("**/over?finished=1")
    page.go_back()  # the result must not come back after finishing
    assert page.locator("p.code").count() == 0, "the finished result came back with Back"
    return code


def test_the_client_path_and_deleting_by_code_without_javascript(
    browser: Any, settings: Settings, tmp_path: Path
) -> None:
    # The shipped questionnaire with one number question put first: every kind of question.
    state = walk.State("landing", "client", "pages.landing", "", walk.goto("/"), "number")
    with walk.serve(state, settings, tmp_path) as server:
        with pagecheck.open_page(browser, "sv", js=False) as opened:
            code = client_path(opened.page, server)
        with pagecheck.open_page(browser, "sv", js=False) as opened:
            page = opened.page
            page.goto(server.url + "/")
            page.locator("a[href$='/delete']").first.click()
            page.fill("#code", code.lower().replace("-", " "))
            page.locator("main form button[type=submit]").click()
            page.locator("button.danger").click()
            page.wait_for_url("**/delete/done")


def test_a_professional_redeems_a_code_without_javascript(
    browser: Any, settings: Settings, tmp_path: Path
) -> None:
    state = next(s for s in walk.states() if s.name == "pro-record")
    with walk.serve(state, settings, tmp_path) as server:
        if not walk.is_available(state, server.app):
            pytest.skip("the professional's side (pro.record) is not built yet")
        code = walk.store_for_pro(server)  # the client's path is walked in the test above
        with pagecheck.open_page(browser, "en", js=False) as opened:
            page = opened.page
            walk.sign_in(page, server)
            page.wait_for_url("**/pro/")
            page.fill("#code", code)
            page.locator("main form button[type=submit]").click()
            page.wait_for_url("**/pro/record")
            assert page.locator("h1").count() == 1
            page.locator("details.allanswers summary").click()  # native: no script needed
            assert page.locator("details.allanswers dl.answers").is_visible()
            page.locator("form.review label.choice").last.click()
            page.locator("form.review button[type=submit]").click()
            page.wait_for_url("**/pro/record")
            assert page.locator(".notice").count() == 1, "no confirmation after saving"
            page.locator("a[href$='/record/print']").click()
            page.wait_for_url("**/pro/record/print")
            page.go_back()
            page.locator("form[action$='/record/close'] button").click()
            page.wait_for_url("**/pro/")
            page.locator("form[action$='/logout'] button").click()
            page.wait_for_url("**/pro/")
            assert page.locator("#password").count() == 1, "not signed out"


def test_quick_exit_without_javascript(browser: Any, settings: Settings, tmp_path: Path) -> None:
    settings = settings.with_overrides(quick_exit_url="https://quick-exit.invalid/")
    with (
        walk.serve(walk.states()[0], settings, tmp_path) as server,
        pagecheck.open_page(browser, "fi", js=False) as opened,
    ):
        opened.page.goto(server.url + "/")
        with opened.page.expect_request(settings.quick_exit_url):
            opened.page.locator("#quick-exit").click(no_wait_after=True)
        assert opened.foreign == [settings.quick_exit_url]
        opened.foreign.clear()  # the one request that must leave; it can never load
