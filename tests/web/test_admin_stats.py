"""Administrators see monthly numbers with small cells suppressed; reviews feed them."""

from __future__ import annotations

import datetime as dt

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.config import Settings
from portal.domain import redemption, stats
from portal.models import Submission
from tests.pro_support import make_account, sessions, sign_in, store
from tests.web.test_admin import admin


def test_a_professional_cannot_see_the_statistics(app: Flask, client: FlaskClient) -> None:
    make_account(app)
    sign_in(client)
    assert client.get("/pro/admin/stats").status_code == 403


def test_statistics_show_big_cells_and_hide_small_ones(app: Flask, client: FlaskClient) -> None:
    with sessions(app)() as db:
        for _ in range(6):
            stats.count_assessment(
                db, day=dt.date(2026, 11, 2), segment="self_care", language="fi", assisted=False
            )
        stats.count_assessment(
            db, day=dt.date(2026, 11, 3), segment="intensive", language="sv", assisted=False
        )
        db.commit()
    html = admin(app, client).get("/pro/admin/stats?lang=en").get_data(as_text=True)
    assert "2026-11" in html
    assert "<td>7</td>" in html  # all assessments in November
    assert "fewer than 5" in html
    assert "<td>1</td>" not in html and "<td>6</td>" not in html  # 6 would reveal the 1


def test_reviews_are_counted_as_held_or_corrected(app: Flask, settings: Settings) -> None:
    with sessions(app)() as db:
        store(db, settings)  # the SELF_CARE answers: provisional segment self-care
        record_id = db.scalars(select(Submission.id)).one()
        for decision in ("self_care",) * 5 + ("intensive",) * 6:
            redemption.review(
                db,
                submission_id=record_id,
                account_id=None,
                provisional="self_care",
                decision=decision,
                reason=None,
                today=dt.date(2026, 11, 23),
            )
        db.commit()
        row = stats.monthly(db, ("self_care", "supported", "collaborative", "intensive"))[0]
    assert (row.reviews, row.confirmed, row.corrected) == (11, 5, 6)
