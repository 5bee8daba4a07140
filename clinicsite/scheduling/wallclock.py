"""Wall-clock readings against a time zone's offsets: which UTC instants read as a given
local time. Pure standard library, used by availability.py for working hours."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

# No zone's offset reaches 16 hours either way (the extremes are Manila's 19th-century
# -15:56 and +15:04), so the instants with a given wall-clock reading lie within this.
MAX_OFFSET = timedelta(hours=16)
# Offsets are sampled this far apart and the changes between samples found by bisection.
# Two changes that undo each other within one sample gap would be missed; tzdata has none.
_SAMPLE = timedelta(hours=3)


def _offset_at(moment: datetime, tz: ZoneInfo) -> timedelta:
    offset = moment.astimezone(tz).utcoffset()
    assert offset is not None
    return offset


# Pure and deterministic (the zone data is pinned), and asked the same for every therapist
# of one request: cached.
@lru_cache(maxsize=4096)
def offset_pieces(
    lo: datetime, hi: datetime, tz: ZoneInfo
) -> tuple[tuple[datetime, datetime, timedelta], ...]:
    """[lo, hi) cut into UTC pieces of one constant offset each: (start, end, offset)."""
    pieces: list[tuple[datetime, datetime, timedelta]] = []
    start, offset = lo, _offset_at(lo, tz)
    sample = lo
    while sample < hi:
        following = min(sample + _SAMPLE, hi)
        while _offset_at(following, tz) != offset:
            # Bisect to the second for the first instant after `sample` with another offset.
            before, after = sample, following
            while after - before > timedelta(seconds=1):
                middle = before + timedelta(seconds=(after - before) // timedelta(seconds=2))
                if _offset_at(middle, tz) == offset:
                    before = middle
                else:
                    after = middle
            pieces.append((start, after, offset))
            start, offset, sample = after, _offset_at(after, tz), after
        sample = following
    pieces.append((start, hi, offset))
    return tuple(pieces)  # immutable: the cache hands the same one out again


def wall_pieces(
    first: datetime, last: datetime, offsets: Sequence[tuple[datetime, datetime, timedelta]]
) -> list[tuple[datetime, datetime, timedelta]]:
    """The UTC pieces whose wall-clock reading lies in [first, last) (naive local times)."""
    found = []
    for start, end, offset in offsets:
        lo = max(start, (first - offset).replace(tzinfo=UTC))
        hi = min(end, (last - offset).replace(tzinfo=UTC))
        if lo < hi:
            found.append((lo, hi, offset))
    return found


def instants(local: datetime, tz: ZoneInfo) -> list[datetime]:
    """The UTC instants (in order) whose reading in `tz` is the naive `local`: none when
    the clocks skip it, two when they go back and it repeats."""
    around = local.replace(tzinfo=UTC)
    pieces = offset_pieces(around - MAX_OFFSET, around + MAX_OFFSET, tz)
    return [
        (local - offset).replace(tzinfo=UTC)
        for _start, _end, offset in wall_pieces(local, local + timedelta(seconds=1), pieces)
    ]
