"""Redeeming a code: typed any way, checked before lookup, limited per account, never kept."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import secrets
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal import create_app
from portal.config import Settings
from portal.domain.codes import ClientCode
from portal.models import AuditEntry
from tests.conftest import REDIS_URL
from tests.pro_support import make_account, redeem, sessions, sign_in, stored_code
from tests.web.test_foundation import h1


@pytest.fixture
def pro(app: Flask, client: FlaskClient) -> FlaskClient:
    """A Finnish professional, signed in."""
    make_account(app, language="fi")
    sign_in(client)
    return client


def messy(code: ClientCode) -> str:
    """How a person may type it: lower case, spaces instead of dashes, an O for a 0."""
    return "  " + code.grouped.lower().replace("-", " ").replace("0", "o") + " "


def audit_rows(app: Flask) -> list[AuditEntry]:
    with sessions(app)() as session:
        return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all())


def assert_no_code_in_audit(app: Flask, code: ClientCode) -> None:
    for row in audit_rows(app):
        text = " ".join(str(v) for v in (row.username, row.action, row.detail, row.record_ref))
        assert code.canonical not in text.upper()
        for group in code.grouped.split("-")[:3]:
            assert group not in text.upper()


def test_a_code_typed_in_lower_case_with_spaces_opens_the_summary(
    app: Flask, pro: FlaskClient, settings: Settings
) -> None:
    code = stored_code(app, settings, language="sv")
    response = redeem(pro, messy(code))
    assert response.status_code == 303 and response.headers["Location"] == "/pro/record"
    html = pro.get("/pro/record").get_data(as_text=True)
    assert h1(html) == "Yhteenveto asiakkaan vastauksista"
    assert code.canonical not in html and code.grouped not in html
    rows = audit_rows(app)
    [last] = rows[-1:]
    assert last.action == "redeem" and last.record_ref is not None and len(last.record_ref) == 16
    assert_no_code_in_audit(app, code)


def test_a_typo_is_caught_before_lookup_and_logged_as_such(
    app: Flask, pro: FlaskClient, settings: Settings
) -> None:
    code = stored_code(app, settings)
    data = code.canonical
    typo = data[:5] + ("Z" if data[5] != "Z" else "Y") + data[6:]
    response = redeem(pro, typo)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Koodissa on kirjoitusvirhe" in html and 'href="#code"' in html
    assert 'aria-invalid="true"' in html
    assert (audit_rows(app)[-1].action, audit_rows(app)[-1].detail) == (
        "redeem_failed",
        "check_failed",
    )


def test_a_character_that_is_never_in_codes_names_its_group(pro: FlaskClient) -> None:
    html = redeem(pro, "7KQM-4P#R-9T3W-X").get_data(as_text=True)
    assert "Koodin 2. osassa on merkki, jota koodeissa ei käytetä." in html


def test_a_code_of_the_wrong_length_says_so(pro: FlaskClient) -> None:
    html = redeem(pro, "7KQM-4PXR").get_data(as_text=True)
    assert "Koodissa on 13 kirjainta ja numeroa" in html


def test_an_unknown_code_and_an_expired_code_get_their_own_messages(
    app: Flask, pro: FlaskClient, settings: Settings
) -> None:
    from portal.domain.codes import new_code

    unknown = redeem(pro, new_code().grouped)
    assert unknown.status_code == 404
    assert "Tällä koodilla ei löytynyt vastauksia." in unknown.get_data(as_text=True)
    old = stored_code(app, settings, today=dt.date.today() - dt.timedelta(days=60))
    expired = redeem(pro, old.grouped)
    assert expired.status_code == 410
    assert "Tämä koodi on vanhentunut" in expired.get_data(as_text=True)
    assert [r.detail for r in audit_rows(app)[-2:]] == ["unknown", "expired"]


def test_a_code_can_be_redeemed_again_by_another_professional(
    app: Flask, pro: FlaskClient, settings: Settings
) -> None:
    code = stored_code(app, settings)
    assert redeem(pro, code.grouped).status_code == 303
    make_account(app, "ville")
    other = app.test_client()
    sign_in(other, "ville")
    assert redeem(other, code.grouped).status_code == 303
    assert [r.username for r in audit_rows(app) if r.action == "redeem"] == ["anna", "ville"]


def test_signed_out_nobody_can_redeem(client: FlaskClient) -> None:
    response = client.post("/pro/redeem", data={"code": "x"})
    assert response.status_code in (303, 400)  # no CSRF token, or sent to the sign-in page
    assert client.get("/pro/record").headers["Location"] == "/pro/"


def test_the_session_keeps_the_record_but_never_the_code(
    app: Flask, pro: FlaskClient, settings: Settings
) -> None:
    code = stored_code(app, settings)
    redeem(pro, code.grouped)
    with pro.session_transaction() as held:
        kept = repr(dict(held))
    assert "pro_record" in kept
    assert code.canonical not in kept and code.grouped not in kept


@dataclasses.dataclass
class Limited:
    app: Flask
    tag: str


@pytest.fixture(params=["memory", "redis"])
def limited(request: pytest.FixtureRequest, settings: Settings) -> Iterator[Limited]:
    """Redemption limited to 3 an hour (keys are account ids, so each test gets its own period)."""
    minutes = 1000 + secrets.randbelow(10**6)
    changes: dict[str, object] = {"redeem_limit": f"3 per {minutes} minutes"}
    if request.param == "redis":
        changes["redis_url"] = REDIS_URL
    app = create_app(dataclasses.replace(settings, **changes))  # type: ignore[arg-type]
    yield Limited(app, f"/3/{minutes}/minute")
    redis = app.extensions["portal.redis"]
    if redis is not None:
        for key in redis.scan_iter("LIMITS:*redeem*"):
            if f"/3/{minutes}/minute".encode() in key:
                redis.delete(key)
    app.extensions["portal.engine"].dispose()


def test_redemption_is_limited_per_account_before_any_work(
    limited: Limited, settings: Settings
) -> None:
    app = limited.app
    make_account(app)
    make_account(app, "ville")
    code = stored_code(app, settings)
    client = app.test_client()
    sign_in(client)
    for typed in ("7KQM", "7KQM-4P#R-9T3W-X", "not a code at all"):
        assert redeem(client, typed).status_code == 400
    blocked = redeem(client, code.grouped)  # a real code waits too: the count comes first
    assert blocked.status_code == 429
    assert re.search(r"Yritä uudelleen \d+ minuutin päästä\.", blocked.get_data(as_text=True))
    assert audit_rows(app)[-1].detail == "rate_limited"
    other = app.test_client()
    sign_in(other, "ville")
    assert redeem(other, code.grouped).status_code == 303


def test_the_redeem_address_opened_again_leads_back_to_the_form(pro: FlaskClient) -> None:
    response = pro.get("/pro/redeem")
    assert response.status_code == 303 and response.headers["Location"] == "/pro/"


def _legacy_code() -> ClientCode:
    """A code as handed out before the GF(32) check: valid only under the old mod-37 check."""
    from portal.domain.codes import check_symbol, legacy_check_symbol, new_code

    while True:
        data = new_code().canonical[:12]
        old = legacy_check_symbol(data)
        if old != check_symbol(data):
            return ClientCode(data + old)


def test_a_code_handed_out_under_the_old_check_still_opens_its_answers(
    app: Flask, pro: FlaskClient, settings: Settings
) -> None:
    code = stored_code(app, settings, code=_legacy_code())
    assert code.legacy
    response = redeem(pro, code.grouped.lower())
    assert response.status_code == 303 and response.headers["Location"] == "/pro/record"


def test_an_old_style_code_that_finds_nothing_reads_as_a_typo(pro: FlaskClient) -> None:
    response = redeem(pro, _legacy_code().grouped)
    assert response.status_code == 400
    assert "Koodissa on kirjoitusvirhe" in response.get_data(as_text=True)
