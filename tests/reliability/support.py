"""What the reliability tests run on loopback: gunicorn, a TCP proxy, plain HTTP clients.

Everything started here is stopped by its own pid; every connection goes to 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import html
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
_CODE = re.compile(r'<span class="code-text" aria-hidden="true">(.*?)</span></p>')


def code_on(body: str) -> str | None:
    """The code a result page shows (its visible groups, tags taken out), or None."""
    match = _CODE.search(body)
    return None if match is None else html.unescape(re.sub(r"<[^>]+>", "", match.group(1)))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Proxy:
    """A TCP proxy to 127.0.0.1:`target`: 'forward', 'refuse' (connections refused) or
    'blackhole' (connections accepted, nothing ever answered, open ones go silent)."""

    def __init__(self, target: int) -> None:
        self.target = target
        self.port = free_port()
        self.mode = "forward"
        self.listener: socket.socket | None = None
        self.open: list[socket.socket] = []
        self.lock = threading.Lock()
        self.stopped = False
        self._listen()

    def _listen(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = None
            if self.mode == "forward":
                try:
                    upstream = socket.create_connection(("127.0.0.1", self.target))
                except OSError:
                    client.close()
                    continue
            with self.lock:
                self.open += [client] + ([upstream] if upstream else [])
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()
            if upstream is not None:
                threading.Thread(target=self._pump, args=(upstream, client), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket | None) -> None:
        while True:
            try:
                data = source.recv(65536)
            except OSError:
                data = b""
            if not data:
                with contextlib.suppress(OSError):
                    if sink is not None:
                        sink.shutdown(socket.SHUT_RDWR)
                return
            if self.mode == "forward" and sink is not None:
                try:
                    sink.sendall(data)
                except OSError:
                    return

    def set(self, mode: str) -> None:
        with self.lock:
            previous, self.mode = self.mode, mode
            if mode == "refuse" or (previous == "refuse" and mode != "refuse"):
                pass
            if mode == "refuse":
                for sock in self.open:
                    with contextlib.suppress(OSError):
                        sock.shutdown(socket.SHUT_RDWR)
                        sock.close()
                self.open.clear()
                if self.listener is not None:
                    self.listener.close()
                    self.listener = None
        if mode != "refuse" and self.listener is None:
            self._listen()

    def stop(self) -> None:
        self.set("refuse")


class Gunicorn:
    """gunicorn with our config on a loopback port; stopped by its own pid."""

    def __init__(
        self,
        env: Mapping[str, str],
        workers: int = 2,
        port: int | None = None,
        app: str = "wsgi:app",
        cwd: Path = ROOT,
        health: str = "/healthz",
    ) -> None:
        self.port = port or free_port()
        self.health = health
        full_env = {**os.environ, **env, "PORTAL_BIND": f"127.0.0.1:{self.port}"}
        full_env["PORTAL_WORKERS"] = str(workers)
        self.workers = workers
        self.log = open(os.devnull, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [GUNICORN, "-c", str(ROOT / "gunicorn.conf.py"), app],
            cwd=cwd,
            env=full_env,
            stdout=self.log,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.wait_until_serving()

    def wait_until_serving(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn exited: " + (self.process.stderr or "").read())  # type: ignore[operator]
            with contextlib.suppress(OSError, http.client.HTTPException):
                if Client(self.port).get(self.health).status == 200 and len(self.worker_pids()) == self.workers:
                    return
            time.sleep(0.1)
        raise RuntimeError("gunicorn did not start")

    def worker_pids(self) -> list[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(p) for p in path.read_text().split()]
        except OSError:
            return []

    def wait_for_replacement(self, killed: int, timeout: float = 20) -> None:
        """The master has reaped `killed` and booted a new worker that answers."""
        deadline = time.monotonic() + timeout
        while killed in self.worker_pids() or len(self.worker_pids()) < self.workers:
            if time.monotonic() > deadline:
                raise AssertionError(f"worker {killed} was not replaced")
            time.sleep(0.1)
        self.wait_until_serving(timeout=max(1.0, deadline - time.monotonic()))

    def kill_a_worker(self) -> int:
        pid = self.worker_pids()[0]
        os.kill(pid, signal.SIGKILL)
        return pid

    def stop(self) -> str:
        self.process.send_signal(signal.SIGTERM)
        try:
            _, err = self.process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            _, err = self.process.communicate()
        self.log.close()
        return err or ""


class Response:
    def __init__(self, status: int, headers: dict[str, str], body: str) -> None:
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def token(self) -> str:
        match = TOKEN.search(self.body)
        assert match, f"no CSRF token in a {self.status} page"
        return match.group(1)


class Client:
    """One browser: its own cookies, one connection at a time, no redirects followed."""

    def __init__(self, port: int, timeout: float = 30) -> None:
        self.port = port
        self.timeout = timeout
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: Mapping[str, Any] | None = None) -> Response:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        headers = {"Accept-Language": "en"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            raw = conn.getresponse()
            text = raw.read().decode("utf-8", "replace")
            for name, value in raw.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    cookie_value = rest.split(";", 1)[0]
                    if "Max-Age=0" in value or "expires=Thu, 01 Jan 1970" in value:
                        self.cookies.pop(key, None)
                    else:
                        self.cookies[key] = cookie_value
            return Response(raw.status, {k.lower(): v for k, v in raw.getheaders()}, text)
        finally:
            conn.close()

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, form: Mapping[str, Any]) -> Response:
        return self.request("POST", path, form)


def retrying(call: Any, *args: Any, attempts: int = 5) -> Response:
    """Send again when the connection broke (a killed worker), as a person would tap again."""
    for attempt in range(attempts):
        try:
            return call(*args)  # type: ignore[no-any-return]
        except (OSError, http.client.HTTPException):
            if attempt == attempts - 1:
                raise
            time.sleep(0.2)
    raise AssertionError("unreachable")


@contextlib.contextmanager
def running(*things: Any) -> Iterator[None]:
    try:
        yield
    finally:
        for thing in reversed(things):
            thing.stop()
