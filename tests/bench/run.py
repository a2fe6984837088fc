"""The benchmark: every ratio measured side by side in one run, printed as `name: value` lines.

Run: .venv/bin/python tests/bench/run.py [--quick]
Starts gunicorn (and a bare Flask + Jinja app) on 127.0.0.1 with the same settings, SQLite in a
temporary folder and a PostgreSQL schema of its own; stops everything it started by its pid.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import multiprocessing
import os
import platform
import random
import secrets
import socket
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from sqlalchemy import text

from portal import create_app, migrate
from portal.config import Settings
from portal.db import make_engine, make_session_factory
from portal.domain import accounts
from portal.domain.codes import new_code
from portal.domain.keys import CodeKeyring, derive_keys
from portal.domain.questionnaire import load_default
from tests.pro_support import PASSWORD, SELF_CARE, store
from tests.reliability.support import Client, Gunicorn, retrying

PG_URL = os.environ.get("PORTAL_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
WORKERS = 4
LOG2N = 13
Q = load_default()

BARE_APP = '''
from flask import Flask, render_template_string
app = Flask(__name__)
PAGE = open(__file__.replace("bare.py", "page.html"), encoding="utf-8").read()
TEMPLATE = "{% raw %}" + PAGE + "{% endraw %}"
@app.get("/page")
def page():
    return render_template_string(TEMPLATE)
'''


def say(name: str, value: object) -> None:
    print(f"{name}: {value}", flush=True)


def raw_request(port: int, method: str, path: str, cookies: dict[str, str],
                form: dict[str, str]) -> bytes:
    """One HTTP/1.1 request as bytes, made before any timing (the load processes only send it)."""
    body = urllib.parse.urlencode(form).encode() if method == "POST" else b""
    lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Accept-Language: en",
             "Connection: close"]
    if cookies:
        lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items()))
    if method == "POST":
        lines += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def _hammer(port: int, requests: list[bytes], seconds: float) -> tuple[int, int, int]:
    """Send the requests in turn (for `seconds`, or each once if seconds <= 0), each on a new
    connection as a phone would, reading the whole answer; (done, connection errors, 5xx)."""
    done, errors, five = 0, 0, 0
    end = time.monotonic() + seconds
    index = 0
    while (seconds > 0 and time.monotonic() < end) or (seconds <= 0 and index < len(requests)):
        raw = requests[index % len(requests)]
        index += 1
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
                conn.sendall(raw)
                head = conn.recv(65536)
                while len(head) < 12 and (more := conn.recv(65536)):
                    head += more
                while conn.recv(65536):
                    pass
        except OSError:
            errors += 1
            continue
        if not head.startswith(b"HTTP/1."):  # closed without an answer
            errors += 1
            continue
        done += 1
        five += head[9:10] == b"5"  # "HTTP/1.1 503 ..."
    return done, errors, five


def _serve_load(tasks: Any, results: Any) -> None:
    for task in iter(tasks.get, None):
        results.put(_hammer(*task))


class LoadGenerator:
    """Client processes started once for the whole run; each slice of load is handed to them
    as a task. Forking eight processes per slice cost about 80 ms of CPU on these two cores
    (0.6 ms per submission, taken from the server being measured); http.client's request and
    response objects another few tenths of a ms per request. A phone's requests cost the
    server's machine nothing: the less the generator takes, the nearer the figures are to the
    portal's own."""

    def __init__(self, processes: int) -> None:
        self.tasks = [multiprocessing.SimpleQueue() for _ in range(processes)]
        self.results: Any = multiprocessing.SimpleQueue()
        self.processes = [multiprocessing.Process(target=_serve_load, args=(queue, self.results),
                                                  daemon=True) for queue in self.tasks]
        for process in self.processes:
            process.start()

    def load(self, port: int, method: str,
             jobs_per_process: list[list[tuple[str, dict[str, str], dict[str, str]]]],
             seconds: float) -> dict[str, float]:
        assert len(jobs_per_process) <= len(self.tasks)
        requests = [[raw_request(port, method, *job) for job in jobs] for jobs in jobs_per_process]
        began = time.monotonic()
        for queue, part in zip(self.tasks, requests, strict=False):
            queue.put((port, part, seconds))
        results = [self.results.get() for _ in requests]
        elapsed = time.monotonic() - began
        done = sum(r[0] for r in results)
        return {"rps": done / elapsed, "errors": sum(r[1] for r in results),
                "5xx": sum(r[2] for r in results), "done": done}

    def stop(self) -> None:
        for queue in self.tasks:
            queue.put(None)
        for process in self.processes:
            process.join(timeout=10)
            if process.is_alive():
                process.kill()


