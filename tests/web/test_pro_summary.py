"""The one-screen summary, confirming or correcting, the print view and the FHIR export."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.config import Settings
from portal.domain.codes import ClientCode
from portal.domain.questionnaire import load_default
from portal.domain.scoring import assess
from portal.models import AuditEntry, MonthlyCount, Review
from tests.conftest import csrf_token
from tests.pro_support import (
    AFTER_OVERDOSE,
    SELF_CARE,
    make_account,
    redeem,
    sessions,
    sign_in,
    stored_code,
)
from tests.web.test_foundation import h1


@pytest.fixture
def opened(app: Flask, client: FlaskClient, settings: Settings) -> ClientCode:
    """A Finnish professional has opened a Swedish client's answers after a recent overdose."""
    make_account(app, language="fi")
    sign_in(client)
    code = stored_code(app, settings, answers=AFTER_OVERDOSE, language="sv", assisted=True)
    assert redeem(client, code.grouped).status_code == 303
    return code


def text_of(html: str) -> str:
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


def last_audit(app: Flask) -> tuple[str, bool, str | None]:
    with sessions(app)() as session:
        row = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert row is not None
        return row.action, row.record_ref is not None, row.detail  # a keyed reference


def test_the_summary_is_in_the_professional_language_with_crisis_guidance_first(
    client: FlaskClient, opened: ClientCode
) -> None:
    q = load_default()
    segment = assess(q, AFTER_OVERDOSE).segment
    html = client.get("/pro/record").get_data(as_text=True)
    assert '<html lang="fi">' in html
    assert html.index('class="crisis"') < html.index("<h1>")
    text = text_of(html)
    for expected in (
        q.segment_text(None if segment is None else str(segment)).name["fi"],
        "Asiakkaan kieli ruotsi",
        "Vastattu avustettuna (yhteiskäyttöinen tabletti) Kyllä",
        "Asiakkaan valitsemat aiheet",
        q.item("housing").option("own_home").text["fi"],
        q.instrument("audit_c").title["fi"],
        "Näytä kaikki vastaukset",
    ):
        assert expected in text
    assert q.item("housing").text["fi"] in text  # the client's answers, in Finnish
    assert q.item("housing").text["sv"] not in text
    assert "<details" in html and "<summary>" in html
    assert "<svg" in html and "grid-desc" in html  # the 2×2 picture, with its text alternative


def test_the_summary_pages_have_no_inline_script_or_style(
    client: FlaskClient, opened: ClientCode
) -> None:
    for path in ("/pro/", "/pro/record", "/pro/record/print", "/pro/account"):
        html = client.get(path).get_data(as_text=True)
        assert "<style" not in html and " style=" not in html, path
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), path
        assert not re.search(r"\son[a-z]+=", html), path
        assert html.count("<h1") == 1, path


def test_nothing_in_the_rating_form_is_chosen_beforehand(
    client: FlaskClient, opened: ClientCode
) -> None:
    html = client.get("/pro/record").get_data(as_text=True)
    form = html[html.index('id="rate"') : html.index("</form>", html.index('id="rate"'))]
    assert "checked" not in form, "a Save that was not thought about must not count as agreement"
    assert (
        re.search(r'<option selected value="">', form)
        or 'value="" selected' in form
        or ("selected" not in form.replace('<option selected value="">', ""))
    )
    for name in ("capability", "risk", "routed", "appointment"):
        assert f'name="{name}"' in form
    assert "<textarea" not in form and 'type="text"' not in form  # no free text anywhere


def test_saving_without_rating_the_axes_is_refused(
    app: Flask, client: FlaskClient, opened: ClientCode
) -> None:
    token = csrf_token(client, "/pro/record")
    response = client.post("/pro/record/review", data={"csrf_token": token})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'class="error-summary"' in html and "#capability-0" in html
    assert last_audit(app)[0] == "redeem"


