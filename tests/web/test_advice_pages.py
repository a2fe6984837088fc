"""Harm-reduction advice on the result page, in short on the slip, and on the summary."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.config import Settings
from portal.domain import harm_reduction
from portal.domain.questionnaire import LANGUAGES, load_default
from tests.pro_support import AFTER_OVERDOSE, SELF_CARE, make_account, redeem, sign_in, stored_code
from tests.web.test_client_path import answer, start, submit

Q = load_default()
HR = harm_reduction.load_default()


def finish(client: FlaskClient, lang: str, answers: dict[str, str]) -> None:
    start(client, lang)
    for item_id, value in answers.items():
        assert answer(client, item_id, value).status_code == 303
    assert submit(client).status_code == 303


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_overdose_months_ago_and_daily_heavy_drinking_get_their_advice_with_sources(
    client: FlaskClient, lang: str
) -> None:
    finish(client, lang, {"overdose": "1_12_months", "audit_c_3": "daily"})
    html = client.get("/result").get_data(as_text=True)
    assert 'id="advice-title"' in html
    for advice_id in ("overdose_signs", "naloxone", "alcohol_withdrawal", "supported_withdrawal"):
        piece = HR.piece(advice_id)
        assert piece.title[lang] in html
        assert piece.sources[0].url.replace("&", "&amp;") in html
    assert "tel:080090045" in html and "tel:116117" in html  # someone to talk to
    assert HR.piece("injecting").title[lang] not in html
    # The crisis box (none here: no acute flag) would come first, then the code's panel; the
    # advice follows the segment and comes before the code's QR and deletion part.
    assert html.index('id="segment-title"') < html.index('id="advice-title"')
    assert html.index('id="advice-title"') < html.index('id="code-more"')
    slip = client.get("/slip").get_data(as_text=True)
    assert HR.piece("naloxone").short[lang] in slip
    assert HR.piece("naloxone").text[lang] not in slip


def test_answers_that_need_no_advice_show_none(client: FlaskClient) -> None:
    finish(client, "en", {"overdose": "never", "audit_c_3": "weekly", "injecting": "no"})
    assert 'id="advice-title"' not in client.get("/result").get_data(as_text=True)
    assert "Staying safer" not in client.get("/slip").get_data(as_text=True)


def test_the_professional_sees_the_advice_the_client_saw_in_their_own_language(
    app: Flask, client: FlaskClient, settings: Settings
) -> None:
    make_account(app, language="fi")
    sign_in(client)
    code = stored_code(app, settings, answers=AFTER_OVERDOSE, language="sv")
    assert redeem(client, code.grouped).status_code == 303
    html = client.get("/pro/record").get_data(as_text=True)
    assert "Asiakkaalle näytetyt neuvot" in html
    assert "Koska asiakas on saanut yliannostuksen viimeisen 12 kuukauden aikana" in html
    assert HR.piece("naloxone").title["fi"] in html
    assert html.index('class="crisis"') < html.index("Asiakkaalle näytetyt neuvot")


def test_the_summary_says_when_no_advice_was_shown(
    app: Flask, client: FlaskClient, settings: Settings
) -> None:
    make_account(app, language="en")
    sign_in(client)
    code = stored_code(app, settings, answers=SELF_CARE, language="fi")
    assert redeem(client, code.grouped).status_code == 303
    assert "No harm-reduction advice was shown." in client.get("/pro/record").get_data(
        as_text=True
    )


def test_after_an_acute_answer_the_result_page_keeps_its_crisis_box_first(
    client: FlaskClient,
) -> None:
    finish(client, "en", {"overdose": "past_month"})
    html = client.get("/result").get_data(as_text=True)
    assert html.index('class="crisis"') < html.index("<h1>") < html.index('id="advice-title"')
    box = html[html.index('class="crisis"') : html.index("</section>")]
    assert "in Finnish" in box and "tel:0925250111" in box and "tel:112" in box
    assert "tel:0800147111" in box  # the Poison Information Centre, free
    assert box.index("Poison Information Centre") < box.index("Social and crisis emergency")