def start_visit(port: int) -> Client:
    client = Client(port)
    landing = retrying(client.get, "/")
    retrying(client.post, "/start", {"csrf_token": landing.token})
    return client


def answered_visit(port: int, seed: int) -> tuple[dict[str, str], str, int]:
    """A visit that has gone through the questions as a person might (one answer per question
    it is asked, chosen at random, the skip logic followed), and the check page's token: a
    submission as heavy as a real one (all answers scored and sealed), not an empty visit."""
    rng = random.Random(seed)
    client = Client(port)
    landing = retrying(client.get, "/").token
    where = retrying(client.post, "/start", {"csrf_token": landing}).headers["location"]
    # A new visit has a token of its own: read it off the first question, as a browser would.
    token = retrying(client.get, urllib.parse.urlsplit(where).path).token
    answered = 0
    while "/q/" in where:
        path = urllib.parse.urlsplit(where).path
        item = Q.item(path.rsplit("/", 1)[1])
        answer = rng.choice(item.options).value
        where = retrying(client.post, path, {"csrf_token": token, "answer": answer}).headers["location"]
        answered += 1
    return client.cookies, retrying(client.get, "/check").token, answered


def _answered_visits(job: tuple[int, list[int]]) -> list[tuple[dict[str, str], str, int]]:
    port, seeds = job
    return [answered_visit(port, seed) for seed in seeds]


def answered_visits(port: int, count: int, processes: int) -> list[tuple[dict[str, str], str, int]]:
    """`count` answered visits, made by `processes` processes side by side (not timed)."""
    seeds = list(range(count))
    with multiprocessing.Pool(processes) as pool:
        parts = pool.map(_answered_visits, [(port, seeds[i::processes]) for i in range(processes)])
    return [visit for part in parts for visit in part]


class Professional(threading.Thread):
    """Signs in and redeems a code again and again while clients load the site."""

    def __init__(self, port: int, code: str) -> None:
        super().__init__(daemon=True)
        self.port, self.code = port, code
        self.statuses: list[int] = []
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            client = Client(self.port)
            try:
                page = client.get("/pro/")
                form = {"csrf_token": page.token, "username": "anna", "password": PASSWORD}
                self.statuses.append(client.post("/pro/", form).status)
                page = client.get("/pro/")
                redeemed = client.post("/pro/redeem", {"csrf_token": page.token, "code": self.code})
                self.statuses.append(redeemed.status)
                self.statuses.append(client.get("/pro/record").status)
            except (OSError, AssertionError):
                self.statuses.append(599)

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=30)


def kdf_seconds() -> float:
    code, secret = new_code(), secrets.token_bytes(32)
    runs = []
    for _ in range(15):
        began = time.perf_counter()
        derive_keys(code, secret, LOG2N)
        runs.append(time.perf_counter() - began)
    return statistics.median(runs)


