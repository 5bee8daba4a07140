"""Client records: who booked, matched across bookings (normalise, matching), what staff see
of them (records), and what may be done to them (merging, data_requests)."""
