"""Staff: cards on file and the policy's fees (issue 14): charging a no-show or
late-cancellation fee to the saved card from the appointment page, refunding it, and
emailing a phone-booked client the link that saves a card."""

from clinicsite.staff.cardfees import routes  # noqa: F401
