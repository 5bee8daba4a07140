"""Readers' comments (being built)."""