def _stat(pid: int) -> list[str] | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def process_cpu(pid: int) -> float | None:
    """CPU seconds (user + system) a process has used so far, or None if it is gone."""
    fields = _stat(pid)
    return None if fields is None else (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def reaped_children_cpu(pid: int) -> float:
    """CPU seconds of the children `pid` has reaped so far (a gunicorn master: its old workers)."""
    fields = _stat(pid)
    assert fields is not None, f"process {pid} is gone"
    return (int(fields[13]) + int(fields[14])) / os.sysconf("SC_CLK_TCK")


def machine_busy() -> float:
    """CPU seconds the whole machine has been busy (all cores, idle and I/O wait left out)."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:8]]
    return (sum(values) - values[3] - values[4]) / os.sysconf("SC_CLK_TCK")


class CpuAccount:
    """Where the CPU of a phase went, in seconds: gunicorn's workers (a worker replaced
    meanwhile after max_requests included: the master has reaped it, so its CPU shows in the
    master's children), the load generator's processes, and the machine as a whole."""

    def __init__(self, app: Gunicorn, load_pids: list[int]) -> None:
        self.app, self.load_pids = app, load_pids
        self.workers = self._workers()
        self.reaped = reaped_children_cpu(app.process.pid)
        self.load = self._load()
        self.busy = machine_busy()

    def _workers(self) -> dict[int, float]:
        found = {pid: process_cpu(pid) for pid in self.app.worker_pids()}
        return {pid: cpu for pid, cpu in found.items() if cpu is not None}

    def _load(self) -> float:
        return sum(process_cpu(pid) or 0.0 for pid in self.load_pids)

    def spent(self) -> dict[str, float]:
        workers = self._workers()
        reaped = reaped_children_cpu(self.app.process.pid) - self.reaped
        load = self._load() - self.load
        busy = machine_busy() - self.busy
        # Each worker's CPU in the phase: alive at both ends, the difference; started during it,
        # all of it; ended during it, what the master reaped less what it had at the start.
        spent = sum(cpu - self.workers.get(pid, 0.0) for pid, cpu in workers.items())
        spent += reaped - sum(cpu for pid, cpu in self.workers.items() if pid not in workers)
        return {"workers": spent, "load": load, "machine": busy}


def rss_mb(pids: list[int]) -> float:
    sizes = []
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                sizes.append(int(line.split()[1]) / 1024)
    return statistics.mean(sizes)


def prepare(url: str) -> tuple[dict[str, str], str]:
    engine = make_engine(url)
    migrate.upgrade(engine)
    env = {
        "PORTAL_DATABASE_URL": url,
        "PORTAL_SECRET_KEY": secrets.token_hex(16),
        "PORTAL_CODE_SECRET": secrets.token_hex(32),
        "PORTAL_KDF_LOG2N": str(LOG2N),
        "PORTAL_REDEEM_LIMIT": "1000000 per hour",
        "PORTAL_LOGIN_LIMIT": "1000000 per hour",
        "PORTAL_LOGIN_LIMIT_GLOBAL": "1000000 per hour",
    }
    keyring = CodeKeyring(bytes.fromhex(env["PORTAL_CODE_SECRET"]), LOG2N)
    settings: Any = type("S", (), {"code_days": 30, "code_keyring": staticmethod(lambda: keyring)})
    with make_session_factory(engine)() as db:
        accounts.create(db, username="anna", password=PASSWORD, role="pro",
                        today=dt.date.today(), hasher=accounts.password_hasher(cheap=True))
        db.commit()
        code = store(db, settings, SELF_CARE).grouped
    engine.dispose()
    return env, code


def _derive_for(seconds: float, out: Any) -> None:
    code, secret = new_code(), secrets.token_bytes(32)
    done, end = 0, time.monotonic() + seconds
    while time.monotonic() < end:
        derive_keys(code, secret, LOG2N)
        done += 1
    out.put(done)


def kdf_capacity(seconds: float) -> float:
    """Key derivations per second this machine gives right now with one process per worker
    (capped at the cores): the most submissions per second the KDF can allow."""
    queue: Any = multiprocessing.Queue()
    count = min(WORKERS, os.cpu_count() or 1)
    processes = [multiprocessing.Process(target=_derive_for, args=(seconds, queue))
                 for _ in range(count)]
    began = time.monotonic()
    for process in processes:
        process.start()
    done = sum(queue.get() for _ in processes)
    elapsed = time.monotonic() - began
    for process in processes:
        process.join()
    return done / elapsed


def web_figures(folder: Path, seconds: float, processes: int) -> None:
    env, pro_code = prepare(f"sqlite:///{folder / 'web.sqlite3'}")
    app = Gunicorn(env, workers=WORKERS)
    staff = Professional(app.port, pro_code)
    bare = None
    generator = LoadGenerator(processes)
    try:
        visits = [start_visit(app.port) for _ in range(processes)]
        path = f"/q/{Q.items[3].id}"
        page = visits[0].get(path).body
        (folder / "page.html").write_text(page, encoding="utf-8")
        (folder / "bare.py").write_text(BARE_APP, encoding="utf-8")
        bare = Gunicorn({"PYTHONPATH": str(folder)}, workers=WORKERS, app="bare:app", cwd=folder,
                        health="/page")
        assert len(Client(bare.port).get("/page").body) == len(page)
        # Side by side: one-second slices in turn, so a change in the machine's load hits both.
        ours = {"done": 0.0, "time": 0.0, "5xx": 0.0}
        base = {"done": 0.0, "time": 0.0}
        for _ in range(max(2, int(seconds))):
            for port, jobs, total in (
                (app.port, [[(path, v.cookies, {})] for v in visits], ours),
                (bare.port, [[("/page", {}, {})] for _ in range(processes)], base),
            ):
                began = time.monotonic()
                result = generator.load(port, "GET", jobs, 1.0)
                total["time"] += time.monotonic() - began
                total["done"] += result["done"]
                if "5xx" in total:
                    total["5xx"] += result["5xx"]
        bare.stop()
        bare = None
        # Submissions: answered visits made beforehand, so only the submissions are timed. The
        # KDF's own capacity is measured in two-second slices alternating with two-second slices
        # of submissions (every submission slice between two capacity slices), so a change in
        # the machine's speed during the run hits both sides.
        kdf = kdf_seconds()
        slices = max(2, int(seconds) // 2)
        per_slice = int(kdf_capacity(1.0) * 2.0) + processes
        visited = answered_visits(app.port, per_slice * slices, processes)
        ready = [("/submit", cookies, {"csrf_token": token}) for cookies, token, _ in visited]
        capacities = [kdf_capacity(2.0)]
        submit = {"done": 0.0, "time": 0.0, "5xx": 0.0}
        spent = {"workers": 0.0, "load": 0.0, "machine": 0.0}
        for index in range(slices):
            part = ready[index * per_slice:(index + 1) * per_slice]
            account = CpuAccount(app, [p.pid for p in generator.processes if p.pid])
            began = time.monotonic()
            result = generator.load(app.port, "POST", [part[i::processes] for i in range(processes)], 0)
            submit["time"] += time.monotonic() - began
            for name, value in account.spent().items():
                spent[name] += value
            submit["done"] += result["done"]
            submit["5xx"] += result["5xx"]
            capacities.append(kdf_capacity(2.0))
        submit["rps"] = submit["done"] / submit["time"]
        submit_cpu = {name: round(1000 * value / submit["done"], 2) for name, value in spent.items()}
        limit = statistics.mean(capacities)
        # Staff under client load: people answering (every answer a session write) while a
        # professional signs in and redeems, again and again.
        answering = []
        for visit in visits:
            token = visit.get(path).token
            jobs = [(f"/q/{item.id}", visit.cookies,
                     {"csrf_token": token, "answer": item.options[0].value})
                    for item in Q.items if item.kind == "single"]
            answering.append(jobs)
        staff.start()
        answers = generator.load(app.port, "POST", answering, seconds)
        staff.stop()
        rss = rss_mb(app.worker_pids())
    finally:
        staff.stopped.set()
        generator.stop()
        if bare is not None:
            bare.stop()
        app.stop()
    question_rps = ours["done"] / ours["time"]
    bare_rps = base["done"] / base["time"]
    say("question_get_rps", round(question_rps, 1))
    say("bare_page_rps", round(bare_rps, 1))
    # Three decimals: a goal (>= 0.6, >= 0.8) is never met by rounding.
    say("question_get_ratio", round(question_rps / bare_rps, 3))
    say("question_page_bytes", len(page.encode()))
    say("kdf_ms", round(kdf * 1000, 1))
    say("submit_answers_per_visit", round(statistics.mean(n for _, _, n in visited), 1))
    say("submit_rps", round(submit["rps"], 1))
    say("kdf_limit_rps", round(limit, 1))
    say("submit_ratio", round(submit["rps"] / limit, 3))
    # Why the ratio is what it is: CPU per submission, against the derivation's own cost per
    # core at capacity. With both cores busy the ratio comes to about derivation / machine.
    cores = min(WORKERS, os.cpu_count() or 1)
    say("submit_cpu_ms_derivation_per_core", round(1000 * cores / limit, 2))
    say("submit_cpu_ms_workers", submit_cpu["workers"])
    say("submit_cpu_ms_load_generator", submit_cpu["load"])
    say("submit_cpu_ms_machine", submit_cpu["machine"])
    say("rss_mb_per_worker", round(rss, 1))
    fives = sum(1 for s in staff.statuses if s >= 500)
    say("staff_requests_under_client_load", len(staff.statuses))
    say("staff_5xx_under_client_load", fives)
    say("answer_post_rps_during_staff", round(answers["rps"], 1))
    say("client_5xx_under_load", int(ours["5xx"] + submit["5xx"] + answers["5xx"]))


def raw_engine(url: str, schema: str | None) -> Any:
    """An engine without the portal's time limits, for filling and dropping big tables."""
    from sqlalchemy import create_engine

    args = {"options": f"-csearch_path={schema}"} if schema else {}
    return create_engine(url, connect_args=args)


def fill(engine: Any, rows: int) -> None:
    """Synthetic submissions, made in the database itself (random keys, a dummy sealed blob)."""
    # As the portal stores them (issue 14): random 63-bit ids, sealed answers of one size.
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            conn.execute(text(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :rows) "
                "INSERT OR IGNORE INTO submissions (id, lookup_key, sealed_answers, created_on, "
                "expires_on, questionnaire_id, questionnaire_version, language, assisted) "
                "SELECT abs(random()), randomblob(32), randomblob(4124), date('now'), "
                "date('now', '+30 days'), 'selfassessment', '2', 'fi', 0 FROM n"), {"rows": rows})
        else:
            conn.execute(text("SET LOCAL statement_timeout = 0"))
            conn.execute(text(
                "INSERT INTO submissions (id, lookup_key, sealed_answers, created_on, expires_on, "
                "questionnaire_id, questionnaire_version, language, assisted) "
                "SELECT (random() * 9.2e18)::bigint, "
                "decode(md5(random()::text) || md5(random()::text), 'hex'), "
                "decode(repeat(md5(i::text), 258), 'hex'), current_date, current_date + 30, "
                "'selfassessment', '2', 'fi', false FROM generate_series(1, :rows) i "
                "ON CONFLICT DO NOTHING"),
                {"rows": rows})
    if engine.dialect.name == "sqlite":
        # A live site checkpoints its WAL as it goes; a million rows written at once would
        # otherwise be read through a 300 MB write-ahead log.
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.exec_driver_sql("ANALYZE")
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE submissions"))


