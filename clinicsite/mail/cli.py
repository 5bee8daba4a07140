"""`flask outbox send`: deliver queued email; meant for cron, every minute."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from clinicsite.mail import MailConfigError, deliver_due

outbox_cli = AppGroup("outbox", help="Deliver queued email.")


@outbox_cli.command("send")
@click.option(
    "--limit",
    default=100,
    show_default=True,
    type=click.IntRange(min=1),
    help="Send at most this many emails in this run.",
)
def send(limit: int) -> None:
    """Send the emails that are due, retrying failed ones with backoff.

    Exits 0 even when some emails fail (they are retried or marked failed); non-zero only
    when the mail settings cannot work.
    """
    try:
        report = deliver_due(limit=limit)
    except MailConfigError as exc:
        raise click.ClickException(f"mail is not configured: {exc}") from exc
    click.echo(str(report))
