"""The outbox: emails are rows, written with the change that causes them, sent later.

`enqueue` adds a row to the caller's session and never commits: the email exists exactly
when the booking (or whatever caused it) does. `deliver_due` (run by `flask outbox send`
from cron every minute) sends what is due, one email at a time:

1. claim it with a conditional UPDATE (attempts += 1, next_attempt_at = now + LEASE) that
   matches only while the row still has the attempt count this run read, and commit: of
   two runs racing for the same row exactly one updates it;
2. send it;
3. mark it sent, or record the error and schedule a retry with backoff (or give up after
   MAX_ATTEMPTS, or at once when the server rejects the message permanently), and commit.

A run that dies between 1 and 3 leaves the row pending; it is tried again once the lease
runs out. Delivery is therefore at least once: an email is sent twice only when a process
dies after the server took it and before the row was marked, and then it carries the same
Message-ID both times, so mail programs can tell.

Queueing (`queue.py`), the headers an email may carry (`headers.py`), building the MIME
message (`message.py`), the transports (`transports.py`) and delivery (`delivery.py`) each
have a module; nothing here reads Flask: delivery takes the mail settings as a mapping.
"""

from clinicsite.mail.outbox.delivery import (
    BACKOFF,
    LEASE,
    MAX_ATTEMPTS,
    DeliveryReport,
    _claim,
    backoff,
    deliver_due,
)
from clinicsite.mail.outbox.headers import EXTRA_HEADERS, ONE_CLICK, reply_to
from clinicsite.mail.outbox.message import build_message
from clinicsite.mail.outbox.queue import enqueue
from clinicsite.mail.outbox.transports import MailConfigError

__all__ = [
    "BACKOFF",
    "EXTRA_HEADERS",
    "LEASE",
    "MAX_ATTEMPTS",
    "ONE_CLICK",
    "DeliveryReport",
    "MailConfigError",
    "_claim",
    "backoff",
    "build_message",
    "deliver_due",
    "enqueue",
    "reply_to",
]
