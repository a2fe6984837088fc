"""With JavaScript off: a professional's redemption and the quick exit.

The client's whole path with JavaScript off (every question, change, send, slip, finish, delete by
code) is test_client_journey's no-js run, in each language. Only what a person does is used here:
clicks on labels, links and buttons, typing into fields.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from portal.config import Settings
from tests.browser import pagecheck, walk

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def test_a_professional_redeems_a_code_without_javascript(
    browser: Any, settings: Settings, tmp_path: Path
) -> None:
    state = walk.state("pro-record")
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
            assert page.locator("form.review input:checked").count() == 0
            page.locator("label[for=capability-2]").click()  # needs a lot of help
            page.locator("label[for=risk-2]").click()  # many risks
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
