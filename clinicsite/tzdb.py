"""The time-zone database is the pinned `tzdata` package, never the host's.

`zoneinfo` reads the system's files first and falls back to `tzdata` only when they are
missing. Hosts update their database at different times (Debian 12 ships 2025b, while 2026
releases changed British Columbia to permanent UTC-7), so two workers on two hosts would
turn the same wall-clock time into different instants. Every host of a deployment installs
the same requirements.txt, so the package is the one database they all share.

To update: bump `tzdata==` in requirements.txt (its version is the IANA release, 2026.6 is
2026f) and run the tests; `tests/test_tzdb.py` shows which zones the change touches.
"""

from __future__ import annotations

import zoneinfo

import tzdata


def use_pinned_tzdata() -> None:
    """Make `zoneinfo` read only the `tzdata` package; zones loaded before are forgotten."""
    zoneinfo.reset_tzpath(to=[])
    zoneinfo.ZoneInfo.clear_cache()


def version() -> str:
    """The IANA release of the database in use, such as "2026f"."""
    return tzdata.IANA_VERSION
