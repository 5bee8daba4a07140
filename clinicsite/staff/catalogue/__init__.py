"""Staff: the catalogue (services and their options, regions, areas, studios, therapists)
and the clinic's settings. Admins only."""

from clinicsite.staff.catalogue import routes  # noqa: F401
