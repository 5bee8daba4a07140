"""Staff: the catalogue (services and their options and add-ons, regions, areas, studios,
therapists) and the clinic's settings. Admins only."""

from clinicsite.staff.catalogue import addons, portrait, routes  # noqa: F401
