"""Coupons: codes for an amount or a percentage off a booking (domain code, no Flask).

`rules` prices a code against a booking and says why one cannot be used; `uses` takes a
use under the coupon's row lock (the last use goes to exactly one of two racing clients)
and releases the uses of lapsed holds; `admin` is what staff do to coupons, audited."""
