"""The client's path through the test client: answers kept, one record per visit, nothing left."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portal.domain.questionnaire import asked_items, load_default
from portal.models import Submission, VisitSession

Q = load_default()


def token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match
    return match.group(1)


def start(client: FlaskClient, lang: str = "en") -> str:
    html = client.get(f"/?lang={lang}").get_data(as_text=True)
    response = client.post("/start", data={"csrf_token": token(html)})
    assert response.status_code == 303
    return str(response.location)


def answer(client: FlaskClient, item_id: str, value: Any = None, skip: bool = False) -> Any:
    html = client.get(f"/q/{item_id}").get_data(as_text=True)
    data: dict[str, Any] = {"csrf_token": token(html)}
    if skip:
        data["skip"] = "1"
    elif value is not None:
        data["answer"] = value
    return client.post(f"/q/{item_id}", data=data)


def first_option(item_id: str) -> str:
    return Q.item(item_id).options[0].value


def answer_all(client: FlaskClient, pick: int = -1) -> None:
    for item in Q.items:
        value: Any = (
            [item.options[0].value] if item.kind == "multiple" else item.options[pick].value
        )
        assert answer(client, item.id, value).status_code == 303


def submit(client: FlaskClient) -> Any:
    html = client.get("/check").get_data(as_text=True)
    return client.post("/submit", data={"csrf_token": token(html)})


def count(app: Flask, model: Any) -> int:
    with app.extensions["portal.sessionmaker"]() as db:
        return int(db.scalar(select(func.count()).select_from(model)) or 0)


def code_on(html: str) -> str:
    match = re.search(r'<span class="code-text" aria-hidden="true">(.*?)</span></p>', html)
    assert match, "the page shows no code"
    return re.sub(r"<[^>]+>", "", match.group(1))


def test_start_leads_to_question_one_of_all(client: FlaskClient) -> None:
    location = start(client)
    html = client.get(location).get_data(as_text=True)
    # Of the questions asked so far: skip logic may leave some out (naloxone without opioids).
    assert f"Question 1 of {len(asked_items(Q, {}))}" in html
    assert "<fieldset" in html and "<legend><h1>" in html
    assert "I&#39;d rather not say" in html or "I'd rather not say" in html


def test_a_whole_visit_makes_one_record_and_shows_code_qr_and_picture(
    app: Flask, client: FlaskClient
) -> None:
    start(client)
    answer_all(client)
    response = submit(client)
    assert response.status_code == 303 and response.location.endswith("/result")
    html = client.get("/result").get_data(as_text=True)
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]", code_on(html))
    assert 'role="img"' in html and "<svg" in html  # QR and 2×2 picture, inline
    assert 'class="dot"' in html
    assert count(app, Submission) == 1


def test_a_resent_submit_makes_no_second_record_and_shows_the_same_code(
    app: Flask, client: FlaskClient
) -> None:
    start(client)
    answer_all(client)
    html = client.get("/check").get_data(as_text=True)
    csrf = token(html)
    first = client.post("/submit", data={"csrf_token": csrf})
    code = code_on(client.get(first.location).get_data(as_text=True))
    again = client.post("/submit", data={"csrf_token": csrf})
    assert again.location.endswith("/result")
    assert code_on(client.get("/result").get_data(as_text=True)) == code
    assert count(app, Submission) == 1


def test_skipping_everything_still_gives_a_code_and_says_there_is_no_segment(
    client: FlaskClient,
) -> None:
    start(client, "en")
    for item in Q.items:
        assert answer(client, item.id, skip=True).status_code == 303
    submit(client)
    html = client.get("/result").get_data(as_text=True)
    assert Q.no_segment.name["en"] in html
    assert code_on(html)


def test_too_many_topics_shows_an_error_summary_and_keeps_other_answers(
    client: FlaskClient,
) -> None:
    start(client)
    assert answer(client, "audit_c_1", first_option("audit_c_1")).status_code == 303
    topics = [o.value for o in Q.item("topics").options[:4]]
    response = answer(client, "topics", topics)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'class="error-summary"' in html and 'href="#answer-1"' in html
    assert "Choose at most 3" in html
    assert html.count("checked") == 4, "the person's choices stay ticked"
    check = client.get("/check").get_data(as_text=True)
    assert Q.item("audit_c_1").options[0].text["en"] in check


def test_a_tampered_option_value_is_refused_in_the_persons_language(client: FlaskClient) -> None:
    start(client, "sv")
    response = answer(client, "housing", "palace")
    assert response.status_code == 400
    assert '<html lang="sv">' in response.get_data(as_text=True)


def test_switching_language_mid_way_keeps_the_page_and_every_answer(client: FlaskClient) -> None:
    start(client, "fi")
    answer(client, "audit_c_1", first_option("audit_c_1"))
    html = client.get("/q/audit_c_2?lang=sv").get_data(as_text=True)
    assert '<html lang="sv">' in html and Q.item("audit_c_2").text["sv"] in html
    check = client.get("/check").get_data(as_text=True)
    assert Q.item("audit_c_1").options[0].text["sv"] in check


def test_change_from_check_returns_to_check(client: FlaskClient) -> None:
    start(client)
    answer(client, "housing", Q.item("housing").options[0].value)
    html = client.get("/q/housing?change=1").get_data(as_text=True)
    response = client.post(
        "/q/housing?change=1",
        data={"csrf_token": token(html), "answer": Q.item("housing").options[1].value},
    )
    assert response.location.endswith("/check")
    assert Q.item("housing").options[1].text["en"] in client.get("/check").get_data(as_text=True)


def test_after_the_result_no_answer_page_can_be_revisited(client: FlaskClient) -> None:
    start(client)
    answer_all(client)
    submit(client)
    for path in ("/check", f"/q/{Q.items[0].id}"):
        response = client.get(path)
        assert response.location.endswith("/over"), path
    assert "no-store" in client.get("/result").headers["Cache-Control"]


def test_finishing_forgets_the_visit_and_the_code(app: Flask, client: FlaskClient) -> None:
    start(client)
    answer_all(client)
    submit(client)
    html = client.get("/result").get_data(as_text=True)
    client.post("/finish", data={"csrf_token": token(html)})
    assert client.get("/result").location.endswith("/over")
    assert client.get("/slip").location.endswith("/over")


def test_quick_exit_clears_the_visit_on_the_server(app: Flask, client: FlaskClient) -> None:
    start(client)
    answer(client, "housing", Q.item("housing").options[0].value)
    response = client.get("/exit")
    assert response.status_code == 303 and response.location.startswith("https://")
    assert count(app, VisitSession) == 0
    assert client.get("/check").location.endswith("/over")


def test_delete_by_code_in_any_case_with_spaces_then_the_code_no_longer_works(
    app: Flask, client: FlaskClient
) -> None:
    start(client)
    answer_all(client)
    submit(client)
    code = code_on(client.get("/result").get_data(as_text=True))
    typed = code.replace("-", " ").lower()
    html = client.get("/delete").get_data(as_text=True)
    confirm = client.post("/delete", data={"csrf_token": token(html), "code": typed})
    assert confirm.status_code == 200 and "Delete these answers?" in confirm.get_data(as_text=True)
    done = client.post(
        "/delete/confirm", data={"csrf_token": token(confirm.get_data(as_text=True)), "code": code}
    )
    assert done.location.endswith("/delete/done")
    assert count(app, Submission) == 0
    again = client.post("/delete", data={"csrf_token": token(html), "code": code})
    assert again.status_code == 404 and "found no answers" in again.get_data(as_text=True)


def assert_read_as_a_typo(client: FlaskClient, typed: str) -> None:
    html = client.get("/delete?lang=en").get_data(as_text=True)
    response = client.post("/delete", data={"csrf_token": token(html), "code": typed})
    assert response.status_code == 400
    assert "typo" in response.get_data(as_text=True)


def test_a_typo_in_the_code_is_caught_by_the_check_character(client: FlaskClient) -> None:
    from portal.domain.codes import new_code

    code = new_code().canonical
    wrong = ("1" if code[5] != "1" else "2").join([code[:5], code[6:]])
    assert_read_as_a_typo(client, wrong)


def test_the_database_holds_no_code_and_no_answer_after_a_web_submission(
    app: Flask, client: FlaskClient
) -> None:
    start(client)
    answer_all(client)
    submit(client)
    code = code_on(client.get("/result").get_data(as_text=True))
    needles = {code, code.replace("-", ""), code.lower(), code.replace("-", "").lower()}
    needles |= {o.text["en"] for o in Q.item("housing").options}
    with app.extensions["portal.engine"].connect() as conn:
        for table in ("submissions", "visit_sessions", "audit_log", "reviews"):
            for row in conn.exec_driver_sql(f"SELECT * FROM {table}"):  # noqa: S608
                blob = b" ".join(v if isinstance(v, bytes) else str(v).encode() for v in row)
                for needle in needles:
                    assert needle.encode() not in blob, (table, needle)


def test_a_double_submit_is_counted_once_in_the_statistics(app: Flask, client: FlaskClient) -> None:
    from portal.models import MonthlyCount

    start(client)
    answer_all(client)
    html = client.get("/check").get_data(as_text=True)
    client.post("/submit", data={"csrf_token": token(html)})
    client.post("/submit", data={"csrf_token": token(html)})
    with app.extensions["portal.sessionmaker"]() as db:
        assert sum(row.count for row in db.query(MonthlyCount)) == 1


def test_an_old_style_code_that_finds_nothing_reads_as_a_typo_when_deleting(
    client: FlaskClient,
) -> None:
    from portal.domain.codes import check_symbol, legacy_check_symbol, new_code

    data = next(
        d
        for d in (new_code().canonical[:12] for _ in range(1000))
        if legacy_check_symbol(d) != check_symbol(d)
    )
    assert_read_as_a_typo(client, data + legacy_check_symbol(data))


def test_quick_exit_from_a_result_keeps_the_code_behind_show_my_code(
    app: Flask, client: FlaskClient
) -> None:
    start(client)
    answer_all(client)
    submit(client)
    code = code_on(client.get("/result").get_data(as_text=True))
    response = client.get("/exit")
    assert response.status_code == 303 and response.location.startswith("https://")
    # Back, or anyone glancing at the screen, sees nothing of the result...
    assert client.get("/result").location.endswith("/")
    assert client.get("/slip").location.endswith("/")
    landing = client.get("/").get_data(as_text=True)
    assert "Your code is still here" in landing and code not in landing
    # ...until the person asks for it.
    shown = client.post("/code", data={"csrf_token": token(landing)})
    assert shown.location.endswith("/result")
    assert code_on(client.get("/result").get_data(as_text=True)) == code
    assert count(app, Submission) == 1


def test_forget_it_now_after_a_quick_exit_ends_the_visit(client: FlaskClient) -> None:
    start(client)
    answer_all(client)
    submit(client)
    client.get("/exit")
    landing = client.get("/").get_data(as_text=True)
    client.post("/finish", data={"csrf_token": token(landing)})
    assert "Your code is still here" not in client.get("/").get_data(as_text=True)
    assert client.post("/code", data={"csrf_token": token(landing)}).status_code in (303, 400)
    assert client.get("/result").location.endswith("/over")

