"""Before a pause ends a visit, the page asks "Do you need more time?" (WCAG 2.2.1), in a real
browser: the warning takes focus and makes the page behind it inert, "Yes" renews the visit on
the server, and if nobody answers, the screen is replaced by the visit-over page.

The browser's clock is Playwright's fake one; the server's expiry is moved in the real database.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from portal.config import Settings
from portal.models import VisitSession
from tests.browser import pagecheck, walk

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _set_expiry(server: Any, when: dt.datetime) -> None:
    with server.app.extensions["portal.sessionmaker"]() as db:
        db.execute(update(VisitSession).values(expires_at=when))
        db.commit()


def _expiries(server: Any) -> list[dt.datetime]:
    with server.app.extensions["portal.sessionmaker"]() as db:
        return list(db.scalars(select(VisitSession.expires_at)))


def test_more_time_keeps_the_visit_and_no_answer_clears_the_screen(
    browser: Any, settings: Settings, tmp_path: Path
) -> None:
    state = walk.state("visit-time-warning")
    with walk.serve(state, settings, tmp_path) as server, pagecheck.open_page(browser, "en") as opened:
        page = opened.page
        state.reach(page, server)  # a question, left alone until two minutes before the end
        warning = page.locator("#time-warning")
        assert warning.is_visible()
        assert "Do you need more time?" in warning.inner_text()
        assert page.evaluate("document.activeElement.closest('#time-warning') !== null")
        assert page.locator("main").get_attribute("inert") is not None

        # "Yes, I need more time" by keyboard: the server renews the visit, the page goes on.
        _set_expiry(server, _now() + dt.timedelta(seconds=30))
        with page.expect_response("**/keep") as kept:
            page.keyboard.press("Enter")
        assert kept.value.status == 204
        warning.wait_for(state="hidden")
        assert page.locator("main").get_attribute("inert") is None
        minutes = server.app.extensions["portal.settings"].visit_minutes
        assert all(e > _now() + dt.timedelta(minutes=minutes - 1) for e in _expiries(server))
        page.locator("label.choice").first.click()  # the page works as before
        assert page.locator("input[name=answer]:checked").count() == 1

        # Nobody answers the next warning: at the end the page is replaced, and since the visit
        # is gone on the server, what was on the screen is gone too.
        seconds = int(str(warning.get_attribute("data-expire")))
        _set_expiry(server, _now() - dt.timedelta(seconds=1))
        with page.expect_navigation():
            page.clock.run_for((seconds + 6) * 1000)
        assert page.locator("input[name=answer]").count() == 0
        assert page.locator("form[action$='/start']").count() == 1  # Start again
