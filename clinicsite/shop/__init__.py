"""Packages of sessions for sale (/packages/): the list, buying one through the payment
provider's hosted checkout, and the buyer's receipt page. The domain is clinicsite/packages."""

from flask import Blueprint

bp = Blueprint("shop", __name__)

from clinicsite.shop import memberships, routes  # noqa: E402,F401
