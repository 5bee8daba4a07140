"""Staff: therapists' weekly hours, extra hours, time off and their own calendars."""

from clinicsite.staff.schedules import calendar_routes, routes  # noqa: F401
