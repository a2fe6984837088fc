"""How long the code key derivation takes here, and how little rejecting a typo costs.

Run: python3 tests/bench/bench_codes.py   (not a test; prints a small table)
"""

from __future__ import annotations

import secrets
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from portal.domain.codes import CHECK_SYMBOLS, InvalidCode, new_code, parse_code
from portal.domain.keys import derive_keys

RUNS = 20
LOG2NS = (13, 14, 15)
TARGET_MS = (10.0, 30.0)


def median_seconds(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    secret = secrets.token_bytes(32)
    code = new_code()
    derive_keys(code, secret, 10)  # warm up the import and OpenSSL

    kdf = {n: median_seconds(partial(derive_keys, code, secret, n), RUNS) for n in LOG2NS}

    wrong = next(s for s in CHECK_SYMBOLS if s != code.canonical[-1])
    bad = code.grouped[:-1] + wrong

    batch = 1000

    def reject_batch() -> None:
        # Many rejections per sample, as one is far below the timer's resolution.
        for _ in range(batch):
            try:
                parse_code(bad)
            except InvalidCode:
                continue
            raise AssertionError("a bad check character was accepted")

    reject_s = median_seconds(reject_batch, RUNS) / batch

    print(f"derive_keys (scrypt r=8 p=1), median of {RUNS} runs:")
    print("  " + "".join(f"{f'log2n={n}':>14}" for n in LOG2NS))
    print("  " + "".join(f"{kdf[n] * 1000:>11.1f} ms" for n in LOG2NS))
    print(f"parse_code rejecting a bad check character: {reject_s * 1e6:.1f} µs")
    print("  KDF / rejection: " + ", ".join(f"{kdf[n] / reject_s:,.0f}x" for n in LOG2NS))
    fits = [n for n in LOG2NS if TARGET_MS[0] <= kdf[n] * 1000 <= TARGET_MS[1]]
    target = f"{TARGET_MS[0]:.0f}-{TARGET_MS[1]:.0f} ms"
    print(f"  in the {target} target: " + (", ".join(f"log2n={n}" for n in fits) or "none"))


if __name__ == "__main__":
    main()
