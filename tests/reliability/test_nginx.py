"""deploy/nginx in front of gunicorn, for real: pages served, our headers unchanged, and no
client address or user agent in any log (nginx's or gunicorn's)."""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.reliability.conftest import portal_env
from tests.reliability.support import ROOT, Client, Gunicorn, free_port, running

NGINX = "/usr/sbin/nginx"
OURS = (
    "content-security-policy",
    "referrer-policy",
    "x-frame-options",
    "x-content-type-options",
    "cross-origin-opener-policy",
    "permissions-policy",
    "cache-control",
    "vary",
)
SECRET_UA = "Secret-Agent/7.7 (person-identifying)"
SECRET_ADDRESS = "203.0.113.77"


class Nginx:
    def __init__(self, folder: Path, upstream: int) -> None:
        self.port = free_port()
        folder.mkdir()
        for name in ("portal-http.conf", "portal-locations.conf"):
            text = (ROOT / "deploy" / "nginx" / name).read_text()
            text = text.replace("127.0.0.1:8000", f"127.0.0.1:{upstream}")
            text = text.replace("/var/log/nginx/", f"{folder}/")
            (folder / name).write_text(text)
        temp = "".join(
            f"{kind}_temp_path {folder}/{kind};\n"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        user = "user root root;\n" if os.geteuid() == 0 else ""
        (folder / "nginx.conf").write_text(
            f"{user}worker_processes 1;\npid {folder}/nginx.pid;\nerror_log {folder}/main-error.log warn;\n"
            f"daemon off;\nevents {{ worker_connections 64; }}\nhttp {{\n{temp}"
            f"include /etc/nginx/mime.types;\ninclude {folder}/portal-http.conf;\n"
            f"server {{\nlisten 127.0.0.1:{self.port};\nserver_name localhost;\n"
            f"include {folder}/portal-locations.conf;\n}}\n}}\n"
        )
        self.folder = folder
        self.process = subprocess.Popen(
            [NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf")],
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                Client(self.port).get("/healthz")
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("nginx did not start: " + str(self.process.stderr and self.process.stderr.read())) from None
                time.sleep(0.1)

    def stop(self) -> None:
        self.process.send_signal(signal.SIGQUIT)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def logs(self) -> str:
        return "".join(p.read_text() for p in self.folder.glob("*.log"))


def _get(port: int, path: str) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request(
        "GET", path, headers={"User-Agent": SECRET_UA, "X-Forwarded-For": SECRET_ADDRESS,
                              "Accept-Language": "sv"},
    )
    response = conn.getresponse()
    body = response.read()
    headers = {k.lower(): v for k, v in response.getheaders()}
    conn.close()
    return response.status, headers, body


def test_nginx_in_front_of_gunicorn_serves_passes_headers_and_logs_no_one(tmp_path: Path) -> None:
    if not Path(NGINX).exists() or shutil.which("gunicorn", path=str(Path(ROOT / ".venv/bin"))) is None:
        if os.environ.get("CI") == "true":
            pytest.fail("nginx must be installed in CI (.ci/run installs it)")
        pytest.skip("Debian's nginx is not installed")
    env = portal_env(f"sqlite:///{tmp_path / 'portal.sqlite3'}")
    server = Gunicorn(env, workers=1)
    nginx = Nginx(tmp_path / "nginx", server.port)
    gunicorn_log = ""
    with running(server):
        with running(nginx):
            for path in ("/", "/?lang=fi", "/about", "/static/portal.css", "/no-such-page"):
                direct = _get(server.port, path)
                proxied = _get(nginx.port, path)
                assert proxied[0] == direct[0], path
                for name in OURS:
                    assert proxied[1].get(name) == direct[1].get(name), (path, name)
                if path == "/":
                    assert "Vilken sorts hjälp skulle passa dig?" in proxied[2].decode()
            assert "server" not in proxied[1] or "nginx/" not in proxied[1]["server"]
            logs = nginx.logs()
        gunicorn_log = server.stop()
    assert logs.count('"GET /') >= 5  # the access log is written, just without anyone in it
    for secret in (SECRET_UA, SECRET_ADDRESS, "127.0.0.1", "Secret-Agent"):
        assert secret not in logs, secret
        assert secret not in gunicorn_log, secret
