"""A day's takings in the clinic's time zone (appointments/takings.py and /staff/payments/):
totals by method across a day the clocks change, deposits and refunds of that day, the
close-out and what it forbids, and the CSV export."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from clinicsite.appointments import takings
from clinicsite.appointments.balance import void_payment
from clinicsite.appointments.errors import NotAllowed
from clinicsite.extensions import db
from clinicsite.models import DayClose, Payment, Refund, StudioPayment
from tests.support.booking_helpers import text_of
from tests.support.payment_helpers import make_visit, record, staff_actor
from tests.support.staff_helpers import form_token

# 2026-11-01, Los Angeles: the clocks go back at 02:00, so the day lasts 25 hours,
# from 07:00 UTC on the 1st to 08:00 UTC on the 2nd.
FALL_BACK = date(2026, 11, 1)
VISIT = datetime(2026, 11, 1, 18, 0, tzinfo=UTC)
ZONE_START = datetime(2026, 11, 1, 7, 0, tzinfo=UTC)
ZONE_END = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
BOOKED = datetime(2026, 10, 20, 16, 0, tzinfo=UTC)


def visit(app, **kwargs) -> int:
    from tests.support.staff_helpers import make_appointment

    # Booked and paid online well before the day, so its deposit is not the day's.
    appt_id = make_appointment(app, VISIT, deposit=True, paid=True, now=BOOKED, **kwargs)
    return appt_id


def test_a_fall_back_day_counts_its_25_hours_and_nothing_else(clinic):
    appt_id = make_visit(clinic, VISIT)
    admin = staff_actor(clinic)
    record(clinic, appt_id, 1000, 100, "cash", admin, ZONE_START - timedelta(minutes=1))
    record(clinic, appt_id, 2000, 200, "cash", admin, ZONE_START)  # 00:00 PDT
    record(
        clinic,
        appt_id,
        3000,
        0,
        "card_terminal",
        admin,
        ZONE_START + timedelta(hours=18, minutes=30),
    )  # 01:30 PST, the second one
    record(clinic, appt_id, 400, 300, "other", admin, ZONE_END - timedelta(minutes=1))  # 23:59 PST
    record(clinic, appt_id, 500, 0, "cash", admin, ZONE_END)  # the next day
    with clinic.app_context():
        tz = takings.clinic_zone()
        assert takings.day_bounds(FALL_BACK, tz) == (ZONE_START, ZONE_END)
        day = takings.takings(FALL_BACK, FALL_BACK, tz, "USD")
        totals = {m: (t.amount, t.tip, t.count) for m, t in day.by_method.items() if t.count}
        assert totals == {
            "card_terminal": (3000, 0, 1),
            "cash": (2000, 200, 1),
            "other": (400, 300, 1),
        }
        assert (day.studio, day.tips, day.net) == (5400, 500, 5900)
        before = takings.takings(date(2026, 10, 31), date(2026, 10, 31), tz, "USD")
        after = takings.takings(date(2026, 11, 2), date(2026, 11, 2), tz, "USD")
        assert (before.studio, after.studio) == (1000, 500)


def test_deposits_and_refunds_count_on_the_day_they_happened(clinic):
    appt_id = visit(clinic)
    with clinic.app_context():
        payment = db.session.scalar(sa.select(Payment).filter_by(appointment_id=appt_id))
        deposit = payment.amount
        payment.paid_at = ZONE_START + timedelta(hours=3)
        payment.amount_refunded = 1000
        db.session.add(
            Refund(
                payment=payment,
                provider_refund_id="re_1",
                amount=1000,
                reason="requested_by_customer",
                created_at=ZONE_END + timedelta(hours=1),
            )
        )
        db.session.commit()
        tz = takings.clinic_zone()
        day = takings.takings(FALL_BACK, FALL_BACK, tz, "USD")
        assert (day.deposits, day.refunds, day.net) == (deposit, 0, deposit)
        next_day = takings.takings(date(2026, 11, 2), date(2026, 11, 2), tz, "USD")
        assert (next_day.deposits, next_day.refunds, next_day.net) == (0, 1000, -1000)


def test_a_closed_day_keeps_its_totals_and_its_payments(clinic):
    appt_id = make_visit(clinic, VISIT)
    admin = staff_actor(clinic)
    at = ZONE_START + timedelta(hours=12)
    payment_id = record(clinic, appt_id, 2500, 500, "card_terminal", admin, at)
    evening = ZONE_END - timedelta(hours=1)
    with clinic.app_context():
        close = takings.close_day(FALL_BACK, admin, evening, "USD")
        assert close.totals["studio"] == 2500 and close.totals["tips"] == 500
        assert close.totals["by_method"]["card_terminal"] == {
            "amount": 2500,
            "tip": 500,
            "count": 1,
        }
        with pytest.raises(NotAllowed, match="closed already"):
            takings.close_day(FALL_BACK, admin, evening, "USD")
        payment = db.session.get(StudioPayment, payment_id)
        with pytest.raises(NotAllowed, match="admin must reopen"):
            void_payment(payment, admin, evening, "mistake")
    with pytest.raises(NotAllowed, match="admin must reopen"):
        record(clinic, appt_id, 100, 0, "cash", admin, evening)  # the same day: closed too
    with clinic.app_context():
        takings.reopen_day(FALL_BACK, admin, evening)
        void_payment(db.session.get(StudioPayment, payment_id), admin, evening, "mistake")
        rows = db.session.scalars(sa.select(DayClose)).all()
        assert [(r.day, r.reopened_by_id is not None) for r in rows] == [(FALL_BACK, True)]
        with pytest.raises(NotAllowed, match="not closed"):
            takings.reopen_day(FALL_BACK, admin, evening)
        with pytest.raises(NotAllowed, match="before it has begun"):
            takings.close_day(date(2026, 11, 3), admin, evening, "USD")


@pytest.fixture
def evening(monkeypatch):
    monkeypatch.setattr("clinicsite.clock.now", lambda: ZONE_END - timedelta(hours=1))


def test_the_takings_page_closes_the_day_for_an_admin(clinic, client, login_as, evening):
    appt_id = make_visit(clinic, VISIT, client_name="Nora Quill")
    record(
        clinic, appt_id, 2500, 500, "cash", staff_actor(clinic), ZONE_START + timedelta(hours=12)
    )
    login_as("admin", name="Avery Admin")
    page = client.get("/staff/payments/?date=2026-11-01")
    assert page.status_code == 200
    text = text_of(page.get_data(as_text=True))
    assert "At the studio: cash 1 25.00 5.00" in text
    assert "Net for the day 30.00 USD" in text
    assert "Nora Quill" in text
    response = client.post(
        "/staff/payments/close",
        data={"csrf_token": form_token(page.get_data(as_text=True)), "date": "2026-11-01"},
        follow_redirects=True,
    )
    text = text_of(response.get_data(as_text=True))
    assert "The takings of 2026-11-01 are closed." in text
    assert "Closed by Avery Admin" in text and "Reopen the day" in text


@pytest.mark.parametrize("raw", ["garbage", "2026-13-01", "0000-01-01", "2026-02-30"])
def test_a_bad_date_shows_today_with_an_error(clinic, client, login_as, evening, raw):
    login_as("admin")
    response = client.get(f"/staff/payments/?date={raw}")
    assert response.status_code == 200
    assert "Showing today." in text_of(response.get_data(as_text=True))


def test_closing_a_bad_day_or_without_csrf_is_refused(clinic, client, login_as, evening):
    login_as("admin")
    page = client.get("/staff/payments/").get_data(as_text=True)
    assert client.post("/staff/payments/close", data={"date": "2026-11-01"}).status_code == 400
    bad = client.post("/staff/payments/close", data={"csrf_token": form_token(page), "date": "x"})
    assert bad.status_code == 400
    with clinic.app_context():
        assert db.session.scalars(sa.select(DayClose)).all() == []


def test_the_csv_export_parses_and_keeps_voided_rows(clinic, client, login_as, evening):
    appt_id = make_visit(clinic, VISIT, client_name='=HYPERLINK("x")')
    admin = staff_actor(clinic, name="Avery Admin")
    kept = record(
        clinic, appt_id, 2550, 450, "card_terminal", admin, ZONE_START + timedelta(hours=12)
    )
    voided = record(clinic, appt_id, 1000, 0, "cash", admin, ZONE_START + timedelta(hours=13))
    record(clinic, appt_id, 100, 0, "cash", admin, ZONE_END + timedelta(hours=30))  # outside
    with clinic.app_context():
        void_payment(
            db.session.get(StudioPayment, voided), admin, ZONE_END - timedelta(hours=2), "typo"
        )
    login_as("admin")
    response = client.get("/staff/payments/export.csv?from=2026-10-30&to=2026-11-01")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "studio-payments-2026-10-30-to-2026-11-01.csv" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [r["amount"] for r in rows] == ["25.50", "10.00"]
    first, second = rows
    assert (first["tip"], first["method"], first["recorded_by"]) == (
        "4.50",
        "card_terminal",
        "Avery Admin",
    )
    assert first["recorded_at"] == "2026-11-01T11:00-08:00"
    assert first["client"].startswith("'=")  # not a formula in a spreadsheet
    assert (second["void_reason"], second["voided_at"] != "") == ("typo", True)
    assert kept and response.get_data(as_text=True).count("\n") == 3


@pytest.mark.parametrize(
    "query", ["", "?from=x", "?from=2026-11-02&to=2026-11-01", "?from=2020-01-01&to=2026-11-01"]
)
def test_a_bad_export_range_is_a_400(clinic, client, login_as, evening, query):
    login_as("admin")
    assert client.get(f"/staff/payments/export.csv{query}").status_code == 400


def test_gift_cards_packages_and_membership_months_sold_online_are_the_day_s_takings(
    clinic, client, login_as
):
    import secrets

    from clinicsite.models import GiftCardOrder, PackagePurchase
    from tests.support.membership_helpers import active_member, make_plan
    from tests.support.package_helpers import active_purchase, make_package

    noon = datetime(2026, 11, 1, 20, 0, tzinfo=UTC)  # noon in Los Angeles, on the long day
    with clinic.app_context():
        db.session.add(
            GiftCardOrder(
                token=secrets.token_urlsafe(24),
                amount=7500,
                currency="USD",
                status="paid",
                buyer_name="Bea",
                buyer_email="bea@example.com",
                provider="stripe",
                paid_at=noon,
            )
        )
        db.session.commit()
    package_id = make_package(clinic)
    bought = active_purchase(clinic, package_id, "pat@example.com", noon)
    active_member(clinic, make_plan(clinic), "mo@example.com", noon)
    # A package bought the day before and refunded (in part) on this day.
    earlier = active_purchase(clinic, package_id, "old@example.com", noon - timedelta(days=1))
    with clinic.app_context():
        old = db.session.get(PackagePurchase, earlier)
        old.amount_refunded, old.refunded_at, old.status = 5000, noon, "refunded"
        package_price = db.session.get(PackagePurchase, bought).amount
        db.session.commit()

    with clinic.app_context():
        day = takings.takings(FALL_BACK, FALL_BACK, takings.clinic_zone(), "USD")
        before = takings.takings(
            FALL_BACK - timedelta(days=1),
            FALL_BACK - timedelta(days=1),
            takings.clinic_zone(),
            "USD",
        )
    assert day.sales == {"gift_cards": 7500, "packages": package_price, "memberships": 9900}
    assert day.refunds == 5000
    assert day.net == 7500 + package_price + 9900 - 5000
    assert before.sales["packages"] == package_price and before.refunds == 0

    login_as("admin")
    page = text_of(
        client.get(f"/staff/payments/?date={FALL_BACK.isoformat()}").get_data(as_text=True)
    )
    assert "Gift cards sold online 75.00" in page
    assert "Membership months paid 99.00" in page
