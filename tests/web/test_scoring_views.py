"""What the v2 scoring shows: skip logic on the web path, near-the-line words, the summary."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from portal.config import Settings
from portal.domain import codes, submissions
from portal.domain.questionnaire import load_default, load_version
from tests.pro_support import SELF_CARE, make_account, redeem, sign_in, stored_code
from tests.web.test_client_path import answer, code_on, start, submit, token

Q = load_default()
V1 = load_version("selfassessment", "1")
PHQ_THREE: dict[str, Any] = {**SELF_CARE, "phq2_1": "more_than_half", "phq2_2": "several_days"}


def text_of(html: str) -> str:
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


def test_never_drinking_goes_straight_to_the_drug_questions(client: FlaskClient) -> None:
    start(client)
    response = answer(client, "audit_c_1", "never")
    assert response.location.endswith("/q/substances")
    after_none = answer(client, "substances", "none")
    assert after_none.location.endswith("/q/in_treatment")
    check = client.get("/check").get_data(as_text=True)
    for hidden in ("audit_c_2", "drug_frequency", "overdose", "naloxone"):
        assert f"/q/{hidden}?change=1" not in check
    assert "/q/in_treatment?change=1" in check


def test_a_changed_answer_that_opens_a_question_asks_it_before_going_back_to_check(
    client: FlaskClient,
) -> None:
    start(client)
    answer(client, "audit_c_1", "never")
    html = client.get("/q/audit_c_1?change=1").get_data(as_text=True)
    response = client.post(
        "/q/audit_c_1?change=1", data={"csrf_token": token(html), "answer": "2_4_month"}
    )
    assert response.location.endswith("/q/audit_c_2?change=1")


def test_choosing_none_with_a_substance_says_what_to_untick(client: FlaskClient) -> None:
    start(client)
    response = answer(client, "substances", ["none", "alcohol"])
    assert response.status_code == 400
    assert "cannot be chosen together with other options" in response.get_data(as_text=True)


def test_answers_the_skip_logic_hid_are_not_stored(app: Flask, client: FlaskClient) -> None:
    start(client)
    answer(client, "substances", ["cannabis"])
    answer(client, "drug_frequency", "daily_or_almost")
    answer(client, "substances", ["none"])  # changed the mind: no drugs after all
    code = code_on(client.get(submit(client).location).get_data(as_text=True))
    with app.extensions["portal.sessionmaker"]() as session:
        opened = submissions.open_submission(
            session,
            codes.parse_code(code),
            today=dt.date.today(),
            keyring=app.extensions["portal.keyring"],
        )
    assert "drug_frequency" not in opened.answers
    assert opened.provisional_segment is None  # too few answers; drug use not counted


def test_a_result_near_the_line_says_so_in_plain_words(client: FlaskClient) -> None:
    start(client)
    for item_id, value in PHQ_THREE.items():
        if item_id in {i.id for i in Q.items}:
            answer(client, item_id, value)
    answer(client, "children_at_home", "yes")
    submit(client)
    html = client.get("/result").get_data(as_text=True)
    assert 'id="near-line"' in html
    assert "close to the line between two kinds of support" in html
    assert "There is support for families too" in html  # the children note


def test_the_summary_shows_rules_axes_every_counted_answer_and_what_would_flip_it(
    app: Flask, client: FlaskClient, settings: Settings
) -> None:
    make_account(app, language="en")
    sign_in(client)
    code = stored_code(app, settings, answers={**PHQ_THREE, "in_treatment": "ost"})
    assert redeem(client, code.grouped).status_code == 303
    text = text_of(client.get("/pro/record").get_data(as_text=True))
    assert "How the result was reached" in text and "Questionnaire version 2." in text
    assert "Near the line: the segment is not sure." in text
    assert "PHQ-2 3 or more" in text  # the decisive rule that fired
    assert "Distance to the line" in text and "4 points" in text
    assert "Every answer that counted" in text
    assert Q.item("phq2_1").option("more_than_half").text["en"] in text
    assert "would change the segment" in text and "Self-care" in text
    assert "Coordinate support with them" in text  # the professional's note
    # The print view carries the block too, short enough for its one A4 page (before: it had
    # no word of how the result was reached).
    printed = text_of(client.get("/pro/record/print").get_data(as_text=True))
    assert "How the result was reached" in printed and "PHQ-2 3 or more" in printed
    assert "Line at" in printed and "Every answer that counted" not in printed


def test_a_version_1_record_is_scored_shown_and_exported_by_version_1(
    app: Flask, client: FlaskClient, settings: Settings
) -> None:
    v1_answers = {**SELF_CARE, "overdose": "no", "drug_frequency": "monthly"}
    make_account(app, language="en")
    sign_in(client)
    code = stored_code(app, settings, answers=v1_answers, questionnaire=V1)
    assert redeem(client, code.grouped).status_code == 303
    text = text_of(client.get("/pro/record").get_data(as_text=True))
    assert "selfassessment, version 1" in text and "Questionnaire version 1." in text
    assert "Weighted average of the answered questions (version 1)." in text
    bundle = json.loads(client.get("/pro/record/fhir").get_data(as_text=True))
    (exported,) = [
        e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "QuestionnaireResponse"
    ]
    assert exported["questionnaire"].endswith("/fhir/Questionnaire/selfassessment|1")
    older = client.get("/fhir/Questionnaire/selfassessment-1")
    assert older.status_code == 200 and json.loads(older.get_data())["version"] == "1"
