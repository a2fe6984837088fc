"""`portal tablets enroll|list|revoke`: shared outreach tablets."""

from __future__ import annotations

from typing import cast

import click
from flask import current_app, url_for
from sqlalchemy.orm import Session, sessionmaker

from portal.clock import utc_now
from portal.domain import tablets


def _session() -> Session:
    return cast(sessionmaker[Session], current_app.extensions["portal.sessionmaker"])()


@click.group("tablets", help="Shared outreach tablets.")
def tablets_group() -> None:
    pass


@tablets_group.command("enroll", help="Add a tablet and print its one-time, one-day set-up link.")
@click.argument("label")
@click.option("--base-url", default="http://127.0.0.1:5000", show_default=True)
def enroll(label: str, base_url: str) -> None:
    with _session() as db:
        moment = utc_now()
        enrollment = tablets.enroll(db, label, today=moment.date(), now=moment)
        db.commit()
        with current_app.test_request_context(base_url=base_url):
            link = url_for("tablet.enroll", token=enrollment.token, _external=True)
    click.echo(
        f"Tablet {enrollment.tablet.id} ({label}). Open this link on the tablet within 24 h:"
    )
    click.echo(link)


@tablets_group.command("list", help="List tablets.")
def list_tablets() -> None:
    with _session() as db:
        for tablet in tablets.all_tablets(db):
            state = "active" if tablet.active else "revoked"
            click.echo(f"{tablet.id}\t{tablet.label}\t{tablet.enrolled_on}\t{state}")


@tablets_group.command("revoke", help="Take a tablet out of use.")
@click.argument("tablet_id", type=int)
def revoke(tablet_id: int) -> None:
    with _session() as db:
        if not tablets.revoke(db, tablet_id):
            raise click.ClickException(f"no tablet {tablet_id}")
        db.commit()
    click.echo(f"Tablet {tablet_id} revoked.")
