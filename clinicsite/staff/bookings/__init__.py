"""Staff: appointments, the calendar, phone bookings and the free times they offer."""

from clinicsite.staff.bookings import appointments, calendar, phone  # noqa: F401
