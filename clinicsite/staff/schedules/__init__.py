"""Staff: therapists' weekly hours, extra hours and time off."""

from clinicsite.staff.schedules import routes  # noqa: F401
