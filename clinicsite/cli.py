"""Flask commands: `flask seed-demo`, `flask staff ...`."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from clinicsite.extensions import db
from clinicsite.models import ROLES, ClinicSettings, StaffUser, Therapist
from clinicsite.models.staff import MIN_PASSWORD_LENGTH


@click.command("seed-demo")
@with_appcontext
@click.option("--if-empty", is_flag=True, help="Do nothing when the clinic is already set up.")
@click.option("--force", is_flag=True, help="Allow loading the demo into a production database.")
def seed_demo(if_empty: bool, force: bool) -> None:
    """Load the fictional demo clinic (safe to run twice)."""
    from clinicsite.demo import DEMO_ADMIN_EMAIL, DEMO_STAFF_PASSWORD, load_demo

    if current_app.config["ENV_NAME"] == "production" and not force:
        raise click.ClickException(
            "Refusing to load demo content (with its known staff password) in production; "
            "pass --force if you really mean it."
        )
    if if_empty and db.session.get(ClinicSettings, 1) is not None:
        click.echo("The clinic is already set up; demo content not loaded.")
        return
    created = load_demo()
    total = sum(created.values())
    if total:
        summary = ", ".join(f"{n} {kind}" for kind, n in created.items() if n)
        click.echo(f"Demo content loaded: {summary}.")
        click.echo(f"Staff demo login: {DEMO_ADMIN_EMAIL} / {DEMO_STAFF_PASSWORD}")
    else:
        click.echo("Demo content already present; nothing changed.")


staff_cli = AppGroup("staff", help="Manage staff accounts.")


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise click.BadParameter(f"use at least {MIN_PASSWORD_LENGTH} characters")


@staff_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--therapist", "therapist_slug", help="Therapist profile slug (role therapist).")
@click.password_option()
def create_staff(email: str, name: str, role: str, therapist_slug: str | None, password: str):
    """Create a staff account."""
    email = email.strip().lower()
    _check_password(password)
    if db.session.scalar(sa.select(StaffUser.id).where(StaffUser.email == email)):
        raise click.ClickException(f"{email} already has an account.")
    therapist = None
    if therapist_slug:
        therapist = db.session.scalar(sa.select(Therapist).where(Therapist.slug == therapist_slug))
        if therapist is None:
            raise click.ClickException(f"No therapist with slug {therapist_slug!r}.")
    elif role == "therapist":
        raise click.ClickException("A therapist account needs --therapist <slug>.")
    user = StaffUser(email=email, name=name.strip(), role=role, therapist=therapist)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    click.echo(f"Created {role} account {email}.")


@staff_cli.command("set-password")
@click.argument("email")
@click.password_option()
def set_password(email: str, password: str):
    """Set a new password (and log out the account's other sessions)."""
    _check_password(password)
    user = db.session.scalar(sa.select(StaffUser).where(StaffUser.email == email.strip().lower()))
    if user is None:
        raise click.ClickException(f"No staff account for {email}.")
    user.set_password(password)
    db.session.commit()
    click.echo(f"Password changed for {user.email}.")


reminders_cli = AppGroup(
    "reminders", help="Reminders by email and text, as the clinic's rules say."
)


@reminders_cli.command("send")
def send_reminders() -> None:
    """Send every reminder whose time has come, once each (emails are queued in the outbox;
    `flask outbox send` delivers them; texts go at once). Safe to run from cron every
    minute, and in two processes at once."""
    from clinicsite import clock
    from clinicsite.appointments.reminders import send_due
    from clinicsite.clinic import get_clinic
    from clinicsite.notifications import site_links
    from clinicsite.sms import SmsConfigError, get_sms_gateway

    try:
        sms = get_sms_gateway(current_app.config)
    except SmsConfigError as exc:
        raise click.ClickException(f"texts are not configured: {exc}") from exc
    links = site_links()
    report = send_due(get_clinic(), clock.now(), sms, lambda a: links.manage(a.token))
    click.echo(str(report))


newsletter_cli = AppGroup("newsletter", help="Newsletter emails.")


@newsletter_cli.command("send-guide")
def send_guide() -> None:
    """Queue the guide for confirmed subscribers who have not had it (they confirmed
    before it was uploaded), once each. Uploading a guide does this at once; run from
    cron every minute, this also reaches anyone whose confirmation raced the upload."""
    from clinicsite import clock
    from clinicsite.newsletter.service import send_guide_to_earlier_subscribers

    queued = send_guide_to_earlier_subscribers(clock.now())
    db.session.commit()
    click.echo(f"queued the guide for {queued} subscriber{'s' if queued != 1 else ''}")


@newsletter_cli.command("send-due")
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=None,
    help="Queue at most this many emails in this run (default: NEWSLETTER_BATCH_SIZE).",
)
def newsletter_send_due(batch_size: int | None) -> None:
    """Start the newsletter issues whose time has come and queue the next batch of their
    emails in the outbox (`flask outbox send` delivers them); then, within the same batch
    size, the new-post emails and weekly digests subscribers asked for. Run from cron
    every minute; runs at the same time or after a crash never send anyone anything twice."""
    from flask import current_app

    from clinicsite import clock
    from clinicsite.clinic import get_clinic
    from clinicsite.newsletter import digests
    from clinicsite.newsletter.sending import send_due

    size = batch_size or current_app.config["NEWSLETTER_BATCH_SIZE"]
    now = clock.now()
    issues = send_due(now, size)
    click.echo(str(issues))
    left = size - issues.queued - issues.skipped
    click.echo(str(digests.send_due(now, left, get_clinic().tz)))


