"""Staff: accounts. Admins invite people, change their roles and disable accounts; anyone
with an account sets a forgotten password again by email."""

from clinicsite.staff.accounts import routes  # noqa: F401
