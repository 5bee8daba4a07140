"""Newsletter sign-up (double opt-in), confirmation, the guide download and unsubscribe.

Every sign-up answers the same way whatever the address's state, so the form cannot be
used to find out who is subscribed. The token pages carry the subscriber's secret in the
URL: they are kept out of search engines and send no Referer. Mail security gateways open
every link in an email, so a GET on a confirmation or unsubscribe link only shows a page
with a button; the button's POST makes the change.
"""

from __future__ import annotations

from flask import Request, flash, g, redirect, render_template, request, url_for
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from clinicsite import clock, uploads
from clinicsite.extensions import csrf, db, limiter
from clinicsite.models import Subscriber
from clinicsite.newsletter import bp, preferences, service
from clinicsite.newsletter.forms import PreferencesForm, SignupForm
from clinicsite.security import safe_next, session_free_form

PRIVATE_PAGE = {"Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex, nofollow"}


@bp.app_template_global()
def newsletter_guide():
    """The guide a sign-up form may promise (None until one is uploaded), read once per
    request; None as well while the database is unreachable, so error pages render."""
    if "newsletter_guide" not in g:
        try:
            g.newsletter_guide = service.active_guide()
        except SQLAlchemyError:
            db.session.rollback()
            g.newsletter_guide = None
    return g.newsletter_guide


@bp.route("/newsletter", methods=["GET", "POST"])
@limiter.limit("5 per minute;20 per hour", methods=["POST"])
@session_free_form
def signup():
    form = SignupForm()
    # Every accepted sign-up (new, pending, confirmed, or a bot) gets this same answer.
    thanks = url_for("newsletter.thanks", back=safe_next(service.clean_source(form.source.data)))
    if request.method == "POST" and form.website.data:  # a bot: pretend, store nothing
        return redirect(thanks, code=303)
    if form.validate_on_submit():
        try:
            service.subscribe(
                form.email.data, form.source.data, clock.now(), form.chosen_post_updates
            )
            db.session.commit()
        except IntegrityError:  # the same address signed up at the same moment: done
            db.session.rollback()
        return redirect(thanks, code=303)
    page = render_template("newsletter/signup.html", form=form, guide=service.active_guide())
    return page, 422 if form.errors else 200


@bp.get("/newsletter/thanks")
def thanks():
    return render_template("newsletter/thanks.html", back=safe_next(request.args.get("back")))


@bp.route("/newsletter/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str):
    """GET shows a button and changes nothing (mail filters open every link in an email);
    the button's POST confirms."""
    if request.method == "HEAD":
        return link_check(token)
    if request.method == "GET":
        subscriber = service.by_token(token)
        if subscriber is None:
            return not_found()
        if subscriber.status != "pending":
            return confirmed_page(subscriber, confirmed_now=False)
        page = render_template("newsletter/confirm.html", subscriber=subscriber)
        return page, 200, PRIVATE_PAGE
    outcome = service.confirm(token, clock.now())
    if outcome is None:
        return not_found()
    subscriber, confirmed_now = outcome
    db.session.commit()
    return confirmed_page(subscriber, confirmed_now)


def confirmed_page(subscriber: Subscriber, confirmed_now: bool):
    page = render_template(
        "newsletter/confirmed.html",
        subscriber=subscriber,
        confirmed_now=confirmed_now,
        guide=service.active_guide() if subscriber.status == "confirmed" else None,
    )
    return page, 200, PRIVATE_PAGE


@bp.get("/newsletter/guide/<token>")
def guide(token: str):
    lead_magnet = service.guide_for(token)
    if lead_magnet is None:
        return not_found()
    response = uploads.send_private(
        lead_magnet.stored_name, lead_magnet.content_type, lead_magnet.original_name
    )
    response.headers.update(PRIVATE_PAGE)
    return response


# The URL in the List-Unsubscribe header. Mail programs send the RFC 8058 one-click POST
# (body "List-Unsubscribe=One-Click") with no cookies and no CSRF token; the secret token in
# the URL is the proof. Every other POST must carry the CSRF token of the page's button.
@bp.route("/newsletter/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token: str):
    """GET shows a button and changes nothing; the button's POST (or a mail program's
    one-click POST) unsubscribes."""
    if request.method == "HEAD":
        return link_check(token)
    if request.method == "POST" and not is_one_click(request):
        csrf.protect()  # raises CSRFError: the same 400 page as any other form
    if request.method == "GET":
        subscriber = service.by_token(token)
        if subscriber is None:
            return not_found()
        if subscriber.status == "unsubscribed":
            return unsubscribed_page(subscriber, unsubscribed_now=False)
        page = render_template("newsletter/unsubscribe.html", subscriber=subscriber)
        return page, 200, PRIVATE_PAGE
    outcome = service.unsubscribe(token, clock.now())
    if outcome is None:
        return not_found()
    subscriber, unsubscribed_now = outcome
    db.session.commit()
    return unsubscribed_page(subscriber, unsubscribed_now)


def is_one_click(req: Request) -> bool:
    """An RFC 8058 one-click unsubscribe: a form-encoded POST of List-Unsubscribe=One-Click."""
    return (
        req.method == "POST"
        and req.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data")
        and req.form.get("List-Unsubscribe") == "One-Click"
    )


def unsubscribed_page(subscriber: Subscriber, unsubscribed_now: bool):
    page = render_template(
        "newsletter/unsubscribed.html", subscriber=subscriber, unsubscribed_now=unsubscribed_now
    )
    return page, 200, PRIVATE_PAGE


@bp.route("/newsletter/preferences/<token>", methods=["GET", "POST"])
def preferences_page(token: str):
    """A subscriber's areas and choice of post emails. GET only shows the form (mail
    filters open every link); the form's POST, with its CSRF token, saves."""
    if request.method == "HEAD":
        return link_check(token)
    subscriber = service.by_token(token)
    if subscriber is None:
        return not_found()
    groups = preferences.area_groups()
    choices = [(area.id, area.name) for _, areas in groups for area in areas]
    form = PreferencesForm(area_choices=choices)
    if request.method == "GET":
        form.post_updates.data = subscriber.post_updates
        form.area_ids.data = [area.id for area in subscriber.areas]
    elif form.validate_on_submit():
        preferences.save(subscriber, form.preferences(), clock.now())
        db.session.commit()
        flash("Your preferences are saved.", "success")
        return redirect(url_for("newsletter.preferences_page", token=token), code=303)
    page = render_template(
        "newsletter/preferences.html", form=form, subscriber=subscriber, groups=groups
    )
    return page, 422 if form.errors else 200, PRIVATE_PAGE


def link_check(token: str):
    """Mail filters and link checkers send HEAD to see whether a link works: answer them
    without confirming or unsubscribing anyone."""
    return "", 200 if service.by_token(token) else 404, PRIVATE_PAGE


def not_found():
    return render_template("newsletter/not_found.html"), 404, PRIVATE_PAGE
