"""A coupon code on the booking details step: a bad code is a clear error with everything
else kept; a good one shows the discount, lowers the deposit Stripe is asked for, and is
stored on the appointment for its pages and emails. A lapsed hold or an expired checkout
gives the use back; a cancellation keeps it."""

from __future__ import annotations

from datetime import date, timedelta

from clinicsite.models import CouponUse
from tests.coupons.helpers import make_coupon, set_coupon
from tests.support import stripe_fixtures
from tests.support.booking_helpers import (
    CLIENT_DETAILS,
    DISCOVERY,
    NMT,
    TUESDAY,
    appointment,
    count_rows,
    details_form,
    details_url,
    first_free_slot,
    input_value,
    location_slug,
    outbox,
    page_html,
    pay_session,
    session_id_from,
    text_of,
    textarea_value,
    token_from,
    webhook,
)

clock, stub, app, client = stripe_fixtures.FIXTURES

DANA = "dana-okafor"


def details_of(client, app, service=NMT):
    slot = first_free_slot(client, service, TUESDAY, DANA)
    url = details_url(
        service, slot["option_id"], location_slug(app, slot["location"]), DANA, slot["start"]
    )
    return url, details_form(client, url)


def send(client, app, code, service=NMT, **more):
    """Send the details form for Dana's first Tuesday time with `code` typed in."""
    _, fields = details_of(client, app, service)
    data = {**fields, **CLIENT_DETAILS, "coupon": code, **more}
    return client.post("/book/details", data=data)


def refused_with(app, response) -> str:
    assert response.status_code == 422, response.status_code
    html = response.get_data(as_text=True)
    # Everything typed is kept.
    assert input_value(html, "name") == CLIENT_DETAILS["name"]
    assert input_value(html, "email") == CLIENT_DETAILS["email"]
    assert textarea_value(html, "pain") == CLIENT_DETAILS["pain"]
    assert count_rows(app, CouponUse) == 0
    return text_of(html)


def test_an_unknown_code_is_an_error_on_its_field(client, app):
    text = refused_with(app, send(client, app, "nosuchcode"))
    assert "We do not know the code NOSUCHCODE" in text


def test_a_code_not_yet_valid_says_from_when(client, app, clock):
    today = clock.moment.date()
    make_coupon(app, valid_from=today + timedelta(days=3))
    text = refused_with(app, send(client, app, "spring"))
    assert f"can be used from {(today + timedelta(days=3)):%-d %B %Y}" in text


def test_an_expired_code_says_when_it_ended(client, app):
    make_coupon(app, valid_until=date(2026, 11, 30))
    assert "expired on 30 November 2026" in refused_with(app, send(client, app, "SPRING"))


def test_an_inactive_code_is_refused(client, app):
    make_coupon(app, active=False)
    assert "no longer in use" in refused_with(app, send(client, app, "SPRING"))


def test_a_code_for_another_service_is_refused(client, app):
    make_coupon(app, services=[DISCOVERY])
    assert "is for Free Discovery Session only, not Neuromuscular Therapy" in refused_with(
        app, send(client, app, "SPRING")
    )


def test_garbage_in_the_code_box_is_a_form_error_not_a_crash(client, app):
    for typed in ["<script>alert(1)</script>", "x" * 5000, "%00", "' OR 1=1 --"]:
        response = send(client, app, typed)
        assert response.status_code == 422
        assert "<script>alert(1)</script>" not in response.get_data(as_text=True)


def test_apply_shows_the_discount_and_holds_nothing(client, app):
    make_coupon(app, value=2000)
    _, fields = details_of(client, app)
    response = client.post(
        "/book/details", data={**fields, "coupon": " spring ", "apply_coupon": "1"}
    )
    assert response.status_code == 200
    text = text_of(response.get_data(as_text=True))
    assert "Price $140, coupon SPRING −$20: you pay $120" in text
    assert "deposit of $35 now" in text
    assert "pay the $35 deposit" in text
    assert count_rows(app, CouponUse) == 0


