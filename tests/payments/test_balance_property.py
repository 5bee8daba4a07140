"""Any sequence of payments at the studio and voids leaves the balance sound: what is owed
is never negative, the deposit kept plus the studio payments plus what is owed is the price,
more than is owed is refused (and only then), the day's takings count exactly the payments
still standing, and the appointment page's Payments section says the same."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clinicsite.appointments import takings
from clinicsite.appointments.balance import balance_of, void_payment
from clinicsite.appointments.errors import NotAllowed
from clinicsite.extensions import db
from clinicsite.models import Appointment, StudioPayment
from tests.support.booking_helpers import text_of
from tests.support.payment_helpers import make_visit, record, staff_actor

VISIT = datetime(2026, 12, 9, 18, 0, tzinfo=UTC)  # Wednesday 10:00 in Los Angeles
DAY = date(2026, 12, 9)
DESK = VISIT + timedelta(hours=1)

RECORD = st.tuples(
    st.just("record"),
    st.integers(0, 20_000),  # amount
    st.integers(0, 5_000),  # tip
    st.sampled_from(["card_terminal", "cash", "other"]),
)
# An amount near what is owed at that moment (owed + the offset): the edge that matters.
NEAR = st.tuples(
    st.just("near"),
    st.integers(-3_000, 300),
    st.integers(0, 5_000),
    st.sampled_from(["card_terminal", "cash", "other"]),
)
VOID = st.tuples(st.just("void"), st.integers(0, 9))
OPERATIONS = st.lists(st.one_of(RECORD, NEAR, VOID), max_size=8)


def dollars(text: str) -> int:
    return round(float(text.replace(",", "")) * 100)


def page_amounts(client, appointment_id: int) -> dict[str, int]:
    text = text_of(client.get(f"/staff/appointments/{appointment_id}").get_data(as_text=True))
    found = {}
    for label in ("Price", "Deposit paid online", "Paid at the studio", "Tips", "Still owed"):
        match = re.search(re.escape(label) + r" \$([0-9.,]+)", text)
        assert match, (label, text)
        found[label] = dollars(match.group(1))
    return found


@pytest.mark.parametrize("paid_deposit", [True, False])
def test_any_sequence_of_payments_and_voids_keeps_the_balance_sound(
    clinic, client, login_as, monkeypatch, paid_deposit
):
    monkeypatch.setattr("clinicsite.clock.now", lambda: DESK)
    appt_id = make_visit(clinic, VISIT, paid_deposit=paid_deposit)
    actor = staff_actor(clinic)
    login_as("admin")

    @settings(
        max_examples=30,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(OPERATIONS)
    def run(operations):
        with clinic.app_context():  # a fresh start for each sequence
            db.session.execute(sa.delete(StudioPayment))
            db.session.commit()
        for op in operations:
            with clinic.app_context():
                before = balance_of(db.session.get(Appointment, appt_id))
                ids = [p.id for p in before.counted]
            if op[0] in ("record", "near"):
                _, amount, tip, method = op
                if op[0] == "near":
                    amount = max(0, before.owed + amount)
                if amount + tip == 0:
                    continue
                try:
                    record(clinic, appt_id, amount, tip, method, actor, DESK)
                except NotAllowed:
                    assert amount > before.owed
                else:
                    assert amount <= before.owed
            elif ids:
                with clinic.app_context():
                    payment = db.session.get(StudioPayment, ids[op[1] % len(ids)])
                    void_payment(payment, actor, DESK, "a mistake")
            with clinic.app_context():
                b = balance_of(db.session.get(Appointment, appt_id))
                assert b.owed >= 0
                assert b.deposit.kept + b.paid_at_studio + b.owed == b.price
                day = takings.takings(DAY, DAY, takings.clinic_zone(), "USD")
                assert (day.studio, day.tips) == (b.paid_at_studio, b.tips)
        with clinic.app_context():
            b = balance_of(db.session.get(Appointment, appt_id))
            expected = {
                "Price": b.price,
                "Deposit paid online": b.deposit.paid,
                "Paid at the studio": b.paid_at_studio,
                "Tips": b.tips,
                "Still owed": b.owed,
            }
        shown = page_amounts(client, appt_id)
        assert shown == expected
        assert (
            shown["Price"]
            == shown["Deposit paid online"] + shown["Paid at the studio"] + shown["Still owed"]
        )

    run()
