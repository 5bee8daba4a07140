"""Shared set-up for the studio-payment tests: a visit, its balance, staff posting the
appointment page's Payments form."""

from __future__ import annotations

import re
from datetime import datetime

from clinicsite.audit import Actor
from clinicsite.extensions import db
from clinicsite.models import Appointment
from tests.support.factories import make_staff
from tests.support.staff_helpers import form_token


def staff_actor(app, role: str = "admin", **fields) -> Actor:
    with app.app_context():
        user = make_staff(role=role, **fields)
        db.session.commit()
        return Actor.staff(user)


def record(
    app, appointment_id: int, amount: int, tip: int, method: str, actor: Actor, now: datetime
):
    """record_balance in a request context (the receipt needs the app), the payment's id back."""
    from clinicsite.appointments.balance import record_balance

    with app.test_request_context():
        appt = db.session.get(Appointment, appointment_id)
        return record_balance(appt, amount, tip, method, actor, now).id


def owed(app, appointment_id: int) -> int:
    from clinicsite.appointments.balance import balance_of

    with app.app_context():
        return balance_of(db.session.get(Appointment, appointment_id)).owed


def prefilled_amount(html: str) -> str:
    match = re.search(r'id="payment-amount"[^>]*value="([^"]*)"', html)
    assert match, "no amount field in the Payments form"
    return match.group(1)


def post_payment(client, appointment_id: int, follow: bool = False, **data):
    """Post the appointment page's Payments form as a browser would (its CSRF token)."""
    page = client.get(f"/staff/appointments/{appointment_id}").get_data(as_text=True)
    return client.post(
        f"/staff/appointments/{appointment_id}/studio-payments",
        data={"csrf_token": form_token(page), "method": "card_terminal", **data},
        follow_redirects=follow,
    )


def make_visit(
    app, starts_at: datetime, paid_deposit: bool = False, therapist: str = "dana-okafor", **fields
) -> int:
    """A confirmed visit of a priced service: its deposit paid online, or waived (as staff
    booking by phone may), with `fields` set on it."""
    from tests.support.staff_helpers import make_appointment

    appt_id = make_appointment(app, starts_at, therapist, deposit=True, paid=paid_deposit)
    with app.app_context():
        appt = db.session.get(Appointment, appt_id)
        if not paid_deposit:
            appt.status, appt.deposit, appt.hold_expires_at = "confirmed", 0, None
        for name, value in fields.items():
            setattr(appt, name, value)
        db.session.commit()
    return appt_id
