"""Staff: schedules (being built)."""
