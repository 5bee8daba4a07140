"""Every email the site sends, as a mail client reads it, against a golden file.

Each kind of email is built once from fixed inputs (a small clinic from the factories, a
stopped clock, fixed tokens), delivered through the outbox and parsed back with Python's
`email` parser. Its subject, plain-text part and HTML part must equal
`tests/golden/email/<kind>.txt`. A copy change shows up here as a diff to read; after
checking it, `UPDATE_GOLDEN=1` rewrites the files. A missing file is written (and the test
fails) on a developer's machine, and simply fails under CI.
"""

from __future__ import annotations

import os
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from flask import current_app

from clinicsite import notifications
from clinicsite.appointments.cancellation import cancel
from clinicsite.appointments.checkout import checkout_url
from clinicsite.appointments.holding import ClientDetails, HoldRequest, hold
from clinicsite.appointments.series import book_series
from clinicsite.audit import SYSTEM
from clinicsite.clinic import get_clinic
from clinicsite.extensions import db
from clinicsite.models import Inquiry, LeadMagnet, Subscriber
from clinicsite.payments import get_gateway
from clinicsite.payments.fulfilment import payment_for_session, record_payment
from tests.support.blog_factories import make_comment, make_post
from tests.support.booking_helpers import MONDAY_8AM, FrozenClock
from tests.support.factories import (
    make_clinic,
    make_location,
    make_service,
    make_staff,
    make_therapist,
)
from tests.support.mail_helpers import deliver, html, plain

GOLDEN = Path(__file__).parent / "golden" / "email"
PAY_URL = "https://checkout.stripe.com/c/pay/cs_test_golden"
STARTS = MONDAY_8AM + timedelta(days=2, hours=2)  # Wednesday 10:00 in Los Angeles
# Each kind of email, by the start of its subject.
KINDS = {
    "confirmation": "Booked:",
    "therapist_notice": "New booking:",
    "therapist_notice_moved": "Moved booking:",
    "therapist_notice_cancelled": "Cancelled booking:",
    "rescheduled": "Moved:",
    "reminder": "Reminder:",
    "payment_link": "Pay the deposit",
    "cancelled": "Cancelled:",
    "refund": "Refund of your",
    "late_payment": "Your payment arrived",
    "newsletter_confirm": "Please confirm",
    "newsletter_welcome": "Welcome",
    "newsletter_guide": "Your guide from",
    "newsletter_post": "New on the",
    "newsletter_weekly": "This week on the",
    "inquiry": "New inquiry",
    "comment_notice": "New comment",
    "sign_in_link": "Your link to your bookings",
    "series_confirmation": "Standing appointment booked",
}


def book(now):
    """A booking held (a payment link), then paid and confirmed, through the booking domain."""
    service = make_service("Deep Tissue Massage", options=((60, 14000, 3500),), slug="deep")
    studio = make_location(
        name="Harbor Studio", slug="harbor", street="12 Harbor Way", directions="Park behind."
    )
    therapist = make_therapist(
        services=[service],
        hours=[(studio, 2, "09:00", "17:00")],
        name="Dana Okafor",
        slug="dana-okafor",
    )
    make_staff(role="therapist", email="dana@example.com", name="Dana", therapist=therapist)
    db.session.commit()
    client = ClientDetails(
        name="Rita Client",
        email="rita@example.com",
        phone="310 555 0111",
        intake={"pain": "Lower back", "consent": True},
        notes="Please use little oil.\nThank you!",
    )
    request = HoldRequest(service.options[0], therapist, studio, STARTS, client)
    appointment = hold(request, get_clinic(), now)
    appointment.token = "golden-appointment-token"
    notifications.payment_link(appointment, PAY_URL)  # while it is held
    with current_app.test_request_context():  # the fake gateway builds its page's URL
        url = checkout_url(appointment, get_gateway(), "http://x/ok", "http://x/no")
    payment = payment_for_session(url.rsplit("/", 1)[1])
    gateway = get_gateway()
    record_payment(payment, "pi_golden", payment.amount, payment.currency, gateway, now)
    db.session.commit()
    return appointment


def book_standing(appointment, now) -> None:
    """Two weekly visits like `appointment`, a week later: one email for both."""
    tokens = iter(["golden-series-visit-1", "golden-series-visit-2"])
    request = HoldRequest(
        appointment.option,
        appointment.therapist,
        appointment.location,
        STARTS + timedelta(weeks=1),
        ClientDetails("Rita Client", "rita@example.com", "310 555 0111"),
        source="phone",
    )
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr("clinicsite.appointments.holding.new_token", lambda: next(tokens))
        book_series(request, 1, 2, SYSTEM, now, get_clinic())


