"""Newsletter sign-up, confirmation and unsubscribe (being built)."""
