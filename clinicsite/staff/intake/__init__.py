"""Staff: the booking form's health questions, the consent text and therapists' training
tags (admins)."""

from clinicsite.staff.intake import routes  # noqa: F401