def _redeem_app(url: str, schema: str | None, folder: Path, rows: int) -> tuple[Any, Any, str]:
    engine = make_engine(url, schema=schema)
    migrate.upgrade(engine)
    settings = Settings(instance_path=folder, secret_key=secrets.token_hex(16),
                        code_secret=secrets.token_bytes(32), database_url=url, kdf_log2n=LOG2N,
                        redeem_limit="1000000 per hour", extra={"schema": schema} if schema else {})
    with make_session_factory(engine)() as db:
        accounts.create(db, username="anna", password=PASSWORD, role="pro",
                        today=dt.date.today(), hasher=accounts.password_hasher(cheap=True))
        db.commit()
        code = store(db, settings, SELF_CARE).grouped
    engine.dispose()
    filler = raw_engine(url, schema)
    fill(filler, rows - 1)
    filler.dispose()
    app = create_app(settings)
    client = app.test_client()
    from tests.pro_support import sign_in

    sign_in(client)
    return app, client, code


def redeem_p95(urls: tuple[tuple[str, str | None], tuple[str, str | None]], folder: Path,
               runs: int, big: int, name: str) -> float:
    """p95 of code → summary page (in-process, the real KDF) with 1,000 rows and with `big`
    rows: two databases, redeemed in turn, so both see the same machine."""
    from tests.pro_support import redeem

    small = _redeem_app(*urls[0], folder, 1000)
    large = _redeem_app(*urls[1], folder, big)
    times: dict[int, list[float]] = {0: [], 1: []}
    for _ in range(runs):
        for index, (_app, client, code) in enumerate((small, large)):
            began = time.perf_counter()
            assert redeem(client, code).status_code == 303
            assert client.get("/pro/record").status_code == 200
            times[index].append(time.perf_counter() - began)
    for app, _client, _code in (small, large):
        app.extensions["portal.engine"].dispose()
    p95 = {i: statistics.quantiles(t, n=20)[-1] for i, t in times.items()}
    median = {i: statistics.median(t) for i, t in times.items()}
    say(f"redeem_ms_{name}", f"median {median[1] * 1000:.1f} p95 {p95[1] * 1000:.1f} "
        f"(1k rows: median {median[0] * 1000:.1f} p95 {p95[0] * 1000:.1f})")
    return p95[1] / p95[0]


