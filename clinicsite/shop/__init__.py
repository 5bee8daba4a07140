"""Packages of sessions for sale (/packages/) and monthly memberships (/memberships/): the
lists, buying through the payment provider's hosted checkout, and the buyer's receipt page.
The domains are clinicsite/packages and clinicsite/memberships."""

from flask import Blueprint

bp = Blueprint("shop", __name__)

from clinicsite.shop import memberships, routes  # noqa: E402,F401
