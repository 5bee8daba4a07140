"""How much of the calendar one online client may take at once and in a day.

Without limits one anonymous client emptied a therapist's 60 days in four minutes: unpaid
holds retaken as they lapse, and free sessions confirmed at once that never lapse. A client
is known by three keys, each stored on the appointment as a keyed hash (never the address or
the cookie itself):

- its network: the IP address (as ProxyFix reports it), an IPv6 address by its /64, which
  one household or phone holds whole;
- its email, normalised (case, "+tags", dots in Gmail addresses);
- a long-lived random device cookie.

A bot can invent emails and drop cookies, so the network is the key it cannot shed cheaply;
the other two catch a client that moves between networks. Each key on its own must stay
within the clinic's settings (0 switches a limit off):

- `max_holds_per_client` unpaid holds alive at once (default 2: a client who went back from
  the payment page to pick another time still gets it);
- `max_bookings_per_client_day` online bookings made in the last 24 hours, whatever became of
  them (default 6: a real client books once or twice a week; this bounds the loop that
  retakes holds as they lapse);
- `max_free_per_client` free sessions (no deposit) booked in the last 24 hours or still to
  come (default 1: a discovery session is once per client, and it is the one booking that
  mails a stranger's address without anybody paying).

The counts come from the database inside the booking's own transaction, after the therapist's
lock and under a lock per key (an advisory lock on PostgreSQL; SQLite has one writer at a
time), so they hold across workers, hosts and simultaneous requests. Staff bookings carry no
keys and are never limited.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from clinicsite.extensions import db
from clinicsite.models import Appointment, ClinicSettings
from clinicsite.timefmt import clock_with_zone

DEVICE_COOKIE = "clinic_device"
DEVICE_COOKIE_MAX_AGE = 2 * 365 * 24 * 3600
_DEVICE_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
DAY = timedelta(hours=24)

# The columns of Appointment that hold each key, and how staff read them.
KEY_COLUMNS = {
    "address": Appointment.client_address_key,
    "email": Appointment.client_email_key,
    "device": Appointment.client_device_key,
}
KEY_LABELS = {"address": "network address", "email": "email", "device": "device"}
DEFAULTS = {
    "max_holds_per_client": 2,
    "max_bookings_per_client_day": 6,
    "max_free_per_client": 1,
}
# What looks like squatting on the staff dashboard, whatever the limits are set to.
FLAG_HOLDS, FLAG_DAY, FLAG_FREE = 2, 3, 2


class LimitReached(Exception):
    """The client already has as much as one client may; str() is the message for them."""


@dataclass(frozen=True)
class ClientKeys:
    address: str | None = None
    email: str | None = None
    device: str | None = None

    def items(self) -> list[tuple[str, str]]:
        return [(kind, getattr(self, kind)) for kind in KEY_COLUMNS if getattr(self, kind)]


def normalise_email(email: str) -> str:
    """One mailbox, one spelling: case, "+tags", and the dots Gmail ignores."""
    local, _, domain = email.strip().lower().rpartition("@")
    local = local.split("+", 1)[0]
    if domain in ("gmail.com", "googlemail.com"):
        local, domain = local.replace(".", ""), "gmail.com"
    return f"{local}@{domain}"


def network_of(address: str) -> str:
    """An IPv4 address as it is; an IPv6 one by its /64 (what one subscriber gets)."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return address.strip()
    if ip.version == 4:
        return str(ip)
    if ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ipaddress.ip_network(f"{ip}/64", strict=False))


def new_device_id() -> str:
    return secrets.token_urlsafe(24)


def valid_device_id(value: str | None) -> bool:
    return bool(value) and _DEVICE_ID.match(value) is not None


