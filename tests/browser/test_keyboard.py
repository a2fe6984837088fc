"""The whole client path with the keyboard alone: Tab, Shift+Tab, Space, Enter and arrows.

Landing → every question on the path → check your answers → result → print slip → back → finish. After
the first Tab on each page, focus is never on <body> (lost), and Tab always moves on (no trap).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from portal.config import Settings
from tests.browser import pagecheck, walk

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def tab_to(page: Any, selector: str, *, backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until `selector` has focus; fail if focus is lost or loops."""
    seen: set[str] = set()
    for _ in range(pagecheck.tab_stops(page) + 2):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        now = pagecheck.focused(page, selector)
        assert not now["body"], f"focus lost on {page.url} while looking for {selector}"
        assert now["drawn"], f"no visible focus on {now['name']} ({page.url})"
        if now["matches"]:
            return
        assert now["key"] not in seen, f"focus went round on {page.url} without reaching {selector}"
        seen.add(now["key"])
    raise AssertionError(f"{selector} never got focus on {page.url}")


def press_and_wait(page: Any, key: str, url_part: str) -> None:
    with page.expect_navigation(url=f"**{url_part}**"):
        page.keyboard.press(key)


def answer_by_keyboard(page: Any, kind: str, number: int) -> str:
    """Answer the question on the page; returns what the check page should show for it."""
    if kind == "single":
        tab_to(page, "input[type=radio]")
        # Alternate: Space ticks the first option, an arrow moves to and ticks the next one.
        page.keyboard.press("Space" if number % 2 else "ArrowDown")
    elif kind == "multiple":
        tab_to(page, "input[type=checkbox]")
        page.keyboard.press("Space")
        page.keyboard.press("Tab")
        page.keyboard.press("Space")
    else:
        tab_to(page, "input[type=number]")
        page.keyboard.type("3")
    checked = page.evaluate(
        "() => [...document.querySelectorAll('input:checked')].map(i => i.labels[0].innerText.trim())"
    )
    return ", ".join(checked) if kind != "number" else "3"


def test_the_client_path_by_keyboard_alone(
    browser: Any, settings: Settings, tmp_path: Path
) -> None:
    # The shipped questionnaire with one number question put first: every kind of question.
    state = walk.State("landing", "client", "pages.landing", "", walk.goto("/"), "number")
    with walk.serve(state, settings, tmp_path) as server, pagecheck.open_page(browser, "en") as opened:
        page = opened.page
        page.goto(server.url + "/")
        tab_to(page, "a.skip")
        tab_to(page, "form.start button")
        press_and_wait(page, "Enter", "/q/")
        q = walk.questionnaire_of(server)
        number = 0
        # The questionnaire's skip logic picks the next question, so follow the pages it shows.
        while "/q/" in page.url:
            number += 1
            item = q.item(page.url.split("/q/", 1)[1].split("?", 1)[0])
            chosen = answer_by_keyboard(page, item.kind, number)
            assert chosen, f"nothing chosen by keyboard on {item.id}"
            tab_to(page, "button[name=continue]")
            if number == 1:  # Shift+Tab goes back to the answer, then forward again
                tab_to(page, "input[name=answer]", backwards=True)
                tab_to(page, "button[name=continue]")
            press_and_wait(page, "Enter" if number % 3 else "Space", "/")  # a question or check
        assert "/check" in page.url and number >= 15
        not_answered = page.locator("dl.answers dd", has_text="Not answered").count()
        assert not_answered == 0, "an answer given by keyboard did not reach check your answers"
        tab_to(page, "form[action$='/submit'] button")
        press_and_wait(page, "Enter", "/result")
        assert page.locator("p.code").count() == 1
        tab_to(page, "a[href$='/slip']")
        press_and_wait(page, "Enter", "/slip")
        tab_to(page, "#print-slip")  # shown with JavaScript on; printing itself is the browser's
        tab_to(page, "a.backlink", backwards=True)
        press_and_wait(page, "Enter", "/result")
        tab_to(page, "form[action$='/finish'] button")
        press_and_wait(page, "Space", "/over")
        assert "finished=1" in page.url


def test_escape_twice_leaves_quickly(browser: Any, settings: Settings, tmp_path: Path) -> None:
    """With JavaScript on, Esc Esc is the keyboard's quick exit (the external site is aborted)."""
    # An address that can never load: the redirect's next hop cannot be aborted by routing.
    settings = settings.with_overrides(quick_exit_url="https://quick-exit.invalid/")
    state = walk.states()[0]
    with walk.serve(state, settings, tmp_path) as server, pagecheck.open_page(browser, "fi") as opened:
        opened.page.goto(server.url + "/")
        with opened.page.expect_request(settings.quick_exit_url):
            opened.page.keyboard.press("Escape")
            opened.page.keyboard.press("Escape")
        assert opened.foreign == [settings.quick_exit_url]
        opened.foreign.clear()  # expected: the one request that must leave, aborted here
