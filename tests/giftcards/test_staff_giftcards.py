"""The staff gift card pages: admins only; find by code or email; issue, adjust and void,
each in the ledger and the audit log with who; bad input is a form error."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from clinicsite.extensions import db
from clinicsite.giftcards import codes
from clinicsite.models import AuditEvent, GiftCard
from tests.giftcards.helpers import make_card
from tests.support.booking_helpers import csrf_from, page_html, text_of


def card_state(app, card_id: int):
    with app.app_context():
        card = db.session.get(GiftCard, card_id)
        return card.balance, card.status, [(e.kind, e.amount) for e in card.entries]


def audit_actions(app) -> list[tuple[str, str]]:
    with app.app_context():
        rows = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.subject_type == "gift_card")
        )
        return [(e.action, e.actor_label) for e in rows]


@pytest.mark.parametrize("role", ["therapist", "editor"])
def test_only_admins_see_gift_cards(clinic, client, login_as, role):
    login_as(role)
    assert client.get("/staff/gift-cards/").status_code == 403


def test_not_signed_in_is_sent_to_log_in(clinic, client):
    assert client.get("/staff/gift-cards/").status_code in (302, 303)


def test_an_admin_finds_a_card_by_code_or_email(clinic, client, login_as):
    with clinic.app_context():
        card_id, code = make_card(5_000, buyer_email="bea@example.com")
    login_as("admin")
    typed = codes.display(code).lower()
    assert codes.display(code) in text_of(page_html(client, "/staff/gift-cards/", q=typed))
    assert codes.display(code) in text_of(
        page_html(client, "/staff/gift-cards/", q="BEA@example.com")
    )
    assert "No gift card matches" in text_of(page_html(client, "/staff/gift-cards/", q="x@y.z"))


def test_issue_adjust_and_void_are_in_the_ledger_and_the_audit(clinic, client, login_as):
    login_as("admin")
    token = csrf_from(page_html(client, "/staff/gift-cards/"))
    issued = client.post(
        "/staff/gift-cards/",
        data={"csrf_token": token, "amount": "40", "note": "comp for the long wait"},
    )
    assert issued.status_code == 303
    card_url = issued.headers["Location"]
    card_id = int(card_url.rstrip("/").rsplit("/", 1)[1])
    client.post(
        f"{card_url}/adjust", data={"csrf_token": token, "amount": "-15.50", "note": "typo"}
    )
    assert card_state(clinic, card_id)[0] == 2_450
    too_much = client.post(
        f"{card_url}/adjust", data={"csrf_token": token, "amount": "-100", "note": "no"}
    )
    assert too_much.status_code == 422 and "holds only $24.50" in text_of(
        too_much.get_data(as_text=True)
    )
    client.post(f"{card_url}/void", data={"csrf_token": token, "note": "sold in error"})
    balance, status, entries = card_state(clinic, card_id)
    assert (balance, status) == (0, "void")
    assert entries == [("issue", 4_000), ("adjust", -1_550), ("void", -2_450)]
    actions = [action for action, _ in audit_actions(clinic)]
    assert actions == ["gift card issued", "gift card adjusted", "gift card voided"]
    page = text_of(page_html(client, card_url))
    assert "sold in error" in page and "Void" in page


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ({"amount": "", "note": "x"}, "like 50"),
        ({"amount": "-40", "note": "x"}, "can't be negative"),
        ({"amount": "abc", "note": "x"}, "like 50"),
        ({"amount": "0", "note": "x"}, "other than 0"),
        ({"amount": "40", "note": ""}, "say why"),
        ({"amount": "40", "note": "x", "recipient_email": "nope"}, "does not look right"),
    ],
)
def test_a_bad_issue_is_a_form_error(clinic, client, login_as, data, says):
    login_as("admin")
    token = csrf_from(page_html(client, "/staff/gift-cards/"))
    response = client.post("/staff/gift-cards/", data={"csrf_token": token, **data})
    assert response.status_code == 422
    assert says in text_of(response.get_data(as_text=True))


@pytest.mark.parametrize(
    "url", ["/staff/gift-cards/999", "/staff/gift-cards/abc", "/staff/gift-cards/-1"]
)
def test_unknown_cards_are_not_found(clinic, client, login_as, url):
    login_as("admin")
    assert client.get(url).status_code == 404


def test_the_clinics_expiry_setting_dates_new_cards_and_the_page_says_so(clinic, client, login_as):
    from clinicsite.models import ClinicSettings

    with clinic.app_context():
        db.session.get(ClinicSettings, 1).gift_card_expiry_months = 12
        db.session.commit()
    login_as("admin")
    token = csrf_from(page_html(client, "/staff/gift-cards/"))
    issued = client.post(
        "/staff/gift-cards/", data={"csrf_token": token, "amount": "40", "note": "comp"}
    )
    with clinic.app_context():
        card = db.session.scalars(sa.select(GiftCard)).one()
        assert card.expires_on is not None
        assert (card.expires_on - card.created_at.date()).days in range(360, 370)
    assert "until" in text_of(page_html(client, issued.headers["Location"]))
