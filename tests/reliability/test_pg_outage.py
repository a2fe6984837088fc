"""PostgreSQL refusing, then not answering, through a proxy: 503 pages, a killed worker comes
back, and the service recovers by itself afterwards with the visit intact."""

from __future__ import annotations

import time

import pytest

from portal.domain.questionnaire import load_default
from tests.reliability.conftest import portal_env
from tests.reliability.support import Client, Gunicorn, Proxy, running

Q = load_default()
pytestmark = pytest.mark.postgres


def answer(client: Client, index: int) -> tuple[int, float]:
    item = Q.items[index]
    page = client.get(f"/q/{item.id}")
    form = {"csrf_token": page.token if page.status == 200 else "", "answer": item.options[0].value}
    began = time.monotonic()
    response = client.post(f"/q/{item.id}", form)
    return response.status, time.monotonic() - began


def test_an_outage_gives_503_and_the_service_comes_back_by_itself(fresh_pg_schema: str) -> None:
    proxy = Proxy(5432)
    url = f"postgresql://postgres@127.0.0.1:{proxy.port}/test?options=-csearch_path%3D{fresh_pg_schema}"
    server = Gunicorn(portal_env(url), workers=2)
    with running(proxy, server):
        client = Client(server.port)
        landing = client.get("/")
        assert client.post("/start", {"csrf_token": landing.token}).status == 303
        first = Q.items[0]
        page = client.get(f"/q/{first.id}")
        form = {"csrf_token": page.token, "answer": first.options[0].value}
        assert client.post(f"/q/{first.id}", form).status == 303

        for mode in ("refuse", "blackhole"):
            proxy.set(mode)
            response = client.post(f"/q/{Q.items[1].id}", {"csrf_token": page.token, "answer": "x"})
            assert response.status == 503, (mode, response.status)
            assert response.headers["retry-after"].isdigit()
            assert Client(server.port).get("/readyz").status == 503
            assert Client(server.port).get("/healthz").status == 200
        # A worker killed while the database is away is replaced, and the replacement serves.
        killed = server.kill_a_worker()
        server.wait_for_replacement(killed)
        began = time.monotonic()
        assert client.get(f"/q/{first.id}").status == 503
        assert time.monotonic() - began < 12

        proxy.set("forward")
        deadline = time.monotonic() + 15
        while Client(server.port).get("/readyz").status != 200:
            assert time.monotonic() < deadline, "no recovery without a restart"
            time.sleep(0.3)
        # The visit survived the outage: the first answer is still chosen.
        page = client.get(f"/q/{first.id}")
        assert page.status == 200
        assert f'value="{first.options[0].value}" id="answer-1" checked' in page.body
        second = Q.items[1]
        form = {"csrf_token": page.token, "answer": second.options[0].value}
        assert client.post(f"/q/{second.id}", form).status == 303
