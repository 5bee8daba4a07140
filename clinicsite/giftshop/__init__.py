"""The public gift card pages: buying one online, the order's page, the printable card."""

from flask import Blueprint

bp = Blueprint("giftshop", __name__)


@bp.app_context_processor
def gift_card_links():
    """`gift_cards_on_sale()` for the footer's link (only where the clinic sells them)."""
    from clinicsite.clinic import get_clinic
    from clinicsite.giftcards.orders import on_sale

    return {"gift_cards_on_sale": lambda: on_sale(get_clinic())}


from clinicsite.giftshop import routes  # noqa: E402,F401
