"""The questionnaire is served as a FHIR R4 Questionnaire at its canonical URL."""

from __future__ import annotations

import json

from fhir.resources.R4B.questionnaire import Questionnaire
from flask.testing import FlaskClient

from portal.config import Settings


def test_the_questionnaire_is_served_at_its_canonical_url_and_by_version(
    client: FlaskClient, settings: Settings
) -> None:
    # The canonical URL serves the current version (2); each installed version has its own id.
    for path, served in (
        ("/fhir/Questionnaire/selfassessment", "selfassessment-2"),
        ("/fhir/Questionnaire/selfassessment-2", "selfassessment-2"),
        ("/fhir/Questionnaire/selfassessment-1", "selfassessment-1"),
    ):
        response = client.get(path)
        assert response.status_code == 200
        assert response.mimetype == "application/fhir+json"
        resource = json.loads(response.get_data(as_text=True))
        Questionnaire.model_validate(resource)
        assert resource["url"] == f"{settings.canonical_base}/fhir/Questionnaire/selfassessment"
        assert resource["id"] == served


def test_an_unknown_questionnaire_is_not_found(client: FlaskClient) -> None:
    assert client.get("/fhir/Questionnaire/selfassessment-99").status_code == 404
