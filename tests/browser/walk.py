"""Every page state a person can meet, and how to bring a fresh browser page into each.

A *state* is one thing a person sees: a page, or a page in a particular condition (a question with
an error, a result with an acute flag). Each state knows the Flask endpoint that serves it, so
`uncovered_get_routes()` can name any page route that no state reaches: a page type added later
fails the tests until it is walked here (or listed in NOT_PAGES with a reason).

Every `reach` callable works with JavaScript on *and* off: it only navigates, clicks, fills and
sends requests through the page's own cookie jar (`page.request`), never runs script in the page.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlencode, urlsplit

import yaml
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.exceptions import HTTPException

from portal import create_app
from portal.config import Settings
from portal.domain import codes, submissions
from portal.domain.questionnaire import Questionnaire, default_path, load, load_default
from tests.browser.conftest import LiveServer

Page = Any  # playwright.sync_api.Page (Playwright ships no stubs the linters here can see)
Audience = Literal["client", "pro", "admin", "tablet"]
LANGS = ("fi", "sv", "en")
STAFF_PASSWORD = "correct horse battery staple 42"

# GET routes that are not pages a person reads, each with the reason. Everything else served on
# GET must be covered by a state below, or test_every_get_route_is_walked fails naming it.
NOT_PAGES: dict[str, str] = {
    "static": "CSS and the optional script: measured by test_weight, not a page",
    "pages.quick_exit": "redirects at once to an external site (aborted in tests, never loaded)",
    "client.start_page": "GET /start only redirects to the landing page (Start is a POST form)",
    "pro.fhir_export": "FHIR R4 JSON download for a professional, not an HTML page",
    "fhir.questionnaire_resource": "FHIR R4 Questionnaire JSON (the canonical resource), not a page",
    "admin.audit_csv": "the audit log as a CSV download, not a page",
    "admin.statistics_csv": "one month's statistics as a CSV download, not a page",
    "health.healthz": "plain-text liveness probe for the process manager, not a page",
    "health.readyz": "plain-text readiness probe (database, Redis) for the load balancer",
}

# A tiny questionnaire with a number item, so the number template is walked too (the shipped
# questionnaire has none): the default file with one number question put first.
NUMBER_ITEM = {
    "id": "drinking_days",
    "section": "alcohol",
    "kind": "number",
    "minimum": 0,
    "maximum": 31,
    "unit": {"fi": "päivää", "sv": "dagar", "en": "days"},
    "text": {
        "fi": "Montako päivää joit alkoholia viimeisen kuukauden aikana?",
        "sv": "Hur många dagar drack du alkohol under den senaste månaden?",
        "en": "On how many days did you drink alcohol in the past month?",
    },
    "help": {
        "fi": "Kirjoita luku 0–31.",
        "sv": "Skriv ett tal 0–31.",
        "en": "Write a number from 0 to 31.",
    },
    "bands": [{"upto": 4, "risk": 0}, {"upto": 31, "risk": 0.5}],
}


def number_questionnaire_file(folder: Path) -> Path:
    data = yaml.safe_load(default_path().read_text(encoding="utf-8"))
    data["items"].insert(0, NUMBER_ITEM)
    path = folder / "with-number.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    load(path)  # fail here, clearly, if the file format moved on
    return path


@dataclass(frozen=True)
class State:
    name: str
    audience: Audience
    endpoint: str | None  # the Flask endpoint whose page this is (None: an unknown URL)
    how: str  # in words, for a person reading a failure
    reach: Callable[[Page, LiveServer], None]
    questionnaire: Literal["default", "number"] = "default"
    needs: tuple[str, ...] = ()  # endpoints that must exist, else the state is skipped
    expect: tuple[str, ...] = ()  # CSS selectors that prove the page is in this state
    expect_absent: tuple[str, ...] = ()
    status_text: str | None = None  # an error page shows its status number
    covers: tuple[str, ...] = ()  # endpoints passed through on the way (redirecting GETs)
    js_only: bool = False  # the state exists only with JavaScript (e.g. the idle warning)
    own_context: bool = False  # needs a browser context of its own (a fake clock stays put)

    @property
    def client(self) -> bool:
        """A page a client meets (on their phone or a shared tablet): the stricter checks."""
        return self.audience in ("client", "tablet")


@contextlib.contextmanager
def serve(state: State, settings: Settings, folder: Path) -> Iterator[LiveServer]:
    """A fresh app for one state (with the number questionnaire if the state needs it)."""
    if state.questionnaire == "number":
        settings = settings.with_overrides(questionnaire_path=number_questionnaire_file(folder))
    app = create_app(settings)
    try:
        with LiveServer(app) as server:
            yield server
    finally:
        app.extensions["portal.engine"].dispose()


def endpoint_of(app: Flask, url: str) -> str | None:
    """The endpoint a URL (as the browser shows it) is served by; None if it matches none."""
    parts = urlsplit(url)
    try:
        endpoint, _args = app.url_map.bind("127.0.0.1").match(parts.path, method="GET")
    except HTTPException:
        try:  # a page shown in answer to a POST (a form sent back with its errors)
            endpoint, _args = app.url_map.bind("127.0.0.1").match(parts.path, method="POST")
        except HTTPException:
            return None
    return str(endpoint)


def uncovered_get_routes(app: Flask, walked: list[State]) -> list[str]:
    """Rules served on GET that no state walks and NOT_PAGES does not explain."""
    covered = {s.endpoint for s in walked} | {e for s in walked for e in s.covers} | set(NOT_PAGES)
    return sorted(
        f"{rule.rule} (endpoint {rule.endpoint})"
        for rule in app.url_map.iter_rules()
        if "GET" in (rule.methods or ()) and rule.endpoint not in covered
    )


# ------------------------------------------------------------------------------- how to reach


@contextlib.contextmanager
def same_visit(page: Page, server: LiveServer) -> Iterator[FlaskClient]:
    """A Flask test client that carries the browser context's cookies (so it is the same visit
    or the same sign-in), and hands any cookie it was given back to the browser afterwards.

    Getting *to* a state (answering 21 questions, sending them) goes through the app's real
    forms and routes, but in-process: driving every step through Chromium cost about three
    seconds of CPU per state, and the page states are what is audited, not the road to them.
    The walkthroughs (test_client_journey, test_keyboard, test_no_js) drive every step in the
    browser.
    """
    client = server.app.test_client()
    before = {c["name"]: c["value"] for c in page.context.cookies(server.url)}
    for name, value in before.items():
        client.set_cookie(name, value)
    # The language the browser asks for (pagecheck.open_page marks its contexts with it).
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = getattr(page.context, "portal_lang", "fi")
    yield client
    after = {}
    for name in {*before, "portal"}:
        got = client.get_cookie(name)
        if got is not None and got.value:
            after[name] = got.value
    for name in set(before) - set(after):
        page.context.clear_cookies(name=name)
    changed = [
        {"name": n, "value": v, "url": server.url, "httpOnly": True, "sameSite": "Lax"}
        for n, v in after.items()
        if before.get(n) != v
    ]
    if changed:
        page.context.add_cookies(changed)


def _post(client: FlaskClient, path: str, pairs: list[tuple[str, str]]) -> None:
    response = client.post(
        path, data=urlencode(pairs), content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code in (200, 303, 400), f"POST {path}: {response.status_code}"


def _token_of(client: FlaskClient, path: str) -> str:
    html = client.get(path).get_data(as_text=True)
    marker = 'name="csrf_token" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


def _form_post(page: Page, server: LiveServer, path: str, pairs: list[tuple[str, str]]) -> None:
    """POST a form in the page's own visit (cookies shared with the browser context)."""
    with same_visit(page, server) as client:
        _post(client, path, pairs)


