"""Any sequence of issues, redemptions, refunds, adjustments and voids leaves every card's
balance non-negative and equal to the sum of its entries; what is refused changes nothing."""

from __future__ import annotations

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clinicsite.audit import SYSTEM
from clinicsite.extensions import db
from clinicsite.giftcards import ledger
from clinicsite.giftcards.ledger import CardRefused
from clinicsite.models import GiftCard, GiftCardEntry
from tests.giftcards.helpers import DESK, NOW, TODAY

CARD = st.integers(0, 2)
OPERATION = st.one_of(
    st.tuples(st.just("issue"), st.integers(1, 20_000)),
    st.tuples(st.just("redeem"), CARD, st.integers(1, 25_000), st.booleans()),
    st.tuples(st.just("refund"), CARD, st.integers(1, 5_000)),
    st.tuples(st.just("adjust"), CARD, st.integers(-10_000, 10_000)),
    st.tuples(st.just("void"), CARD),
)


def apply(op, cards: list[GiftCard]) -> None:
    if op[0] == "issue":
        cards.append(ledger.issue(op[1], "USD", SYSTEM, NOW, TODAY))
        return
    if not cards:
        return
    card = cards[op[1] % len(cards)]
    if op[0] == "redeem":
        ledger.redeem(card, op[2], DESK, NOW, TODAY, up_to=op[3])
    elif op[0] == "refund":
        ledger.refund(card, op[2], DESK, NOW)
    elif op[0] == "adjust":
        ledger.adjust(card, op[2], DESK, NOW, note="property") if op[2] else None
    else:
        ledger.void(card, DESK, NOW, note="property")


def test_any_sequence_keeps_every_balance_sound(app):
    @settings(
        max_examples=60,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(st.lists(OPERATION, max_size=12))
    def run(operations):
        with app.app_context():
            db.session.execute(sa.delete(GiftCardEntry))
            db.session.execute(sa.delete(GiftCard))
            db.session.commit()
            cards: list[GiftCard] = []
            for op in operations:
                before = {c.id: c.balance for c in cards}
                try:
                    apply(op, cards)
                    db.session.commit()
                except CardRefused:
                    db.session.rollback()
                    cards = [db.session.get(GiftCard, c.id) for c in cards]
                    assert {c.id: c.balance for c in cards} == before
            for card in db.session.scalars(sa.select(GiftCard)):
                entries = ledger.entries(card)
                assert card.balance >= 0
                assert card.balance == sum(e.amount for e in entries)
                assert all(e.balance_after >= 0 for e in entries)
                assert (
                    card.status != "void"
                    or card.balance == 0
                    or any(e.kind == "refund" for e in entries)
                )

    run()
