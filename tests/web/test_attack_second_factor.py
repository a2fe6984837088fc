"""A stolen password alone must not open health data: TOTP, one-time recovery codes, its own
limits, an administrator's rule for every account, and a QR made on our server."""

from __future__ import annotations

import datetime as dt
import re

import pyotp
from flask import Flask
from flask.testing import FlaskClient

from portal.domain import accounts, second_factor
from tests.conftest import csrf_token
from tests.pro_support import PASSWORD, make_account, sessions, sign_in

SECRET = pyotp.random_base32()


def with_second_factor(app: Flask, name: str = "anna") -> list[str]:
    make_account(app, name)
    with sessions(app)() as db:
        account = accounts.find(db, name)
        assert account is not None
        moment = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(minutes=5)
        codes = second_factor.enable(db, account, SECRET, app.extensions["portal.keyring"], moment)
        db.commit()
    return codes


def send_code(client: FlaskClient, typed: str) -> int:
    token = csrf_token(client, "/pro/second-factor")
    response = client.post("/pro/second-factor", data={"csrf_token": token, "code": typed})
    return int(response.status_code)


def signed_in(client: FlaskClient) -> bool:
    return b"/pro/logout" in client.get("/pro/").data


def test_a_stolen_password_alone_opens_nothing(app: Flask, client: FlaskClient) -> None:
    with_second_factor(app)
    response = sign_in(client)
    assert response.status_code == 303 and response.location.endswith("/pro/second-factor")
    assert not signed_in(client)
    assert client.get("/pro/record").location.endswith("/pro/")
    assert send_code(client, pyotp.TOTP(SECRET).now()) == 303
    assert signed_in(client)


def test_a_code_works_once(app: Flask) -> None:
    with_second_factor(app)
    first, second = app.test_client(), app.test_client()
    code = pyotp.TOTP(SECRET).now()
    sign_in(first)
    assert send_code(first, code) == 303
    sign_in(second)
    assert send_code(second, code) == 400  # replayed (someone watched it being typed)
    assert not signed_in(second)


def test_a_recovery_code_works_once(app: Flask) -> None:
    codes = with_second_factor(app)
    assert len(codes) == 10 and len(set(codes)) == 10
    client = app.test_client()
    sign_in(client)
    assert send_code(client, codes[0].lower()) == 303
    again = app.test_client()
    sign_in(again)
    assert send_code(again, codes[0]) == 400


def test_wrong_codes_have_their_own_limit_per_account(app: Flask) -> None:
    with_second_factor(app)
    with_second_factor(app, "ville")
    client = app.test_client()
    sign_in(client)
    assert [send_code(client, "000000") for _ in range(5)] == [400] * 5
    assert send_code(client, pyotp.TOTP(SECRET).now()) == 429
    other = app.test_client()
    sign_in(other, "ville")
    assert send_code(other, pyotp.TOTP(SECRET).now()) == 303  # another account is not stopped


def test_the_half_signed_in_state_ends_after_five_minutes(app: Flask) -> None:
    with_second_factor(app)
    client = app.test_client()
    sign_in(client)
    later = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(minutes=6)
    app.extensions["portal.clock"] = lambda: later
    response = client.get("/pro/second-factor")
    assert response.status_code == 303 and response.location.endswith("/pro/")


def test_an_administrator_can_require_it_and_setup_shows_a_qr_made_here(app: Flask) -> None:
    make_account(app, "boss", role="admin", language="en")
    make_account(app, "anna")
    admin = app.test_client()
    sign_in(admin, "boss")
    token = csrf_token(admin, "/pro/admin/")
    admin.post("/pro/admin/second-factor", data={"csrf_token": token, "require": "1"})
    client = app.test_client()
    assert sign_in(client).location.endswith("/pro/second-factor")
    html = client.get("/pro/second-factor?lang=en").get_data(as_text=True)
    assert "<svg" in html and "<img" not in html  # inline, drawn on our server
    match = re.search(r"<code>([A-Z2-7 ]+)</code>", html)
    assert match
    secret = match.group(1).replace(" ", "")
    token = csrf_token(client, "/pro/second-factor")
    page = client.post(
        "/pro/second-factor", data={"csrf_token": token, "code": pyotp.TOTP(secret).now()}
    )
    assert page.status_code == 200 and page.data.count(b"<li><code>") == 10
    assert signed_in(client)
    with sessions(app)() as db:
        account = accounts.find(db, "anna")
        assert account is not None and account.totp_secret is not None
        assert secret.encode() not in account.totp_secret  # sealed, not in clear


def test_without_the_rule_a_password_is_still_enough(app: Flask, client: FlaskClient) -> None:
    make_account(app, "anna")
    assert sign_in(client, "anna", PASSWORD).location.endswith("/pro/")


def test_turning_it_off_needs_a_current_code_and_is_refused_while_required(app: Flask) -> None:
    with_second_factor(app)
    client = app.test_client()
    sign_in(client)
    send_code(client, pyotp.TOTP(SECRET).now())
    token = csrf_token(client, "/pro/account")
    wrong = client.post("/pro/account/second-factor/off", data={"csrf_token": token, "code": "1"})
    assert wrong.location.endswith("off_failed=1")
    with sessions(app)() as db:
        account = accounts.find(db, "anna")
        assert account is not None and second_factor.has_second_factor(account)
        second_factor.set_required(db, True)
        db.commit()
    later = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(seconds=31)
    app.extensions["portal.clock"] = lambda: later
    code = pyotp.TOTP(SECRET).at(later.replace(tzinfo=dt.UTC))
    client.post("/pro/account/second-factor/off", data={"csrf_token": token, "code": code})
    with sessions(app)() as db:
        account = accounts.find(db, "anna")
        assert account is not None and second_factor.has_second_factor(account)  # required
        second_factor.set_required(db, False)
        db.commit()
    client.post("/pro/account/second-factor/off", data={"csrf_token": token, "code": code})
    with sessions(app)() as db:
        account = accounts.find(db, "anna")
        assert account is not None and not second_factor.has_second_factor(account)
