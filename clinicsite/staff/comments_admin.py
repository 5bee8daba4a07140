"""Staff: comments (being built)."""
