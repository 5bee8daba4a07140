"""Staff: catalogue (being built)."""
