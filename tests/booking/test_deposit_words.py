"""Every sentence about money, on the client's booking page, the staff appointment page and in
every email (plain and HTML parts, parsed as a mail program would), says what the payment
rows say: paid, pending (a hold being paid, or a phone booking's payment link), refunded,
kept after a late cancellation, or no deposit at all (waived by staff, or a free session)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from clinicsite import notifications
from clinicsite.appointments import deposit as deposit_mod
from clinicsite.appointments.cancellation import cancel
from clinicsite.appointments.checkout import checkout_url
from clinicsite.appointments.holding import ClientDetails, HoldRequest, hold
from clinicsite.clinic import get_clinic
from clinicsite.extensions import db
from clinicsite.models import Appointment, Location, ServiceOption, Therapist
from clinicsite.payments import get_gateway
from clinicsite.payments.fulfilment import payment_for_session, record_payment
from tests.support.booking_helpers import FrozenClock, load_fixture_clinic, text_of
from tests.support.mail_helpers import deliver, html, plain

NOW = datetime(2026, 12, 7, 16, 0, tzinfo=UTC)  # Monday 08:00 in Los Angeles
START = datetime(2026, 12, 8, 18, 0, tzinfo=UTC)  # Tuesday 10:00, 26 hours ahead: in time
PAY_URL = "https://checkout.example/pay/cs_test_1"

# Claims that money has moved; each state below forbids the ones that are not true of it.
SAYS_PAID = r"(?<!not )(?<!never )\bpaid\b(?! yet| by then| and refunded)"
SAYS_REFUNDED = r"has been refunded|have refunded|being refunded|refunded in full\)|and refunded"
# (The policy's "after that it is kept" is a rule, not a claim.)
SAYS_KEPT = r"(?<!after that it )is kept\b(?! if)|was kept|and kept|carries over"
SAYS_UNPAID = r"not paid|never paid|nothing (?:was|is|has been) charged"
NAMES_AN_AMOUNT = r"\$\d"

EXPECT = {
    # state: (deposit line on the pages, must appear somewhere, forbidden claims)
    "paid": ("$35, paid", SAYS_PAID, [SAYS_REFUNDED, SAYS_UNPAID]),
    "held": ("$35, not paid yet", SAYS_UNPAID, [SAYS_PAID, SAYS_REFUNDED, SAYS_KEPT]),
    "link": ("$35, not paid yet", SAYS_UNPAID, [SAYS_PAID, SAYS_REFUNDED, SAYS_KEPT]),
    "refunded": ("$35, paid and refunded in full", SAYS_REFUNDED, [SAYS_KEPT, SAYS_UNPAID]),
    "kept": ("$35, paid and kept", SAYS_KEPT, [SAYS_REFUNDED, SAYS_UNPAID]),  # cancelled late
    "waived": ("None", None, [SAYS_PAID, SAYS_REFUNDED, SAYS_KEPT, r"deposit (?:of )?\$"]),
    "free": ("None", None, [SAYS_PAID, SAYS_REFUNDED, SAYS_KEPT, NAMES_AN_AMOUNT]),
}


@pytest.fixture
def frozen(monkeypatch):
    return FrozenClock(NOW).install(monkeypatch)


def money_sentences(text: str) -> list[str]:
    """The sentences (or lines) that speak of money."""
    parts = re.split(r"(?<=[.!?])\s+|\n+", text)
    return [
        " ".join(p.split())
        for p in parts
        if re.search(r"deposit|\$\d|\bpa(?:y|id)\b|refund|charge", p, re.I)
    ]


def _option(with_deposit: bool) -> ServiceOption:
    """The 60-minute option with a $35 deposit, or a free session."""
    wanted = ServiceOption.deposit == 3500 if with_deposit else ServiceOption.price == 0
    return db.session.scalar(sa.select(ServiceOption).where(wanted).limit(1))


def _hold(state: str) -> Appointment:
    dana = db.session.scalar(sa.select(Therapist).filter_by(slug="dana-okafor"))
    studio = db.session.scalar(sa.select(Location).filter_by(slug="culver-city-studio"))
    client = ClientDetails(name="Rita Client", email="rita@example.com", phone="310")
    by_phone = state in ("link", "waived")
    request = HoldRequest(
        _option(state != "free"),
        dana,
        studio,
        START,
        client,
        source="phone" if by_phone else "online",
        deposit=0 if state == "waived" else None,
        hold_minutes=24 * 60 - 5 if state == "link" else None,
    )
    return hold(request, get_clinic(), NOW)


def _pay(appointment: Appointment) -> None:
    gateway = get_gateway()
    url = checkout_url(appointment, gateway, "http://x/ok", "http://x/no")
    payment = payment_for_session(url.rsplit("/", 1)[1])
    record_payment(payment, "pi_1", payment.amount, payment.currency, gateway, NOW)
    db.session.commit()


def _active_emails(appointment: Appointment) -> None:
    """The emails a booking on the calendar can still get (reminder, moved)."""
    notifications.reminder(appointment)
    notifications.booking_rescheduled(appointment, START - timedelta(days=1))
    db.session.commit()


def make_state(app, state: str, before_dir) -> tuple[str, int]:
    """An appointment in `state`; the emails of earlier steps are delivered into
    `before_dir`, so only the last step's are left. Returns (token, id)."""
    with app.test_request_context():
        appointment = _hold(state)
        if state in ("paid", "refunded", "kept"):
            deliver(app, before_dir)
            _pay(appointment)
        if state == "held":
            checkout_url(appointment, get_gateway(), "http://x/ok", "http://x/no")
        if state == "link":
            url = checkout_url(appointment, get_gateway(), "http://x/ok", "http://x/no")
            notifications.payment_link(appointment, url)
            db.session.commit()
        if state in ("refunded", "kept"):
            deliver(app, before_dir)
            late = START - timedelta(hours=2) if state == "kept" else NOW
            cancel(appointment, get_clinic(), get_gateway(), late)
        elif state != "held" and state != "link":
            _active_emails(appointment)
        return appointment.token, appointment.id