def test_the_segment_follows_from_the_two_ratings_with_routing(
    app: Flask, client: FlaskClient, opened: ClientCode
) -> None:
    token = csrf_token(client, "/pro/record")
    response = client.post(
        "/pro/record/review",
        data={
            "csrf_token": token,
            "capability": "lots_of_help",
            "risk": "many",
            "routed": ["substance_outpatient", "housing_advice"],
            "appointment": "yes",
        },
    )
    assert response.status_code == 303
    text = text_of(client.get("/pro/record").get_data(as_text=True))
    assert "Arjessa pärjääminen: Tarvitsee paljon apua; riskit: Paljon." in text
    assert "Ohjattu: Päihdepalvelujen avohoito, Asumisneuvonta." in text
    assert "Aika varattiin: Kyllä." in text
    with sessions(app)() as session:
        row = session.scalars(select(Review)).one()
        assert (row.segment, row.capability, row.risk, row.overridden) == (
            "intensive",
            "lots_of_help",
            "many",
            False,
        )
        assert row.routed == "substance_outpatient,housing_advice"
    _action, _record, detail = last_audit(app)
    assert detail == "intensive"


def test_another_segment_takes_a_reason_from_the_list(
    app: Flask, client: FlaskClient, opened: ClientCode
) -> None:
    token = csrf_token(client, "/pro/record")
    ratings = {"csrf_token": token, "capability": "copes", "risk": "few"}
    refused = client.post("/pro/record/review", data={**ratings, "override": "supported"})
    assert refused.status_code == 400
    assert "Valitse syy toiselle asiakkuudelle" in refused.get_data(as_text=True)
    client.post(
        "/pro/record/review",
        data={**ratings, "override": "undetermined", "reason": "need_more_information"},
    )
    text = text_of(client.get("/pro/record").get_data(as_text=True))
    assert "Uusi asiakkuus: Ei voi vielä sanoa." in text
    assert "Syy: Tarvitaan ensin lisää tietoa." in text
    assert last_audit(app)[2] == "undetermined:need_more_information"


def test_cannot_say_yet_on_an_axis_gives_no_segment(
    app: Flask, client: FlaskClient, opened: ClientCode
) -> None:
    token = csrf_token(client, "/pro/record")
    client.post(
        "/pro/record/review",
        data={"csrf_token": token, "capability": "cannot_say", "risk": "some"},
    )
    with sessions(app)() as session:
        assert session.scalars(select(Review.segment)).one() == "undetermined"


def test_a_reason_that_is_not_on_the_list_is_refused(
    app: Flask, client: FlaskClient, opened: ClientCode
) -> None:
    token = csrf_token(client, "/pro/record")
    response = client.post(
        "/pro/record/review",
        data={
            "csrf_token": token,
            "capability": "copes",
            "risk": "few",
            "override": "supported",
            "reason": "she seemed drunk",
        },
    )
    html = response.get_data(as_text=True)
    assert 'class="error-summary"' in html
    assert last_audit(app)[0] == "redeem"


def test_after_a_review_the_professional_is_asked_once_whether_the_summary_helped(
    app: Flask, client: FlaskClient, opened: ClientCode
) -> None:
    html = client.get("/pro/record").get_data(as_text=True)
    assert 'name="helped"' not in html
    token = csrf_token(client, "/pro/record")
    client.post(
        "/pro/record/review", data={"csrf_token": token, "capability": "copes", "risk": "few"}
    )
    html = client.get("/pro/record").get_data(as_text=True)
    assert "Auttoiko yhteenveto sinua?" in html
    client.post("/pro/record/helped", data={"csrf_token": token, "helped": "partly"})
    client.post("/pro/record/helped", data={"csrf_token": token, "helped": "yes"})  # once only
    assert 'name="helped"' not in client.get("/pro/record").get_data(as_text=True)
    with sessions(app)() as session:
        rows = session.scalars(select(MonthlyCount).where(MonthlyCount.event == "pro_helped")).all()
        assert [(r.outcome, r.count) for r in rows] == [("partly", 1)]


