"""Staff: accounts (admins), and setting a password by emailed link (anyone invited or
asking for a reset). Disabling an account or setting its password logs out every session
of it (`StaffUser.end_sessions`)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from wtforms import SelectChoice

from clinicsite import clock
from clinicsite.extensions import db, limiter
from clinicsite.models import AccountLink, StaffUser, Therapist
from clinicsite.models.staff import NO_PASSWORD
from clinicsite.notifications import site_links
from clinicsite.staff import bp
from clinicsite.staff.accounts import links
from clinicsite.staff.accounts.forms import (
    AccountForm,
    InviteForm,
    ResendForm,
    ResetRequestForm,
    SetPasswordForm,
)
from clinicsite.staff.auth import get_or_404, roles_required

BOTH = ("GET", "POST")
LINK_GONE = {
    "used": "This link has been used already.",
    "expired": "This link has run out.",
    "unknown": "This link does not open any account.",
}


def _profiles(form) -> None:
    therapists = db.session.scalars(sa.select(Therapist).order_by(Therapist.name))
    form.therapist_id.choices = [SelectChoice(0, "None")] + [
        SelectChoice(t.id, t.name) for t in therapists
    ]
    if form.therapist_id.data is None:  # none chosen, or none on the account
        form.therapist_id.data = 0


def _profile_problem(form, user: StaffUser | None) -> str | None:
    """Why the chosen therapist profile cannot be this account's, or None."""
    if form.role.data != "therapist":
        return None
    holder = db.session.scalar(
        sa.select(StaffUser).where(
            StaffUser.therapist_id == form.therapist_id.data,
            StaffUser.active.is_(True),
            StaffUser.id != (user.id if user else 0),
        )
    )
    if holder is not None:
        return f"That profile already belongs to {holder.name}'s account ({holder.email})."
    return None


@bp.route("/accounts/", methods=BOTH)
@roles_required("admin")
def accounts():
    form = InviteForm()
    _profiles(form)
    if form.validate_on_submit():
        user = _invite(form)
        if user is not None:
            flash(f"{user.name} is invited: the email to {user.email} is on its way.", "success")
            return redirect(url_for("staff.accounts"), code=303)
    users = db.session.scalars(
        sa.select(StaffUser).order_by(StaffUser.active.desc(), StaffUser.name)
    ).all()
    status = 422 if form.errors else 200
    return render_template("staff/accounts/list.html", form=form, users=users), status


def _invite(form: InviteForm) -> StaffUser | None:
    if db.session.scalar(sa.select(StaffUser.id).where(StaffUser.email == form.email.data)):
        form.email.errors.append("That address already has an account.")
        return None
    problem = _profile_problem(form, None)
    if problem:
        form.therapist_id.errors.append(problem)
        return None
    user = StaffUser(
        name=form.name.data,
        email=form.email.data,
        role=form.role.data,
        therapist_id=form.therapist_id.data if form.role.data == "therapist" else None,
        password_hash=NO_PASSWORD,
    )
    db.session.add(user)
    try:
        db.session.flush()
    except sa.exc.IntegrityError:  # the same address invited at the same moment
        db.session.rollback()
        form.email.errors.append("That address already has an account.")
        return None
    links.invite(user, current_user, clock.now(), site_links())
    db.session.commit()
    return user


@bp.route("/accounts/<int:user_id>", methods=BOTH)
@roles_required("admin")
def account(user_id: int):
    user = get_or_404(StaffUser, user_id)
    form = AccountForm(obj=user)
    _profiles(form)
    if form.validate_on_submit():
        problem = _demotion_problem(user, form) or _profile_problem(form, user)
        if problem:
            form.role.errors.append(problem)
        else:
            _apply(user, form)
            db.session.commit()
            flash(f"{user.name}'s account is saved.", "success")
            return redirect(url_for("staff.accounts"), code=303)
    status = 422 if form.errors else 200
    return render_template(
        "staff/accounts/account.html", form=form, user=user, resend=ResendForm()
    ), status


def _demotion_problem(user: StaffUser, form: AccountForm) -> str | None:
    """The clinic must keep an admin who can log in, and no admin locks themselves out."""
    stays_admin = form.role.data == "admin" and form.active.data
    if stays_admin or user.role != "admin" or not user.active:
        return None
    if user.id == current_user.id:
        return (
            "You can't take away your own admin role or disable your own account; "
            "ask another admin."
        )
    others = db.session.scalar(
        sa.select(sa.func.count(StaffUser.id)).where(
            StaffUser.role == "admin", StaffUser.active.is_(True), StaffUser.id != user.id
        )
    )
    if not others:
        return "This is the only active admin: make someone else an admin first."
    return None


def _apply(user: StaffUser, form: AccountForm) -> None:
    disabling = user.active and not form.active.data
    user.role = form.role.data
    user.therapist_id = form.therapist_id.data if form.role.data == "therapist" else None
    user.active = form.active.data
    if disabling:
        user.end_sessions()  # logged out everywhere, now
        db.session.execute(
            sa.update(AccountLink)
            .where(AccountLink.staff_user_id == user.id, AccountLink.used_at.is_(None))
            .values(used_at=clock.now())
            .execution_options(synchronize_session=False)
        )


@bp.post("/accounts/<int:user_id>/invite")
@roles_required("admin")
def account_invite(user_id: int):
    user = get_or_404(StaffUser, user_id)
    if ResendForm().validate_on_submit():
        if user.has_password or not user.active:
            flash(f"{user.name} needs no invitation: the account is set up or disabled.", "info")
        else:
            links.invite(user, current_user, clock.now(), site_links())
            db.session.commit()
            flash(f"A new invitation is on its way to {user.email}.", "success")
    return redirect(url_for("staff.account", user_id=user.id), code=303)


@bp.route("/password-reset", methods=BOTH)
@limiter.limit("5 per minute;20 per hour", methods=["POST"])
def password_reset():
    form = ResetRequestForm()
    if form.validate_on_submit():
        links.request_reset(form.email.data, clock.now(), site_links())
        db.session.commit()
        return render_template("staff/accounts/reset_sent.html", email=form.email.data)
    status = 422 if form.errors else 200
    return render_template("staff/accounts/reset.html", form=form), status


@bp.route("/set-password/<token>", methods=BOTH)
@limiter.limit("10 per minute", methods=["POST"])
def set_password(token: str):
    """GET only shows the form (a mail scanner fetching the link spends nothing)."""
    now = clock.now()
    link = links.find(token)
    state = links.state_of(link, now)
    if state != "usable":
        code = 404 if state == "unknown" else 410
        return render_template("staff/accounts/link_gone.html", why=LINK_GONE[state]), code
    form = SetPasswordForm()
    if form.validate_on_submit():
        result = links.set_password(link, form.password.data, now)
        db.session.commit()
        if result == "done":
            flash("Your password is set. Log in with it below.", "success")
            return redirect(url_for("staff.login"), code=303)
        return render_template("staff/accounts/link_gone.html", why=LINK_GONE[result]), 410
    status = 422 if form.errors else 200
    return render_template(
        "staff/accounts/set_password.html", form=form, user=link.staff_user, purpose=link.purpose
    ), status
