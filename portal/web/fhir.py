"""FHIR resources at stable URLs: the questionnaire, so an exported response can be resolved.

`/fhir/Questionnaire/<id>` serves the current version (the canonical URL); `<id>-<version>` serves
exactly that version (the resource id), also an older installed one that stored records answered
(their exports point at `url|version`). Public: the questions are no secret.
"""

from __future__ import annotations

import json

from flask import Blueprint, abort
from werkzeug.wrappers import Response

from portal.domain import fhir
from portal.domain.questionnaire import load_version
from portal.web.context import questionnaire, settings

bp = Blueprint("fhir", __name__, url_prefix="/fhir")


@bp.get("/Questionnaire/<resource>")
def questionnaire_resource(resource: str) -> Response:
    q = questionnaire()
    if resource not in {q.id, fhir.resource_id(q)}:
        questionnaire_id, _, version = resource.rpartition("-")
        try:
            q = load_version(questionnaire_id, version)  # read once per process
        except LookupError:
            abort(404)
        if fhir.resource_id(q) != resource:
            abort(404)
    body = json.dumps(fhir.questionnaire(q, settings().canonical_base), ensure_ascii=False)
    return Response(body, mimetype="application/fhir+json")
