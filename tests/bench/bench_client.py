"""Benchmark: one client submission (median of 20) and the gzip weight of each client page type.

Run: python3 tests/bench/bench_client.py   (SQLite in a temp folder, the real KDF cost)
"""

from __future__ import annotations

import gzip
import re
import statistics
import tempfile
import time
from pathlib import Path

from portal import create_app, migrate
from portal.config import Settings
from portal.db import make_engine
from portal.domain.questionnaire import load_default

RUNS = 20


def token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match
    return match.group(1)


def main() -> None:
    folder = Path(tempfile.mkdtemp())
    url = f"sqlite:///{folder / 'bench.sqlite3'}"
    migrate.upgrade(make_engine(url))
    settings = Settings(
        instance_path=folder, secret_key="b" * 32, code_secret=b"c" * 32, database_url=url
    )
    app = create_app(settings)
    q = load_default()
    static = {
        name: len(gzip.compress((Path("static") / name).read_bytes(), 6))
        for name in ("portal.css", "portal.js")
    }
    weights: dict[str, int] = {}
    submit_ms, result_ms = [], []
    for run in range(RUNS):
        client = app.test_client()
        html = client.get("/?lang=fi").get_data(as_text=True)
        weights["landing"] = len(gzip.compress(html.encode(), 6))
        client.post("/start", data={"csrf_token": token(html)})
        for item in q.items:
            page = client.get(f"/q/{item.id}").get_data(as_text=True)
            weights.setdefault(f"question ({item.kind})", len(gzip.compress(page.encode(), 6)))
            value = [item.options[0].value] if item.kind == "multiple" else item.options[-1].value
            client.post(f"/q/{item.id}", data={"csrf_token": token(page), "answer": value})
        check = client.get("/check").get_data(as_text=True)
        weights["check answers"] = len(gzip.compress(check.encode(), 6))
        started = time.perf_counter()
        client.post("/submit", data={"csrf_token": token(check)})
        submit_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        result = client.get("/result").get_data(as_text=True)
        result_ms.append((time.perf_counter() - started) * 1000)
        weights["result"] = len(gzip.compress(result.encode(), 6))
        if run == 0:
            for name, path in (("slip", "/slip"), ("delete", "/delete"), ("about", "/about")):
                body = client.get(path).get_data()
                weights[name] = len(gzip.compress(body, 6))
    print(
        f"submit (POST /submit: scrypt 2^{settings.kdf_log2n} + insert + commit), "
        f"median of {RUNS}: {statistics.median(submit_ms):.1f} ms "
        f"(min {min(submit_ms):.1f}, max {max(submit_ms):.1f})"
    )
    print(
        f"result page (GET /result: scrypt + decrypt + score + render), median of {RUNS}: "
        f"{statistics.median(result_ms):.1f} ms"
    )
    print(f"static, gzip: portal.css {static['portal.css']} B, portal.js {static['portal.js']} B")
    print("client page types, gzip bytes (HTML / HTML+CSS+JS cold cache):")
    for name, size in weights.items():
        print(f"  {name:<22} {size:>6} / {size + sum(static.values()):>6}")


if __name__ == "__main__":
    main()
