"""Attack on the logs: a full client, tablet, professional and admin path through the real
development server, then every log line is searched for what must never be there.

Before: `portal run` logged full request lines (tablet set-up tokens, any code pasted into an
address), and tracebacks carried SQL parameters such as the typed user name.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from werkzeug.serving import make_server

from portal.domain import tablets
from portal.domain.questionnaire import load_default
from portal.web.errors import log_unexpected
from tests.pro_support import PASSWORD, make_account

USER_AGENT = "AttackBrowser/9.9 (ua-marker-7f3a)"
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


class Browser:
    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.html = ""

    def open(self, path: str, data: dict[str, str] | None = None) -> str:
        body = None
        if data is not None:
            match = CSRF.search(self.html)
            fields = {"csrf_token": match.group(1) if match else "", **data}
            body = urllib.parse.urlencode(fields).encode()
        request = urllib.request.Request(  # noqa: S310 - the test's own http://127.0.0.1 server
            self.base + path, data=body, headers={"User-Agent": USER_AGENT}
        )
        try:
            with self.opener.open(request) as response:
                self.html = response.read().decode()
        except urllib.error.HTTPError as error:
            self.html = error.read().decode()
        return self.html

    def cookies(self) -> list[str]:
        return [c.value for c in self.jar if c.value]


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def served(app: Flask) -> Iterator[tuple[str, Lines]]:
    capture = Lines()
    capture.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    root.addHandler(capture)
    old_level = root.level
    root.setLevel(logging.DEBUG)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", capture
    finally:
        server.shutdown()
        root.removeHandler(capture)
        root.setLevel(old_level)


def test_no_log_line_of_a_whole_day_says_anything_identifying(
    app: Flask, served: tuple[str, Lines]
) -> None:
    base, capture = served
    q = load_default()
    secrets_seen: list[str] = []

    # A client: answers everything (the last option each time), gets a code, pastes it around.
    client = Browser(base)
    client.open("/?lang=en")
    client.open("/start", {})
    answers = []
    for item in q.items:
        value = item.options[-1].value if item.kind != "multiple" else item.options[0].value
        answers.append(value)
        client.open(f"/q/{item.id}", {"answer": value})
    client.open("/submit", {})
    code_match = re.search(r'<span class="code-text" aria-hidden="true">(.*?)</span></p>', client.html)
    assert code_match
    code = re.sub(r"<[^>]+>", "", code_match.group(1)).strip()
    client.open("/slip")
    client.open("/result")
    client.open("/finish", {})
    client.open("/delete?code=" + code)  # a code pasted into the address
    client.open("/" + code.replace("-", ""))  # and into the path
    secrets_seen += client.cookies()

    # A shared tablet: a one-time set-up link, one person, clear now.
    with app.extensions["portal.sessionmaker"]() as db:
        moment = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        enrollment = tablets.enroll(db, "street team", today=moment.date(), now=moment)
        db.commit()
    tablet = Browser(base)
    tablet.open(f"/tablet/enroll/{enrollment.token}")
    tablet.open(f"/tablet/enroll/{enrollment.token}", {})
    tablet.open("/tablet/new", {})
    tablet.open(f"/q/{q.items[0].id}", {"answer": q.items[0].options[-1].value})
    tablet.open("/tablet/clear", {})
    secrets_seen += [enrollment.token, *tablet.cookies()]

    # A professional: a wrong sign-in with a password in the name field, then the real one.
    make_account(app, "pro-worker-name")
    pro = Browser(base)
    pro.open("/pro/")
    pro.open("/pro/", {"username": "Hunter2-Typed-Password", "password": "x"})
    pro.open("/pro/", {"username": "pro-worker-name", "password": PASSWORD})
    pro.open("/pro/redeem", {"code": code.lower()})
    pro.open("/pro/record")
    pro.open("/pro/record/review", {"decision": "supported", "reason": ""})
    pro.open("/pro/record/print")
    pro.open("/pro/record/fhir")
    pro.open("/pro/", {})
    pro.open("/pro/logout", {})
    secrets_seen += pro.cookies()

    # An administrator.
    make_account(app, "boss-admin-name", role="admin", language="en")
    admin = Browser(base)
    admin.open("/pro/")
    admin.open("/pro/", {"username": "boss-admin-name", "password": PASSWORD})
    admin.open("/pro/admin/")
    admin.open(
        "/pro/admin/accounts",
        {
            "username": "newbie-made-name",
            "password": "another long pass phrase",
            "repeat": "another long pass phrase",
            "role": "pro",
            "language": "fi",
        },
    )
    admin.open("/pro/admin/audit")
    admin.open("/pro/admin/stats")
    admin.open("/pro/admin/audit.csv")
    secrets_seen += admin.cookies()

    # The client deletes the answers at the end.
    client.open("/delete")
    client.open("/delete", {"code": code})
    client.open("/delete/confirm", {})

    # An SQL error whose parameters would name a person.
    engine = app.extensions["portal.engine"]
    name = "pro-worker-" + "name"
    with pytest.raises(IntegrityError) as raised, engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO accounts (username, password_hash, role, language, active, created_on)"
                " VALUES (:n, 'x', 'pro', 'fi', true, '2026-12-01')"
            ),
            [{"n": name}],
        )
    log_unexpected(raised.value)  # as the 500 handler logs it

    requests = [line for line in capture.lines if line.startswith("werkzeug")]
    assert len(requests) > 60, "the development server's request lines were captured"
    forbidden = [
        "127.0.0.1",
        "ua-marker-7f3a",
        "AttackBrowser",
        code,
        code.replace("-", ""),
        code.lower(),
        code.replace("-", "").lower(),
        "pro-worker-name",
        "boss-admin-name",
        "newbie-made-name",
        "Hunter2-Typed-Password",
        PASSWORD,
        "another long pass phrase",
        *{a for a in answers if "_" in a},
        *secrets_seen,
    ]
    everything = "\n".join(capture.lines)
    found = [word for word in forbidden if word and word in everything]
    assert found == [], "\n".join(line for line in capture.lines if any(w in line for w in found))
    assert "/q/" in everything and "/tablet/enroll/…" in everything  # still readable


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_gunicorns_access_and_error_logs_say_nothing_identifying(tmp_path: Path) -> None:
    """gunicorn's default access format holds the address, the referrer and the user agent;
    its error log names the peer of a bad request. The app's filter removes them all."""
    import os
    import socket
    import subprocess
    import sys
    import time

    from portal import migrate
    from portal.db import make_engine

    url = f"sqlite:///{tmp_path / 'portal.sqlite3'}"
    migrate.upgrade(make_engine(url))
    port = free_port()
    env = {
        **os.environ,
        "PORTAL_DATABASE_URL": url,
        "PORTAL_SECRET_KEY": "s" * 64,
        "PORTAL_CODE_SECRET": "ab" * 32,
        "PORTAL_KDF_LOG2N": "10",
        "PORTAL_ACCESS_LOG": "true",  # the project's gunicorn.conf.py: request lines on
    }
    env.pop("PORTAL_REDIS_URL", None)
    log = tmp_path / "gunicorn.log"
    root = Path(__file__).resolve().parents[1]
    with log.open("w") as out:
        server = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn", "--workers", "1", "--bind",
                f"127.0.0.1:{port}", "--access-logfile", "-", "--error-logfile", "-",
                "--log-level", "info", "wsgi:app",
            ],
            cwd=root,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(100):
                try:
                    urllib.request.urlopen(base + "/about", timeout=1).close()  # noqa: S310
                    break
                except OSError:
                    time.sleep(0.2)
            browser = Browser(base)
            browser.opener.addheaders = [("Referer", base + "/q/housing?code=7KQM4PXR9T3WX")]
            browser.open("/tablet/enroll/SeCrEtToKeN-4242-abcdefghijkl?code=7KQM4PXR9T3WX")
            browser.open("/7KQM4PXR9T3WX")
            with socket.create_connection(("127.0.0.1", port)) as raw:  # a bad request line
                raw.sendall(b"NOT A REQUEST\r\n\r\n")
                raw.recv(1024)
            time.sleep(0.5)
        finally:
            server.terminate()
            server.wait(timeout=20)
    # "Listening at: http://127.0.0.1:…" is the server's own address, not a client's.
    lines = log.read_text(encoding="utf-8").splitlines()
    text_out = "\n".join(line for line in lines if "Listening at:" not in line)
    assert "GET /tablet/enroll/…?…" in text_out, text_out  # the access log was written
    for word in ("127.0.0.1:", "- 127.0.0.1", "ua-marker", "AttackBrowser", "SeCrEtToKeN",
                 "7KQM4PXR9T3WX", "ip=127"):  # fmt: skip
        assert word not in text_out, text_out
