"""Two answers sent at the same moment on one visit (a double tap, two tabs): both are kept."""

from __future__ import annotations

import threading

from portal.domain.questionnaire import load_default
from tests.reliability.support import Client, Gunicorn, running

Q = load_default()
RUNS = 6


def _send(
    port: int, cookies: dict[str, str], gate: threading.Barrier, statuses: list[int],
    token: str, item_id: str, value: str,
) -> None:
    twin = Client(port)
    twin.cookies = dict(cookies)
    gate.wait()
    statuses.append(twin.post(f"/q/{item_id}", {"csrf_token": token, "answer": value}).status)


def test_two_answers_posted_at_once_on_one_visit_are_both_kept(load_env: dict[str, str]) -> None:
    from portal import migrate
    from portal.db import make_engine

    engine = make_engine(load_env["PORTAL_DATABASE_URL"])
    migrate.upgrade(engine)
    engine.dispose()
    server = Gunicorn(load_env, workers=2)
    lost = 0
    with running(server):
        for run in range(RUNS):
            person = Client(server.port)
            landing = person.get("/")
            assert person.post("/start", {"csrf_token": landing.token}).status == 303
            token = person.get(f"/q/{Q.items[0].id}").token
            a, b = Q.items[2 * (run % 5)], Q.items[2 * (run % 5) + 1]
            gate = threading.Barrier(2)
            statuses: list[int] = []

            threads = [
                threading.Thread(
                    target=_send,
                    args=(server.port, person.cookies, gate, statuses, token, item.id,
                          item.options[0].value),
                )
                for item in (a, b)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=30)
            assert statuses == [303, 303]
            for item in (a, b):
                page = person.get(f"/q/{item.id}")
                if f'value="{item.options[0].value}" id="answer-1" checked' not in page.body:
                    lost += 1
    assert lost == 0
