"""Staff: the waitlist (who is waiting, the offers sent) and withdrawing an entry."""

from clinicsite.staff.waitlist import routes  # noqa: F401
