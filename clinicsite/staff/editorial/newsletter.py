"""Staff: newsletter subscribers (list, CSV export) and the guide they receive.
Admins and editors."""

from __future__ import annotations

import csv
import io

import sqlalchemy as sa
from flask import (
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy.orm import selectinload

from clinicsite import clock, uploads
from clinicsite.audit import record_change
from clinicsite.extensions import db
from clinicsite.models import Subscriber
from clinicsite.newsletter import preferences, service
from clinicsite.pagination import requested_page
from clinicsite.staff import bp
from clinicsite.staff.auth import current_actor, roles_required
from clinicsite.staff.editorial.forms import LeadMagnetForm
from clinicsite.text import spreadsheet_safe as csv_cell

EDITORS = ("admin", "editor")
GUIDE_TYPES = ("application/pdf",)
GUIDE_MAX_BYTES = 10 * 1024 * 1024
CSV_COLUMNS = [
    "email",
    "status",
    "source",
    "signed up (UTC)",
    "confirmed (UTC)",
    "left (UTC)",
    "new posts",
    "areas",
]


def status_counts() -> dict[str, int]:
    rows = db.session.execute(
        sa.select(Subscriber.status, sa.func.count()).group_by(Subscriber.status)
    )
    counts = dict.fromkeys(service.STATUSES, 0)
    counts.update({status: n for status, n in rows})
    return counts


def by_status(status: str):
    query = (
        sa.select(Subscriber)
        .order_by(Subscriber.created_at.desc(), Subscriber.id.desc())
        .options(selectinload(Subscriber.areas))
    )
    return query if status == "all" else query.where(Subscriber.status == status)


@bp.get("/newsletter")
@roles_required(*EDITORS)
def subscribers():
    status = request.args.get("status", "all")
    if status not in (*service.STATUSES, "all"):
        status = "all"
    page = db.paginate(by_status(status), page=requested_page(), per_page=50, error_out=False)
    return render_template(
        "staff/newsletter/subscribers.html",
        page=page,
        status=status,
        statuses=service.STATUSES,
        counts=status_counts(),
        choices=preferences.SHORT_LABELS,
        guide=service.active_guide(),
    )


@bp.get("/newsletter/subscribers.csv")
@roles_required(*EDITORS)
def subscribers_csv():
    status = request.args.get("status", "confirmed")
    if status not in (*service.STATUSES, "all"):
        abort(400, "status must be pending, confirmed, unsubscribed or all.")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    rows = 0
    for s in db.session.scalars(by_status(status)):
        dates = (s.created_at, s.confirmed_at, s.unsubscribed_at)
        stamps = [d.strftime("%Y-%m-%d %H:%M") if d else "" for d in dates]
        areas = "; ".join(area.name for area in s.areas)
        values = (s.email, s.status, s.source, *stamps, s.post_updates, areas)
        writer.writerow([csv_cell(v) for v in values])
        rows += 1
    # A list of people's addresses left the building: say who took it.
    after = {"status": status, "rows": rows}
    record_change("subscriber", 0, "exported", current_actor(), {}, after)
    db.session.commit()
    name = f"subscribers-{status}-{clock.now():%Y-%m-%d}.csv"
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "private, no-store",
        },
    )


@bp.route("/newsletter/guide", methods=["GET", "POST"])
@uploads.accepts_uploads(GUIDE_MAX_BYTES, fields=("file",))
@roles_required(*EDITORS)
def lead_magnet():
    form = LeadMagnetForm()
    if form.validate_on_submit():
        try:
            stored = uploads.save(form.file.data, GUIDE_TYPES, GUIDE_MAX_BYTES)
        except uploads.UploadError as error:
            form.file.errors.append(str(error))
        else:
            try:
                guide, old_files = service.replace_guide(form.title.data, stored, current_actor())
                # Those who confirmed before there was a guide get it now, with the upload.
                caught_up = service.send_guide_to_earlier_subscribers(clock.now())
                db.session.commit()
            except Exception:
                db.session.rollback()
                uploads.delete(stored.name)
                raise
            for name in old_files:  # only once the database no longer points at them
                uploads.delete(name)
            message = f"“{guide.title}” is now the guide new subscribers receive."
            if caught_up:
                people = "subscriber" if caught_up == 1 else "subscribers"
                message += f" It is on its way to {caught_up} {people} who joined before it."
            flash(message, "success")
            return redirect(url_for("staff.lead_magnet"), code=303)
    page = render_template("staff/newsletter/guide.html", form=form, guide=service.active_guide())
    return page, 422 if form.errors else 200


@bp.get("/newsletter/guide/file")
@roles_required(*EDITORS)
def lead_magnet_file():
    """The current guide, for staff to check what subscribers receive."""
    guide = service.active_guide()
    if guide is None:
        abort(404)
    return uploads.send_private(guide.stored_name, guide.content_type, guide.original_name)
