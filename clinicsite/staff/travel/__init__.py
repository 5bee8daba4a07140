"""Staff: the travel-time matrix (admins): minutes between the areas that take home visits
and the studios, which availability leaves between a therapist's visits
(scheduling/travel.py)."""

from clinicsite.staff.travel import routes  # noqa: F401
