"""Two app instances on two ports sharing PostgreSQL and Redis behave as one: a visit that
alternates between them, a code made on one redeemed on the other, and limits shared."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterator

import pytest

from portal import migrate
from portal.db import make_engine, make_session_factory
from portal.domain import accounts
from portal.domain.questionnaire import load_default
from tests.conftest import PG_URL
from tests.pro_support import PASSWORD
from tests.reliability.conftest import portal_env
from tests.reliability.support import Client, Gunicorn, code_on, running

Q = load_default()
REDIS_URL = "redis://127.0.0.1:6379/0"  # key names are unique per run, so nothing is flushed
# A name of its own per run: the sign-in limit's counter in Redis is keyed by it.
NAME = f"bea{secrets.token_hex(3)}"
pytestmark = [pytest.mark.postgres, pytest.mark.redis]


@pytest.fixture
def shared_env(fresh_pg_schema: str) -> Iterator[dict[str, str]]:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.RedisError:
        pytest.skip("Redis is not reachable")
    url = f"{PG_URL}?options=-csearch_path%3D{fresh_pg_schema}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    with make_session_factory(engine)() as db:
        accounts.create(
            db, username=NAME, password=PASSWORD, role="pro", today=dt.date.today(),
            hasher=accounts.password_hasher(cheap=True),
        )
        db.commit()
    engine.dispose()
    yield portal_env(url, PORTAL_REDIS_URL=REDIS_URL, PORTAL_LOGIN_LIMIT="3 per 15 minutes")


def test_two_instances_behave_as_one(shared_env: dict[str, str]) -> None:
    a = Gunicorn(shared_env, workers=1)
    b = Gunicorn(shared_env, workers=1)
    with running(a, b):
        person = Client(a.port)
        ports = [a.port, b.port]

        def on(index: int) -> Client:
            person.port = ports[index % 2]
            return person

        landing = on(0).get("/")
        assert on(1).post("/start", {"csrf_token": landing.token}).status == 303
        token = on(0).get(f"/q/{Q.items[0].id}").token
        for index, item in enumerate(Q.items):
            form = {"csrf_token": token, "answer": item.options[0].value}
            if item.kind == "multiple":
                form["answer"] = [item.options[0].value]
            assert on(index).post(f"/q/{item.id}", form).status == 303, item.id
        check = on(1).get("/check")
        assert check.status == 200
        assert on(0).post("/submit", {"csrf_token": token}).status == 303
        result = on(1).get("/result")
        shown = code_on(result.body)
        assert result.status == 200 and shown
        code = shown

        pro = Client(b.port)
        page = pro.get("/pro/")
        form = {"csrf_token": page.token, "username": NAME, "password": PASSWORD}
        assert pro.post("/pro/", form).status == 303
        pro.port = a.port
        page = pro.get("/pro/")
        assert pro.post("/pro/redeem", {"csrf_token": page.token, "code": code}).status == 303
        pro.port = b.port
        assert pro.get("/pro/record").status == 200

        # Three wrong passwords, spread over both instances, use up the one shared limit.
        stranger = Client(a.port)
        token = stranger.get("/pro/").token
        statuses = []
        for index in range(4):
            stranger.port = ports[index % 2]
            form = {"csrf_token": token, "username": NAME, "password": "wrong password 1"}
            statuses.append(stranger.post("/pro/", form).status)
        assert statuses == [200, 200, 200, 429]
