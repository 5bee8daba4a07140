"""/my/: ask for a sign-in link, use it, see your bookings, sign out.

The sign-in form answers every address alike (known or not) and is rate limited per
network address and per email address. Mail filters open every link in an email, so a
GET of a sign-in link only shows a button; its POST spends the link. Every page here is
for one client: marked private, never cached, kept out of search engines.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_limiter import RateLimitExceeded

from clinicsite import clock
from clinicsite.audit import CLIENT
from clinicsite.clinic import get_clinic
from clinicsite.extensions import db, limiter
from clinicsite.memberships import members
from clinicsite.my import bookings, bp, links
from clinicsite.my.forms import SignInForm
from clinicsite.notifications import site_links
from clinicsite.packages import sessions as package_sessions
from clinicsite.payments import get_gateway
from clinicsite.payments.gateway import PaymentError

PRIVATE_PAGE = {
    "Cache-Control": "private, no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
}
# The session keys of a signed-in client (the rest of the session, a staff login or a
# CSRF token, is left alone on signing out).
SESSION_KEYS = ("my_email", "my_link", "my_until")


def address_key() -> str:
    """The per-address limit's key: a keyed hash of the address typed, never the address."""
    typed = bookings.normalise_email(request.form.get("email", ""))[:254]
    secret = current_app.config["SECRET_KEY"].encode()
    return "my-sign-in:" + hmac.new(secret, typed.encode(), hashlib.sha256).hexdigest()[:32]


@bp.errorhandler(RateLimitExceeded)
def too_many(_error: RateLimitExceeded):
    """Say what was refused and for how long (the site's 429 page speaks of a minute)."""
    return render_template("my/too_many.html"), 429, PRIVATE_PAGE


@bp.route("/my/sign-in", methods=["GET", "POST"])
@limiter.limit("10 per minute;30 per hour", methods=["POST"])
@limiter.limit("3 per 15 minutes;10 per day", methods=["POST"], key_func=address_key)
def sign_in():
    form = SignInForm()
    if form.validate_on_submit():
        links.request_link(form.email.data, clock.now(), site_links())
        db.session.commit()
        return redirect(url_for("my.sent"), code=303)
    page = render_template("my/sign_in.html", form=form, signed_in=signed_in_email())
    return page, 422 if form.errors else 200, PRIVATE_PAGE


@bp.get("/my/sign-in/sent")
def sent():
    return render_template("my/sent.html"), 200, PRIVATE_PAGE


@bp.route("/my/link/<token>", methods=["GET", "POST"])
@limiter.limit("30 per minute")
def link(token: str):
    """GET shows a "Sign in" button and changes nothing; its POST spends the link."""
    now = clock.now()
    if request.method in ("GET", "HEAD"):
        state = links.state_of(links.find(token), now)
        if state != "usable":
            return not_usable(state)
        return render_template("my/link.html"), 200, PRIVATE_PAGE
    outcome = links.use_link(token, now)
    if isinstance(outcome, str):
        db.session.rollback()
        return not_usable(outcome)
    db.session.commit()
    for key in SESSION_KEYS:
        session.pop(key, None)
    session["my_email"] = outcome.email
    session["my_link"] = outcome.link_id
    session["my_until"] = int(outcome.until.timestamp())
    return redirect(url_for("my.index"), code=303)


def not_usable(state: str):
    status = 404 if state == "unknown" else 410
    page = render_template("my/link_not_usable.html", state=state, form=SignInForm())
    return page, status, PRIVATE_PAGE


def signed_in_email() -> str | None:
    """The signed-in client's email, or None (no session, ended, or signed out)."""
    email, link_id, until = (session.get(key) for key in SESSION_KEYS)
    if not isinstance(email, str) or not isinstance(link_id, int) or not isinstance(until, int):
        return None
    try:
        ends = datetime.fromtimestamp(until, UTC)
    except (OverflowError, OSError, ValueError):
        return None
    return email if links.session_is_live(email, link_id, ends, clock.now()) else None


@bp.get("/my/")
def index():
    email = signed_in_email()
    if email is None:
        return redirect(url_for("my.sign_in"))
    now = clock.now()
    mine = bookings.bookings_of(email, now)
    again = bookings.book_again(mine.upcoming + mine.past)
    packages = package_sessions.purchases_of(email)
    page = render_template(
        "my/index.html",
        email=email,
        mine=mine,
        again=again,
        now=now,
        packages=packages,
        memberships=members.memberships_of(email),
    )
    return page, 200, PRIVATE_PAGE


@bp.post("/my/membership/<token>/cancel")
@limiter.limit("10 per minute")
def cancel_membership(token: str):
    """Cancel at the end of the paid month, through the payment provider."""
    email = signed_in_email()
    if email is None:
        return redirect(url_for("my.sign_in"))
    membership = members.mine(email, token[:64])
    if membership is None:
        abort(404)
    try:
        membership = members.cancel(membership.id, get_gateway(), CLIENT, clock.now())
    except members.CannotCancel as refused:
        db.session.rollback()
        flash(str(refused), "error")
    except PaymentError:
        db.session.rollback()
        flash(
            "We could not reach the payment service, so the membership is unchanged. "
            "Please try again in a minute.",
            "error",
        )
    else:
        db.session.commit()
        ends = membership.current_period_end
        day = ends.astimezone(get_clinic().tz) if ends else None
        until = f" on {day:%B} {day.day}, {day.year}" if day else " at the end of this month"
        flash(
            f"Your membership is cancelled: no more payments will be taken. It ends{until}, "
            "and you can use this month's sessions until then.",
            "success",
        )
    return redirect(url_for("my.index"), code=303)


@bp.post("/my/sign-out")
def sign_out():
    link_id = session.get("my_link")
    if isinstance(link_id, int):
        links.end_session(link_id, clock.now())
        db.session.commit()
    for key in SESSION_KEYS:
        session.pop(key, None)
    return redirect(url_for("my.sign_in", out=1), code=303)
