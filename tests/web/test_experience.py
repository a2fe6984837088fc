""" "Was this useful to you?" at the end of the client's path: optional, once, only a count."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.models import MonthlyCount, Submission
from tests.pro_support import sessions
from tests.web.test_client_path import answer_all, start, submit, token


def test_the_question_is_optional_counted_once_and_never_kept_on_the_record(
    app: Flask, client: FlaskClient
) -> None:
    start(client)
    answer_all(client)
    submit(client)
    html = client.get("/result").get_data(as_text=True)
    assert (
        "Was this useful to you?" in html and "checked" not in html.split('id="useful"')[1][:2000]
    )
    csrf = token(html)
    assert client.post("/useful", data={"csrf_token": csrf}).status_code == 303  # no answer: fine
    client.post("/useful", data={"csrf_token": csrf, "useful": "partly"})
    client.post("/useful", data={"csrf_token": csrf, "useful": "yes"})  # a second answer: ignored
    assert "Thank you for your answer." in client.get("/result").get_data(as_text=True)
    with sessions(app)() as db:
        rows = db.scalars(select(MonthlyCount).where(MonthlyCount.event == "client_useful")).all()
        assert [(r.outcome, r.count) for r in rows] == [("partly", 1)]
        assert db.scalars(select(Submission)).one() is not None  # the record has no such field


def test_outside_a_finished_visit_nothing_is_counted(app: Flask, client: FlaskClient) -> None:
    start(client)
    html = client.get("/check").get_data(as_text=True)
    client.post("/useful", data={"csrf_token": token(html), "useful": "yes"})
    with sessions(app)() as db:
        assert (
            db.scalars(select(MonthlyCount).where(MonthlyCount.event == "client_useful")).all()
            == []
        )