def queue_every_kind(now) -> None:
    """One of each email, queued through `notifications` with no request at all."""
    make_clinic(name="Harbor Massage", email="hello@example.com", phone="310-555-0100")
    make_staff(role="admin", email="owner@example.com", name="Olive Owner")
    make_staff(role="editor", email="editor@example.com", name="Eddie Editor")
    appointment = book(now)  # the confirmation and the therapist's notice
    notifications.booking_rescheduled(appointment, STARTS - timedelta(days=1))
    notifications.reminder(appointment)
    cancel(appointment, get_clinic(), get_gateway(), now)  # with the refund
    notifications.late_payment_refunded(appointment)
    book_standing(appointment, now)

    guide = LeadMagnet(
        title="Five stretches for desk workers",
        stored_name="guide.pdf",
        original_name="guide.pdf",
        content_type="application/pdf",
        size=10,
    )
    maya = Subscriber(email="maya@example.org", status="confirmed", token="golden-subscriber")
    db.session.add_all([guide, maya])
    db.session.flush()
    notifications.newsletter_confirm(maya, key="confirm", guide=guide)
    notifications.newsletter_welcome(maya, key="welcome", guide=guide)
    notifications.newsletter_guide(maya, key="guide", guide=guide)

    inquiry = Inquiry(
        name="Maya Ortiz",
        email="maya@example.org",
        phone="310-555-0142",
        message="Do you offer prenatal massage?\nI am 20 weeks along.",
    )
    db.session.add(inquiry)
    notifications.notify_staff_of(inquiry)
    post = make_post("Desk stretches that help", slug="desk-stretches")
    notifications.newsletter_post(post, maya, key="post")
    other = make_post("Easing a stiff neck", slug="stiff-neck", summary="")
    week_of = (now - timedelta(days=7)).date()
    notifications.newsletter_weekly([post, other], maya, key="weekly", week_of=week_of)
    comment = make_comment(
        post, status="pending", name="Sam Reader", email="sam@example.org", body="Thanks!"
    )
    db.session.flush()
    notifications.comment_received(comment, post)
    links = notifications.site_links()
    notifications.sign_in_link("rita@example.com", links.my_link("golden-sign-in"), 30).queue()
    db.session.commit()


@pytest.fixture(scope="module")
def messages(migrated, tmp_path_factory) -> dict[str, EmailMessage]:
    """Each kind of email, delivered once for the module."""
    from tests.support.app import make_app, wipe

    app = make_app(migrated)
    clock = FrozenClock(MONDAY_8AM)
    with pytest.MonkeyPatch.context() as monkeypatch:
        clock.install(monkeypatch)
        with app.app_context():
            queue_every_kind(clock())
        delivered = deliver(app, tmp_path_factory.mktemp("outbox"))
    wipe(app)
    found = {}
    for kind, prefix in KINDS.items():
        matching = [m for m in delivered if m["Subject"].strip().startswith(prefix)]
        assert matching, f"no {kind} email among {[m['Subject'] for m in delivered]}"
        found[kind] = matching[0]
    return found


def as_read(message: EmailMessage) -> str:
    """Subject and both parts, one line end, as a mail client shows them (not the wire's CRLF)."""
    text = "\n".join(
        [
            f"To: {message['To']}",
            f"Subject: {message['Subject'].strip()}",
            "",
            "---- text/plain ----",
            plain(message).rstrip("\n"),
            "",
            "---- text/html ----",
            html(message).rstrip("\n"),
            "",
        ]
    )
    return text.replace("\r\n", "\n")


@pytest.mark.parametrize("kind", list(KINDS))
def test_email_reads_as_its_golden_file(messages, kind):
    got = as_read(messages[kind])
    path = GOLDEN / f"{kind}.txt"
    if os.environ.get("UPDATE_GOLDEN") or (not path.exists() and not os.environ.get("CI")):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(got, encoding="utf-8")
        if not os.environ.get("UPDATE_GOLDEN"):
            pytest.fail(f"{path.name} was missing and is now written: read it, then commit it")
    assert path.exists(), f"{path} is missing: run with UPDATE_GOLDEN=1 and read it"
    assert got == path.read_text(encoding="utf-8")
