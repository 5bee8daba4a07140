"""Public blog pages (being built)."""
