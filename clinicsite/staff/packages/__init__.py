"""Staff: the packages of sessions on sale (create, edit, take off sale) and those bought
(sessions left, refunding the unused ones). Admins only."""

from clinicsite.staff.packages import routes  # noqa: F401
