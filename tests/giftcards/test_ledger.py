"""The ledger: the one place a card's balance changes, never below zero, every change an
entry, and the balance the sum of its entries."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from clinicsite.extensions import db
from clinicsite.giftcards import codes, ledger
from clinicsite.giftcards.ledger import CardRefused
from clinicsite.models import GiftCard
from tests.giftcards.helpers import DESK, NOW, TODAY, make_card


def sum_of_entries(card: GiftCard) -> int:
    return sum(e.amount for e in ledger.entries(card))


def test_a_new_card_holds_its_amount_and_says_so_in_its_ledger(app):
    with app.app_context():
        card_id, code = make_card(5_000)
        card = db.session.get(GiftCard, card_id)
        assert card.balance == card.amount_issued == 5_000
        assert [(e.kind, e.amount) for e in ledger.entries(card)] == [("issue", 5_000)]
        assert codes.normalise(code) == code and len(code) == 16


def test_a_code_is_found_however_it_is_typed(app):
    with app.app_context():
        card_id, code = make_card()
        typed = " " + codes.display(code).lower().replace("-", " - ") + " "
        assert ledger.find(typed).id == card_id
        assert ledger.find("not a code") is None
        assert ledger.find("") is None
        assert ledger.find("A" * 10_000) is None


def test_partial_use_leaves_the_rest_and_too_much_is_refused(app):
    with app.app_context():
        card_id, _ = make_card(5_000)
        card = db.session.get(GiftCard, card_id)
        ledger.redeem(card, 3_000, DESK, NOW, TODAY)
        assert card.balance == 2_000
        with pytest.raises(CardRefused, match=r"holds only \$20"):
            ledger.redeem(card, 2_001, DESK, NOW, TODAY)
        entry = ledger.redeem(card, 9_999, DESK, NOW, TODAY, up_to=True)
        assert entry.amount == -2_000 and card.balance == 0
        with pytest.raises(CardRefused, match="nothing left"):
            ledger.redeem(card, 1, DESK, NOW, TODAY)
        assert sum_of_entries(card) == card.balance == 0


def test_a_refund_puts_the_money_back_on_the_card(app):
    with app.app_context():
        card_id, _ = make_card(5_000)
        card = db.session.get(GiftCard, card_id)
        ledger.redeem(card, 5_000, DESK, NOW, TODAY)
        ledger.refund(card, 1_500, DESK, NOW, note="cancelled in time")
        assert card.balance == 1_500 == sum_of_entries(card)


def test_an_adjustment_needs_a_reason_and_cannot_go_below_zero(app):
    with app.app_context():
        card_id, _ = make_card(1_000)
        card = db.session.get(GiftCard, card_id)
        with pytest.raises(ValueError):
            ledger.adjust(card, 500, DESK, NOW, note="  ")
        with pytest.raises(CardRefused):
            ledger.adjust(card, -1_001, DESK, NOW, note="typo")
        ledger.adjust(card, -400, DESK, NOW, note="typo at issue")
        assert card.balance == 600 == sum_of_entries(card)


def test_a_void_card_holds_nothing_and_cannot_be_used(app):
    with app.app_context():
        card_id, _ = make_card(1_000)
        card = db.session.get(GiftCard, card_id)
        ledger.void(card, DESK, NOW, note="sold by mistake")
        assert (card.status, card.balance) == ("void", 0)
        with pytest.raises(CardRefused, match="no longer valid"):
            ledger.redeem(card, 1, DESK, NOW, TODAY)
        with pytest.raises(CardRefused):
            ledger.void(card, DESK, NOW, note="again")


def test_an_expired_card_cannot_be_used_and_says_when_it_expired(app):
    with app.app_context():
        card_id, _ = make_card(1_000, expiry_months=12, today=date(2025, 2, 28))
        card = db.session.get(GiftCard, card_id)
        assert card.expires_on == date(2026, 2, 28)
        ledger.redeem(card, 100, DESK, NOW, date(2026, 2, 28))  # its last day still counts
        with pytest.raises(CardRefused, match="expired on 28 February 2026"):
            ledger.redeem(card, 100, DESK, NOW, date(2026, 3, 1))
        entry = ledger.expire(card, DESK, NOW, date(2026, 3, 1))
        assert entry.amount == -900 and card.balance == 0
        assert ledger.expire(card, DESK, NOW, date(2026, 3, 1)) is None


def test_a_card_without_expiry_never_expires(app):
    with app.app_context():
        card_id, _ = make_card(1_000)
        card = db.session.get(GiftCard, card_id)
        assert card.expires_on is None
        ledger.redeem(card, 100, DESK, NOW, TODAY + timedelta(days=365 * 30))


def test_the_database_refuses_a_negative_balance_even_past_the_ledger(app):
    import sqlalchemy as sa

    with app.app_context():
        card_id, _ = make_card(1_000)
        with pytest.raises(sa.exc.IntegrityError):
            db.session.execute(sa.update(GiftCard).where(GiftCard.id == card_id).values(balance=-1))
            db.session.flush()
        db.session.rollback()


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [(date(2026, 1, 31), 1, date(2026, 2, 28)), (date(2026, 11, 15), 3, date(2027, 2, 15))],
)
def test_months_are_added_by_the_calendar(day, months, expected):
    assert ledger.add_months(day, months) == expected
