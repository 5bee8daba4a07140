"""What happens to an appointment, whoever asks (the public booking pages, staff, a
command): hold, pay for, cancel, move, and record the outcome, with the limits on online
clients, the reminders and the words for a deposit. Nothing here reads a request; each
action takes an actor and plain values, and says in its docstring whether it commits.

One module per action, so `from clinicsite.appointments.holding import hold` says where
to look; the errors they raise are in `errors.py`."""
