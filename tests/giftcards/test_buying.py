"""The gift card page on the fake gateway (local demos): choosing an amount, the form's
errors for anything else, the test checkout that issues the card like the webhook, the
printable card, and the recipient's email on the chosen day."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from clinicsite.extensions import db
from clinicsite.models import ClinicSettings, GiftCard, GiftCardOrder
from tests.support.booking_helpers import (
    FrozenClock,
    csrf_from,
    outbox,
    page_html,
    post_form,
    text_of,
)
from tests.support.fuzz_inputs import HOSTILE

BUYER = {"buyer_name": "Bea Lund", "buyer_email": "bea@example.com"}


@pytest.fixture
def now(monkeypatch):
    return FrozenClock().install(monkeypatch)


def pay_test_checkout(client, location: str):
    assert location.startswith("/gift-cards/pay/test/")
    return post_form(client, location, action="pay")


def the_card(app) -> GiftCard:
    with app.app_context():
        card = db.session.scalars(sa.select(GiftCard)).one()
        db.session.expunge(card)
        return card


def test_the_page_offers_the_clinics_amounts_and_a_custom_one(clinic, client):
    text = text_of(page_html(client, "/gift-cards/"))
    for words in ("$50", "$100", "$150", "Another amount", "From $25 to $500"):
        assert words in text
    assert 'href="/gift-cards/"' in page_html(client, "/")  # the footer's link


def test_no_amounts_and_no_range_means_no_gift_card_page(clinic, client):
    with clinic.app_context():
        settings = db.session.get(ClinicSettings, 1)
        settings.gift_card_amounts, settings.gift_card_min = "", 0
        db.session.commit()
    assert client.get("/gift-cards/").status_code == 404
    assert 'href="/gift-cards/"' not in page_html(client, "/")


def test_the_test_checkout_issues_the_card_and_the_order_page_links_to_it(clinic, client, now):
    response = post_form(client, "/gift-cards/", choice="custom", custom_amount="75", **BUYER)
    assert response.status_code == 303
    assert the_order_status(clinic) == "pending"
    page = pay_test_checkout(client, response.headers["Location"])
    assert page.status_code == 303
    card = the_card(clinic)
    assert (card.amount_issued, card.balance, card.expires_on) == (7_500, 7_500, None)
    text = text_of(page_html(client, page.headers["Location"]))
    assert "$75 gift card is issued" in text
    card_page = text_of(page_html(client, f"/gift-cards/{card.token}"))
    assert "It does not expire" in card_page
    # Paying the same test checkout again issues nothing more.
    token = csrf_from(page_html(client, "/gift-cards/"))
    client.post(response.headers["Location"], data={"csrf_token": token, "action": "pay"})
    with clinic.app_context():
        assert db.session.scalar(sa.select(sa.func.count(GiftCard.id))) == 1


def the_order_status(app) -> str:
    with app.app_context():
        return db.session.scalars(sa.select(GiftCardOrder.status)).one()


def test_a_card_for_later_reaches_its_recipient_on_that_day_once(clinic, client, runner, now):
    later = (now.moment + timedelta(days=3)).date()
    response = post_form(
        client,
        "/gift-cards/",
        choice="5000",
        recipient_name="Cy",
        recipient_email="cy@example.com",
        message="Happy birthday <3",
        send_on=later.isoformat(),
        **BUYER,
    )
    pay_test_checkout(client, response.headers["Location"])
    to_cy = lambda: [e for e in outbox(clinic) if e["to"] == "cy@example.com"]  # noqa: E731
    assert [e["to"] for e in outbox(clinic)] == ["bea@example.com"]
    assert "queued 0" in runner.invoke(args=["giftcards", "send-due"]).output
    now.advance(days=3)
    assert "queued 1" in runner.invoke(args=["giftcards", "send-due"]).output
    assert "queued 0" in runner.invoke(args=["giftcards", "send-due"]).output
    (mail,) = to_cy()
    assert "from Bea Lund" in mail["subject"] and "Happy birthday <3" in mail["text"]
    assert the_card(clinic).sent_at is not None


def test_a_recipient_without_a_date_gets_the_card_at_once(clinic, client, now):
    response = post_form(
        client, "/gift-cards/", choice="5000", recipient_email="cy@example.com", **BUYER
    )
    pay_test_checkout(client, response.headers["Location"])
    assert sorted(e["to"] for e in outbox(clinic)) == ["bea@example.com", "cy@example.com"]


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"choice": "custom", "custom_amount": "5"}, "from $25 to $500"),
        ({"choice": "custom", "custom_amount": "100000"}, "from $25 to $500"),
        ({"choice": "custom", "custom_amount": "-50"}, "can't be negative"),
        ({"choice": "custom", "custom_amount": "ten"}, "like 75"),
        ({"choice": "custom", "custom_amount": ""}, "like 75"),
        ({"choice": "1"}, "Not a valid choice"),
        ({"choice": "5000", "buyer_email": "nope"}, "does not look right"),
        ({"choice": "5000", "buyer_name": ""}, "tell us your name"),
        ({"choice": "5000", "send_on": "2001-01-01"}, "today or a later date"),
        ({"choice": "5000", "send_on": "2099-01-01"}, "within a year"),
        ({"choice": "5000", "send_on": "31/31/31"}, "Not a valid date"),
    ],
)
def test_a_bad_answer_is_a_form_error_with_everything_kept(clinic, client, now, fields, says):
    data = BUYER | {"recipient_name": "Cy Keep"} | fields
    response = post_form(client, "/gift-cards/", **data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert says in text_of(html)
    assert 'value="Cy Keep"' in html
    with clinic.app_context():
        assert db.session.scalar(sa.select(sa.func.count(GiftCardOrder.id))) == 0


@pytest.mark.parametrize("value", HOSTILE[:12])
def test_garbage_in_any_field_is_never_a_server_error(clinic, client, value):
    token = csrf_from(page_html(client, "/gift-cards/"))
    for name in ("choice", "custom_amount", "buyer_name", "buyer_email", "message", "send_on"):
        data = {"csrf_token": token, "choice": "custom", **BUYER, name: value}
        assert client.post("/gift-cards/", data=data).status_code in (303, 400, 422)


def test_no_csrf_token_no_order(clinic, client):
    response = client.post("/gift-cards/", data={"choice": "5000", **BUYER})
    assert response.status_code in (400, 422)


@pytest.mark.parametrize(
    "url",
    [
        "/gift-cards/order/nope",
        "/gift-cards/nope",
        "/gift-cards/pay/test/nope",
        "/gift-cards/" + "x" * 500,
    ],
)
def test_unknown_tokens_are_not_found(clinic, client, url):
    assert client.get(url).status_code == 404
