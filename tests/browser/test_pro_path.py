"""Issue 6 end to end: a Swedish client's code, redeemed and corrected by a Finnish professional.

The client answers in Swedish on a phone; a professional whose language is Finnish signs in,
types the code in lower case with spaces, sees the summary in Finnish, corrects the segment,
prints (one A4 page), exports FHIR (validated), and the audit log has each step without the code.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from sqlalchemy import select

from portal.domain.questionnaire import load_default
from portal.models import AuditEntry, Review
from tests.browser.conftest import ARTEFACTS, LiveServer
from tests.pro_support import PASSWORD, SELF_CARE, make_account, sessions, stored_code


def answer_as_a_swedish_client(browser: Any, url: str) -> str:
    context = browser.new_context(viewport={"width": 320, "height": 640}, locale="sv-SE")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(url + "/?lang=sv")
    page.locator("form.start button").click()
    for _ in range(60):
        if page.url.endswith("/check"):
            break
        assert page.locator("html").get_attribute("lang") == "sv"
        page.locator("label.choice").first.click()
        page.locator("button[name=continue]").click()
    page.locator("form[action$='/submit'] button").click()
    code = page.locator(".code .code-text").first.inner_text().strip()
    context.close()
    return code


def test_a_finnish_professional_redeems_corrects_prints_and_exports(
    browser: Any, live_server: LiveServer, tmp_path: Path
) -> None:
    app = live_server.app
    ARTEFACTS.mkdir(exist_ok=True)
    code = answer_as_a_swedish_client(browser, live_server.url)
    assert len(code.replace("-", "")) == 13
    make_account(app, "anna", language="fi")
    q = load_default()

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(live_server.url + "/pro/")
    page.fill("#username", "anna")
    page.fill("#password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    assert page.locator("html").get_attribute("lang") == "fi"  # the account's language

    page.fill("#code", "  " + code.lower().replace("-", " ") + " ")
    page.locator("main form button[type=submit]").click()
    assert page.locator("h1").inner_text() == "Yhteenveto asiakkaan vastauksista"
    assert "ruotsi" in page.locator("dl.meta").inner_text()
    page.locator("details.allanswers summary").click()
    answers = page.locator("details.allanswers").inner_text()
    assert q.item("housing").text["fi"] in answers and q.item("housing").text["sv"] not in answers
    assert code not in page.content()

    assert page.locator("form.review input:checked").count() == 0, "nothing chosen beforehand"
    page.locator("input[name=capability][value=copes]").check()
    page.locator("input[name=risk][value=few]").check()
    page.select_option("#override", "intensive")
    page.select_option("#reason", "client_view")
    page.locator("form.review button[type=submit]").click()
    assert "Ammattilainen korjasi asiakkuuden" in page.locator("main").inner_text()
    assert "Asiakas näkee tilanteensa toisin" in page.locator("main").inner_text()

    page.screenshot(path=str(ARTEFACTS / "pro-summary.png"), full_page=True)
    page.get_by_role("link", name="Tulostusnäkymä").click()
    assert page.locator("nav").count() == 0 and page.locator("header").count() == 0
    assert f"…{code[-1]}" in page.locator("main").inner_text()
    assert code[:4] not in page.locator("main").inner_text()
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", print_background=False)
    (ARTEFACTS / "pro-print.pdf").write_bytes(pdf)  # first, so a failure can be looked at
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 1, "the print view fits one A4 page"
    page.emulate_media(media="screen")
    page.go_back()

    with page.expect_download() as download:
        page.get_by_role("link", name="Lataa FHIR (JSON)").click()
    saved = tmp_path / "response.json"
    download.value.save_as(saved)
    resource = json.loads(saved.read_text(encoding="utf-8"))["entry"][0]["resource"]
    assert QuestionnaireResponse.model_validate(resource).subject is None
    assert resource["language"] == "sv"
    assert code.replace("-", "") not in saved.read_text(encoding="utf-8")
    context.close()

    with sessions(app)() as session:
        rows = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        steps = [(r.username, r.action, r.record_ref) for r in rows]
        everything = " ".join(
            f"{r.username} {r.action} {r.record_ref} {r.detail} {r.at}" for r in rows
        ).upper()
    record = steps[1][2]
    assert record is not None
    assert steps == [
        ("anna", "login", None),
        ("anna", "redeem", record),
        ("anna", "correct", record),
        ("anna", "export_print", record),
        ("anna", "export_fhir", record),
    ]
    for group in code.split("-")[:3]:
        assert group not in everything

    # An administrator reads the same steps in the audit log page.
    make_account(app, "boss", role="admin", language="fi")
    admin = browser.new_context(locale="fi-FI").new_page()
    admin.goto(live_server.url + "/pro/")
    admin.fill("#username", "boss")
    admin.fill("#password", PASSWORD)
    admin.locator("main form button[type=submit]").click()
    admin.goto(live_server.url + "/pro/admin/audit")
    log = admin.locator("table.audit").inner_text()
    for text in ("Avasi asiakkaan vastaukset", "Korjasi asiakkuuden", "Latasi FHIR-tiedoston"):
        assert text in log
    assert code[:4] not in admin.content()
    admin.context.close()


RATE_TEXTS = {
    "fi": ("Tallenna", "Tallennettu. Kiitos.", "Auttoiko yhteenveto sinua?"),
    "sv": ("Spara", "Sparat. Tack.", "Hjälpte sammanfattningen dig?"),
    "en": ("Save", "Saved. Thank you.", "Did the summary help you?"),
}


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_a_professional_rates_routes_and_saves_on_one_screen_in_under_a_minute(
    browser: Any, live_server: LiveServer, lang: str, javascript: bool
) -> None:
    app = live_server.app
    name = f"pro{lang}{int(javascript)}"
    make_account(app, name, language=lang)
    settings = app.extensions["portal.settings"]
    code = stored_code(app, settings, answers=SELF_CARE, language="fi")
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, java_script_enabled=javascript
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(live_server.url + "/pro/")
    page.fill("#username", name)
    page.fill("#password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.fill("#code", code.grouped)
    page.locator("main form button[type=submit]").click()
    assert page.locator("html").get_attribute("lang") == lang

    started = time.monotonic()
    form = page.locator("form.review")
    form.scroll_into_view_if_needed()
    box = form.bounding_box()
    assert box is not None and box["height"] <= 900, f"the form is {box} tall: not one screen"
    assert form.locator("input:checked").count() == 0
    page.locator("label[for=capability-1]").click()  # copes with some help
    page.locator("label[for=risk-0]").click()  # few risks
    for kind in ("adult_social_work", "peer_support"):
        page.locator(f"input[name=routed][value={kind}]").check()
    page.locator("input[name=appointment][value=yes]").check()
    save, saved, helped = RATE_TEXTS[lang]
    page.get_by_role("button", name=save, exact=True).click()
    assert saved in page.locator("main").inner_text()
    assert time.monotonic() - started < 60
    assert helped in page.locator("main").inner_text()
    page.locator("input[name=helped][value=yes]").check()
    page.locator("form.helped button[type=submit]").click()
    context.close()
    with sessions(app)() as session:
        review = session.scalars(select(Review)).one()
        assert (review.segment, review.routed, review.appointment) == (
            "supported",
            "adult_social_work,peer_support",
            "yes",
        )
