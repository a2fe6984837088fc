"""A shared outreach tablet: enrolled by a one-time link; the next person sees nothing of the last."""

from __future__ import annotations

import datetime as dt
import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.domain import tablets
from portal.models import Submission, VisitSession
from tests.web.test_client_path import Q, answer, answer_all, count, submit, token


def enroll_link(app: Flask) -> tuple[int, str]:
    with app.extensions["portal.sessionmaker"]() as db:
        moment = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        enrollment = tablets.enroll(db, "Street team 1", today=moment.date(), now=moment)
        db.commit()
        return enrollment.tablet.id, f"/tablet/enroll/{enrollment.token}"


def enrolled(app: Flask, client: FlaskClient) -> int:
    tablet_id, link = enroll_link(app)
    html = client.get(f"{link}?lang=en").get_data(as_text=True)
    response = client.post(link, data={"csrf_token": token(html)})
    assert response.status_code == 303
    assert "portal_tablet=" in response.headers["Set-Cookie"]
    return tablet_id


def new_person(client: FlaskClient) -> None:
    html = client.get("/tablet/").get_data(as_text=True)
    response = client.post("/tablet/new", data={"csrf_token": token(html)})
    assert response.status_code == 303 and "/q/" in response.location


def test_an_enrolled_tablet_opens_on_its_own_start_page(app: Flask, client: FlaskClient) -> None:
    enrolled(app, client)
    assert client.get("/").location.endswith("/tablet/")
    html = client.get("/tablet/?lang=en").get_data(as_text=True)
    assert "Start for a new person" in html


def test_a_device_that_is_not_enrolled_gets_no_tablet_page(client: FlaskClient) -> None:
    assert client.get("/tablet/").status_code == 403


def test_assessments_on_a_tablet_are_counted_as_assisted(app: Flask, client: FlaskClient) -> None:
    enrolled(app, client)
    new_person(client)
    answer_all(client)
    submit(client)
    with app.extensions["portal.sessionmaker"]() as db:
        assert db.scalars(select(Submission.assisted)).one() is True


def test_tablet_pages_reset_themselves_after_inactivity_even_without_javascript(
    app: Flask, client: FlaskClient
) -> None:
    enrolled(app, client)
    new_person(client)
    html = client.get(f"/q/{Q.items[0].id}").get_data(as_text=True)
    assert re.search(r'<noscript><meta http-equiv="refresh" content="\d+;url=/tablet/reset">', html)
    assert 'data-idle="' in html and 'id="idle-warning"' in html


def test_clear_now_leaves_nothing_of_the_person(app: Flask, client: FlaskClient) -> None:
    enrolled(app, client)
    new_person(client)
    answer(client, "housing", Q.item("housing").options[0].value)
    html = client.get("/check").get_data(as_text=True)
    response = client.post("/tablet/clear", data={"csrf_token": token(html)})
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'
    assert client.get("/check").location.endswith("/over")
    with app.extensions["portal.sessionmaker"]() as db:
        rows = db.scalars(select(VisitSession)).all()
    assert len(rows) <= 1  # at most the new, empty visit that remembers the language


def test_idle_reset_clears_the_visit(app: Flask, client: FlaskClient) -> None:
    enrolled(app, client)
    new_person(client)
    response = client.get("/tablet/reset")
    assert response.location.endswith("/tablet/?cleared=1")
    assert client.get("/check").location.endswith("/over")


def test_finishing_on_a_tablet_returns_to_the_tablet_start(app: Flask, client: FlaskClient) -> None:
    enrolled(app, client)
    new_person(client)
    answer_all(client)
    submit(client)
    html = client.get("/result").get_data(as_text=True)
    response = client.post("/finish", data={"csrf_token": token(html)})
    assert response.location.endswith("/tablet/?cleared=1")
    assert count(app, Submission) == 1


def test_a_revoked_tablet_is_no_longer_recognised(app: Flask, client: FlaskClient) -> None:
    tablet_id = enrolled(app, client)
    with app.extensions["portal.sessionmaker"]() as db:
        assert tablets.revoke(db, tablet_id)
        db.commit()
    assert client.get("/tablet/").status_code == 403


def test_a_forged_or_expired_enrollment_link_says_so(app: Flask, client: FlaskClient) -> None:
    response = client.get("/tablet/enroll/not-a-token?lang=en")
    assert response.status_code == 400
    assert "broken" in response.get_data(as_text=True)
    with app.extensions["portal.sessionmaker"]() as db:
        then = dt.datetime(2026, 11, 1, 12, 0)
        enrollment = tablets.enroll(db, "Old", today=then.date(), now=then)
        db.commit()
        try:
            tablets.redeem_enrollment(db, enrollment.token, now=then + dt.timedelta(days=2))
        except tablets.EnrollmentError as exc:
            assert exc.reason == "expired"
        else:
            raise AssertionError("an expired link must be refused")


def test_quick_exit_on_a_shared_tablet_clears_even_a_finished_visit(
    app: Flask, client: FlaskClient
) -> None:
    enrolled(app, client)
    new_person(client)
    answer_all(client)
    submit(client)
    assert client.get("/result").status_code == 200
    client.get("/exit")
    with client.session_transaction() as held:
        assert "done" not in held and "left" not in held
    assert "/over" in client.get("/result").location
