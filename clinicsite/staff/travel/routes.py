"""Staff: the travel-time matrix (admins). One form saves the whole table: every value is
checked first, and one wrong value saves nothing."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from clinicsite.extensions import db
from clinicsite.staff import bp
from clinicsite.staff.auth import current_actor, roles_required
from clinicsite.staff.travel import matrix as travel_matrix

CHANGED_MEANWHILE = (
    "Someone else saved travel times at the same moment, so nothing of yours was saved. "
    "The table below shows what is stored now: please make your changes again."
)


def _page(matrix: travel_matrix.Matrix, status: int = 200):
    page = render_template(
        "staff/travel/index.html", matrix=matrix, cell_message=travel_matrix.BAD_MINUTES_SHORT
    )
    return page, status


@bp.get("/travel/")
@roles_required("admin")
def travel_times():
    return _page(travel_matrix.load())


@bp.post("/travel/")
@roles_required("admin")
def travel_times_save():
    matrix = travel_matrix.load()
    wanted = travel_matrix.read(matrix, request.form)
    if wanted is None:
        return _page(matrix, 422)
    changed = travel_matrix.save(matrix, wanted, current_actor())
    try:
        db.session.commit()
    except (IntegrityError, StaleDataError):  # another admin saved the same pair first
        db.session.rollback()
        matrix = travel_matrix.load()
        matrix.form_errors.append(CHANGED_MEANWHILE)
        return _page(matrix, 409)
    if changed:
        flash(f"Saved: {changed} travel time{'s' if changed != 1 else ''} changed.", "success")
    else:
        flash("Nothing changed: the table was already as you sent it.", "success")
    return redirect(url_for("staff.travel_times"), 303)
