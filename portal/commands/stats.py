"""`portal stats`: monthly numbers that identify no one (cells under 5 are shown as "<5")."""

from __future__ import annotations

from typing import cast

import click
from flask import current_app
from sqlalchemy.orm import Session, sessionmaker

from portal.domain import stats
from portal.domain.scoring import Segment


def _cell(value: int | None) -> str:
    return "<5" if value is None else str(value)


@click.command("stats", help="Monthly aggregate statistics; cells under 5 are suppressed.")
def stats_command() -> None:
    factory = cast(sessionmaker[Session], current_app.extensions["portal.sessionmaker"])
    segments = tuple(str(s) for s in Segment)
    header = ["month", "assessments", "assisted", *segments, "none", "reviews", "held", "corrected"]
    click.echo("\t".join(header))
    with factory() as db:
        for row in stats.monthly(db, segments):
            cells = [
                row.assessments,
                row.assisted,
                *(row.by_segment[s] for s in (*segments, "none")),
                row.reviews,
                row.confirmed,
                row.corrected,
            ]
            click.echo("\t".join([row.month, *(_cell(c) for c in cells)]))
