"""The add-ons asked for in a booking link or form, checked against the service's."""

from __future__ import annotations

from collections.abc import Mapping

from clinicsite.models import AddOn, Service

# More add-on ids than any service offers is a tampered link, not a choice.
MAX_ADD_ONS = 20


def requested_add_on_ids(args: Mapping) -> list[str]:
    """The `addon` values asked for: repeated query parameters (a MultiDict) or a list."""
    if hasattr(args, "getlist"):
        values = args.getlist("addon")
    else:
        raw = args.get("addon") or []
        values = [raw] if isinstance(raw, str) else list(raw)
    return [str(v).strip() for v in values if str(v).strip()]


def match_add_ons(service: Service, wanted: list[str]) -> list[AddOn] | None:
    """The service's active add-ons named by `wanted` (ids as text), in the service's order;
    None when any is unknown, inactive or another service's."""
    if not wanted:
        return []
    if len(wanted) > MAX_ADD_ONS:
        return None
    offered = {str(a.id): a for a in service.active_add_ons}
    if any(w not in offered for w in wanted):
        return None
    return [a for a in service.active_add_ons if str(a.id) in set(wanted)]
