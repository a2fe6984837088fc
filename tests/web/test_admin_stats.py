"""Administrators see closed months only, with small cells suppressed, as tables, bars and CSV."""

from __future__ import annotations

import datetime as dt

from flask import Flask
from flask.testing import FlaskClient

from portal.domain import stats
from tests.pro_support import make_account, sessions, sign_in
from tests.web.test_admin import admin

LAST_MONTH = stats.closed_months(dt.date.today(), 1)[0]
LAST_DAY = dt.datetime.strptime(LAST_MONTH + "-02", "%Y-%m-%d").date()


def fill(app: Flask, day: dt.date) -> None:
    with sessions(app)() as db:
        for _ in range(6):
            stats.count_assessment(db, day=day, segment="self_care", language="fi", assisted=False)
        stats.count_assessment(db, day=day, segment="intensive", language="sv", assisted=False)
        db.commit()


def test_a_professional_cannot_see_the_statistics(app: Flask, client: FlaskClient) -> None:
    make_account(app)
    sign_in(client)
    assert client.get("/pro/admin/stats").status_code == 403
    assert client.get("/pro/admin/stats.csv").status_code == 403


def test_the_last_closed_month_is_shown_with_small_cells_hidden(
    app: Flask, client: FlaskClient
) -> None:
    fill(app, LAST_DAY)
    html = admin(app, client).get("/pro/admin/stats?lang=en").get_data(as_text=True)
    assert f"Self-assessments in {LAST_MONTH}" in html
    assert "<td>7</td>" in html  # all assessments of the month
    assert "fewer than 5" in html
    assert "<td>1</td>" not in html and "<td>6</td>" not in html  # 6 would reveal the 1
    assert (
        '<svg class="bars"' in html and "<script" not in html.split("</main>")[0].split("<main")[1]
    )


def test_the_current_month_is_never_shown(app: Flask, client: FlaskClient) -> None:
    fill(app, dt.date.today())
    this_month = stats.month_of(dt.date.today())
    signed_in = admin(app, client)
    assert signed_in.get(f"/pro/admin/stats?month={this_month}").status_code == 404
    assert signed_in.get(f"/pro/admin/stats.csv?month={this_month}").status_code == 404
    html = signed_in.get("/pro/admin/stats?lang=en").get_data(as_text=True)
    assert f">{this_month}<" not in html
    assert "<td>7</td>" not in html


def test_the_csv_has_the_same_suppression(app: Flask, client: FlaskClient) -> None:
    fill(app, LAST_DAY)
    response = admin(app, client).get(f"/pro/admin/stats.csv?month={LAST_MONTH}")
    assert response.mimetype == "text/csv"
    body = response.get_data(as_text=True)
    assert f"{LAST_MONTH},assessments_by_segment,self_care,,<5" in body
    assert f"{LAST_MONTH},assessments_by_segment,total,,7" in body
    assert ",6\r\n" not in body and ",1\r\n" not in body


def test_the_command_prints_a_closed_month_and_refuses_the_current_one(app: Flask) -> None:
    fill(app, LAST_DAY)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["stats", "--month", LAST_MONTH, "--csv"])
    assert result.exit_code == 0, result.output
    assert f"{LAST_MONTH},assessments_by_segment,total,,7" in result.output
    text = runner.invoke(args=["stats", "--month", LAST_MONTH])
    assert "assessments_by_segment" in text.output and "<5" in text.output
    refused = runner.invoke(args=["stats", "--month", stats.month_of(dt.date.today())])
    assert refused.exit_code != 0 and "has not ended yet" in refused.output