def _token(page: Page, server: LiveServer, path: str) -> str:
    with same_visit(page, server) as client:
        return _token_of(client, path)


def questionnaire_of(server: LiveServer) -> Questionnaire:
    path = server.app.extensions["portal.settings"].questionnaire_path
    return load(path) if path is not None else load_default()


def _start(client: FlaskClient) -> str:
    """Press Start on the landing page; returns the CSRF token of the new visit."""
    response = client.post("/start", data={"csrf_token": _token_of(client, "/")})
    assert response.status_code == 303, f"Start answered {response.status_code}"
    return _token_of(client, urlsplit(response.headers["Location"]).path)


def start_visit(page: Page, server: LiveServer) -> str:
    """Start a visit in the page's cookie jar; returns its CSRF token."""
    with same_visit(page, server) as client:
        return _start(client)


def answer_all(page: Page, server: LiveServer, answers: dict[str, list[str]]) -> None:
    """Answer through the real question forms, then stop at check. A question left alone is
    as skipped (an unanswered item is simply absent), so only the answered ones are sent."""
    with same_visit(page, server) as client:
        _answer(client, questionnaire_of(server), answers)


def _answer(client: FlaskClient, q: Questionnaire, answers: dict[str, list[str]]) -> None:
    token = _start(client)
    for item in q.items:
        chosen = answers.get(item.id)
        if chosen:
            _post(client, f"/q/{item.id}", [("csrf_token", token)] + [("answer", v) for v in chosen])


