"""Statistics under /pro/admin/stats: closed months only, every cell under 5 suppressed.

One month in detail (the last closed one unless another is chosen) and a year of headline
numbers; only those months are read, so the page costs the same however long the history is.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from portal.domain import rating, stats
from portal.i18n import lang
from portal.web.admin import bp
from portal.web.context import db, questionnaire, today
from portal.web.pro_access import admin_only
from portal.web.staff_forms import (
    APPOINTMENT_TEXTS,
    EXPERIENCE_TEXTS,
    LANGUAGE_NAMES,
    ROUTE_KIND_TEXTS,
)

OVERVIEW_MONTHS = 12
CHOOSABLE_MONTHS = 36

BAND_TEXTS = {
    "same_day": _l("The same day"),
    "1_14": _l("1–14 days (the care guarantee)"),
    "15_30": _l("15–30 days"),
    "over_30": _l("More than 30 days"),
}
REVIEW_TEXTS = {
    "both": _l("Both segments known"),
    "pro_undetermined": _l("Professional: cannot say yet"),
    "no_provisional": _l("No provisional segment"),
}
AXIS_TEXTS = {
    "agree": _l("Same side as the client's answers"),
    "disagree": _l("Other side"),
    "pro_cannot_say": _l("Professional: cannot say yet"),
    "no_client_side": _l("Too few answers on this axis"),
}
ASSISTED_TEXTS = {"assisted": _l("With help (shared tablet)"), "self": _l("On their own")}


def _today() -> dt.date:
    return today()


def _chosen_month(today: dt.date) -> str:
    closed = stats.closed_months(today, 1)[0]
    text = request.args.get("month", "") or closed
    try:
        month = stats.parse_month(text)
    except ValueError:
        abort(404)
    if not stats.is_closed(month, today):
        abort(404)  # the current month is never shown, not even on request
    return month


def _names() -> dict[str, dict[str, str]]:
    q = questionnaire()
    here = lang()
    segments = {key: q.segment_text(key).name[here] for key in stats.SEGMENTS}
    decisions = {**segments, rating.UNDETERMINED: _("Cannot say yet")}
    return {
        "segment": {**segments, stats.NONE: q.no_segment.name[here]},
        "decision": decisions,
        "language": {code: str(LANGUAGE_NAMES[code]) for code in stats.LANGUAGES},
        "assisted": {k: str(v) for k, v in ASSISTED_TEXTS.items()},
        "band": {k: str(v) for k, v in BAND_TEXTS.items()},
        "review": {k: str(v) for k, v in REVIEW_TEXTS.items()},
        "axis": {k: str(v) for k, v in AXIS_TEXTS.items()},
        "kind": {k: str(v) for k, v in ROUTE_KIND_TEXTS.items()},
        "appointment": {k: str(v) for k, v in APPOINTMENT_TEXTS.items()},
        "experience": {k: str(v) for k, v in EXPERIENCE_TEXTS.items()},
    }


@bp.get("/stats")
@admin_only
def statistics() -> str:
    """Numbers that identify no one: closed months only, every cell under 5 hidden."""
    today = _today()
    month = _chosen_month(today)
    return render_template(
        "admin/stats.html",
        report=stats.report(db(), month, today=today),
        overview=stats.overview(db(), stats.closed_months(today, OVERVIEW_MONTHS), today=today),
        months=stats.closed_months(today, CHOOSABLE_MONTHS),
        names=_names(),
        smallest=stats.SMALLEST_CELL,
        kappa_min=stats.KAPPA_MIN_PAIRS,
    )


@bp.get("/stats.csv")
@admin_only
def statistics_csv() -> Response:
    """The same month as CSV, suppressed the same way ("<5")."""
    today = _today()
    month = _chosen_month(today)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["month", "table", "row", "column", "value"])
    for row in stats.csv_rows(stats.report(db(), month, today=today)):
        writer.writerow([month, *row])
    response = Response(out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="statistics-{month}.csv"'
    return response
