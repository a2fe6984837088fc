"""Administrators make and disable accounts and read the audit log; nobody can edit the log."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import csrf_token
from tests.pro_support import PASSWORD, make_account, sign_in
from tests.web.test_foundation import h1


def admin(app: Flask, client: FlaskClient) -> FlaskClient:
    make_account(app, "boss", role="admin", language="en")
    sign_in(client, "boss")
    return client


def new_account(client: FlaskClient, name: str, password: str = PASSWORD) -> str:
    token = csrf_token(client, "/pro/admin/")
    response = client.post(
        "/pro/admin/accounts",
        data={
            "csrf_token": token,
            "username": name,
            "password": password,
            "repeat": password,
            "role": "pro",
            "language": "sv",
        },
    )
    return response.get_data(as_text=True) if response.status_code != 303 else ""


def test_a_professional_cannot_open_the_administration(app: Flask, client: FlaskClient) -> None:
    make_account(app)
    sign_in(client)
    assert client.get("/pro/admin/").status_code == 403
    assert client.get("/pro/admin/audit").status_code == 403
    assert client.get("/pro/admin/audit.csv").status_code == 403


def test_signed_out_the_administration_sends_you_to_sign_in(client: FlaskClient) -> None:
    assert client.get("/pro/admin/").headers["Location"] == "/pro/"


def test_an_administrator_makes_an_account_that_can_sign_in(
    app: Flask, client: FlaskClient
) -> None:
    admin(app, client)
    assert new_account(client, "ville") == ""
    html = client.get("/pro/admin/").get_data(as_text=True)
    assert "ville" in html and "The account ville has been made." in html
    fresh = app.test_client()
    assert sign_in(fresh, "ville").status_code == 303
    assert '<html lang="sv">' in fresh.get("/pro/").get_data(as_text=True)


def test_weak_passwords_and_taken_names_are_refused_with_an_error_summary(
    app: Flask, client: FlaskClient
) -> None:
    admin(app, client)
    html = new_account(client, "ville", "password1234")
    assert 'class="error-summary"' in html and 'href="#password"' in html
    assert "too common" in html
    assert "Error: Staff accounts" in html
    html = new_account(client, "boss")
    assert "There is already an account with this user name." in html


def test_disabling_an_account_ends_its_sessions(app: Flask, client: FlaskClient) -> None:
    admin(app, client)
    target = make_account(app, "ville")
    victim = app.test_client()
    sign_in(victim, "ville")
    token = csrf_token(client, "/pro/admin/")
    response = client.post(f"/pro/admin/accounts/{target.id}/disable", data={"csrf_token": token})
    assert response.status_code == 303
    assert "Disabled" in client.get("/pro/admin/").get_data(as_text=True)
    assert h1(victim.get("/pro/").get_data(as_text=True)) == "Ammattilaisten kirjautuminen"


def test_an_administrator_cannot_disable_themselves(app: Flask, client: FlaskClient) -> None:
    admin(app, client)
    token = csrf_token(client, "/pro/admin/")
    client.post("/pro/admin/accounts/1/disable", data={"csrf_token": token})
    html = client.get("/pro/admin/").get_data(as_text=True)
    assert "You cannot disable your own account." in html


def test_the_audit_log_is_readable_and_downloadable_but_not_editable(
    app: Flask, client: FlaskClient
) -> None:
    admin(app, client)
    new_account(client, "ville")
    html = client.get("/pro/admin/audit").get_data(as_text=True)
    assert h1(html) == "Audit log"
    assert "Signed in" in html and "Made an account" in html
    filtered = client.get("/pro/admin/audit?action=login").get_data(as_text=True)
    assert "Made an account</td>" not in filtered
    response = client.get("/pro/admin/audit.csv")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0] == "id,time_utc,account,action,record,detail"
    assert ",boss,login,," in lines[1]
    assert ",boss,account_created,,pro:ville" in lines[2]
    assert client.post("/pro/admin/audit").status_code == 405
    assert client.delete("/pro/admin/audit").status_code == 405
    assert "audit_downloaded" in client.get("/pro/admin/audit.csv").get_data(as_text=True)
