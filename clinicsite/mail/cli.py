"""`flask outbox send`: deliver queued email and texts; meant for cron, every minute."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from clinicsite.mail import MailConfigError, deliver_due

outbox_cli = AppGroup("outbox", help="Deliver queued email and texts.")


@outbox_cli.command("send")
@click.option(
    "--limit",
    default=100,
    show_default=True,
    type=click.IntRange(min=1),
    help="Send at most this many emails in this run.",
)
def send(limit: int) -> None:
    """Send the emails that are due, retrying failed ones with backoff, then the queued
    texts (each once; they wait while texts are off).

    Exits 0 even when some emails fail (they are retried or marked failed); non-zero only
    when the mail or text settings cannot work.
    """
    try:
        report = deliver_due(limit=limit)
    except MailConfigError as exc:
        raise click.ClickException(f"mail is not configured: {exc}") from exc
    click.echo(str(report))
    _send_texts()


def _send_texts() -> None:
    from clinicsite import clock
    from clinicsite.sms import SmsConfigError, get_sms_gateway
    from clinicsite.sms.outbox import send_queued

    try:
        sms = get_sms_gateway(current_app.config)
    except SmsConfigError as exc:
        raise click.ClickException(f"texts are not configured: {exc}") from exc
    sent, failed = send_queued(sms, clock.now())
    if sent or failed:
        click.echo(f"sent {sent} texts, {failed} failed")