def submit(page: Page, server: LiveServer, answers: dict[str, list[str]]) -> str:
    """Answer, send; returns the code the result page shows."""
    with same_visit(page, server) as client:
        _answer(client, questionnaire_of(server), answers)
        _post(client, "/submit", [("csrf_token", _token_of(client, "/check"))])
        html = client.get("/result").get_data(as_text=True)
    found = re.search(r'<span class="code-text" aria-hidden="true">(.*?)</span></p>', html)
    assert found, "no code on the result page"
    return re.sub(r"<[^>]+>", "", found.group(1))


def answers_for(q: Questionnaire, *, worst: bool, acute: bool) -> dict[str, list[str]]:
    """Every item answered: the highest-risk, lowest-coping options (worst) or the opposite."""
    chosen: dict[str, list[str]] = {}
    for item in q.items:
        if item.kind == "number":
            chosen[item.id] = [str(item.maximum if worst else item.minimum)]
            continue
        options = [o for o in item.options if acute or o.acute is None]
        if item.kind == "multiple":
            chosen[item.id] = [o.value for o in options[: item.max_choices or 1]]
            continue

        def badness(option: Any) -> float:
            return float(option.risk - option.capability)

        pick = max(options, key=badness) if worst else min(options, key=badness)
        chosen[item.id] = [pick.value]
    return chosen


def _acute_only(q: Questionnaire) -> dict[str, list[str]]:
    for item in q.items:
        for option in item.options:
            if option.acute:
                return {item.id: [option.value]}
    raise AssertionError("the questionnaire has no answer that raises an acute flag")


def goto(path: str) -> Callable[[Page, LiveServer], None]:
    def reach(page: Page, server: LiveServer) -> None:
        page.goto(server.url + path)

    return reach


def _first_of_kind(kind: str, query: str = "") -> Callable[[Page, LiveServer], None]:
    def reach(page: Page, server: LiveServer) -> None:
        item = next(i for i in questionnaire_of(server).items if i.kind == kind)
        start_visit(page, server)
        page.goto(f"{server.url}/q/{item.id}{query}")

    return reach


def _question_error(kind: str) -> Callable[[Page, LiveServer], None]:
    def reach(page: Page, server: LiveServer) -> None:
        item = next(i for i in questionnaire_of(server).items if i.kind == kind)
        start_visit(page, server)
        page.goto(f"{server.url}/q/{item.id}")
        if kind == "number":
            page.fill("#answer", str((item.maximum or 0) + 100))
        else:
            boxes = page.locator("input[name=answer]")
            for index in range((item.max_choices or 1) + 1):
                boxes.nth(index).check()
        page.locator("button[name=continue]").click()

    return reach


def _check(page: Page, server: LiveServer) -> None:
    q = questionnaire_of(server)
    answers = answers_for(q, worst=False, acute=False)
    answers.pop(q.items[1].id)  # one skipped question shows "Not answered"
    answer_all(page, server, answers)
    page.goto(server.url + "/check")


def _result(kind: str) -> Callable[[Page, LiveServer], None]:
    def reach(page: Page, server: LiveServer) -> None:
        q = questionnaire_of(server)
        answers = {
            "segment_acute": lambda: answers_for(q, worst=True, acute=True),
            "segment": lambda: answers_for(q, worst=False, acute=False),
            "nothing": dict,
            "acute_only": lambda: _acute_only(q),
        }[kind]()
        submit(page, server, answers)
        page.goto(server.url + "/result")

    return reach


def _slip(page: Page, server: LiveServer) -> None:
    submit(page, server, answers_for(questionnaire_of(server), worst=False, acute=False))
    page.goto(server.url + "/slip")


