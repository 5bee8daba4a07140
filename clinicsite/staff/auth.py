"""Who may see what in the staff area."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from clinicsite.extensions import db, login_manager
from clinicsite.models import StaffUser


@login_manager.user_loader
def load_user(user_id: str) -> StaffUser | None:
    # The id carries the session version, so a password change or a logout ends older
    # sessions. (A deactivated account is refused by UserMixin.is_authenticated.)
    try:
        pk, version = (int(part) for part in user_id.split(":", 1))
    except ValueError:
        return None
    user = db.session.get(StaffUser, pk)
    if user is None or user.session_version != version:
        return None
    return user


login_manager.login_view = "staff.login"
login_manager.login_message = "Please log in to see that page."
login_manager.login_message_category = "info"


def roles_required(*roles: str):
    """Log in first, then 403 unless the user has one of `roles`.

    This is the one place a staff page says who may open it: the view keeps the roles as
    `allowed_roles`, which the menu (`staff/nav.py`) and the role-walk test read."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = tuple(roles)
        return wrapped

    return decorator


def allowed_roles(view) -> tuple[str, ...] | None:
    """The roles `roles_required` gave a view function; None for a view without it."""
    return getattr(view, "allowed_roles", None)


def current_actor():
    from clinicsite.audit import Actor

    return Actor.staff(current_user)


def row_id(raw) -> int | None:
    """`raw` as a possible primary key, or None: past 2**63 a query would overflow the
    database's integer (a 500 on PostgreSQL and SQLite alike)."""
    try:
        pk = int(raw)
    except (TypeError, ValueError):
        return None
    return pk if 0 < pk < 2**63 else None


def get_or_404(model, pk, *, allowed=None):
    """Fetch a row by primary key or 404, then 403 unless `allowed(row, current_user)`.
    Every staff route that works on one record goes through here."""
    pk = row_id(pk)
    if pk is None:
        abort(404)
    row = db.session.get(model, pk)
    if row is None:
        abort(404)
    if allowed is not None and not allowed(row, current_user):
        abort(403)
    return row


MAX_ID = 2**31 - 1  # larger ids cannot exist, and SQLite cannot even compare them


def fetch(model, pk: int):
    """`get_or_404` for an id taken from an `<int:...>` URL part, which may be any size."""
    if not 0 < pk <= MAX_ID:
        abort(404)
    return get_or_404(model, pk)


def is_admin(user) -> bool:
    return user.role == "admin"


def owns_therapist(therapist_id: int | None, user) -> bool:
    """Admins manage every therapist; a therapist account only its own profile."""
    return user.role == "admin" or (
        user.role == "therapist" and therapist_id is not None and user.therapist_id == therapist_id
    )
