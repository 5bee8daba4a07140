"""Staff: money taken at the studio (recording a visit's balance and tip, voiding a
mistake) and a day's takings (totals by method, close-out, CSV export)."""

from clinicsite.staff.payments import routes  # noqa: F401