def _finished(page: Page, server: LiveServer) -> None:
    submit(page, server, {})
    page.goto(server.url + "/result")
    page.locator("form[action$='/finish'] button").click()
    page.wait_for_url("**/over?finished=1")


def _came_back(page: Page, server: LiveServer) -> None:
    """Send, leave quickly from the result (in-process: the neutral site is elsewhere), come back."""
    submit(page, server, answers_for(questionnaire_of(server), worst=False, acute=False))
    with same_visit(page, server) as client:
        client.get("/exit")
    page.goto(server.url + "/")


def stored_code(page: Page, server: LiveServer) -> str:
    """A real code: answer nothing, send, read the code off the result page."""
    return submit(page, server, {})


def _delete(code: Callable[[Page, LiveServer], str], then_confirm: bool = False) -> Callable[
    [Page, LiveServer], None
]:
    def reach(page: Page, server: LiveServer) -> None:
        text = code(page, server)
        page.goto(server.url + "/delete")
        page.fill("#code", text)
        page.locator("main form button[type=submit]").click()
        if then_confirm:
            page.locator("button.danger").click()
            page.wait_for_url("**/delete/done**")

    return reach


def _typo(page: Page, server: LiveServer) -> str:
    text = stored_code(page, server)
    last = text[-1]
    return text[:-1] + ("A" if last != "A" else "B")


def _unknown(_page: Page, _server: LiveServer) -> str:
    return codes.new_code().grouped


def _expired(_page: Page, server: LiveServer) -> str:
    """A record stored long ago, whose code has expired (the real store, an old day)."""
    code = codes.new_code()
    config = server.app.extensions["portal.settings"]
    q = questionnaire_of(server)
    with server.app.extensions["portal.sessionmaker"]() as db:
        submissions.store(
            db, keys=config.code_keyring().keys(code), answers={}, questionnaire_id=q.id, version=q.version, language="fi",
            assisted=False, provisional_segment=None, today=dt.date(2000, 1, 1),
            days=config.code_days,
        )  # fmt: skip
        db.commit()
    return code.grouped


def _too_many_tries(page: Page, server: LiveServer) -> None:
    """Use up this visit's look-ups of a code (the limit is per visit), then try once more."""
    config = server.app.extensions["portal.settings"]
    allowed = int(config.client_code_limit.split()[0])
    with same_visit(page, server) as client:
        token = _token_of(client, "/delete")
        for _ in range(allowed):
            client.post("/delete", data={"csrf_token": token, "code": codes.new_code().grouped})
    page.goto(server.url + "/delete")
    page.fill("#code", codes.new_code().grouped)
    page.locator("main form button[type=submit]").click()


def _server_error(page: Page, server: LiveServer) -> None:
    def broken() -> str:
        raise RuntimeError("a bug, for the test")

    server.app.view_functions["pages.about"] = broken
    page.goto(server.url + "/about")


def _stale_form(page: Page, server: LiveServer) -> None:
    """The visit ended while the page was open (cookie gone): Start cannot be sent safely."""
    page.goto(server.url + "/")
    page.context.clear_cookies()
    page.locator("form.start button").click()


# --- the professional's side -----------------------------------------------------------------


def make_staff(server: LiveServer, role: str = "pro", username: str = "worker") -> str:
    from portal.domain import accounts

    with server.app.extensions["portal.sessionmaker"]() as db:
        if accounts.find(db, username) is None:
            accounts.create(
                db, username=username, password=STAFF_PASSWORD, role=role,
                today=dt.date.today(), hasher=server.app.extensions["portal.password_hasher"],
            )  # fmt: skip
            db.commit()
    return username


def sign_in(
    page: Page, server: LiveServer, password: str = STAFF_PASSWORD, role: str = "pro"
) -> None:
    name = make_staff(server, role=role, username="worker" if role == "pro" else "boss")
    page.goto(server.url + "/pro/")
    page.fill("#username", name)
    page.fill("#password", password)
    page.locator("main form button[type=submit]").click()


