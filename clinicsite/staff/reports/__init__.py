"""Staff: reports of a period for admins (bookings, money, rates, therapists' hours, new
and returning clients), as a chart, tables and a CSV download."""

from clinicsite.staff.reports import routes  # noqa: F401
