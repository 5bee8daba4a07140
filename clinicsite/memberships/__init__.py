"""Memberships (issue 14): a monthly plan paid by a Stripe subscription that grants sessions
each month. `plans.py` (what is on sale), `buying.py` (the subscription checkout),
`billing.py` (the provider's webhooks: each paid invoice grants its month once),
`members.py` (what a client and the staff see, cancelling). A month's sessions are a
package-like batch (models/packages.PackagePurchase), drawn and returned by
clinicsite/packages/sessions.py like any package's. Domain code: no request."""
