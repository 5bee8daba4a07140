"""Staff: a therapist's portrait, uploaded and prepared with Pillow (portraits.py) instead
of a file name typed into the profile. Admins only, like the rest of the catalogue.

/staff/catalogue/therapists/<id>/portrait shows the current portrait with a form to
replace or remove it. The old file is deleted once the new name is committed; its URL was
never reused, so caches holding it (media.py serves for a year) show nothing wrong.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField

from clinicsite import portraits, uploads
from clinicsite.extensions import db
from clinicsite.models import Therapist
from clinicsite.staff import bp
from clinicsite.staff.auth import fetch, roles_required


class PortraitForm(FlaskForm):
    # Type, size and content are checked by portraits.prepare, from the file's own bytes.
    portrait = FileField(
        "Portrait",
        render_kw={"accept": "image/jpeg,image/png,image/webp"},
        description=(
            f"A JPEG, PNG or WebP photo of at most {portraits.MAX_BYTES // (1024 * 1024)} MB "
            f"and at least {portraits.MIN_SIDE} pixels a side. It is cropped to a square "
            "around the upper middle and its location data removed."
        ),
    )
    remove = BooleanField("Remove the uploaded portrait (the profile shows initials)")


@bp.route("/catalogue/therapists/<int:therapist_id>/portrait", methods=("GET", "POST"))
@uploads.accepts_uploads(portraits.MAX_BYTES, fields=("portrait",))
@roles_required("admin")
def catalogue_therapist_portrait(therapist_id: int):
    therapist = fetch(Therapist, therapist_id)
    form = PortraitForm()
    if not form.validate_on_submit():
        return _page(therapist, form, 422 if form.is_submitted() else 200)
    old = therapist.portrait
    if form.remove.data:
        therapist.portrait = None
        message = f"{therapist.name}'s uploaded portrait is removed."
    else:
        chosen = form.portrait.data
        if chosen is None or not chosen.filename:
            form.portrait.errors.append("Please choose a photo, or tick Remove.")
            return _page(therapist, form, 422)
        try:
            prepared = portraits.prepare(chosen.stream.read(portraits.MAX_BYTES + 1))
        except portraits.PortraitError as error:
            form.portrait.errors.append(str(error))
            return _page(therapist, form, 422)
        therapist.portrait = uploads.write(prepared, "jpg")
        message = f"{therapist.name}'s new portrait is on the public profile."
    db.session.commit()
    uploads.delete(old)
    flash(message, "success")
    return redirect(url_for("staff.catalogue_therapist_portrait", therapist_id=therapist.id), 303)


def _page(therapist: Therapist, form: PortraitForm, status: int):
    return render_template("staff/catalogue/portrait.html", therapist=therapist, form=form), status