def store_for_pro(server: LiveServer) -> str:
    """A client's record with flags and a segment, stored as the client path stores it."""
    code = codes.new_code()
    config = server.app.extensions["portal.settings"]
    q = questionnaire_of(server)
    from portal.domain import scoring

    by_id = {i.id: i for i in q.items}
    answers: dict[str, Any] = {
        k: (v if by_id[k].kind == "multiple" else v[0])
        for k, v in answers_for(q, worst=True, acute=True).items()
    }
    result = scoring.assess(q, answers)
    with server.app.extensions["portal.sessionmaker"]() as db:
        submissions.store(
            db, keys=config.code_keyring().keys(code), answers=answers, questionnaire_id=q.id, version=q.version,
            language="sv", assisted=False,
            provisional_segment=None if result.segment is None else str(result.segment),
            today=dt.date.today(), days=config.code_days,
        )  # fmt: skip
        db.commit()
    return code.grouped


def _redeem(code: Callable[[LiveServer], str]) -> Callable[[Page, LiveServer], None]:
    def reach(page: Page, server: LiveServer) -> None:
        text = code(server)
        sign_in(page, server)
        page.fill("#code", text)
        page.locator("main form button[type=submit]").click()

    return reach


def _signed_in_then(path: str, role: str = "pro") -> Callable[[Page, LiveServer], None]:
    def reach(page: Page, server: LiveServer) -> None:
        sign_in(page, server, role=role)
        page.wait_for_url("**/pro/")
        page.goto(server.url + path)

    return reach


