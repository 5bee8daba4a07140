"""Appointment scheduling: when a booking can happen."""
