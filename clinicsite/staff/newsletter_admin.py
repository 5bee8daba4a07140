"""Staff: newsletter (being built)."""
