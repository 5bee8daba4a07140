"""The app reads time zones from the pinned tzdata package, not from the host."""

from __future__ import annotations

import importlib.resources
import zoneinfo
from datetime import UTC, datetime, timedelta

import tzdata

import clinicsite  # noqa: F401  (importing the package pins the database)
from clinicsite import tzdb
from clinicsite.staff.localtime import parse_local


def _package_zone(key: str) -> zoneinfo.ZoneInfo:
    """The zone as the tzdata package alone defines it."""
    package = "tzdata.zoneinfo." + ".".join(key.split("/")[:-1])
    with importlib.resources.files(package).joinpath(key.split("/")[-1]).open("rb") as fh:
        return zoneinfo.ZoneInfo.from_file(fh, key=key)


def test_zoneinfo_searches_no_system_directory():
    assert zoneinfo.TZPATH == ()
    assert tzdb.version() == tzdata.IANA_VERSION


def test_vancouver_2027_uses_the_pinned_offsets():
    # tzdata 2026 keeps British Columbia on UTC-7 all year from November 2026; databases
    # from before (Debian 12 ships 2025b) still say UTC-8 in winter.
    zone = zoneinfo.ZoneInfo("America/Vancouver")
    for month in (1, 4, 7, 12):
        moment = datetime(2027, month, 15, 12, tzinfo=UTC)
        assert moment.astimezone(zone).utcoffset() == timedelta(hours=-7), month
        expected = moment.astimezone(_package_zone("America/Vancouver")).utcoffset()
        assert moment.astimezone(zone).utcoffset() == expected


def test_a_vancouver_booking_is_stored_at_the_pinned_instant():
    stored = parse_local("2027-01-15", "10:00", zoneinfo.ZoneInfo("America/Vancouver"))
    assert stored == datetime(2027, 1, 15, 17, 0, tzinfo=UTC)
