"""A professional changes their own language and password; both stick to the account."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import csrf_token
from tests.pro_support import PASSWORD, make_account, sign_in
from tests.web.test_foundation import h1

NEW = "autumn harbour kettle"


def test_the_language_choice_sticks_to_the_account(app: Flask, client: FlaskClient) -> None:
    make_account(app, language="fi")
    sign_in(client)
    token = csrf_token(client, "/pro/account")
    response = client.post("/pro/account/language", data={"csrf_token": token, "language": "en"})
    assert response.status_code == 303
    assert h1(client.get("/pro/").get_data(as_text=True)) == "Open a client's answers"
    elsewhere = app.test_client()
    sign_in(elsewhere)
    assert '<html lang="en">' in elsewhere.get("/pro/").get_data(as_text=True)


def test_changing_the_password_needs_the_current_one(app: Flask, client: FlaskClient) -> None:
    make_account(app)
    sign_in(client)
    token = csrf_token(client, "/pro/account")
    response = client.post(
        "/pro/account/password",
        data={"csrf_token": token, "current": "wrong one here", "new": NEW, "repeat": NEW},
    )
    html = response.get_data(as_text=True)
    assert "Nykyinen salasana ei ole oikein." in html and 'href="#current"' in html


def test_a_weak_or_mistyped_new_password_is_refused(app: Flask, client: FlaskClient) -> None:
    make_account(app)
    sign_in(client)
    token = csrf_token(client, "/pro/account")
    weak = client.post(
        "/pro/account/password",
        data={
            "csrf_token": token,
            "current": PASSWORD,
            "new": "salasana2024",
            "repeat": "salasana2024",
        },
    ).get_data(as_text=True)
    assert "Tämä salasana on liian yleinen" in weak and 'href="#new"' in weak
    mistyped = client.post(
        "/pro/account/password",
        data={"csrf_token": token, "current": PASSWORD, "new": NEW, "repeat": NEW + "x"},
    ).get_data(as_text=True)
    assert "Uudet salasanat eivät ole samat" in mistyped


def test_a_new_password_works_and_the_old_one_does_not(app: Flask, client: FlaskClient) -> None:
    make_account(app)
    sign_in(client)
    token = csrf_token(client, "/pro/account")
    response = client.post(
        "/pro/account/password",
        data={"csrf_token": token, "current": PASSWORD, "new": NEW, "repeat": NEW},
    )
    assert response.status_code == 303
    assert sign_in(app.test_client(), "anna", PASSWORD).status_code == 200
    assert sign_in(app.test_client(), "anna", NEW).status_code == 303


def test_the_account_page_has_labels_and_fieldsets(app: Flask, client: FlaskClient) -> None:
    make_account(app)
    sign_in(client)
    html = client.get("/pro/account").get_data(as_text=True)
    for field in ("current", "new", "repeat"):
        assert f'<label class="field" for="{field}">' in html
    assert "<fieldset" in html and "<legend" in html
    assert 'autocomplete="new-password"' in html
