"""Gift cards: codes, the ledger (the one place a balance changes), online orders,
redemption for a booking's deposit and at the studio, and the emails they send."""
