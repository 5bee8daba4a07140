"""Staff: the reminder rules, quiet hours, and the log of every reminder sent or failed."""

from clinicsite.staff.reminders import routes  # noqa: F401
