"""What an appointment's deposit stands at, read from its payment rows, and the words every
page and email uses for it. One place, so no page says "paid" while the rows say pending,
and a refund shows everywhere at once."""

from __future__ import annotations

from dataclasses import dataclass

from clinicsite.models import Appointment
from clinicsite.money import format_money

# What the client has given and what came back, by the rows' status: a pending, expired
# or failed checkout has taken nothing.
TAKEN = ("paid", "refunded")

NONE = "none"  # no deposit asked (a free session, or waived by staff)
DUE = "due"  # asked, not paid yet (held: a checkout or a payment link is open)
UNPAID = "unpaid"  # asked, never paid, and the booking is over (expired or cancelled)
PAID = "paid"
PART_REFUNDED = "part-refunded"
REFUNDED = "refunded"
# Paid with a session of a package the client bought (packages/); drawn online, not at the
# desk (a desk draw is a studio payment). Returned: cancelled in time, the session went back.
PACKAGE = "package"
PACKAGE_RETURNED = "package-returned"


@dataclass(frozen=True)
class Deposit:
    state: str
    asked: int  # the deposit the booking asked for (minor units)
    paid: int  # taken by the payment provider, over every payment row
    refunded: int  # given back, over every payment row
    currency: str
    over: bool = False  # the booking is cancelled, lapsed or missed: what is paid is kept
    by_gift_card: int = 0  # of `paid`, what a gift card paid (refunds go back to the card)
    membership: bool = False  # the session was a membership month's (memberships/)

    @property
    def kept(self) -> int:
        """What the clinic holds now."""
        return self.paid - self.refunded

    def money(self, amount: int) -> str:
        return format_money(amount, self.currency)

    @property
    def summary(self) -> str:
        """A few words for a "Deposit" line: "$35, paid"."""
        asked, paid = self.money(self.asked), self.money(self.paid)
        return {
            NONE: "None",
            DUE: f"{asked}, not paid yet",
            UNPAID: f"{asked}, not paid (nothing was charged)",
            PAID: f"{paid}, paid and kept" if self.over else f"{paid}, paid",
            PART_REFUNDED: f"{paid}, paid; {self.money(self.refunded)} of it refunded",
            REFUNDED: f"{paid}, paid and refunded in full",
            PACKAGE: f"Paid with a {self.kind} session",
            PACKAGE_RETURNED: f"Paid with a {self.kind} session, since returned to the {self.kind}",
        }[self.state] + self._gift_card_words

    @property
    def kind(self) -> str:
        return "membership" if self.membership else "package"

    @property
    def _gift_card_words(self) -> str:
        """ " (by gift card)", " ($20 by gift card)": a card's part (refunds go back to it)."""
        if not self.by_gift_card:
            return ""
        if self.by_gift_card == self.paid:
            return " (by gift card)"
        return f" ({self.money(self.by_gift_card)} by gift card)"

    @property
    def price_note(self) -> str:
        """What follows the price in an email's details: "(deposit of $35 paid, ...)"."""
        return {
            NONE: "(no deposit: all of it at the studio)",
            DUE: f"(deposit of {self.money(self.asked)} not paid yet; the rest at the studio)",
            UNPAID: f"(deposit of {self.money(self.asked)} not paid; nothing was charged)",
            PAID: f"(deposit of {self.money(self.paid)} paid and kept)"
            if self.over
            else f"(deposit of {self.money(self.paid)} paid, the rest at the studio)",
            PART_REFUNDED: f"(deposit of {self.money(self.paid)} paid, "
            f"{self.money(self.refunded)} of it refunded)",
            REFUNDED: f"(deposit of {self.money(self.paid)} refunded in full)",
            PACKAGE: f"(paid with a {self.kind} session)",
            PACKAGE_RETURNED: f"(paid with a {self.kind} session, returned to your {self.kind})",
        }[self.state]


def deposit_of(appointment: Appointment) -> Deposit:
    """The deposit as the payment rows have it (the appointment's payments loaded)."""
    taken = [p for p in appointment.payments if p.status in TAKEN]
    paid = sum(p.amount for p in taken)
    refunded = sum(p.amount_refunded for p in taken)
    if paid:
        state = REFUNDED if refunded >= paid else (PART_REFUNDED if refunded else PAID)
    elif not appointment.deposit:
        state = NONE
    elif appointment.status == "held":
        state = DUE
    else:
        state = UNPAID
    over = appointment.status in ("cancelled", "expired", "no_show")
    by_card = sum(p.amount for p in taken if getattr(p, "provider", None) == "gift_card")
    online = [u for u in getattr(appointment, "package_uses", ()) if u.studio_payment_id is None]
    if online and not paid:  # the session's value stands where a deposit would
        live = sum(u.value for u in online if u.returned_at is None)
        state = PACKAGE if live else PACKAGE_RETURNED
        member = any(u.purchase.membership_id is not None for u in online)
        return Deposit(state, 0, live, 0, appointment.currency, over, membership=member)
    return Deposit(state, appointment.deposit, paid, refunded, appointment.currency, over, by_card)
