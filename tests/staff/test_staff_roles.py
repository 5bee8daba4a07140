"""Every rule under /staff/ in app.url_map: anonymous users are sent to the login page and
each role gets exactly what its view declares, or 403. A new staff page with
no `roles_required` fails here until someone decides who may use it; the roles are read from
that one declaration, as the staff menu reads them."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from markupsafe import escape
from werkzeug.security import generate_password_hash

from clinicsite import create_app
from clinicsite.config import TestingConfig
from clinicsite.extensions import db
from clinicsite.models import Inquiry, StaffUser, Therapist
from clinicsite.staff import auth
from clinicsite.staff.nav import SECTIONS
from tests.support.app import csrf_token
from tests.support.staff_helpers import NOW, make_appointment

ADMIN, THERAPIST, EDITOR = "admin", "therapist", "editor"
ROLES = (ADMIN, THERAPIST, EDITOR)
PUBLIC = {"staff.login", "staff.logout", "staff.password_reset", "staff.set_password"}

# Pages that handle money or the clinic's set-up stay with admins, whatever a view declares.
ADMIN_ONLY = (
    "staff.appointment_cancel",
    "staff.appointments_csv",
    "staff.catalogue",
    "staff.settings",
    "staff.payment",
    "staff.client_merge",
    "staff.client_export",
    "staff.client_anonymise",
    "staff.takings",
    "staff.accounts",
    "staff.account",
    "staff.account_invite",
    "staff.payments_reconcile",
)
APP = create_app(TestingConfig({}))


def declared_roles(endpoint: str) -> tuple[str, ...] | None:
    """What the view declares with `roles_required`: the one declaration of who may open it."""
    return auth.allowed_roles(APP.view_functions[endpoint])


def staff_rules():
    rules = []
    for rule in APP.url_map.iter_rules():
        if rule.rule.startswith("/staff/") and rule.endpoint not in PUBLIC:
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                rules.append(
                    pytest.param(rule.rule, rule.endpoint, method, id=f"{method} {rule.rule}")
                )
    return rules


@pytest.fixture
def world(clinic, monkeypatch):
    """Demo clinic, one appointment of Dana's, one inquiry, and a cheap password hash."""
    monkeypatch.setattr("clinicsite.clock.now", lambda: NOW)
    monkeypatch.setattr(
        "clinicsite.models.staff.generate_password_hash",
        lambda p: generate_password_hash(p, method="pbkdf2:sha256:1"),
    )
    appt_id = make_appointment(clinic, datetime(2026, 12, 9, 18, 0, tzinfo=UTC))
    with clinic.app_context():
        db.session.add(Inquiry(name="Q", email="q@example.com", message="A question here"))
        db.session.commit()
        dana = db.session.scalar(sa.select(Therapist.id).filter_by(slug="dana-okafor"))
        ids = {"appointment_id": appt_id, "therapist_id": dana, "inquiry_id": 1}
    return clinic, ids


def fill(rule: str, ids: dict) -> str:
    """A concrete URL for the rule, with ids of real rows (1 where nothing better)."""

    def value(match):
        name = match.group(2)
        if name == "kind":
            return "hours"
        return str(ids.get(name, 1))

    return re.sub(r"<(?:(\w+):)?(\w+)>", value, rule)


def client_as(app, role: str | None, ids: dict):
    client = app.test_client()
    if role is None:
        return client
    email = f"{role}-{id(client)}@example.com"
    with app.app_context():
        user = StaffUser(
            email=email,
            name=role.title(),
            role=role,
            therapist_id=ids["therapist_id"] if role == THERAPIST else None,
        )
        user.set_password("a long test password")
        db.session.add(user)
        db.session.commit()
    token = csrf_token(client, "/staff/login")
    response = client.post(
        "/staff/login",
        data={"email": email, "password": "a long test password", "csrf_token": token},
    )
    assert response.status_code == 302
    return client


def request(client, method: str, url: str):
    if method == "GET":
        return client.get(url)
    token = _token(client)
    return client.open(url, method=method, data={"csrf_token": token})


def _token(client) -> str:
    # Any page with a form carries the session's CSRF token; the login page always does.
    page = client.get("/staff/login", follow_redirects=True).get_data(as_text=True)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    return match.group(1) if match else ""


def test_every_staff_rule_has_a_decision():
    undecided = [p.values[1] for p in staff_rules() if not declared_roles(p.values[1])]
    assert undecided == []
    assert all(set(declared_roles(p.values[1])) <= set(ROLES) for p in staff_rules())


def test_money_and_setup_pages_are_for_admins_only():
    endpoints = {p.values[1] for p in staff_rules()}
    guarded = {e for e in endpoints if e.startswith(ADMIN_ONLY)}
    assert len(guarded) >= len(ADMIN_ONLY)
    assert {e: declared_roles(e) for e in guarded} == {e: (ADMIN,) for e in guarded}


def test_the_menu_shows_each_role_what_it_may_open(world):
    app, ids = world
    for role in ROLES:
        page = client_as(app, role, ids).get("/staff/").get_data(as_text=True)
        start = page.index('<nav class="staff-nav"')
        menu = page[start : page.index("</nav>", start)]
        for endpoint, label in SECTIONS:
            shown = f">{escape(label)}<" in menu
            assert shown == (role in declared_roles(endpoint)), (role, label)


@pytest.mark.parametrize("rule, endpoint, method", staff_rules())
def test_roles_are_enforced(world, rule, endpoint, method):
    app, ids = world
    url = fill(rule, ids)
    allowed = declared_roles(endpoint) or ()

    anonymous = request(client_as(app, None, ids), method, url)
    assert anonymous.status_code in (302, 303), f"anonymous {method} {url}"
    assert "/staff/login" in anonymous.headers["Location"]

    for role in ROLES:
        response = request(client_as(app, role, ids), method, url)
        if role in allowed:
            assert response.status_code not in (401, 403, 500), f"{role} {method} {url}"
            assert "/staff/login" not in response.headers.get("Location", ""), f"{role} {url}"
        else:
            assert response.status_code == 403, f"{role} {method} {url}: {response.status_code}"
