"""`portal stats`: one closed month's numbers that identify no one (cells under 5 print "<5")."""

from __future__ import annotations

import csv
import sys
from typing import cast

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.orm import Session, sessionmaker

from portal.clock import utc_today
from portal.domain import stats


@click.command("stats", help="Statistics of one closed month; cells under 5 are suppressed.")
@click.option(
    "--month", "month", default=None, help="YYYY-MM, a month that has ended (default: last month)."
)
@click.option("--csv", "as_csv", is_flag=True, help="CSV, as the statistics page downloads it.")
@with_appcontext
def stats_command(month: str | None, as_csv: bool) -> None:
    today = utc_today()
    chosen = month or stats.closed_months(today, 1)[0]
    try:
        chosen = stats.parse_month(chosen)
    except ValueError as exc:
        raise click.BadParameter("use YYYY-MM, e.g. 2026-11", param_hint="--month") from exc
    if not stats.is_closed(chosen, today):
        raise click.BadParameter(
            f"{chosen} has not ended yet: only closed months are shown", param_hint="--month"
        )
    factory = cast(sessionmaker[Session], current_app.extensions["portal.sessionmaker"])
    with factory() as db:
        rows = list(stats.csv_rows(stats.report(db, chosen, today=today)))
    if as_csv:
        writer = csv.writer(sys.stdout)
        writer.writerow(["month", "table", "row", "column", "value"])
        for row in rows:
            writer.writerow([chosen, *row])
        return
    click.echo(f"Statistics for {chosen} (cells under {stats.SMALLEST_CELL} print as <5)")
    current = ""
    for table, key, column, value in rows:
        if table != current:
            click.echo(f"\n{table}")
            current = table
        label = f"{key} × {column}" if column else key
        click.echo(f"  {label}\t{value}")
