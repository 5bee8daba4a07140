"""Staff: client records. The list and search, a client's page, editing their details,
merging duplicates, and their data requests (export, anonymise)."""

from clinicsite.staff.clients import routes  # noqa: F401
