"""Two people at the desk charge the same no-show fee at the same moment, each from their
own page (so with different form tokens): the appointment's row lock and the charge's
idempotency key let the card be charged once, on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading

import sqlalchemy as sa

from clinicsite import clock as app_clock
from clinicsite.appointments import fees
from clinicsite.appointments.errors import NotAllowed
from clinicsite.extensions import db
from clinicsite.models import Appointment, ClinicSettings, FeeCharge
from clinicsite.payments import get_gateway
from tests.payments.test_cardfees import NO_SHOW, booked_with_card, fees_on, mark_no_show
from tests.support import stripe_fixtures
from tests.support.payment_helpers import staff_actor

clock, stub, app, client = stripe_fixtures.FIXTURES
__all__ = ["fees_on"]  # the fixture, taken by name
ATTEMPTS = 3


def test_simultaneous_fee_charges_with_different_tokens_charge_the_card_once(
    client, app, stub, fees_on
):
    token, *_ = booked_with_card(client, app, stub)
    appt_id = mark_no_show(app, token)
    actors = [staff_actor(app) for _ in range(ATTEMPTS)]
    barrier = threading.Barrier(ATTEMPTS)
    results: list[str] = []
    errors: list[BaseException] = []

    def attempt(actor) -> None:
        try:
            with app.test_request_context():
                appointment = db.session.get(Appointment, appt_id)
                clinic = db.session.get(ClinicSettings, 1)
                barrier.wait(timeout=30)
                row = fees.charge(
                    appointment,
                    "no_show",
                    fees.new_token(),
                    actor,
                    get_gateway(),
                    clinic,
                    app_clock.now(),
                )
                results.append(row.status)
        except NotAllowed:
            results.append("refused")
        except BaseException as exc:  # noqa: BLE001 -- reported by the test
            errors.append(exc)

    threads = [threading.Thread(target=attempt, args=(a,)) for a in actors]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    assert "succeeded" in results and set(results) <= {"succeeded", "refused"}
    with app.app_context():
        rows = db.session.scalars(sa.select(FeeCharge).filter_by(appointment_id=appt_id)).all()
    assert [(r.status, r.amount) for r in rows] == [("succeeded", NO_SHOW)]
    charged = [
        pi
        for pi in stub.payment_intents.values()
        if pi.get("metadata", {}).get("fee_charge") and pi.get("status") == "succeeded"
    ]
    assert len(charged) == 1 and charged[0]["amount"] == NO_SHOW
