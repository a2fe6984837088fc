"""`portal services check [FILE]`: validate a service directory and flag entries due a re-check."""

from __future__ import annotations

from pathlib import Path

import click

from portal.clock import utc_today
from portal.domain import wording
from portal.domain.service_directory import ServiceDirectoryError, default_path, load


@click.group("services")
def services_group() -> None:
    """The directory of services suggested after a self-assessment."""


@services_group.command("check")
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--strict", is_flag=True, help="Exit 1 also when an entry is due a re-check.")
def check_command(file: Path | None, strict: bool) -> None:
    """Validate FILE (default: the packaged Vantaa and Kerava file). Exit 1 with the reasons.

    Entries not checked for 12 months, and entries marked verified: false, are listed too.
    """
    path = file or default_path()
    try:
        directory = load(path)
    except ServiceDirectoryError as exc:
        for problem in exc.problems:
            click.echo(problem, err=True)
        raise SystemExit(1) from None
    problems = wording.forbidden_in(path, directory.texts())
    if problems:
        for problem in problems:
            click.echo(problem, err=True)
        raise SystemExit(1)
    today = utc_today()
    stale = directory.stale(today)
    for service in stale:
        click.echo(
            f"{path}: service {service.id!r}: not checked for 12 months "
            f"(last checked {service.checked.isoformat()})",
            err=True,
        )
    unverified = [s.id for s in directory.services if not s.verified]
    if unverified:
        click.echo(f"{path}: verified: false (see each note): {', '.join(unverified)}", err=True)
    click.echo(
        f"{path}: OK ({directory.region}, {len(directory.services)} services, "
        f"{len(stale)} due a re-check, {len(unverified)} not fully verified)"
    )
    if strict and stale:
        raise SystemExit(1)
