"""Gift cards for admins: find a card by its code or an email, read its ledger, issue one
(a comp, a card sold at the desk), adjust it with a reason, or void it. Every change goes
through giftcards/ledger.py and is audited with who and when."""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for

from clinicsite import audit, clock
from clinicsite.clinic import get_clinic
from clinicsite.extensions import db
from clinicsite.giftcards import codes, emails, ledger
from clinicsite.models import GiftCard
from clinicsite.money import format_money, minor_unit_exponent
from clinicsite.staff import bp
from clinicsite.staff.auth import current_actor, get_or_404, roles_required
from clinicsite.staff.giftcards.forms import AdjustForm, IssueForm, LookupForm, VoidForm

RECENT = 25


def find_cards(query: str) -> list[GiftCard]:
    """The card a code names, else the cards bought by or for an email; else the newest."""
    card = ledger.find(query) if query else None
    if card is not None:
        return [card]
    select = sa.select(GiftCard).order_by(GiftCard.id.desc()).limit(RECENT)
    if query:
        email = query.lower()
        select = select.where(
            sa.or_(
                sa.func.lower(GiftCard.buyer_email) == email,
                sa.func.lower(GiftCard.recipient_email) == email,
            )
        )
    return list(db.session.scalars(select))


@bp.route("/gift-cards/", methods=["GET", "POST"])
@roles_required("admin")
def gift_cards():
    clinic = get_clinic()
    lookup = LookupForm(request.args)
    query = lookup.q.data or "" if lookup.validate() else ""
    form = IssueForm().set_exponent(minor_unit_exponent(clinic.currency))
    if request.method == "POST" and form.validate():
        now, actor = clock.now(), current_actor()
        card = ledger.issue(
            form.amount.minor,
            clinic.currency,
            actor,
            now,
            now.astimezone(clinic.tz).date(),
            clinic.gift_card_expiry_months,
            note=form.note.data,
            recipient_name=form.recipient_name.data or "",
            recipient_email=form.recipient_email.data or "",
        )
        emails.send_to_recipient_if_due(card, clinic, now)
        audit.record_change("gift_card", card.id, "gift card issued", actor, note=form.note.data)
        db.session.commit()
        flash(
            f"Issued {format_money(card.amount_issued, card.currency)}: "
            f"{codes.display(card.code)}.",
            "success",
        )
        return redirect(url_for("staff.gift_card", card_id=card.id), code=303)
    cards = find_cards(query)
    status = 422 if form.errors else 200
    return render_template(
        "staff/giftcards/index.html",
        cards=cards,
        query=query,
        form=form,
        lookup=lookup,
        display=codes.display,
    ), status


def _card_page(card: GiftCard, adjust=None, void=None, status: int = 200):
    clinic = get_clinic()
    today = clock.now().astimezone(clinic.tz).date()
    return render_template(
        "staff/giftcards/card.html",
        card=card,
        code=codes.display(card.code),
        entries=ledger.entries(card),
        expired=ledger.is_expired(card, today),
        adjust=adjust or AdjustForm(),
        void=void or VoidForm(),
    ), status


@bp.get("/gift-cards/<card_id>")
@roles_required("admin")
def gift_card(card_id):
    return _card_page(get_or_404(GiftCard, card_id))


@bp.post("/gift-cards/<card_id>/adjust")
@roles_required("admin")
def gift_card_adjust(card_id):
    card = get_or_404(GiftCard, card_id)
    form = AdjustForm()
    form.amount.exponent = minor_unit_exponent(card.currency)
    if not form.validate():
        return _card_page(card, adjust=form, status=422)
    try:
        entry = ledger.adjust(card, form.amount.minor, current_actor(), clock.now(), form.note.data)
    except ledger.CardRefused as refused:
        db.session.rollback()
        form.amount.errors = [str(refused)]
        return _card_page(db.session.get(GiftCard, card.id), adjust=form, status=422)
    money = format_money(entry.amount, card.currency)
    audit.record_change(
        "gift_card",
        card.id,
        "gift card adjusted",
        current_actor(),
        note=f"{money}: {form.note.data}",
    )
    db.session.commit()
    flash(
        f"Adjusted by {money}; it now holds {format_money(card.balance, card.currency)}.", "success"
    )
    return redirect(url_for("staff.gift_card", card_id=card.id), code=303)


@bp.post("/gift-cards/<card_id>/void")
@roles_required("admin")
def gift_card_void(card_id):
    card = get_or_404(GiftCard, card_id)
    form = VoidForm()
    if not form.validate():
        return _card_page(card, void=form, status=422)
    try:
        ledger.void(card, current_actor(), clock.now(), form.note.data)
    except ledger.CardRefused as refused:
        db.session.rollback()
        flash(str(refused), "error")
        return redirect(url_for("staff.gift_card", card_id=card.id), code=303)
    audit.record_change(
        "gift_card", card.id, "gift card voided", current_actor(), note=form.note.data
    )
    db.session.commit()
    flash("The card is void; it stays on record.", "success")
    return redirect(url_for("staff.gift_card", card_id=card.id), code=303)
