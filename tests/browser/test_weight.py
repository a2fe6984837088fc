"""Every client page, cold cache: ≤ 14 KB gzip on the wire, script ≤ 2 KB, nothing from elsewhere.

Each client page state is measured where it is reached anyway, in test_axe's walk (JavaScript
on, a fresh context, in fi, sv and en), through `page_load_weight` and `record` here; this file
holds the budget, the measurement, and a quick check of the shared CSS and script.

The app does not compress its responses (a reverse proxy does in production), so each response
body is measured as gzip at level 6 would send it, plus its status line and headers as sent. The
page's own load is counted: the final document and every subresource it pulled (routing every
request, as open_page does, also turns Chromium's cache off, so each load is cold). Requests to
any origin but 127.0.0.1 are aborted and fail the test. Figures are printed (run with -s) and
collected in test-artefacts/weights.txt.
"""

from __future__ import annotations

import gzip
import os
import re
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.browser.conftest import ARTEFACTS

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)

PAGE_BUDGET = 14 * 1024
SCRIPT_BUDGET = 2 * 1024
FIGURES = ARTEFACTS / "weights"


def _wire_bytes(response: Any) -> int:
    head = len(f"HTTP/1.1 {response.status} {response.status_text}\r\n")
    head += sum(len(f"{h['name']}: {h['value']}\r\n") for h in response.headers_array()) + 2
    if 300 <= response.status < 400:
        return head
    return head + len(gzip.compress(response.body(), compresslevel=6))


def page_load_weight(responses: list[Any]) -> dict[str, int]:
    """Bytes by kind for the last document load and what it pulled in."""
    starts = [
        i for i, r in enumerate(responses)
        if r.request.resource_type == "document" and not 300 <= r.status < 400
    ]  # fmt: skip
    assert starts, "no document was loaded"
    weight: dict[str, int] = {"document": 0, "stylesheet": 0, "script": 0, "image": 0, "other": 0}
    for response in responses[starts[-1] :]:
        kind = response.request.resource_type
        weight[kind if kind in weight else "other"] += _wire_bytes(response)
    return weight


def _write_summary() -> None:
    lines = sorted(p.read_text(encoding="utf-8") for p in FIGURES.glob("*.txt"))
    summary = ARTEFACTS / f"weights.txt.{os.getpid()}"  # workers write in parallel: swap whole
    summary.write_text(
        "state lang: total = document + css + script + image + other (bytes, gzip 6, cold)\n"
        + "".join(lines),
        encoding="utf-8",
    )
    summary.replace(ARTEFACTS / "weights.txt")


def record(state: str, lang: str, weight: dict[str, int]) -> list[str]:
    """Write one page's figures (and refresh weights.txt); return the budget problems."""
    total = sum(weight.values())
    line = (
        f"{state} {lang}: {total} = {weight['document']} + {weight['stylesheet']} + "
        f"{weight['script']} + {weight['image']} + {weight['other']}\n"
    )
    print(line, end="")
    FIGURES.mkdir(parents=True, exist_ok=True)
    (FIGURES / f"{state}-{lang}.txt").write_text(line, encoding="utf-8")
    _write_summary()
    problems = []
    if total > PAGE_BUDGET:
        problems.append(f"weighs {total} B > {PAGE_BUDGET} B (gzip, cold cache): {weight}")
    if weight["script"] > SCRIPT_BUDGET:
        problems.append(f"script {weight['script']} B > {SCRIPT_BUDGET} B")
    return problems


def test_the_stylesheet_and_the_script_fit_their_share_of_the_budget(client: FlaskClient) -> None:
    """The two files every page pulls in, as gzip would send them."""
    html = client.get("/").get_data(as_text=True)
    sizes = {}
    for path in re.findall(r'(?:href|src)="(/static/[^"]+)"', html):
        body = client.get(path).get_data()
        sizes[path] = len(gzip.compress(body, compresslevel=6))
    scripts = sum(n for p, n in sizes.items() if p.endswith(".js"))
    assert scripts <= SCRIPT_BUDGET - 600, f"script {sizes}: leave room for headers"
    assert sum(sizes.values()) <= PAGE_BUDGET // 2, f"CSS + script take half the page budget: {sizes}"
