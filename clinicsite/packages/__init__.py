"""Packages of sessions (issue 14): buying one (`buying.py`) and drawing, returning and
refunding its sessions (`sessions.py`). Domain code: no request. The pages are the `shop`
blueprint (/packages/) and staff/packages (/staff/packages/)."""
