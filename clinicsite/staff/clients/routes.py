"""Client records in the staff area. Admins and therapists look clients up and keep their
details; merging duplicates and a client's data requests (export, anonymise) are for
admins only."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Response, abort, flash, redirect, render_template, request, url_for

from clinicsite import clock
from clinicsite.clients import data_requests, merging
from clinicsite.clients.details import ClientError, ContactDetails, ContactTaken, update_details
from clinicsite.clients.records import client_record, search, visit_counts
from clinicsite.clinic import phone_region
from clinicsite.extensions import db
from clinicsite.models import Client
from clinicsite.pagination import requested_page
from clinicsite.phones import BadPhone, display_phone, phone_search_digits
from clinicsite.staff import bp
from clinicsite.staff.auth import current_actor, get_or_404, roles_required, row_id
from clinicsite.staff.clients.forms import (
    MAX_SEARCH,
    AnonymiseForm,
    ClientDetailsForm,
    MergeForm,
)

PER_PAGE = 25


@bp.get("/clients/")
@roles_required("admin", "therapist")
def clients():
    query = (request.args.get("q") or "")[:MAX_SEARCH].strip()
    page = db.paginate(
        search(query, phone_search_digits(query)),
        page=requested_page(),
        per_page=PER_PAGE,
        error_out=False,
    )
    return render_template(
        "staff/clients/list.html",
        page=page,
        q=query,
        visits=visit_counts(page.items),
        phone=_phone,
    )


def _phone(e164: str | None) -> str:
    return display_phone(e164, phone_region())


@bp.get("/clients/<client_id>")
@roles_required("admin", "therapist")
def client(client_id):
    person = get_or_404(Client, client_id)
    return _client_page(person)


def _client_page(person: Client, status: int = 200, **forms):
    if "details" not in forms:
        forms["details"] = ClientDetailsForm(
            formdata=None,
            data={
                "name": person.name,
                "email": person.email or "",
                "phone": _phone(person.phone),
                "notes": person.notes,
            },
        )
    forms.setdefault("merge", MergeForm(formdata=None))
    forms.setdefault("anonymise", AnonymiseForm(formdata=None))
    return render_template(
        "staff/clients/client.html",
        record=client_record(person, clock.now()),
        duplicates=_likely_duplicates(person),
        phone=_phone,
        **forms,
    ), status


def _likely_duplicates(person: Client) -> list[Client]:
    """Other clients with the same name: the merge form offers them."""
    if person.anonymised_at is not None:
        return []
    return list(
        db.session.scalars(
            sa.select(Client)
            .where(
                sa.func.lower(Client.name) == person.name.lower(),
                Client.id != person.id,
                Client.anonymised_at.is_(None),
            )
            .order_by(Client.id)
            .limit(10)
        )
    )


def back(person: Client):
    return redirect(url_for("staff.client", client_id=person.id), code=303)


@bp.post("/clients/<client_id>/details")
@roles_required("admin", "therapist")
def client_details(client_id):
    person = get_or_404(Client, client_id)
    form = ClientDetailsForm()
    if not form.validate_on_submit():
        return _client_page(person, 422, details=form)
    details = ContactDetails(
        form.name.data, form.email.data or "", form.phone.data or "", form.notes.data
    )
    try:
        update_details(person, details, current_actor(), phone_region())
    except BadPhone as exc:
        form.phone.errors = [str(exc)]
    except ContactTaken as exc:
        db.session.rollback()
        field = form.email if exc.other.email_key == (form.email.data or "").lower() else form.phone
        field.errors = [str(exc)]
    except ClientError as exc:
        flash(str(exc), "error")
        return back(person)
    else:
        flash("Client details saved.", "success")
        return back(person)
    return _client_page(person, 422, details=form)


@bp.post("/clients/<client_id>/merge")
@roles_required("admin")
def client_merge(client_id):
    person = get_or_404(Client, client_id)
    form = MergeForm()
    if form.validate_on_submit():
        duplicate_id = row_id(form.duplicate.data.lstrip("#"))
        duplicate = db.session.get(Client, duplicate_id) if duplicate_id else None
        if duplicate is None:
            form.duplicate.errors = ["There is no client with that number."]
        else:
            try:
                moved = merging.merge(person, duplicate, current_actor(), clock.now())
            except ClientError as exc:
                form.duplicate.errors = [str(exc)]
            else:
                visits = f"{moved} visit{'' if moved == 1 else 's'}"
                flash(f"Merged client #{duplicate_id} into this one: {visits} moved.", "success")
                return back(person)
    return _client_page(person, 422, merge=form)


@bp.post("/clients/<client_id>/export/<kind>")
@roles_required("admin")
def client_export(client_id, kind):
    person = get_or_404(Client, client_id)
    if kind == "json":
        body, mimetype = data_requests.export_json(person, current_actor()), "application/json"
    elif kind == "csv":
        body, mimetype = data_requests.export_csv(person, current_actor()), "text/csv"
    else:
        abort(404)
    filename = f"client-{person.id}.{kind}"
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.post("/clients/<client_id>/anonymise")
@roles_required("admin")
def client_anonymise(client_id):
    person = get_or_404(Client, client_id)
    form = AnonymiseForm()
    if not form.validate_on_submit():
        return _client_page(person, 422, anonymise=form)
    try:
        count = data_requests.anonymise(person, current_actor(), clock.now())
    except ClientError as exc:
        flash(str(exc), "error")
    else:
        flash(f"Client anonymised, with their {count} appointments; payments are kept.", "success")
    return back(person)
