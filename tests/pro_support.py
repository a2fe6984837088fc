"""Helpers shared by the professional-side tests: a stored record, an account, a signed-in client."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.test import TestResponse

from portal.config import Settings
from portal.domain import accounts, submissions
from portal.domain.codes import ClientCode, new_code
from portal.domain.questionnaire import Questionnaire, load_default
from portal.domain.scoring import assess
from portal.models import Account
from tests.conftest import csrf_token

PASSWORD = "river stone lantern"

# Copes well, drinks a little: a self-care person (as in tests/domain/worked_examples.yaml).
SELF_CARE: Mapping[str, Any] = {
    "audit_c_1": "2_4_month",
    "audit_c_2": "1_2",
    "audit_c_3": "less_than_monthly",
    "drug_frequency": "never",
    "polysubstance": "never",
    "injecting": "no",
    "overdose": "never",
    "phq2_1": "not_at_all",
    "phq2_2": "not_at_all",
    "phq9_9": "not_at_all",
    "self_rated_health": "good",
    "emergency_visits": "none",
    "housing": "own_home",
    "money": "always",
    "daily_routines": "well",
    "someone_to_turn_to": "several",
    "appointments_forms": "easily",
    "online_services": "on_my_own",
    "getting_to_services": "easily",
    "topics": ["alcohol", "housing"],
}
# The same person after a recent overdose: an acute flag, crisis contacts first.
AFTER_OVERDOSE: Mapping[str, Any] = {**SELF_CARE, "overdose": "past_month"}


def sessions(app: Flask) -> sessionmaker[Session]:
    factory: sessionmaker[Session] = app.extensions["portal.sessionmaker"]
    return factory


def store(
    session: Session,
    settings: Settings,
    answers: Mapping[str, Any] = SELF_CARE,
    *,
    language: str = "sv",
    today: dt.date | None = None,
    assisted: bool = False,
    code: ClientCode | None = None,
    questionnaire: Questionnaire | None = None,
) -> ClientCode:
    """A finished self-assessment, stored as the client path stores it; returns its code.

    Answered with the packaged (newest) questionnaire unless another version is given.
    """
    q = questionnaire or load_default()
    result = assess(q, answers)
    code = code or new_code()
    submissions.store(
        session,
        keys=settings.code_keyring().keys(code),
        answers=answers,
        questionnaire_id=q.id,
        version=q.version,
        language=language,
        assisted=assisted,
        provisional_segment=None if result.segment is None else str(result.segment),
        today=today or dt.date.today(),
        days=settings.code_days,
    )
    session.commit()
    return code


def make_account(
    app: Flask, name: str = "anna", *, role: str = "pro", language: str = "fi"
) -> Account:
    with sessions(app)() as session:
        account = accounts.create(
            session,
            username=name,
            password=PASSWORD,
            role=role,
            language=language,
            today=dt.date.today(),
            hasher=accounts.password_hasher(cheap=True),
        )
        session.commit()
        return account


def sign_in(client: FlaskClient, name: str = "anna", password: str = PASSWORD) -> TestResponse:
    token = csrf_token(client, "/pro/")
    return client.post("/pro/", data={"csrf_token": token, "username": name, "password": password})


def redeem(client: FlaskClient, typed: str) -> TestResponse:
    token = csrf_token(client, "/pro/")
    return client.post("/pro/redeem", data={"csrf_token": token, "code": typed})


def stored_code(app: Flask, settings: Settings, **kwargs: Any) -> ClientCode:
    with sessions(app)() as session:
        return store(session, settings, **kwargs)
