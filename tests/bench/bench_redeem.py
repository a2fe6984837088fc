"""How long a professional waits from submitting a code to the rendered summary, at the real KDF cost.

Run: python3 tests/bench/bench_redeem.py   (not a test; prints a small table)

Times the whole request pair through the app (POST /pro/redeem, then the summary page it
redirects to), median of 20, on SQLite and, when it is reachable, on the local PostgreSQL.
Also prints how many guesses one account can make in an hour under the default limit.
"""

from __future__ import annotations

import dataclasses
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sqlalchemy import text

from portal import create_app, migrate
from portal.config import Settings
from portal.db import make_engine
from portal.domain.codes import RANDOM_BITS
from portal.rate_limits import parse_limit
from tests.conftest import PG_URL, csrf_token
from tests.pro_support import AFTER_OVERDOSE, make_account, sign_in, stored_code

RUNS = 20
LOG2N = 13  # the production default (PORTAL_KDF_LOG2N)


def measure(settings: Settings) -> tuple[float, float]:
    """(median ms for a good code to the summary, median ms for a typo to its message)."""
    app = create_app(settings)
    make_account(app)
    code = stored_code(app, settings, answers=AFTER_OVERDOSE, language="sv")
    client = app.test_client()
    sign_in(client)
    token = csrf_token(client, "/pro/")
    typed = code.grouped.lower().replace("-", " ")
    typo = typed[:-1] + ("x" if typed[-1] != "x" else "y")

    def once(value: str, follow: bool) -> float:
        start = time.perf_counter()
        response = client.post(
            "/pro/redeem", data={"csrf_token": token, "code": value}, follow_redirects=follow
        )
        elapsed = time.perf_counter() - start
        assert response.status_code == (200 if follow else 400), response.status_code
        return elapsed

    once(typed, True)  # warm up templates and the questionnaire cache
    good = statistics.median(once(typed, True) for _ in range(RUNS))
    bad = statistics.median(once(typo, False) for _ in range(RUNS))
    app.extensions["portal.engine"].dispose()
    return good * 1000, bad * 1000


def main() -> None:
    tmp = Path(tempfile.mkdtemp())
    sqlite_url = f"sqlite:///{tmp / 'bench.sqlite3'}"
    migrate.upgrade(make_engine(sqlite_url))
    base = Settings(
        instance_path=tmp / "instance",
        secret_key=secrets.token_hex(16),
        code_secret=secrets.token_bytes(32),
        database_url=sqlite_url,
        kdf_log2n=LOG2N,
        redeem_limit="100000 per hour",  # the benchmark itself must not be limited
        testing=True,
    )
    rows = [("sqlite", *measure(base))]
    try:
        schema = f"bench_{secrets.token_hex(4)}"
        admin = make_engine(PG_URL)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        migrate.upgrade(make_engine(PG_URL, schema=schema))
        pg = dataclasses.replace(base, database_url=PG_URL, extra={"schema": schema})
        rows.append(("postgresql", *measure(pg)))
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    except Exception as exc:  # noqa: BLE001 - PostgreSQL is optional for a benchmark
        print(f"(PostgreSQL skipped: {type(exc).__name__})")

    print(f"code -> summary page, scrypt 2^{LOG2N}, median of {RUNS}:")
    for name, good, bad in rows:
        print(f"  {name:<10}  code to summary {good:6.1f} ms   typo rejected {bad:5.1f} ms")

    limit = Settings.redeem_limit
    item = parse_limit(limit)
    per_hour = item.amount * 3600 / item.seconds
    print(f"guesses per hour for one account ({limit!r}): {per_hour:.0f}")
    for live in (1_000, 100_000):
        years = 2**RANDOM_BITS / (per_hour * live) / (24 * 365)
        print(f"  with {live:>7,} live codes, one hit expected after ~{years:.2e} years")


if __name__ == "__main__":
    main()