def stats_figure() -> None:
    path = ROOT / "tests" / "bench" / "bench_stats.py"
    if not path.exists():
        say("stats_ratio_1200_vs_12_months", "not measured (tests/bench/bench_stats.py is not here)")
        return
    spec = importlib.util.spec_from_file_location("bench_stats", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    import contextlib
    import io

    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        module.main()  # issue 13's benchmark: 12 vs 1,200 months, side by side
    for line in printed.getvalue().splitlines():
        if line.startswith("stats_ratio_1200_vs_12_months:"):
            print(line, flush=True)
            return
    say("stats_ratio_1200_vs_12_months", "not measured (bench_stats.py printed no ratio)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="shorter runs (under two minutes)")
    quick = parser.parse_args().quick
    # The p95 of a few dozen runs is a machine's hiccup as often as the database's: a full run
    # redeems 200 times on each side (about 20 s).
    seconds, processes, runs = (3.0, 6, 20) if quick else (15.0, 8, 200)
    # --quick fills 100,000 rows instead of a million (the fill dominates its time).
    big, label = (100_000, "100k") if quick else (1_000_000, "1m")
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.machine())
    say("machine", f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}")
    say("load_average_at_start", " ".join(f"{x:.1f}" for x in os.getloadavg()))
    began = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        web_figures(folder, seconds, processes)
        sqlite_urls = ((f"sqlite:///{folder / 'small.sqlite3'}", None),
                       (f"sqlite:///{folder / 'large.sqlite3'}", None))
        say(f"redeem_p95_ratio_{label}_vs_1k_sqlite",
            round(redeem_p95(sqlite_urls, folder, runs, big, f"{label}_sqlite"), 2))
        schemas = [f"bench_{secrets.token_hex(4)}" for _ in range(2)]
        admin = raw_engine(PG_URL, None)
        try:
            with admin.begin() as conn:
                for schema in schemas:
                    conn.execute(text(f'CREATE SCHEMA "{schema}"'))
            say(f"redeem_p95_ratio_{label}_vs_1k_postgres",
                round(redeem_p95(((PG_URL, schemas[0]), (PG_URL, schemas[1])), folder, runs, big,
                                 f"{label}_postgres"), 2))
        finally:
            with admin.begin() as conn:
                for schema in schemas:
                    conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            admin.dispose()
    stats_figure()
    say("bench_seconds", round(time.monotonic() - began))


if __name__ == "__main__":
    main()
