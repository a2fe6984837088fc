"""A shared outreach tablet in a real browser: the idle warning, and the next person sees nothing.

The browser's clock is a fake one (Playwright's clock), so five idle minutes pass in an instant.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from portal.config import Settings
from tests.browser import pagecheck, walk

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def _answer_first_question(page: Any) -> tuple[str, str]:
    """Tick the first choice by its label; (its value, its text)."""
    label = page.locator("label.choice").first
    label.click()
    value = str(page.locator("input[name=answer]:checked").get_attribute("value"))
    text = str(label.inner_text()).strip()
    page.locator("button[name=continue]").click()
    page.wait_for_url("**/q/**")
    return value, text


def test_the_idle_warning_keeps_focus_and_answers_then_the_reset_forgets_them(
    browser: Any, settings: Settings, tmp_path: Path
) -> None:
    state = walk.state("tablet-enrolled")
    with walk.serve(state, settings, tmp_path) as server, pagecheck.open_page(browser, "en") as opened:
        page = opened.page
        config = server.app.extensions["portal.settings"]
        idle, warn = config.tablet_idle_seconds, config.tablet_warning_seconds
        page.clock.install()
        walk.enroll_tablet(page, server)
        page.locator("main form button[type=submit]").click()  # Start for a new person
        page.wait_for_url("**/q/**")
        chosen, chosen_text = _answer_first_question(page)

        # Left alone: the warning opens, takes focus, and the page behind it cannot be reached.
        page.clock.run_for((idle - warn + 1) * 1000)
        warning = page.locator("#idle-warning")
        warning.wait_for(state="visible")
        assert page.evaluate("document.activeElement.id") == "idle-stay"
        assert page.locator("main").get_attribute("inert") is not None
        page.keyboard.press("Tab")
        assert not page.evaluate(
            "!!document.activeElement && !!document.activeElement.closest('main, header, footer')"
        ), "Tab reached the page behind the warning"

        # "I am still here": the warning goes, the page is usable, nothing was lost.
        page.locator("#idle-stay").focus()
        page.keyboard.press("Enter")
        assert warning.is_hidden()
        assert page.locator("main").get_attribute("inert") is None
        page.locator("a.backlink").click()  # back to the first question: the answer is there
        page.wait_for_url("**/q/**")
        checked = page.locator("input[name=answer]:checked")
        assert checked.count() == 1 and checked.get_attribute("value") == chosen

        # Nobody answers the warning: the tablet clears itself and is ready for the next person.
        page.clock.run_for((idle + 1) * 1000)
        page.wait_for_url("**/tablet/**")
        assert page.locator("main form button[type=submit]").count() == 1  # Start for a new person
        page.go_back()  # the last person's question does not come back with its answer
        assert page.locator("input[name=answer]:checked").count() == 0
        page.goto(server.url + "/check")
        assert chosen_text not in page.locator("main").inner_text()


def test_i_am_still_here_tells_the_server_so_the_answers_outlive_the_servers_idle_clock(
    browser: Any, settings: Settings, tmp_path: Path
) -> None:
    """Before: the button only restarted the page's timer; the server, which had seen no
    request, forgot the answers at its own idle limit while the person was still there."""
    import datetime as dt

    state = walk.state("tablet-enrolled")
    with walk.serve(state, settings, tmp_path) as server, pagecheck.open_page(browser, "en") as opened:
        page = opened.page
        config = server.app.extensions["portal.settings"]
        idle, warn = config.tablet_idle_seconds, config.tablet_warning_seconds
        moment = [dt.datetime.now(dt.UTC).replace(tzinfo=None)]
        server.app.extensions["portal.clock"] = lambda: moment[0]
        page.clock.install()
        walk.enroll_tablet(page, server)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url("**/q/**")
        chosen, _text = _answer_first_question(page)

        # The warning opens; the server's clock has moved on as far.
        page.clock.run_for((idle - warn + 1) * 1000)
        page.locator("#idle-warning").wait_for(state="visible")
        moment[0] += dt.timedelta(seconds=idle - warn + 1)
        with page.expect_response("**/keep") as kept:
            page.locator("#idle-stay").click()
        assert kept.value.status == 204

        # More than the idle limit since the last page, less since "I am still here".
        moment[0] += dt.timedelta(seconds=warn + 1)
        page.locator("a.backlink").click()
        page.wait_for_url("**/q/**")
        checked = page.locator("input[name=answer]:checked")
        assert checked.count() == 1 and checked.get_attribute("value") == chosen
