"""The page number of a paginated staff list."""

from __future__ import annotations

from flask import request

# Far past any real list; a larger number would only overflow the SQL OFFSET (a bigint on
# PostgreSQL) and turn a typo into a 500.
MAX_PAGE = 10_000


def requested_page(max_page: int = MAX_PAGE) -> int:
    """`?page=` as a number from 1 to `max_page`; anything unreadable is page 1."""
    number = request.args.get("page", 1, type=int)
    return min(max(number, 1), max_page)
