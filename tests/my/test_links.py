"""The domain of sign-in links and a client's bookings, called without a request."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from clinicsite.extensions import db
from clinicsite.models import Appointment, OutboxEmail, SignInLink
from clinicsite.my import bookings, links
from clinicsite.notifications import Links
from tests.support.booking_helpers import MONDAY_8AM
from tests.support.my_helpers import add_booking

NOW = MONDAY_8AM
ANA = "ana@example.com"
TEST_LINKS = Links(lambda endpoint, **values: f"https://clinic.test/{endpoint}/{values}")


@pytest.fixture
def ana(clinic):
    add_booking(clinic, ANA, NOW + timedelta(days=2))
    return clinic


def issue(app, email: str) -> tuple[bool, str | None]:
    """Ask for a link for `email`; the token the email carries, if one was queued."""
    with app.app_context():
        sent = links.request_link(email, NOW, TEST_LINKS)
        db.session.commit()
        body = db.session.scalar(sa.select(OutboxEmail.body_text).order_by(OutboxEmail.id.desc()))
    if not sent:
        return False, None
    token = body.split("'token': '", 1)[1].split("'", 1)[0]
    return True, token


def test_a_link_is_used_once_and_starts_a_seven_day_session(ana):
    sent, token = issue(ana, "ANA@example.com ")
    assert sent
    with ana.app_context():
        first = links.use_link(token, NOW + timedelta(minutes=5))
        db.session.commit()
        assert isinstance(first, links.SignedIn)
        assert first.email == ANA and first.until == NOW + timedelta(days=7, minutes=5)
        assert links.use_link(token, NOW + timedelta(minutes=6)) == "used"
        assert links.session_is_live(ANA, first.link_id, first.until, NOW + timedelta(days=1))
        assert not links.session_is_live(ANA, first.link_id, first.until, first.until)
        links.end_session(first.link_id, NOW + timedelta(hours=1))
        db.session.commit()
        assert not links.session_is_live(ANA, first.link_id, first.until, NOW + timedelta(hours=2))


def test_a_link_lapses_after_thirty_minutes(ana):
    _, token = issue(ana, ANA)
    with ana.app_context():
        assert links.use_link(token, NOW + timedelta(minutes=30)) == "expired"
        row = db.session.scalar(sa.select(SignInLink))
        assert row.used_at is None and row.token_hash == links.token_hash(token) != token


def test_an_unknown_address_gets_no_row_and_no_email(ana):
    sent, _ = issue(ana, "stranger@example.com")
    assert not sent
    with ana.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SignInLink)) == 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxEmail)) == 0


def test_an_address_with_only_an_abandoned_hold_has_no_bookings(clinic):
    add_booking(clinic, ANA, NOW + timedelta(days=2), status="expired")
    with clinic.app_context():
        assert not bookings.has_bookings(ANA)


def test_a_hold_still_payable_is_upcoming_and_a_lapsed_one_is_past(clinic):
    payable = add_booking(clinic, ANA, NOW + timedelta(days=2), status="held")
    lapsed = add_booking(clinic, ANA, NOW + timedelta(hours=12), status="held")
    with clinic.app_context():
        # add_booking's holds lapse a day before their start.
        mine = bookings.bookings_of(ANA, NOW)
        assert [a.token for a in mine.upcoming] == [payable]
        assert [a.token for a in mine.past] == [lapsed]


@pytest.mark.parametrize("token", ["", "x" * 65, "no-such-token"])
def test_garbage_tokens_are_unknown(ana, token):
    with ana.app_context():
        assert links.use_link(token, NOW) == "unknown"
        assert links.state_of(links.find(token), NOW) == "unknown"


def test_appointments_for_matches_the_address_in_any_case(clinic):
    add_booking(clinic, "Ana@Example.COM", NOW + timedelta(days=2))
    add_booking(clinic, "bob@example.com", NOW + timedelta(days=2), therapist="lena-marchetti")
    with clinic.app_context():
        found = bookings.appointments_for(" ana@example.com")
        assert [a.client_email for a in found] == ["Ana@Example.COM"]
        assert all(isinstance(a, Appointment) for a in found)


def test_links_past_any_use_are_forgotten_when_new_ones_are_asked_for(ana):
    _, old = issue(ana, ANA)
    with ana.app_context():
        signed_in = links.use_link(old, NOW + timedelta(minutes=1))
        db.session.commit()
        later = NOW + timedelta(days=7, minutes=31)
        # Its session ended a moment ago, whoever still holds the cookie.
        assert not links.session_is_live(ANA, signed_in.link_id, signed_in.until, later)
        links.request_link("someone@example.com", later, TEST_LINKS)
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SignInLink)) == 0


def test_a_link_is_kept_while_its_session_may_last(ana):
    _, token = issue(ana, ANA)
    with ana.app_context():
        signed_in = links.use_link(token, NOW + timedelta(minutes=29))
        db.session.commit()
        within = NOW + timedelta(days=7, minutes=28)
        links.request_link("someone@example.com", within, TEST_LINKS)
        db.session.commit()
        assert links.session_is_live(ANA, signed_in.link_id, signed_in.until, within)


RACERS = 6


def test_one_link_clicked_at_once_from_several_places_signs_in_once(migrated):
    """Six POSTs of the same link at the same moment: exactly one session starts."""
    import threading

    from tests.support.app import make_app, wipe
    from tests.support.booking_helpers import load_fixture_clinic

    app = make_app(migrated, DATABASE_POOL_SIZE=RACERS + 2)
    try:
        load_fixture_clinic(app)
        add_booking(app, ANA, NOW + timedelta(days=2))
        _, token = issue(app, ANA)
        barrier = threading.Barrier(RACERS)
        outcomes: list[object] = []
        errors: list[BaseException] = []

        def click() -> None:
            try:
                with app.app_context():  # its own session and connection
                    barrier.wait(timeout=30)
                    outcome = links.use_link(token, NOW + timedelta(minutes=1))
                    db.session.commit()
                    outcomes.append(outcome)
            except BaseException as exc:  # noqa: BLE001 -- reported below
                errors.append(exc)

        threads = [threading.Thread(target=click) for _ in range(RACERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert errors == []
        assert sum(isinstance(o, links.SignedIn) for o in outcomes) == 1
        assert sorted(o for o in outcomes if isinstance(o, str)) == ["used"] * (RACERS - 1)
    finally:
        wipe(app)
