"""Staff: appointments, the calendar, phone bookings and the free times they offer."""

from clinicsite.staff.bookings import (  # noqa: F401
    appointments,
    calendar,
    phone,
    series,  # noqa: F401
)
