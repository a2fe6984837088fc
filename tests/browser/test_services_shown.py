"""Where to go next, in a real browser with JavaScript off: the suggestions in fi, sv and en."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from portal.config import Settings
from tests.browser import pagecheck, walk

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)

TITLES = {"fi": "Mihin seuraavaksi", "sv": "Vart härnäst", "en": "Where to go next"}


def test_the_result_shows_where_to_go_next_in_every_language_without_javascript(
    browser: Any, settings: Settings, tmp_path: Path
) -> None:
    state = walk.state("result-segment")
    with walk.serve(state, settings, tmp_path) as server:
        answers = walk.answers_for(walk.questionnaire_of(server), worst=True, acute=False)
        for lang, title in TITLES.items():
            with pagecheck.open_page(browser, lang, js=False) as opened:
                page = opened.page
                walk.submit(page, server, answers)
                page.goto(f"{server.url}/result?lang={lang}")
                section = page.locator("section.services")
                assert section.locator("h2").inner_text() == title
                count = section.locator("li").count()
                assert 3 <= count <= 5, f"{lang}: {count} suggestions"
                assert section.locator("a[href^='tel:']").count() >= 1, f"{lang}: no phone link"
                assert section.locator(".note").count() == count  # a "why this" for each
                assert section.is_visible()
