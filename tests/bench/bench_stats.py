"""Does the statistics page slow down with the length of the history? 12 vs 1,200 months.

Run: python3 tests/bench/bench_stats.py   (not a test; prints the times and their ratio)

Two SQLite databases, one with 12 closed months of counts and one with 1,200, every month with
the same realistic mix of rows (every event and category the portal counts). The page
(GET /pro/admin/stats as an administrator) is timed in both, side by side in one run:
alternating requests, median of RUNS each, after a warm-up.
"""

from __future__ import annotations

import datetime as dt
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import insert

from portal import create_app, migrate
from portal.config import Settings
from portal.db import make_engine
from portal.domain import rating, stats
from portal.models import MonthlyCount
from tests.pro_support import make_account, sign_in

RUNS = 30


def month_rows(month: str) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []

    def add(event: str, segment: str = "", outcome: str = "", language: str = "",
            assisted: bool = False, count: int = 7) -> None:  # fmt: skip
        rows.append({"month": month, "event": event, "segment": segment, "outcome": outcome,
                         "language": language, "assisted": assisted, "count": count})  # fmt: skip

    for seg in (*stats.SEGMENTS, stats.NONE):
        for lang in stats.LANGUAGES:
            for helped in (False, True):
                add("assessment", seg, "", lang, helped, 9)
    for band in stats.DAY_BANDS:
        add("redemption", outcome=band, count=6)
    for provisional in (*stats.SEGMENTS, stats.NONE):
        for decision in rating.DECISIONS:
            add("review", provisional, decision, count=5)
    for axis in rating.AXES:
        for outcome in rating.AXIS_OUTCOMES:
            add("axis", axis, outcome, count=8)
    for kind in rating.SERVICE_KINDS:
        for decision in rating.DECISIONS:
            add("routing", decision, kind, count=6)
    for answer in rating.APPOINTMENT:
        add("appointment", outcome=answer)
    for answer in rating.EXPERIENCE:
        add("client_useful", outcome=answer)
        add("pro_helped", outcome=answer)
    return rows


def app_with(months: int, folder: Path) -> tuple[Flask, FlaskClient]:
    url = f"sqlite:///{folder / f'stats-{months}.sqlite3'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    history = stats.closed_months(dt.date.today(), months)
    with engine.begin() as conn:
        for start in range(0, months, 50):
            batch = [row for m in history[start : start + 50] for row in month_rows(m)]
            conn.execute(insert(MonthlyCount), batch)
    engine.dispose()
    settings = Settings(
        instance_path=folder / f"instance-{months}",
        secret_key=secrets.token_hex(16),
        code_secret=secrets.token_bytes(32),
        database_url=url,
        kdf_log2n=10,
        testing=True,
    )
    app = create_app(settings)
    make_account(app, "boss", role="admin", language="en")
    client = app.test_client()
    sign_in(client, "boss")
    return app, client


def timed(client: FlaskClient) -> float:
    start = time.perf_counter()
    response = client.get("/pro/admin/stats")
    elapsed = time.perf_counter() - start
    assert response.status_code == 200, response.status_code
    return elapsed


def main() -> None:
    folder = Path(tempfile.mkdtemp())
    small_app, small = app_with(12, folder)
    big_app, big = app_with(1200, folder)
    rows = len(month_rows("2000-01"))
    for _ in range(3):  # warm up templates, the questionnaire and the connection pools
        timed(small), timed(big)
    small_times, big_times = [], []
    for _ in range(RUNS):
        small_times.append(timed(small))
        big_times.append(timed(big))
    a, b = statistics.median(small_times), statistics.median(big_times)
    print(f"statistics page, {rows} count rows per month, median of {RUNS}, side by side:")
    print(f"  12 months:    {a * 1000:6.1f} ms  ({12 * rows:,} rows)")
    print(f"  1,200 months: {b * 1000:6.1f} ms  ({1200 * rows:,} rows)")
    print(f"stats_ratio_1200_vs_12_months: {b / a:.2f}")
    for app in (small_app, big_app):
        app.extensions["portal.engine"].dispose()


if __name__ == "__main__":
    main()
