"""Staff: gift cards (look one up by code or email, its ledger; issue, adjust, void)."""

from clinicsite.staff.giftcards import routes  # noqa: F401