def _second_factor(page: Page, server: LiveServer) -> None:
    """An account with a second factor: the password leads to the code page."""
    from portal.domain import accounts, second_factor

    make_staff(server, username="guarded")
    with server.app.extensions["portal.sessionmaker"]() as db:
        account = accounts.find(db, "guarded")
        assert account is not None
        if account.totp_secret is None:
            moment = dt.datetime.now(dt.UTC).replace(tzinfo=None)
            keyring = server.app.extensions["portal.keyring"]
            second_factor.enable(db, account, second_factor.new_secret(), keyring, moment)
            db.commit()
    page.goto(server.url + "/pro/")
    page.fill("#username", "guarded")
    page.fill("#password", STAFF_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/pro/second-factor")


def _second_factor_off_failed(page: Page, server: LiveServer) -> None:
    """Signed in with a second factor, then a wrong code to turn it off."""
    import secrets

    import pyotp

    from portal.domain import accounts, second_factor

    name = make_staff(server, username=f"guarded-{secrets.token_hex(3)}")
    secret = second_factor.new_secret()
    with server.app.extensions["portal.sessionmaker"]() as db:
        account = accounts.find(db, name)
        assert account is not None
        moment = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(minutes=2)
        second_factor.enable(db, account, secret, server.app.extensions["portal.keyring"], moment)
        db.commit()
    page.goto(server.url + "/pro/")
    page.fill("#username", name)
    page.fill("#password", STAFF_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/pro/second-factor")
    page.fill("#code", pyotp.TOTP(secret).now())
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/pro/")
    page.goto(server.url + "/pro/account")
    page.fill("#off-code", "000000")
    page.locator("form[action$='/off'] button[type=submit]").click()
    page.wait_for_url("**/pro/account?off_failed=1")


def _admin_form_error(page: Page, server: LiveServer) -> None:
    _signed_in_then("/pro/admin/", role="admin")(page, server)
    with page.expect_navigation():  # measured only once the answer has loaded, styles and all
        page.locator("form[action$='/accounts'] button[type=submit]").click()


# --- the shared tablet -----------------------------------------------------------------------


def enroll_tablet(page: Page, server: LiveServer) -> None:
    """Open a fresh set-up link on this browser, as an administrator's link would be opened."""

    page.goto(server.url + enroll_link(server))
    page.locator("main form button[type=submit]").click()  # Set up this tablet
    page.wait_for_url("**/tablet/?enrolled=1")


def enroll_link(server: LiveServer) -> str:
    """A fresh one-time set-up link, as `portal tablets enroll` prints it."""
    from portal.domain import tablets

    with server.app.extensions["portal.sessionmaker"]() as db:
        moment = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        enrollment = tablets.enroll(db, "street team", today=moment.date(), now=moment)
        db.commit()
    return f"/tablet/enroll/{enrollment.token}"


def _enroll_page(page: Page, server: LiveServer) -> None:
    page.goto(server.url + enroll_link(server))


def _tablet_then(step: str) -> Callable[[Page, LiveServer], None]:
    def reach(page: Page, server: LiveServer) -> None:
        enroll_tablet(page, server)
        if step == "reset":
            page.goto(server.url + "/tablet/reset")
            return
        if step == "warning":
            page.clock.install()
        page.locator("main form button[type=submit]").click()  # Start for a new person
        page.wait_for_url("**/q/**")
        if step == "warning":
            config = server.app.extensions["portal.settings"]
            idle, warn = config.tablet_idle_seconds, config.tablet_warning_seconds
            page.clock.run_for((idle - warn + 1) * 1000)
            page.locator("#idle-warning").wait_for(state="visible")
        if step == "result":
            token = _token(page, server, urlsplit(page.url).path)
            _form_post(page, server, "/submit", [("csrf_token", token)])
            page.goto(server.url + "/result")

    return reach


def _time_warning(then: Callable[[Page, LiveServer], None]) -> Callable[[Page, LiveServer], None]:
    """A page left alone until just after its warning shows, before the visit or sign-in would
    end (fake clock)."""

    def reach(page: Page, server: LiveServer) -> None:
        page.clock.install()
        then(page, server)
        warning = page.locator("#time-warning")
        seconds = int(str(warning.get_attribute("data-expire")))
        lead = int(str(warning.get_attribute("data-warn")))
        page.clock.run_for((seconds - lead + 1) * 1000)
        page.locator("#time-warning").wait_for(state="visible")

    return reach


def _after_acute(page: Page, server: LiveServer) -> None:
    """Issue 11: answer a question with an acute answer; the next question opens with the panel."""
    q = questionnaire_of(server)
    item, option = next((i, o) for i in q.items for o in i.options if o.acute)
    with same_visit(page, server) as client:
        token = _start(client)
        _post(client, f"/q/{item.id}", [("csrf_token", token), ("answer", option.value)])
    following = q.items[[i.id for i in q.items].index(item.id) + 1]
    page.goto(f"{server.url}/q/{following.id}#crisis-now")


def _question_page(page: Page, server: LiveServer) -> None:
    start_visit(page, server)
    page.goto(f"{server.url}/q/{questionnaire_of(server).items[0].id}")


def _record_then(path: str | None) -> Callable[[Page, LiveServer], None]:
    def reach(page: Page, server: LiveServer) -> None:
        _redeem(store_for_pro)(page, server)
        page.wait_for_url("**/pro/record")
        if path:
            page.goto(server.url + path)

    return reach


def _reviewed(rate: bool) -> Callable[[Page, LiveServer], None]:
    """The record after Save: rated (the "did it help?" question shows), or with nothing chosen
    (the error summary)."""

    def reach(page: Page, server: LiveServer) -> None:
        _record_then(None)(page, server)
        if rate:
            page.locator("label[for=capability-0]").click()
            page.locator("label[for=risk-0]").click()
        page.locator("form.review button[type=submit]").click()

    return reach


def _useful_answered(page: Page, server: LiveServer) -> None:
    submit(page, server, {})
    page.goto(server.url + "/result")
    page.locator("label[for=useful-0]").click()
    page.locator("form.useful button[type=submit]").click()


def _pro_typo(_server: LiveServer) -> str:
    text = codes.new_code().grouped
    return text[:-1] + ("A" if text[-1] != "A" else "B")


def _pro_unknown(_server: LiveServer) -> str:
    return codes.new_code().grouped


# ------------------------------------------------------------------------------------ the walk

ERROR = ".error-summary"


def states() -> list[State]:
    """Every page state, client side first. Names are stable: they name tests and screenshots."""
    c: Audience = "client"
    return [
        State("landing", c, "pages.landing", "open /", goto("/")),
        State("question-single", c, "client.question", "Start, first one-choice question",
              _first_of_kind("single"), expect=("input[type=radio]",)),
        State("question-multiple", c, "client.question", "Start, open the several-choice question",
              _first_of_kind("multiple"), expect=("input[type=checkbox]",)),
        State("question-multiple-error", c, "client.question",
              "tick one more box than allowed, Continue", _question_error("multiple"),
              expect=(ERROR, "#answer-error")),
        State("question-number", c, "client.question",
              "a questionnaire with a number item: Start", _first_of_kind("number"),
              questionnaire="number", expect=("input[type=number]",)),
        State("question-number-error", c, "client.question", "a number out of range, Continue",
              _question_error("number"), questionnaire="number", expect=(ERROR, "#answer-error")),
        State("question-after-acute", c, "client.question",
              "an acute answer, then the next question (crisis panel first)", _after_acute,
              expect=("#crisis-now", "input[type=radio]")),
        State("question-change", c, "client.question", "Change an answer from check your answers",
              _first_of_kind("single", "?change=1"), expect=("input[type=radio]",)),
        State("check", c, "client.check", "answer all but one question", _check,
              expect=("dl.answers",)),
        State("result-segment-acute", c, "client.result", "risky answers with an acute flag, Send",
              _result("segment_acute"), expect=(".crisis", "circle.dot")),
        State("result-segment", c, "client.result", "calm answers, Send", _result("segment"),
              expect=("circle.dot",), expect_absent=(".crisis",)),
        State("result-no-segment", c, "client.result", "skip every question, Send",
              _result("nothing"), expect_absent=(".crisis", "circle.dot")),
        State("result-no-segment-acute", c, "client.result", "answer only the overdose question",
              _result("acute_only"), expect=(".crisis",), expect_absent=("circle.dot",)),
        State("result-useful-answered", c, "client.result",
              "Send, then answer “Was this useful to you?”", _useful_answered,
              needs=("experience.useful",), expect=("#useful",), expect_absent=("form.useful",)),
        State("slip", c, "client.slip", "Send, then Print a slip", _slip, expect=(".slip",)),
        State("landing-came-back", c, "pages.landing",
              "Send, Leave quickly from the result, open / again", _came_back,
              expect=("#come-back-title",)),
        State("visit-over", c, "client.visit_over", "open /over (a page from an ended visit)",
              goto("/over")),
        State("visit-finished", c, "client.visit_over", "Send, then Finish", _finished),
        State("delete", c, "deletion.delete", "open /delete", goto("/delete")),
        State("delete-typo", c, "deletion.delete", "a code with a wrong check character",
              _delete(_typo), expect=(ERROR,)),
        State("delete-unknown", c, "deletion.delete", "a well-formed code nobody has",
              _delete(_unknown), expect=(ERROR,)),
        State("delete-confirm", c, "deletion.delete", "a real code, Continue", _delete(stored_code),
              expect=("button.danger",)),
        State("delete-done", c, "deletion.done", "a real code, Continue, Yes delete",
              _delete(stored_code, then_confirm=True)),
        State("delete-done-expired", c, "deletion.done", "an expired code, Continue",
              _delete(_expired)),
        State("about", c, "pages.about", "open /about", goto("/about")),
        State("accessibility", c, "pages.accessibility", "open /accessibility",
              goto("/accessibility")),
        State("error-404", c, None, "open an unknown address", goto("/no-such-page"),
              status_text="404"),
        State("error-405", c, "client.submit", "open the POST-only /submit with GET",
              goto("/submit"), status_text="405"),
        State("error-429", c, "deletion.delete_check", "use up the code tries, then send a code",
              _too_many_tries, status_text="429"),
        State("error-500", c, "pages.about", "a page whose view raises", _server_error,
              status_text="500"),
        State("error-400-csrf", c, "client.start", "Start after the visit's cookie is gone",
              _stale_form, status_text="400"),
        State("visit-time-warning", c, "client.question",
              "a question left alone until two minutes before the visit would end",
              _time_warning(_question_page), js_only=True, own_context=True,
              expect=("#time-warning",)),
        # --- the professional's side
        State("pro-login", "pro", "pro.home", "open /pro/", goto("/pro/"), needs=("pro.home",)),
        State("pro-login-error", "pro", "pro.home", "a wrong password",
              lambda page, server: sign_in(page, server, password="not the password at all"),
              needs=("pro.home",), expect=(ERROR,)),
        State("pro-redeem", "pro", "pro.home", "sign in", _signed_in_then("/pro/"),
              needs=("pro.home",), expect=("#code",)),
        State("pro-redeem-typo", "pro", "pro.redeem", "a code with a wrong check character",
              _redeem(_pro_typo), needs=("pro.redeem",), expect=(ERROR,)),
        State("pro-redeem-unknown", "pro", "pro.redeem", "a well-formed code nobody has",
              _redeem(_pro_unknown), needs=("pro.redeem",), expect=(ERROR,)),
        State("pro-record", "pro", "pro.record", "redeem a real code", _record_then(None),
              needs=("pro.record",), expect=(".crisis",)),
        State("pro-record-reviewed", "pro", "pro.record", "redeem, rate both axes, Save",
              _reviewed(rate=True), needs=("pro.review", "pro.helped"), expect=("form.helped",)),
        State("pro-record-review-error", "pro", "pro.review", "redeem, Save with nothing chosen",
              _reviewed(rate=False), needs=("pro.review",), expect=(ERROR,)),
        State("pro-print", "pro", "pro.print_view", "redeem, then Print view",
              _record_then("/pro/record/print"), needs=("pro.print_view",)),
        State("pro-account", "pro", "pro.account", "sign in, open the account page",
              _signed_in_then("/pro/account"), needs=("pro.account",)),
        State("pro-second-factor", "pro", "pro.second_factor_page",
              "sign in to an account with a second factor", _second_factor,
              needs=("pro.second_factor_page",)),
        State("pro-second-factor-setup", "pro", "pro.account_second_factor",
              "account page, Set up a second factor",
              _signed_in_then("/pro/account/second-factor"), needs=("pro.account_second_factor",)),
        State("pro-account-second-factor-off-failed", "pro", "pro.account",
              "second factor on, a wrong code to turn it off", _second_factor_off_failed,
              needs=("pro.account",)),
        State("pro-time-warning", "pro", "pro.home",
              "signed in, left alone until two minutes before being signed out",
              _time_warning(_signed_in_then("/pro/")), needs=("pro.home",), js_only=True,
              own_context=True, expect=("#time-warning",)),
        State("admin-accounts", "admin", "admin.home", "sign in as an administrator",
              _signed_in_then("/pro/admin/", role="admin"), needs=("admin.home",)),
        State("admin-accounts-error", "admin", "admin.create_account", "Make an account with empty fields",
              _admin_form_error, needs=("admin.create_account",), expect=(ERROR,)),
        State("admin-audit", "admin", "admin.audit_log", "administrator: the audit log",
              _signed_in_then("/pro/admin/audit", role="admin"), needs=("admin.audit_log",)),
        State("admin-stats", "admin", "admin.statistics", "administrator: monthly statistics",
              _signed_in_then("/pro/admin/stats", role="admin"), needs=("admin.statistics",)),
        State("admin-services", "admin", "admin.services_directory",
              "administrator: the service directory", _signed_in_then("/pro/admin/services", role="admin"),
              needs=("admin.services_directory",), expect=("table",)),
        # --- the shared tablet
        State("tablet-enroll", "tablet", "tablet.enroll", "open a one-time set-up link",
              _enroll_page, needs=("tablet.enroll",)),
        State("tablet-enrolled", "tablet", "tablet.home", "open a set-up link on the tablet",
              enroll_tablet, needs=("tablet.enroll",), covers=("tablet.enroll",)),
        State("tablet-cleared", "tablet", "tablet.home", "set up, then the idle reset",
              _tablet_then("reset"), needs=("tablet.idle_reset",), covers=("tablet.idle_reset",)),
        State("tablet-enroll-failed", "tablet", "tablet.enroll", "a broken set-up link",
              goto("/tablet/enroll/not-a-token"), needs=("tablet.enroll",)),
        State("tablet-not-set-up", "tablet", "tablet.home", "open /tablet/ on a plain browser",
              goto("/tablet/"), needs=("tablet.home",), status_text="403"),
        State("tablet-question", "tablet", "client.question", "set up, Start for a new person",
              _tablet_then("question"), needs=("tablet.new_person",), expect=(".tablet-bar",)),
        State("tablet-warning", "tablet", "client.question", "a question left idle: the warning",
              _tablet_then("warning"), needs=("tablet.new_person",), js_only=True, own_context=True,
              expect=("#idle-warning",)),
        State("tablet-result", "tablet", "client.result", "set up, start, send at once",
              _tablet_then("result"), needs=("tablet.new_person",), expect=(".tablet-bar",)),
    ]


def state(name: str) -> State:
    """The page state called `name` (names are stable; they also name tests and screenshots)."""
    return next(s for s in states() if s.name == name)


def is_available(state: State, app: Flask) -> bool:
    """Whether the routes the state needs exist yet (parts of the product land one by one)."""
    return all(n in app.view_functions for n in state.needs)


def available(app: Flask) -> list[State]:
    return [s for s in states() if is_available(s, app)]
