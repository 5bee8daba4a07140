"""Staff: each studio's rooms and equipment (admins), which limit how many visits it holds
at once (scheduling/rooms.py)."""

from clinicsite.staff.rooms import routes  # noqa: F401