def test_the_print_view_has_no_navigation_and_only_the_last_group_of_the_code(
    app: Flask, client: FlaskClient, opened: ClientCode
) -> None:
    html = client.get("/pro/record/print").get_data(as_text=True)
    assert 'class="top"' not in html and "<nav" not in html and 'class="foot"' not in html
    assert f"…{opened.last_group}</strong>" in html
    assert opened.canonical not in html and opened.grouped not in html
    for group in opened.grouped.split("-")[:3]:
        assert group not in html
    assert last_audit(app) == ("export_print", True, None)


def test_the_fhir_export_is_a_valid_response_without_a_subject(
    app: Flask, client: FlaskClient, opened: ClientCode
) -> None:
    response = client.get("/pro/record/fhir")
    assert response.mimetype == "application/fhir+json"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    bundle = json.loads(response.get_data(as_text=True))
    Bundle.model_validate(bundle)
    resource = bundle["entry"][0]["resource"]
    model = QuestionnaireResponse.model_validate(resource)
    assert model.subject is None
    assert resource["language"] == "sv"
    assert resource["questionnaire"].endswith("/fhir/Questionnaire/selfassessment|2")
    assert opened.canonical not in response.get_data(as_text=True)
    assert last_audit(app) == ("export_fhir", True, None)


def test_closing_the_record_forgets_it(client: FlaskClient, opened: ClientCode) -> None:
    token = csrf_token(client, "/pro/record")
    assert client.post("/pro/record/close", data={"csrf_token": token}).status_code == 303
    response = client.get("/pro/record")
    assert response.headers["Location"] == "/pro/"
    with client.session_transaction() as held:
        assert "pro_record" not in held


def test_a_record_the_client_deletes_while_open_is_gone(
    app: Flask, client: FlaskClient, opened: ClientCode, settings: Settings
) -> None:
    from portal.domain import submissions

    with sessions(app)() as session:
        submissions.delete(
            session,
            opened,
            keyring=settings.code_keyring(),
            today=dt.date.today(),
        )
        session.commit()
    response = client.get("/pro/record", follow_redirects=True)
    assert "Nämä vastaukset eivät ole enää saatavilla" in response.get_data(as_text=True)


def test_a_self_care_record_shows_no_crisis_box(
    app: Flask, client: FlaskClient, settings: Settings
) -> None:
    make_account(app)
    sign_in(client)
    code = stored_code(app, settings, answers=SELF_CARE)
    redeem(client, code.grouped)
    html = client.get("/pro/record").get_data(as_text=True)
    assert 'class="crisis"' not in html
    assert h1(html) == "Yhteenveto asiakkaan vastauksista"


def test_after_a_review_the_fhir_export_carries_the_professional_assessment(
    client: FlaskClient, opened: ClientCode
) -> None:
    token = csrf_token(client, "/pro/record")
    client.post(
        "/pro/record/review",
        data={
            "csrf_token": token,
            "capability": "some_help",
            "risk": "many",
            "routed": ["social_crisis_emergency"],
            "appointment": "not_needed",
        },
    )
    bundle = json.loads(client.get("/pro/record/fhir").get_data(as_text=True))
    Bundle.model_validate(bundle)
    last = bundle["entry"][-1]["resource"]
    assert last["resourceType"] == "Observation"
    assert last["valueCodeableConcept"]["coding"][0]["code"] == "intensive"
    parts = {
        (c["code"]["coding"][0]["code"], c["valueCodeableConcept"]["coding"][0]["code"])
        for c in last["component"]
    }
    assert {("risk-rating", "many"), ("routed-to", "social_crisis_emergency")} <= parts
    assert ("appointment-made", "not_needed") in parts
    assert "subject" not in json.dumps(bundle) and "performer" not in last
