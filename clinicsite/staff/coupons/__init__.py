"""Staff: coupons (codes for an amount or a percentage off a booking). Admins only."""

from clinicsite.staff.coupons import routes  # noqa: F401
