"""Attacks on the rate limits: nobody anonymous can lock out another, and every worker counts.

Each test runs on SQLite and PostgreSQL (the `backend` fixture), with the counters in the
database and in the real Redis (db 14, this issue's own; keys are HMACs under a per-test
secret, so runs never meet).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal import create_app
from portal.config import Settings
from portal.domain import codes
from portal.domain.keys import CodeKeyring, CodeKeys
from tests.pro_support import PASSWORD, make_account, sign_in, stored_code
from tests.web.test_client_path import code_on, start, submit, token

REDIS_14 = "redis://127.0.0.1:6379/14"


@pytest.fixture(params=["database", "redis"])
def counters(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def build(settings: Settings, counters: str, **limits: Any) -> Flask:
    changes: dict[str, Any] = dict(limits)
    if counters == "redis":
        changes["redis_url"] = REDIS_14
    return create_app(dataclasses.replace(settings, **changes))


@pytest.fixture
def limited(settings: Settings, counters: str) -> Iterator[Flask]:
    app = build(
        settings,
        counters,
        client_code_limit="3 per hour",
        client_code_limit_global="4 per hour",
        login_limit="3 per 15 minutes",
        login_limit_global="5 per hour",
        submit_limit="2 per hour",
    )
    yield app
    app.extensions["portal.engine"].dispose()


def try_code(client: FlaskClient, typed: str) -> int:
    html = client.get("/delete?lang=en").get_data(as_text=True)
    return client.post("/delete", data={"csrf_token": token(html), "code": typed}).status_code


def test_one_browser_guessing_codes_never_stops_another_persons_deletion(
    limited: Flask, settings: Settings
) -> None:
    """Before: one limit of 120 an hour for the whole service; 120 guesses stopped everyone."""
    attacker = limited.test_client()
    statuses = [try_code(attacker, codes.new_code().grouped) for _ in range(6)]
    assert statuses[:3] == [404, 404, 404] and set(statuses[3:]) == {429}
    real = stored_code(limited, settings)
    assert try_code(limited.test_client(), real.grouped) == 200  # the confirmation page


def test_past_the_circuit_breaker_a_real_code_on_a_first_try_is_still_heard(
    limited: Flask, settings: Settings
) -> None:
    # Many browsers (cookies dropped each time) miss often enough to trip the breaker (4).
    for _ in range(3):
        guesser = limited.test_client()
        try_code(guesser, codes.new_code().grouped)
        try_code(guesser, codes.new_code().grouped)
    real = stored_code(limited, settings)
    assert try_code(limited.test_client(), real.grouped) == 200
    # A browser that has missed once gets no further tries while the breaker is open.
    fresh = limited.test_client()
    assert try_code(fresh, codes.new_code().grouped) == 404
    assert try_code(fresh, real.grouped) == 429


def test_many_made_up_names_from_one_browser_never_lock_out_a_professional(
    limited: Flask,
) -> None:
    """Before: 200 made-up names from one browser and every professional was locked out."""
    make_account(limited, "anna")
    attacker = limited.test_client()
    statuses = [sign_in(attacker, f"nobody{n}", "wrong password!").status_code for n in range(8)]
    assert statuses[:5] == [200] * 5 and set(statuses[5:]) == {429}
    assert sign_in(limited.test_client(), "anna", PASSWORD).status_code == 303


def test_correct_sign_ins_count_towards_no_limit(limited: Flask) -> None:
    make_account(limited, "anna")
    for _ in range(8):  # more than every limit
        client = limited.test_client()
        assert sign_in(client, "anna", PASSWORD).status_code == 303


def test_two_app_instances_on_one_database_share_the_counts(
    settings: Settings, counters: str
) -> None:
    """Before: without Redis each worker kept its own counters (40 of 40 at "30 per hour")."""
    one = build(settings, counters, login_limit="4 per 15 minutes")
    two = build(settings, counters, login_limit="4 per 15 minutes")
    make_account(one, "anna")
    clients = [one.test_client(), two.test_client()]
    statuses = [sign_in(clients[n % 2], "anna", "wrong password!").status_code for n in range(6)]
    assert statuses == [200, 200, 200, 200, 429, 429]
    for app in (one, two):
        app.extensions["portal.engine"].dispose()


def make_record(client: FlaskClient) -> int:
    start(client)
    return int(submit(client).status_code)


def test_one_visit_can_make_only_a_few_records(limited: Flask) -> None:
    """Before: record creation had no limit (40 empty submissions in 7 s)."""
    client = limited.test_client()
    assert [make_record(client) for _ in range(3)] == [303, 303, 429]
    assert make_record(limited.test_client()) == 303  # another person is not affected


class CountingKeyring(CodeKeyring):
    calls = 0

    def keys(self, code: codes.ClientCode) -> CodeKeys:
        CountingKeyring.calls += 1
        return super().keys(code)


def test_the_result_and_slip_derive_the_keys_once_per_visit_not_per_load(
    app: Flask, settings: Settings, client: FlaskClient
) -> None:
    """Before: every load of /result and /slip ran the slow key derivation again."""
    app.extensions["portal.keyring"] = CountingKeyring(settings.code_secret, settings.kdf_log2n)
    CountingKeyring.calls = 0
    start(client)
    assert submit(client).status_code == 303
    pages = [client.get("/result").get_data(as_text=True) for _ in range(4)]
    pages += [client.get("/slip").get_data(as_text=True) for _ in range(3)]
    assert len({code_on(page) for page in pages}) == 1
    assert CountingKeyring.calls == 1  # at submit, and never again


def test_counter_keys_never_hold_a_name_as_typed(settings: Settings, counters: str) -> None:
    app = build(settings, counters)
    typed = "secret-password-in-name-field"
    sign_in(app.test_client(), typed, "wrong password!")
    if counters == "redis":
        redis = app.extensions["portal.redis"]
        keys = [k.decode() for k in redis.scan_iter("portal:limit:*")]
        assert keys and not any(typed in k for k in keys)
    else:
        from sqlalchemy import select

        from portal.models import RateCounter

        with app.extensions["portal.sessionmaker"]() as db:
            keys = list(db.scalars(select(RateCounter.key)))
        assert keys and all(len(k) == 64 and typed not in k for k in keys)
    app.extensions["portal.engine"].dispose()


@pytest.mark.parametrize(
    ("text", "amount", "seconds"),
    [("30 per hour", 30, 3600), ("10 per 15 minutes", 10, 900), ("5/minute", 5, 60),
     ("2 per day", 2, 86400), ("1 PER 2 Seconds", 1, 2)],
)
def test_limit_texts_parse(text: str, amount: int, seconds: int) -> None:
    from portal.rate_limits import Limit, parse_limit

    assert parse_limit(text) == Limit(amount, seconds)


@pytest.mark.parametrize("text", ["", "many", "0 per hour", "10 per 0 minutes", "10 per week", "10 hour"])
def test_a_limit_that_is_not_one_stops_start_up(text: str, tmp_path: Path) -> None:
    from portal.config import ConfigError, load_settings

    with pytest.raises(ConfigError, match="PORTAL_LOGIN_LIMIT must be a rate limit"):
        load_settings(tmp_path, {"PORTAL_LOGIN_LIMIT": text or " "})


def test_a_visits_record_limit_opens_again_when_its_window_ends(
    settings: Settings, counters: str
) -> None:
    """The per-visit count lives in the visit (no shared write per submission): it still
    outlives a new start on the same browser, and its window ends on the app's clock."""
    app = build(settings, counters, submit_limit="2 per 5 minutes")
    moment = [dt.datetime(2026, 12, 1, 12, 0)]
    app.extensions["portal.clock"] = lambda: moment[0]
    client = app.test_client()
    assert [make_record(client) for _ in range(3)] == [303, 303, 429]
    moment[0] += dt.timedelta(minutes=4)
    assert make_record(client) == 429
    moment[0] += dt.timedelta(minutes=1, seconds=1)
    assert make_record(client) == 303
    app.extensions["portal.engine"].dispose()
