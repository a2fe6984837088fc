"""50 people answer at once while a worker is SIGKILLed and a professional redeems codes:
nothing is lost, no code repeats, every code opens its own answers, and staff see no 5xx.
Run on SQLite (the embedded default) and on PostgreSQL + Redis."""

from __future__ import annotations

import datetime as dt
import random
import threading
import time
from typing import Any

from portal import migrate
from portal.db import make_engine, make_session_factory
from portal.domain import accounts, submissions
from portal.domain.codes import parse_code
from portal.domain.keys import CodeKeyring
from portal.domain.questionnaire import effective_answers, load_default
from tests.pro_support import PASSWORD, SELF_CARE, store
from tests.reliability.support import Client, Gunicorn, code_on, retrying, running

Q = load_default()
CLIENTS = 50
# Each person answers the first few questions and skips the rest (as anyone may): enough to
# tell every record's answers apart, and the test stays inside CI's time budget.
ANSWERED = 6


def one_person(port: int, seed: int, results: list[Any], errors: list[str]) -> None:
    rng = random.Random(seed)
    client = Client(port)
    try:
        landing = retrying(client.get, "/")
        assert retrying(client.post, "/start", {"csrf_token": landing.token}).status == 303
        token = retrying(client.get, f"/q/{Q.items[0].id}").token
        answers: dict[str, Any] = {}
        for item in Q.items[:ANSWERED]:
            option = rng.choice(item.options).value
            value: Any = [option] if item.kind == "multiple" else option
            response = retrying(client.post, f"/q/{item.id}", {"csrf_token": token, "answer": value})
            assert response.status == 303, (item.id, response.status)
            answers[item.id] = value
        response = retrying(client.post, "/submit", {"csrf_token": token})
        assert response.status == 303, ("submit", response.status)
        result = retrying(client.get, "/result")
        code = code_on(result.body)
        assert result.status == 200 and code, ("result", result.status)
        results.append((code, answers))
    except Exception as exc:  # noqa: BLE001 - reported by the test
        errors.append(f"{seed}: {exc!r}")


def professional(port: int, code: str, stop: threading.Event, statuses: list[int]) -> None:
    client = Client(port)
    page = retrying(client.get, "/pro/")
    signed = retrying(
        client.post, "/pro/", {"csrf_token": page.token, "username": "anna", "password": PASSWORD}
    )
    statuses.append(signed.status)
    while not stop.is_set():
        page = retrying(client.get, "/pro/")
        statuses.append(page.status)
        redeemed = retrying(client.post, "/pro/redeem", {"csrf_token": page.token, "code": code})
        statuses.append(redeemed.status)
        statuses.append(retrying(client.get, "/pro/record").status)
        time.sleep(0.05)


def test_fifty_people_a_killed_worker_and_a_professional(load_env: dict[str, str]) -> None:
    engine = make_engine(load_env["PORTAL_DATABASE_URL"])
    migrate.upgrade(engine)
    secret = bytes.fromhex(load_env["PORTAL_CODE_SECRET"])
    keyring = CodeKeyring(secret, 10)
    settings: Any = type(
        "S",
        (),
        {"code_secret": secret, "kdf_log2n": 10, "code_days": 30, "code_keyring": staticmethod(lambda: keyring)},
    )
    with make_session_factory(engine)() as db:
        accounts.create(
            db, username="anna", password=PASSWORD, role="pro", today=dt.date.today(),
            hasher=accounts.password_hasher(cheap=True),
        )
        db.commit()
        pro_code = store(db, settings, SELF_CARE).grouped
    server = Gunicorn(load_env, workers=4)
    with running(server):
        results: list[Any] = []
        errors: list[str] = []
        statuses: list[int] = []
        stop = threading.Event()
        staff = threading.Thread(target=professional, args=(server.port, pro_code, stop, statuses))
        staff.start()
        people = [
            threading.Thread(target=one_person, args=(server.port, seed, results, errors))
            for seed in range(CLIENTS)
        ]
        for person in people:
            person.start()
        time.sleep(1.5)
        server.kill_a_worker()
        for person in people:
            person.join(timeout=120)
        stop.set()
        staff.join(timeout=30)
    assert errors == []
    assert len(results) == CLIENTS
    codes = [code for code, _ in results]
    assert len(set(codes)) == CLIENTS
    assert not [s for s in statuses if s >= 500], statuses
    assert len(statuses) > 5
    with make_session_factory(engine)() as db:
        for code, answers in results:
            opened = submissions.open_submission(
                db, parse_code(code), today=dt.date.today(), keyring=keyring
            )
            # What the skip logic hides is not stored (e.g. no more drinking questions after
            # "never"), so a record holds the person's answers to the questions they were asked.
            assert opened.answers == effective_answers(Q, answers)
    engine.dispose()
