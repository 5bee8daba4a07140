"""Staff: the memberships (who, which plan, this month's sessions, renewal or end, a payment
that failed). Admins only, as for packages."""

from clinicsite.staff.memberships import routes  # noqa: F401