def _keyed(secret: str, kind: str, value: str) -> str:
    return hmac.new(secret.encode(), f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()[:32]


def client_keys(
    secret: str, address: str | None, email: str | None = None, device: str | None = None
) -> ClientKeys:
    """The keyed hashes of what identifies an online client (any part may be missing)."""
    return ClientKeys(
        address=_keyed(secret, "address", network_of(address)) if address else None,
        email=_keyed(secret, "email", normalise_email(email)) if email else None,
        device=_keyed(secret, "device", device) if valid_device_id(device) else None,
    )


def stamp(appointment: Appointment, keys: ClientKeys) -> None:
    appointment.client_address_key = keys.address
    appointment.client_email_key = keys.email
    appointment.client_device_key = keys.device


def setting(clinic: ClinicSettings, name: str) -> int:
    value = getattr(clinic, name, None)
    return DEFAULTS[name] if value is None else value


@dataclass
class Usage:
    """What one key has now: live unpaid holds, bookings in the last 24 hours, free ones."""

    holds: list[Appointment] = field(default_factory=list)
    day: list[Appointment] = field(default_factory=list)
    free: list[Appointment] = field(default_factory=list)
    appointments: list[Appointment] = field(default_factory=list)


def _recent(now: datetime):
    """Online appointments that any limit may count at `now`."""
    return sa.and_(
        Appointment.source == "online",
        sa.or_(
            Appointment.created_at > now - DAY,
            sa.and_(Appointment.status == "held", Appointment.hold_expires_at > now),
            sa.and_(
                Appointment.deposit == 0,
                Appointment.status == "confirmed",
                Appointment.starts_at > now,
            ),
        ),
    )


def _add(usage: Usage, appointment: Appointment, now: datetime) -> None:
    usage.appointments.append(appointment)
    if appointment.status == "held" and appointment.hold_expires_at > now:
        usage.holds.append(appointment)
    recent = appointment.created_at > now - DAY
    if recent:
        usage.day.append(appointment)
    upcoming = appointment.status == "confirmed" and appointment.starts_at > now
    if appointment.deposit == 0 and (recent or upcoming):
        usage.free.append(appointment)


def usage(keys: ClientKeys, now: datetime) -> dict[str, Usage]:
    """Each present key's usage at `now`, from one query."""
    found = {kind: Usage() for kind, _ in keys.items()}
    if not found:
        return found
    matches = [KEY_COLUMNS[kind] == value for kind, value in keys.items()]
    for appointment in db.session.scalars(
        sa.select(Appointment).where(_recent(now), sa.or_(*matches))
    ):
        for kind, value in keys.items():
            if getattr(appointment, KEY_COLUMNS[kind].key) == value:
                _add(found[kind], appointment, now)
    return found


def problem(keys: ClientKeys, free: bool, clinic: ClinicSettings, now: datetime) -> str | None:
    """Why this client may not take one more time now (a message for them), or None."""
    max_holds = setting(clinic, "max_holds_per_client")
    max_day = setting(clinic, "max_bookings_per_client_day")
    max_free = setting(clinic, "max_free_per_client")
    call = f"please call us on {clinic.phone}" if clinic.phone else "please call us"
    for used in usage(keys, now).values():
        if free and max_free and len(used.free) >= max_free:
            return (
                "You already have a free session booked with us, and we offer one at a time "
                "to each client. To change its time, use the link in your confirmation "
                f"email; for anything else, {call}."
            )
        if not free and max_holds and len(used.holds) >= max_holds:
            until = min(a.hold_expires_at for a in used.holds)
            return (
                f"You already have {len(used.holds)} times held while you pay, the most we "
                "keep for one client at once. Please finish paying for one, or cancel one "
                "from its page; an unpaid hold also ends by itself (the first at "
                f"{clock_with_zone(until, clinic.tz)}). Then choose your time again."
            )
        if max_day and len(used.day) >= max_day:
            return (
                f"We take up to {max_day} online bookings a day from one client, and this "
                f"one would be over that. We will gladly book you: {call}."
            )
    return None


def lock(keys: ClientKeys) -> None:
    """Serialise bookings of one client until the transaction ends. PostgreSQL: an advisory
    lock per key, in a fixed order. SQLite: the caller already holds the one write lock."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for value in sorted(value for _, value in keys.items()):
        number = int.from_bytes(bytes.fromhex(value[:16]), "big", signed=True)
        db.session.execute(sa.select(sa.func.pg_advisory_xact_lock(number)))


def enforce(keys: ClientKeys, free: bool, clinic: ClinicSettings, now: datetime) -> None:
    """Raise LimitReached when this client may not book one more time. Call it inside the
    booking's transaction, after the therapist's lock (scheduling.holds.claim's guard)."""
    lock(keys)
    message = problem(keys, free, clinic, now)
    if message is not None:
        raise LimitReached(message)


@dataclass
class Flag:
    """One key that looks like squatting, for the staff dashboard."""

    kind: str
    key: str
    usage: Usage

    @property
    def label(self) -> str:
        return f"{KEY_LABELS[self.kind]} #{self.key[:8]}"


def suspicious(now: datetime) -> list[Flag]:
    """Keys with several live holds, bookings in 24 hours or free sessions: the clients
    worth a look (a real client rarely has more than one of each)."""
    appointments = db.session.scalars(
        sa.select(Appointment)
        .where(_recent(now), sa.or_(*(column.is_not(None) for column in KEY_COLUMNS.values())))
        .order_by(Appointment.created_at)
        .options(selectinload(Appointment.service), selectinload(Appointment.therapist))
    )
    by_key: dict[tuple[str, str], Usage] = defaultdict(Usage)
    for appointment in appointments:
        for kind, column in KEY_COLUMNS.items():
            value = getattr(appointment, column.key)
            if value:
                _add(by_key[kind, value], appointment, now)
    flags = [
        Flag(kind, key, used)
        for (kind, key), used in by_key.items()
        if len(used.holds) >= FLAG_HOLDS or len(used.day) >= FLAG_DAY or len(used.free) >= FLAG_FREE
    ]
    return sorted(flags, key=lambda f: (-len(f.usage.appointments), f.kind, f.key))