def test_booking_with_a_percentage_lowers_the_deposit_stripe_is_asked_for(client, app, stub):
    make_coupon(app, kind="percent", value=80)  # $140 - $112 = $28: the deposit becomes $28
    response = send(client, app, "spring")
    assert response.status_code == 303, text_of(response.get_data(as_text=True))
    session_id = session_id_from(response.headers["Location"])
    assert stub.sessions[session_id]["amount_total"] == 2800
    answer, _ = pay_session(client, stub, session_id)
    assert answer.status_code == 200
    [use] = _uses(app)
    held = _appointment_by_id(app, use["appointment_id"])
    assert (held["price"], held["coupon_code"], held["coupon_discount"], held["deposit"]) == (
        14000,
        "SPRING",
        11200,
        2800,
    )
    assert held["status"] == "confirmed"
    manage = text_of(page_html(client, f"/booking/{held['token']}"))
    assert "Price $140, coupon SPRING −$112: $28" in manage
    [email] = [e for e in outbox(app) if e["subject"].startswith("Booked:")]
    assert "Price:     $140, coupon SPRING −$112" in email["text"]


def test_a_free_result_books_at_once_like_a_free_session(client, app, stub):
    make_coupon(app, code="ONTHEHOUSE", kind="percent", value=100)
    response = send(client, app, "onthehouse")
    assert response.status_code == 303
    token = token_from(response)
    booked = appointment(app, token)
    assert booked["status"] == "confirmed" and booked["deposit"] == 0
    assert booked["payments"] == [] and not stub.sessions


def test_a_code_used_up_is_refused(client, app):
    make_coupon(app, max_uses=1)
    assert send(client, app, "SPRING").status_code == 303
    _, fields = details_of(client, app)
    response = client.post(
        "/book/details",
        data={**fields, **CLIENT_DETAILS, "email": "other@example.com", "coupon": "SPRING"},
    )
    assert response.status_code == 422
    assert "The code SPRING has been used up" in text_of(response.get_data(as_text=True))
    assert count_rows(app, CouponUse) == 1


def test_a_client_cannot_use_a_first_visit_code_twice_even_with_a_plus_tag(client, app):
    make_coupon(app, code="FIRSTVISIT", max_uses_per_client=1)
    assert send(client, app, "firstvisit").status_code == 303
    response = send(client, app, "firstvisit", email="Ana+again@Example.com")
    assert response.status_code == 422
    assert "once per client" in text_of(response.get_data(as_text=True))


def test_a_lapsed_hold_gives_its_use_back(client, app, clock):
    make_coupon(app, max_uses=1)
    assert send(client, app, "SPRING").status_code == 303
    clock.advance(minutes=40)  # the hold (and its checkout) ran out unpaid
    response = send(client, app, "SPRING", email="other@example.com")
    assert response.status_code == 303, text_of(response.get_data(as_text=True))
    assert count_rows(app, CouponUse) == 2


def test_an_expired_checkout_gives_its_use_back(client, app, stub):
    coupon_id = make_coupon(app, max_uses=1)
    response = send(client, app, "SPRING")
    session_id = session_id_from(response.headers["Location"])
    assert (
        webhook(client, "checkout.session.expired", stub.expire_session(session_id)).status_code
        == 200
    )
    set_coupon(app, coupon_id)  # nothing changed: the expired booking no longer counts
    again = send(client, app, "SPRING", email="other@example.com")
    assert again.status_code == 303, text_of(again.get_data(as_text=True))


def _uses(app) -> list[dict]:
    import sqlalchemy as sa

    from clinicsite.extensions import db

    with app.app_context():
        rows = [
            {c.key: getattr(u, c.key) for c in CouponUse.__table__.columns}
            for u in db.session.scalars(sa.select(CouponUse).order_by(CouponUse.id))
        ]
        db.session.remove()
        return rows


def _appointment_by_id(app, appointment_id: int) -> dict:
    from tests.support.booking_helpers import appointments

    return next(a for a in appointments(app) if a["id"] == appointment_id)
