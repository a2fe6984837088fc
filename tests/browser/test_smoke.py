"""A person opens the landing page in each language and switches between them."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import LiveServer

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def test_landing_page_in_each_language_with_a_working_switch(
    page: Any, live_server: LiveServer
) -> None:
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "fi"
    assert page.locator("h1").inner_text() == "Millainen apu sopisi sinulle?"
    page.get_by_role("link", name="Svenska").click()
    assert page.locator("html").get_attribute("lang") == "sv"
    assert page.locator("h1").inner_text() == "Vilken sorts hjälp skulle passa dig?"
    page.get_by_role("link", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "What kind of help would fit you?"
    # The choice is remembered for the visit: the next page stays in English.
    page.get_by_role("link", name="About this service").click()
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("link", name="Suomi").click()
    assert page.locator("html").get_attribute("lang") == "fi"
    assert page.url.endswith("/about?lang=fi")
