"""Emails as a mail client sees them: delivered by the outbox, then parsed back."""

from __future__ import annotations

import email
import email.policy
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

from flask import Flask

from clinicsite.mail import deliver_due


def deliver(app: Flask, folder: Path) -> list[EmailMessage]:
    """Send every queued email as .eml files into `folder` and parse them with the default
    policy, as a mail program would; oldest first."""
    app.config["MAIL_BACKEND"] = "files"
    app.config["MAIL_FILE_DIR"] = str(folder)
    with app.app_context():
        deliver_due()
    paths = sorted(folder.glob("*.eml"), key=lambda p: int(p.name.split("-", 1)[0]))
    return [email.message_from_bytes(p.read_bytes(), policy=email.policy.default) for p in paths]


def database_rows(app: Flask) -> dict[str, list[str]]:
    """Every row of every table, to show that a request changed nothing at all."""
    from clinicsite.extensions import db

    with app.app_context():
        return {
            table.name: sorted(map(repr, db.session.execute(table.select()).all()))
            for table in db.metadata.sorted_tables
        }


def plain(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content()


def html(message: EmailMessage) -> str:
    part = message.get_body(("html",))
    assert part is not None, f"no HTML part in {message['Subject']!r}"
    return part.get_content()


# Text people type, trying to break out of the HTML; the emails must show it as text.
HOSTILE = '<script>alert("x")</script> & <b>bold</b>'
LONG_WORD = "Neck-and-shoulder-tension-" * 8  # no space to wrap at: must not widen the email
PAY_URL = "https://checkout.stripe.com/c/pay/cs_test_a1b2c3"
# Every kind of email the site sends, by the start of its subject.
KINDS = {
    "confirmation": "Booked:",
    "therapist_notice": "New booking:",
    "rescheduled": "Moved:",
    "reminder": "Reminder:",
    "payment_link": "Pay the deposit",
    "refund": "Refund of",
    "late_payment": "Your payment arrived",
    "cancelled": "Cancelled:",
    "newsletter_confirm": "Please confirm",
    "newsletter_welcome": "Welcome",
    "newsletter_guide": "Your guide from",
    "newsletter_post": "New on the",
    "newsletter_weekly": "This week on the",
    "inquiry": "New inquiry",
    "comment_notice": "New comment",
    "sign_in_link": "Your link to your bookings",
    "receipt": "Receipt:",
}


def queue_every_kind(app: Flask) -> None:
    """Queue one of each kind of email (KINDS), with the test clinic loaded."""
    import sqlalchemy as sa

    from clinicsite import clock, notifications
    from clinicsite.blog.comments import add_comment
    from clinicsite.extensions import db
    from clinicsite.models import Appointment, Inquiry, LeadMagnet, Subscriber
    from clinicsite.newsletter import service
    from tests.support.blog_factories import make_post
    from tests.support.staff_helpers import NOW, make_appointment

    app.config["STAFF_NOTIFY_EMAIL"] = "desk@example.com"
    appointment_id = make_appointment(app, NOW + timedelta(days=2, hours=3), deposit=True)
    with app.test_request_context():
        appointment = db.session.get(Appointment, appointment_id)
        appointment.client_notes = f"{HOSTILE}\nSecond line. {LONG_WORD}"
        notifications.booking_confirmed(appointment)  # and the therapist's notice
        notifications.booking_rescheduled(appointment, appointment.starts_at - timedelta(days=1))
        notifications.reminder(appointment)
        notifications.payment_link(appointment, PAY_URL)
        notifications.late_payment_refunded(appointment)
        notifications.booking_cancelled(appointment, refunded=appointment.deposit)  # and the refund
        # A receipt for a balance paid at the studio, with a tip.
        from clinicsite.appointments.balance import balance_of
        from clinicsite.models import StudioPayment

        paid = StudioPayment(
            appointment_id=appointment.id,
            amount=5000,
            tip=1000,
            currency=appointment.currency,
            method="cash",
            recorded_at=NOW,
        )
        db.session.add(paid)
        db.session.flush()
        notifications.balance_receipt(appointment, paid, balance_of(appointment))

        guide = LeadMagnet(
            title="Five stretches for desk workers",
            stored_name="guide.pdf",
            original_name="guide.pdf",
            content_type="application/pdf",
            size=10,
        )
        db.session.add(guide)
        service.subscribe("maya@example.org", "/", clock.now())
        service.confirm(db.session.scalar(sa.select(Subscriber.token)), clock.now())
        # Confirmed before there was a guide: sent it now, in an email of its own.
        early = Subscriber(email="early@example.org", status="confirmed", token="early-token")
        early.confirmed_at = clock.now() - timedelta(days=30)
        db.session.add(early)
        service.send_guide_to_earlier_subscribers(clock.now())

        inquiry = Inquiry(
            name="Maya Ortiz", email="maya@example.org", phone="", message=f"{HOSTILE}\n{LONG_WORD}"
        )
        db.session.add(inquiry)
        notifications.notify_staff_of(inquiry)
        post = make_post("Desk stretches that help")
        maya = db.session.scalar(
            sa.select(Subscriber).where(Subscriber.email == "maya@example.org")
        )
        notifications.newsletter_post(post, maya, key="post")
        notifications.newsletter_weekly([post], maya, key="weekly", week_of=NOW.date())
        add_comment(post, "Sam Reader", "sam@example.org", f"{HOSTILE}\nThanks! {LONG_WORD}")
        link = notifications.site_links().my_link("a-sign-in-token")
        notifications.sign_in_link("rita@example.com", link, 30).queue()
        db.session.commit()


def by_kind(messages: list[EmailMessage]) -> dict[str, EmailMessage]:
    """The first delivered message of each kind in KINDS."""
    found = {}
    for kind, prefix in KINDS.items():
        matching = [m for m in messages if m["Subject"].strip().startswith(prefix)]
        assert matching, f"no {kind} email among {[m['Subject'] for m in messages]}"
        found[kind] = matching[0]
    return found
