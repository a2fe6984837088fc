"""`portal errors write`: the static error pages the reverse proxy shows when the app cannot."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app

from portal.web.errors import write_static_pages


@click.group("errors", help="Static error pages for the reverse proxy.")
def errors_group() -> None:
    pass


@errors_group.command("write", help="Write static/errors/<status>.html in fi, sv and en.")
def write() -> None:
    folder = Path(current_app.static_folder or "static") / "errors"
    with current_app.test_request_context("/"):
        for path in write_static_pages(folder):
            click.echo(str(path))
