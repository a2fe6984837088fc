"""gunicorn sets the portal up once in its master and forks the workers (preload_app): the
master compiles every template and loads every catalogue first, and each forked worker drops
the database connections it inherited."""

from __future__ import annotations

from flask import Flask

from portal import after_fork, warm_up
from portal.i18n import LANGUAGES


def test_warming_up_compiles_every_template_and_loads_every_language(app: Flask) -> None:
    names = app.jinja_env.list_templates(extensions=["html"])
    warm_up(app)
    cached = {key[1] for key in app.jinja_env.cache}  # type: ignore[union-attr]
    assert set(names) <= cached and len(names) > 40
    loaded = {key[0] for key in app.extensions["babel"].instance.domain_instance.cache}
    assert loaded >= set(LANGUAGES)


def test_warming_up_leaves_another_app_alone() -> None:
    other = Flask("bare")
    warm_up(other)  # no Babel, no portal settings: nothing to do, and no error
    assert other.jinja_env.cache is None or len(other.jinja_env.cache) == 0


def test_a_forked_worker_starts_with_no_pooled_connection(app: Flask) -> None:
    engines = app.extensions["portal.engines"]
    for engine in engines:
        with engine.connect():
            pass
    assert sum(engine.pool.checkedin() for engine in engines) >= 1
    after_fork(app)
    assert sum(engine.pool.checkedin() for engine in engines) == 0
    client = app.test_client()
    assert client.get("/").status_code == 200  # and the worker goes on serving
