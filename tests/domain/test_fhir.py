"""FHIR R4 export: a subject-less QuestionnaireResponse and its Questionnaire, valid R4B resources."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.questionnaire import Questionnaire as FhirQuestionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from portal.domain import fhir
from portal.domain.questionnaire import load_default
from portal.domain.scoring import assess
from tests.pro_support import SELF_CARE

BASE = "https://portal.example.invalid"


def response(answers: dict[str, Any], language: str = "sv") -> dict[str, Any]:
    q = load_default()
    return fhir.questionnaire_response(
        q,
        answers=answers,
        instruments=assess(q, answers).instruments,
        authored=dt.date(2025, 3, 1),
        language=language,
        base=BASE,
    )


def items_by_link(resource: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["linkId"]: item for item in resource["item"]}


def test_the_response_validates_as_r4b_and_has_no_subject() -> None:
    resource = response(dict(SELF_CARE))
    model = QuestionnaireResponse.model_validate(resource)
    assert model.subject is None and "subject" not in resource
    assert model.status == "completed"


def test_the_response_points_at_the_canonical_url_of_its_version() -> None:
    q = load_default()
    resource = response(dict(SELF_CARE))
    assert resource["questionnaire"] == f"{BASE}/fhir/Questionnaire/{q.id}|{q.version}"


def test_the_date_is_a_date_without_a_time() -> None:
    assert response(dict(SELF_CARE))["authored"] == "2025-03-01"


def test_answers_are_codings_in_the_client_language_and_skips_are_left_out() -> None:
    answers = {k: v for k, v in SELF_CARE.items() if k != "money"}
    items = items_by_link(response(answers, language="sv"))
    assert "money" not in items
    coding = items["housing"]["answer"][0]["valueCoding"]
    assert coding["code"] == "own_home"
    assert coding["system"] == f"{BASE}/fhir/Questionnaire/selfassessment/housing"
    assert coding["display"] == load_default().item("housing").option("own_home").text["sv"]
    assert [a["valueCoding"]["code"] for a in items["topics"]["answer"]] == ["alcohol", "housing"]


def test_the_audit_c_total_is_given_when_all_three_are_answered() -> None:
    items = items_by_link(response(dict(SELF_CARE)))
    assert items["audit_c_total"]["answer"] == [{"valueInteger": 3}]  # 2 + 0 + 1
    partial = {k: v for k, v in SELF_CARE.items() if k != "audit_c_3"}
    assert "audit_c_total" not in items_by_link(response(partial))


def test_the_questionnaire_validates_and_carries_loinc_codes_for_audit_c() -> None:
    q = load_default()
    resource = fhir.questionnaire(q, BASE)
    FhirQuestionnaire.model_validate(resource)
    assert resource["url"] == f"{BASE}/fhir/Questionnaire/selfassessment"
    assert resource["version"] == q.version
    items = items_by_link(resource)
    loinc = {
        link: item["code"][0]["code"]
        for link, item in items.items()
        if item.get("code") and item["code"][0]["system"] == "http://loinc.org"
    }
    assert loinc["audit_c_1"] == "68518-0"
    assert loinc["audit_c_2"] == "68519-8"
    assert loinc["audit_c_3"] == "68520-6"
    assert loinc["audit_c_total"] == "75626-2"
    assert items["audit_c_total"]["readOnly"] is True


def test_every_response_item_and_coding_exists_in_the_questionnaire() -> None:
    q = load_default()
    definition = items_by_link(fhir.questionnaire(q, BASE))
    for item in response(dict(SELF_CARE))["item"]:
        assert item["linkId"] in definition
        options = {
            (o["valueCoding"]["system"], o["valueCoding"]["code"])
            for o in definition[item["linkId"]].get("answerOption", [])
        }
        for answer in item["answer"]:
            if "valueCoding" in answer:
                coding = answer["valueCoding"]
                assert (coding["system"], coding["code"]) in options


def test_the_questionnaire_is_in_finnish_with_swedish_and_english_translations() -> None:
    q = load_default()
    resource = fhir.questionnaire(q, BASE)
    first = resource["item"][0]
    assert first["text"] == q.items[0].text["fi"]
    translations = {
        ext["extension"][0]["valueCode"]: ext["extension"][1]["valueString"]
        for ext in first["_text"]["extension"]
    }
    assert translations == {"sv": q.items[0].text["sv"], "en": q.items[0].text["en"]}
    json.dumps(resource)  # plain JSON, nothing else


def test_phq_codes_and_loinc_answer_codes_are_carried() -> None:
    q = load_default()
    items = items_by_link(fhir.questionnaire(q, BASE))
    assert items["phq9_9"]["code"][0]["code"] == "44260-8"
    assert items["phq2_total"]["code"][0]["code"] == "55758-7"
    first = items["audit_c_1"]["answerOption"][0]["valueCoding"]
    assert (first["system"], first["code"]) == ("http://loinc.org", "LA6270-8")
    phq = {o["valueCoding"]["code"] for o in items["phq2_1"]["answerOption"]}
    assert phq == {"LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9"}
    answered = items_by_link(response(dict(SELF_CARE)))
    assert answered["audit_c_1"]["answer"][0]["valueCoding"]["code"] == "LA18927-6"
    assert answered["phq2_1"]["answer"][0]["valueCoding"]["code"] == "LA6568-5"
    housing = answered["housing"]["answer"][0]["valueCoding"]
    assert housing["system"].endswith("/housing")  # no LOINC answer: our own code system


def bundle(assessment: fhir.Assessment | None) -> dict[str, Any]:
    q = load_default()
    return fhir.export_bundle(
        q,
        answers=dict(SELF_CARE),
        instruments=assess(q, dict(SELF_CARE)).instruments,
        authored=dt.date(2025, 3, 1),
        language="fi",
        base=BASE,
        assessment=assessment,
    )


def test_the_export_bundle_has_the_panels_and_the_professional_assessment() -> None:
    found = fhir.Assessment(
        reviewed_on=dt.date(2025, 3, 4),
        segment="supported",
        provisional="self_care",
        capability="some_help",
        risk="few",
        overridden=False,
        reason=None,
        routed=("housing_advice", "peer_support"),
        appointment="yes",
    )
    resource = bundle(found)
    model = Bundle.model_validate(resource)
    assert model.type == "collection"
    resources = [e["resource"] for e in resource["entry"]]
    assert resources[0]["resourceType"] == "QuestionnaireResponse"
    codes = {
        r["code"]["coding"][0]["code"] for r in resources if r["resourceType"] == "Observation"
    }
    assert {"72109-2", "75626-2", "55757-9", "55758-7", "segment-assessment"} <= codes
    rating = resources[-1]
    Observation.model_validate(rating)
    assert "subject" not in rating and "performer" not in rating
    assert rating["valueCodeableConcept"]["coding"][0]["code"] == "supported"
    assert rating["effectiveDateTime"] == "2025-03-04"
    parts = {
        (c["code"]["coding"][0]["code"], c["valueCodeableConcept"]["coding"][0]["code"])
        for c in rating["component"]
    }
    assert ("capability-rating", "some_help") in parts and ("routed-to", "peer_support") in parts
    assert rating["derivedFrom"][0]["reference"] == resource["entry"][0]["fullUrl"]
    assert all("subject" not in r for r in resources)


def test_without_a_review_the_bundle_has_no_assessment() -> None:
    resource = bundle(None)
    Bundle.model_validate(resource)
    codes = [
        e["resource"]["code"]["coding"][0]["code"]
        for e in resource["entry"]
        if e["resource"]["resourceType"] == "Observation"
    ]
    assert "segment-assessment" not in codes