def check(where: str, text: str, state: str) -> None:
    line, required, forbidden = EXPECT[state]
    sentences = money_sentences(text)
    for pattern in forbidden:
        wrong = [s for s in sentences if re.search(pattern, s)]
        assert not wrong, f"{where} ({state}) says {pattern!r}: {wrong}"
    if required:
        assert any(re.search(required, s) for s in sentences), f"{where} ({state}): {sentences}"


@pytest.mark.parametrize("state", list(EXPECT))
def test_money_words_follow_the_payment_rows(app, client, login_as, frozen, tmp_path, state):
    load_fixture_clinic(app)
    token, appointment_id = make_state(app, state, tmp_path / "before")
    line = EXPECT[state][0]

    page = text_of(client.get(f"/booking/{token}").get_data(as_text=True))
    assert f"Deposit {line} " in page, page
    check("the booking page", page, state)

    messages = deliver(app, tmp_path / "after")
    kinds = {m["Subject"].strip().split(":")[0].split(" ")[0] for m in messages}
    expected = {
        "paid": {"Booked", "New", "Reminder", "Moved"},
        "held": set(),
        "link": {"Pay"},
        "refunded": {"Cancelled", "Refund"},
        "kept": {"Cancelled"},
        "waived": {"Booked", "New", "Reminder", "Moved"},
        "free": {"Booked", "New", "Reminder", "Moved"},
    }[state]
    assert kinds == expected, [m["Subject"] for m in messages]
    for message in messages:
        where = f"email {message['Subject']!r}"
        check(where + " (text)", plain(message), state)
        check(where + " (HTML)", text_of(html(message)), state)

    login_as("admin")
    staff = text_of(client.get(f"/staff/appointments/{appointment_id}").get_data(as_text=True))
    assert f"Deposit {line} " in staff, staff


def test_the_held_page_names_the_date_of_the_hold_end(app, client, frozen, tmp_path):
    load_fixture_clinic(app)
    token, _ = make_state(app, "link", tmp_path)
    page = text_of(client.get(f"/booking/{token}").get_data(as_text=True))
    # Held for 24 hours from Monday 08:00: the hold ends on Tuesday, in the clinic's zone.
    assert re.search(r"until Tuesday, December 8, 2026 at 7:56 AM PST\.", page), page


def test_part_refunded_deposit_says_both_amounts():
    class Row:
        def __init__(self, status, amount, refunded):
            self.status, self.amount, self.amount_refunded = status, amount, refunded

    class Booking:
        payments = [Row("paid", 3500, 1500), Row("expired", 3500, 0)]
        deposit, status, currency = 3500, "cancelled", "USD"

    found = deposit_mod.deposit_of(Booking())
    assert (found.state, found.kept) == ("part-refunded", 2000)
    assert found.summary == "$35, paid; $15 of it refunded"
