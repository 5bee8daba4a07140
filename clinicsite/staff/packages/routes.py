"""Staff: packages of sessions. The packages on sale (create, edit, take off sale) and the
purchases, with their sessions left and a refund of the unused ones through the payment
provider. Admins only; every change is audited (who, when, what)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, render_template, url_for
from sqlalchemy.orm import selectinload
from wtforms import SelectChoice

from clinicsite import clock
from clinicsite.audit import Actor, record_change
from clinicsite.clinic import get_clinic
from clinicsite.extensions import db
from clinicsite.memberships import plans
from clinicsite.models import Package, PackagePurchase, Service, ServiceOption
from clinicsite.money import minor_unit_exponent, to_decimal_string
from clinicsite.packages import sessions
from clinicsite.payments import get_gateway
from clinicsite.payments.gateway import PaymentError
from clinicsite.staff import bp
from clinicsite.staff.auth import current_actor, fetch, roles_required
from clinicsite.staff.packages.forms import DeactivateForm, PackageForm, RefundForm

RECENT = 200  # purchases listed, newest first


def option_choices() -> list[SelectChoice]:
    rows = db.session.execute(
        sa.select(ServiceOption, Service)
        .join(Service, ServiceOption.service_id == Service.id)
        .where(ServiceOption.active.is_(True), ServiceOption.price > 0)
        .order_by(Service.position, Service.name, ServiceOption.duration_minutes)
    ).all()
    return [SelectChoice(str(o.id), f"{s.name}, {o.duration_minutes} min") for o, s in rows]


def package_form(package: Package | None = None) -> PackageForm:
    currency = get_clinic().currency
    data = None
    if package is not None:
        data = {
            "name": package.name,
            "slug": package.slug,
            "description": package.description,
            "option": str(package.option_id),
            "sessions": package.sessions,
            "price": to_decimal_string(package.price, currency).removesuffix(".00"),
            "validity_days": package.validity_days,
            "sort": package.sort,
            "active": package.active,
        }
    form = PackageForm(data=data)
    form.option.choices = option_choices()
    form.exponent = minor_unit_exponent(currency)
    return form


def audit(package: Package, action: str, actor: Actor, note: str = "") -> None:
    db.session.flush()
    record_change("package", package.id, action, actor, note=note[:500])


def save(form: PackageForm, package: Package) -> bool:
    """Apply the form and commit; False (with the form error set) for a slug in use."""
    taken = db.session.scalar(
        sa.select(Package.id).where(Package.slug == form.slug.data, Package.id != package.id)
        if package.id
        else sa.select(Package.id).where(Package.slug == form.slug.data)
    )
    if taken is not None:
        form.slug.errors = [*form.slug.errors, "Another package has this address."]
        return False
    option = db.session.get(ServiceOption, int(form.option.data))
    package.name, package.slug = form.name.data, form.slug.data
    package.description = form.description.data or ""
    package.option, package.service_id = option, option.service_id
    package.sessions, package.price = form.sessions.data, form.price_minor
    package.currency = get_clinic().currency
    package.validity_days, package.sort = form.validity_days.data, form.sort.data or 0
    package.active = bool(form.active.data)
    db.session.add(package)
    audit(package, "saved", current_actor(), note=f"{package.name}: {package.sessions} sessions")
    db.session.commit()
    return True


def render_form(form: PackageForm, package: Package | None = None):
    page = render_template("staff/packages/form.html", form=form, package=package)
    return page, 422 if form.errors else 200


@bp.get("/packages/")
@roles_required("admin")
def packages():
    # Memberships' carrier packages and months are on /staff/memberships/.
    on_sale = db.session.scalars(
        sa.select(Package)
        .where(Package.id.not_in(plans.carrier_ids()))
        .order_by(Package.sort, Package.name)
    ).all()
    bought = db.session.scalars(
        sa.select(PackagePurchase)
        .where(PackagePurchase.activated_at.is_not(None), PackagePurchase.membership_id.is_(None))
        .options(selectinload(PackagePurchase.package), selectinload(PackagePurchase.client))
        .order_by(PackagePurchase.created_at.desc(), PackagePurchase.id.desc())
        .limit(RECENT)
    ).all()
    return render_template(
        "staff/packages/index.html",
        on_sale=on_sale,
        bought=bought,
        now=clock.now(),
        refund_due=sessions.refund_due,
        refund_form=RefundForm(),
        deactivate_form=DeactivateForm(),
    )


@bp.route("/packages/new", methods=["GET", "POST"])
@roles_required("admin")
def package_new():
    form = package_form()
    if form.validate_on_submit() and save(form, Package()):
        flash(f"Package “{form.name.data}” saved.", "success")
        return redirect(url_for("staff.packages"), code=303)
    return render_form(form)


@bp.route("/packages/<int:package_id>", methods=["GET", "POST"])
@roles_required("admin")
def package_edit(package_id: int):
    package = fetch(Package, package_id)
    form = package_form(package)
    if form.validate_on_submit() and save(form, package):
        flash(f"Package “{package.name}” saved.", "success")
        return redirect(url_for("staff.packages"), code=303)
    return render_form(form, package)


@bp.post("/packages/<int:package_id>/deactivate")
@roles_required("admin")
def package_deactivate(package_id: int):
    package = fetch(Package, package_id)
    if not DeactivateForm().validate():
        flash("The form has expired; please try again.", "error")
    elif package.active:
        package.active = False
        audit(package, "taken off sale", current_actor())
        db.session.commit()
        flash(f"“{package.name}” is no longer on sale; packages bought stay usable.", "success")
    return redirect(url_for("staff.packages"), code=303)


@bp.post("/packages/purchases/<int:purchase_id>/refund")
@roles_required("admin")
def package_refund(purchase_id: int):
    purchase = fetch(PackagePurchase, purchase_id)
    form = RefundForm()
    if not form.validate():
        flash("Please choose how to refund (the form may have expired).", "error")
        return redirect(url_for("staff.packages"), code=303)
    try:
        amount = sessions.refund(
            purchase.id, form.mode.data, get_gateway(), current_actor(), clock.now()
        )
    except sessions.PackageUnavailable as refused:
        db.session.rollback()
        flash(str(refused), "error")
    except PaymentError as exc:
        db.session.rollback()
        flash(f"The payment provider refused or could not be reached: {exc}", "error")
    else:
        db.session.commit()
        money = to_decimal_string(amount, purchase.currency)
        flash(
            f"Package closed; {money} {purchase.currency} refunded."
            if amount
            else "Package closed; no money refunded.",
            "success",
        )
    return redirect(url_for("staff.packages"), code=303)


def packages_of_client(client_id: int) -> list[PackagePurchase]:
    """A client's paid packages, newest first (the client page shows them)."""
    return list(
        db.session.scalars(
            sa.select(PackagePurchase)
            .where(
                PackagePurchase.client_id == client_id,
                PackagePurchase.activated_at.is_not(None),
            )
            .options(selectinload(PackagePurchase.package))
            .order_by(PackagePurchase.created_at.desc(), PackagePurchase.id.desc())
        )
    )


@bp.record_once
def offer_to_templates(state) -> None:
    """The client and appointment pages' package sections read these themselves, so those
    views stay as they are."""
    state.app.jinja_env.globals.update(
        packages_of_client=packages_of_client, packages_now=lambda: clock.now()
    )
