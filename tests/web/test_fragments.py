"""Page parts made once per language (`once_per_language` in the templates) hold nothing of a
person: what may stand inside one is checked in every template, and pages built from them stay
each in their own language, for clients and staff alike."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from jinja2 import Environment, nodes

from tests.pro_support import make_account, sign_in
from tests.web.test_client_path import Q, start

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# Names whose value is the same for every request in one language of one app.
SAME_FOR_EVERYONE = {"_", "gettext", "ngettext", "pgettext", "npgettext", "url_for",
                     "url_map_endpoints", "current_lang", "languages", "native_names"}


def per_person_names(source: str) -> list[tuple[int, str]]:
    """Names read inside a once-per-language part that are neither the same for everyone nor
    part of the part's key (its arguments): each would be one person's value shown to the next."""
    found = []
    for block in Environment(autoescape=True, extensions=["jinja2.ext.i18n"]).parse(source).find_all(nodes.CallBlock):
        call = block.call
        if not (isinstance(call.node, nodes.Name) and call.node.name == "once_per_language"):
            continue
        keyed = {n.name for arg in call.args for n in (arg, *arg.find_all(nodes.Name))
                 if isinstance(n, nodes.Name)}
        stored = {n.name for body in block.body for n in body.find_all(nodes.Name)
                  if n.ctx in ("store", "param")}
        for body in block.body:
            for name in body.find_all(nodes.Name):
                if name.ctx == "load" and name.name not in SAME_FOR_EVERYONE | keyed | stored:
                    found.append((name.lineno, name.name))
    return found


def test_no_once_per_language_part_reads_anything_of_the_request_or_the_person() -> None:
    checked = 0
    for path in sorted(TEMPLATES.rglob("*.html")):
        source = path.read_text(encoding="utf-8")
        checked += source.count("once_per_language(")
        assert per_person_names(source) == [], path
    assert checked >= 6  # the base page's head, top, exit, time warning, footer and script


def test_the_check_finds_a_token_or_a_path_put_inside_such_a_part() -> None:
    bad = ('{% call once_per_language("x") %}<input value="{{ csrf_token() }}">'
           '<a href="{{ request.path }}">{{ _("Back") }}</a>{% endcall %}')
    assert per_person_names(bad) == [(1, "csrf_token"), (1, "request")]
    keyed = '{% call once_per_language("x", who) %}{{ who }}{% for a in b %}{{ a }}{% endfor %}{% endcall %}'
    assert per_person_names(keyed) == [(1, "b")]


def _without_tokens(html: str) -> str:
    return re.sub(r'name="csrf_token" value="[^"]+"', "", html)


def test_each_language_gets_its_own_parts_and_the_same_page_again(client: FlaskClient) -> None:
    start(client)
    path = f"/q/{Q.items[0].id}"
    first = client.get(f"{path}?lang=fi").get_data(as_text=True)
    swedish = client.get(f"{path}?lang=sv").get_data(as_text=True)
    english = client.get(f"{path}?lang=en").get_data(as_text=True)
    again = client.get(f"{path}?lang=fi").get_data(as_text=True)
    assert "Poistu nopeasti" in first and "Tietoa palvelusta" in first
    assert "Lämna snabbt" in swedish and "Leave quickly" not in swedish
    assert "Leave quickly" in english and "About this service" in english
    assert "Poistu nopeasti" not in english
    assert _without_tokens(first) == _without_tokens(again)


def test_a_professional_after_a_client_gets_the_staff_time_warning(
    app: Flask, client: FlaskClient
) -> None:
    start(client)
    assert "forgotten in 2 minutes" in client.get(f"/q/{Q.items[0].id}?lang=en").get_data(as_text=True)
    make_account(app, "anna")
    staff = app.test_client()
    sign_in(staff)
    html = staff.get("/pro/?lang=en").get_data(as_text=True)
    assert "signed out in 2 minutes" in html and "forgotten in" not in html
    assert "quick-exit" not in html  # the staff layout's own exit block, not the cached one
