"""The waitlist, whoever asks (the public booking pages, staff, a command): a client joins
for a service, a therapist or any, and a window of days and times (`entries.py`); when a
time frees up, the entries it suits (`matching.py`) are offered it by email, in the order
they joined (`offers.py`); the first to claim it holds it like any booking (`claims.py`).
Nothing here reads a request; each function says whether it commits."""