waitlist_cli = AppGroup("waitlist", help="Waitlist offers.")


@waitlist_cli.command("offer")
def waitlist_offer() -> None:
    """Expire offers past their time and offer those times (if still free) to the next
    entries; expire entries whose last day is over. Safe to run from cron every minute."""
    from clinicsite import clock
    from clinicsite.waitlist.offers import expire_and_reoffer

    expired, made, ended = expire_and_reoffer(clock.now())
    click.echo(f"expired {expired} offers, made {made} offers, expired {ended} entries")


giftcards_cli = AppGroup("giftcards", help="Gift cards.")


@giftcards_cli.command("send-due")
def giftcards_send_due() -> None:
    """Queue the gift card emails to recipients whose chosen day has come (each once), and
    take what is left off cards past their expiry. Safe to run from cron as often as liked."""
    from clinicsite import clock
    from clinicsite.clinic import get_clinic
    from clinicsite.giftcards.emails import expire_due, send_due

    clinic, now = get_clinic(), clock.now()
    sent = send_due(clinic, now)
    expired = expire_due(clinic, now)
    click.echo(f"queued {sent} gift card emails, expired {expired} cards")


payments_cli = AppGroup("payments", help="Payments taken through the provider.")


@payments_cli.command("reconcile")
@click.option(
    "--days",
    type=click.IntRange(min=1),
    default=None,
    help="Only the payments made in the last N days (default: all).",
)
def payments_reconcile(days: int | None) -> None:
    """Check the ledger (deposits, gift card orders, packages, fees and their refunds)
    against what the payment provider holds, payment by payment. Prints the totals and
    every mismatch; exits 1 when something does not add up. Only reads: safe from cron."""
    from datetime import timedelta

    from clinicsite import clock
    from clinicsite.money import format_money
    from clinicsite.payments import get_gateway
    from clinicsite.payments.ledger import reconcile

    since = clock.now() - timedelta(days=days) if days else None
    result = reconcile(get_gateway(), since)

    def money(amount: int, currency: str) -> str:
        return format_money(amount, currency) if amount else f"0 {currency}"

    period = f"the last {days} days" if days else "all time"
    click.echo(f"{len(result.lines)} payments through the provider ({period})")
    for side, sums in (("recorded", result.ours), ("provider", result.provider)):
        for currency, total in sums.items():
            click.echo(
                f"{side}: taken {money(total.taken, currency)}, refunded "
                f"{money(total.refunded, currency)}, held {money(total.held, currency)}"
            )
    for line in result.mismatches:
        click.echo(f"MISMATCH {line}")
    if not result.ok:
        click.echo(f"{len(result.mismatches)} mismatch(es)")
        raise SystemExit(1)
    click.echo("the ledger agrees with the provider")


calendars_cli = AppGroup("calendars", help="Therapists' own calendars.")


@calendars_cli.command("sync")
def calendars_sync() -> None:
    """Read every therapist's own calendar (its private .ics address) and keep its busy
    times out of online booking. One line per therapist; a feed that fails keeps the busy
    times it had and records the error, and the others go on (exit 0). Safe from cron,
    and twice at once."""
    from clinicsite import clock
    from clinicsite.calendars.fetching import Limits
    from clinicsite.calendars.sync import sync_all
    from clinicsite.clinic import get_clinic

    clinic = get_clinic()
    outcomes = sync_all(
        Limits.from_config(current_app.config), clinic.tz, clinic.horizon_days, clock.now()
    )
    for outcome in outcomes:
        if outcome.failed:
            click.echo(f"{outcome.therapist}: failed: {outcome.message}")
        else:
            note = f" ({outcome.message})" if outcome.message else ""
            click.echo(f"{outcome.therapist}: {outcome.status}, {outcome.busy} busy times{note}")
    failed = sum(o.failed for o in outcomes)
    click.echo(f"synced {len(outcomes) - failed} calendars, {failed} failed")
