"""Right after an acute answer, the very next page opens with crisis help: once per visit."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.domain.crisis import HELSINKI
from portal.domain.questionnaire import LANGUAGES, load_default
from portal.web import acute_panel
from tests.web.test_client_path import answer, start

Q = load_default()
PANEL = 'id="crisis-now"'


def next_item(item_id: str) -> str:
    ids = [item.id for item in Q.items]
    return ids[ids.index(item_id) + 1]


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(
    ("item_id", "value"), [("phq9_9", "several_days"), ("overdose", "past_month")]
)
def test_an_acute_answer_opens_the_next_page_with_the_panel_once(
    client: FlaskClient, lang: str, item_id: str, value: str
) -> None:
    start(client, lang)
    response = answer(client, item_id, value)
    assert response.status_code == 303
    # The next question the skip logic asks, opened at the panel.
    next_page, _, anchor = response.location.partition("#")
    assert anchor == acute_panel.ANCHOR and "/q/" in next_page
    html = client.get(next_page).get_data(as_text=True)
    assert PANEL in html
    # The panel is the first thing in the page's main content, before the question.
    main = html[html.index('<main id="main"') :]
    assert main.index(PANEL) < main.index("<h1")
    assert 'href="tel:112"' in main[: main.index("<h1")]
    assert "tel:0925250111" in html  # the Finnish line, open day and night, for every reader
    assert Q.acute_flags[Q.item(item_id).option(value).acute or ""].text[lang] in html
    # Once per visit: not on a reload, and not when the same flag is raised again.
    assert PANEL not in client.get(next_page).get_data(as_text=True)
    answer(client, item_id, Q.item(item_id).options[-1].value)
    assert PANEL not in client.get(next_page).get_data(as_text=True)


def test_a_non_acute_answer_opens_no_panel(client: FlaskClient) -> None:
    start(client, "en")
    response = answer(client, "phq9_9", "not_at_all")
    assert "#" not in response.location
    assert PANEL not in client.get(f"/q/{next_item('phq9_9')}").get_data(as_text=True)


def test_an_acute_answer_changed_from_the_check_page_shows_the_panel_on_the_check_page(
    client: FlaskClient,
) -> None:
    start(client, "en")
    html = client.get("/q/overdose?change=1").get_data(as_text=True)
    from tests.web.test_client_path import token

    response = client.post(
        "/q/overdose?change=1", data={"csrf_token": token(html), "answer": "past_month"}
    )
    assert response.location.endswith("/check#crisis-now")
    assert PANEL in client.get("/check").get_data(as_text=True)


def test_the_english_panel_offers_the_english_line_only_while_it_is_open(app: Flask) -> None:
    visit = {"answers": {"phq9_9": "several_days"}}
    friday_morning = dt.datetime(2026, 12, 4, 10, 0, tzinfo=HELSINKI)
    sunday = dt.datetime(2026, 12, 6, 10, 0, tzinfo=HELSINKI)
    with app.test_request_context("/?lang=en"):
        assert acute_panel.note_answers(visit, Q)
        open_panel = acute_panel.take(dict(visit), Q, "en", friday_morning)
        closed_panel = acute_panel.take(dict(visit), Q, "en", sunday)
    assert open_panel and closed_panel
    helpline = {c.id: c for c in open_panel.contacts}["crisis_helpline"]
    assert [line.number for line in helpline.lines] == ["09 2525 0116", "09 2525 0111"]
    assert helpline.lines[0].open_now is True
    assert helpline.lines[1].label == "in Finnish" and helpline.lines[1].hours == "24/7"
    helpline = {c.id: c for c in closed_panel.contacts}["crisis_helpline"]
    assert [line.number for line in helpline.lines] == ["09 2525 0111"]
    assert [c.id for c in open_panel.contacts] == ["emergency", "crisis_helpline"]
