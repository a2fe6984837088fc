"""Issue 11 in a real browser: right after an acute answer, the very next page opens with a calm
crisis panel, with JavaScript on and off, in Finnish, Swedish and English. Only what a person
does is used: the Start button, a click on an answer's label, Continue."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from portal.config import Settings
from portal.domain.questionnaire import load_default
from tests.browser import pagecheck, walk

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)

GO_ON = {
    "fi": "Voit jatkaa kysymyksiin.",
    "sv": "Du kan fortsätta med frågorna.",
    "en": "You can go on with the questions.",
}
Q = load_default()


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_the_page_after_an_acute_answer_opens_with_the_crisis_panel(
    browser: Any, settings: Settings, tmp_path: Path, lang: str, js: bool
) -> None:
    item = Q.item("phq9_9")
    acute = next(o for o in item.options if o.acute)
    following = Q.items[[i.id for i in Q.items].index(item.id) + 1]
    with (
        walk.serve(walk.state("question-after-acute"), settings, tmp_path) as server,
        pagecheck.open_page(browser, lang, js=js) as opened,
    ):
        page = opened.page
        page.goto(server.url + "/")
        page.locator("form.start button[type=submit]").click()
        page.wait_for_url("**/q/**")
        page.goto(f"{server.url}/q/{item.id}")
        page.locator(f"label.choice:has(input[value='{acute.value}'])").click()
        page.locator("button[name=continue]").click()
        page.wait_for_url(f"**/q/{following.id}#crisis-now")

        panel = page.locator("section.crisis-now")
        assert panel.is_visible()
        first_heading = page.locator("main h1, main h2, main h3").first
        assert first_heading.get_attribute("id") == "crisis-now"
        text = panel.inner_text()
        assert "112" in text and GO_ON[lang] in text
        assert Q.acute_flags[acute.acute or ""].text[lang] in text
        tels = panel.locator("a[href^='tel:']").evaluate_all("els => els.map(e => e.href)")
        assert "tel:112" in tels and "tel:0925250111" in tels  # someone answers day and night
        assert panel.locator("h2").bounding_box()["y"] < 640, "the panel is not in view"
        focused = page.evaluate("document.activeElement && document.activeElement.id")
        # With script, portal.js focuses the heading; without it, the page is opened at
        # #crisis-now and the browser focuses the heading (tabindex=-1) as the fragment's target.
        assert focused == "crisis-now", "the panel's heading does not have focus"
        assert page.locator("#crisis-now:target").count() == 1
        # The question is still there, below the panel: the person can go on.
        assert page.locator("input[name=answer]").count() == len(following.options)

        # Once per visit: the next question has no panel.
        page.locator("button[name=continue]").click()
        page.wait_for_url("**/q/**")
        assert page.locator("section.crisis-now").count() == 0
        assert "#" not in page.url, "the fragment was carried on to the next question"
