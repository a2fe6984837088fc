"""The web shell: blueprints that turn requests into calls on portal.domain."""

from __future__ import annotations

import re
from collections.abc import Callable

from flask import Flask
from markupsafe import Markup


def register_blueprints(app: Flask) -> None:
    from portal.web import (
        admin,
        admin_stats,
        client,
        deletion,
        errors,
        experience,
        fhir,
        health,
        pages,
        pro,
        pro_records,
        pro_second_factor,
        tablet,
    )

    # pro.py, pro_records.py and pro_second_factor.py add routes to one blueprint (pro_access.bp),
    # as admin.py and admin_stats.py do to admin.bp: all are imported above, before any is
    # registered.
    del admin_stats, pro_records, pro_second_factor
    for module in (pages, client, deletion, tablet, pro, admin, fhir, experience, health):
        app.register_blueprint(module.bp)
    errors.register(app)
    register_template_helpers(app)


_NEVER = re.compile(r"(?!)")
KEPT_ARGS = {
    "change": re.compile(r"1"),
    "finished": re.compile(r"1"),
    "cleared": re.compile(r"1"),
    "enrolled": re.compile(r"1"),
    "expired": re.compile(r"1"),
    "page": re.compile(r"[0-9]{1,4}"),
    "action": re.compile(r"[a-z_]{1,24}"),
    "month": re.compile(r"[0-9]{4}-[0-9]{2}"),
}


def register_template_helpers(app: Flask) -> None:
    from urllib.parse import urlencode

    from flask import g, request

    from portal.i18n import LANGUAGES, NATIVE_NAMES, lang, long_date
    from portal.web.present import two_lines
    from portal.web.redirects import path_of_request

    # Page parts that depend on nothing but the language (and the arguments naming them), made
    # once per language and worker: the footer, the exit link, the script tag. A question page
    # spent about a third of its template time re-translating them. What may stand inside such
    # a part is checked by tests/web/test_fragments.py.
    fragments: dict[tuple[object, ...], Markup] = {}

    def once_per_language(*key: object, caller: Callable[[], str]) -> Markup:
        full = (lang(), *key)
        found = fragments.get(full)
        if found is None:
            found = fragments[full] = Markup(caller())  # noqa: S704 - rendered by our template
        return found

    app.jinja_env.globals["once_per_language"] = once_per_language

    def lang_url(code: str) -> str:
        """The same page in another language (a plain link: works with JavaScript off).

        Only known, harmless query arguments are carried over: echoing arbitrary request text
        into pages that hold a client's code would invite compression attacks (BREACH).
        """
        here = g.get("_portal_lang_url")
        if here is None:  # worked out once per page, not once per language
            kept = {k: v for k, v in request.args.items() if KEPT_ARGS.get(k, _NEVER).fullmatch(v)}
            here = g._portal_lang_url = (path_of_request(request.path), kept)
        path, kept = here
        return f"{path}?{urlencode({**kept, 'lang': code})}"

    # An axis title of the 2×2 picture: two lines rather than cut (about 38 characters fit in
    # one). A Jinja global, so the imported macros of shared/result.html see it.
    app.jinja_env.globals["axis_lines"] = lambda title: two_lines(title, width=36)

    @app.context_processor
    def globals_for_templates() -> dict[str, object]:
        return {
            "languages": LANGUAGES,
            "native_names": NATIVE_NAMES,
            "lang_url": lang_url,
            "current_lang": lang(),
            "url_map_endpoints": app.view_functions,
            "format_date": long_date,
        }
