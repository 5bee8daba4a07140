"""Staff: the secret calendar feeds (a therapist's own, or the whole clinic's for an admin)
that calendar apps subscribe to, and the public route that serves them.

The feed route lives on `feeds_bp` (no URL prefix, no login: the token is the key):
/calendar/<token>.ics. What goes into a feed is built by `clinicsite.feeds`.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from clinicsite import clock
from clinicsite import feeds as calendar_feeds
from clinicsite.clinic import get_clinic
from clinicsite.extensions import db
from clinicsite.models import StaffUser, Therapist
from clinicsite.staff import bp
from clinicsite.staff.auth import current_actor, roles_required
from clinicsite.staff.schedules.forms import FeedForm
from clinicsite.staff.schedules.routes import ROLES, appointment_path, therapist_or_404
from clinicsite.templating import absolute_url

feeds_bp = Blueprint("feeds", __name__)


def feed_url(token: str | None) -> str | None:
    return absolute_url("feeds.calendar", token=token) if token else None


@bp.route("/feeds", methods=["GET", "POST"])
@roles_required(*ROLES)
def feeds():
    if request.method == "POST":
        return _change_feed()
    if current_user.role == "admin":
        therapists = list(
            db.session.scalars(
                sa.select(Therapist).order_by(
                    Therapist.active.desc(), Therapist.position, Therapist.name
                )
            )
        )
    else:
        therapists = [current_user.therapist] if current_user.therapist else []
    return render_template("staff/schedules/feeds.html", therapists=therapists, feed_url=feed_url)


def _change_feed():
    form = FeedForm()
    if not form.validate():
        abort(400)
    if form.subject.data == "clinic":
        if current_user.role != "admin":
            abort(403)
        owner = db.session.get(StaffUser, current_user.id)
        label = "Your whole-clinic feed"
    else:
        raw = form.therapist_id.data or ""
        if not (raw.isascii() and raw.isdigit()):
            abort(404)
        owner = therapist_or_404(int(raw))
        label = f"The feed of {owner.name}"
    if form.action.data == "regenerate":
        calendar_feeds.regenerate(owner, current_actor())
        message = f"{label} has a new secret link; any older link no longer works."
    elif calendar_feeds.turn_off(owner, current_actor()):
        message = f"{label} is turned off; its link no longer works."
    else:
        message = f"{label} was already off."
    db.session.commit()
    flash(message, "info")
    return redirect(url_for("staff.feeds"), 303)


def staff_link(appointment_id: int) -> str:
    """The staff page of an appointment, as a full URL for the calendar event."""
    return current_app.config["SITE_URL"] + appointment_path(appointment_id)


@feeds_bp.get("/calendar/<token>.ics")
def calendar(token: str):
    source = calendar_feeds.find_feed(token)
    if source is None:
        abort(404)
    body = calendar_feeds.build_feed(source, get_clinic(), clock.now(), staff_link)
    return Response(
        body,
        mimetype="text/calendar",
        headers={
            "Cache-Control": "private, max-age=300",
            "Content-Disposition": 'inline; filename="calendar.ics"',
            "X-Robots-Tag": "noindex",
        },
    )
