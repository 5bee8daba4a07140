"""Staff: blog (being built)."""
