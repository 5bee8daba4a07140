"""Staff: closures, the days and hours when the clinic or one studio takes no bookings."""

from clinicsite.staff.closures import routes  # noqa: F401
