"""/staff/memberships/: admins see the plans and every member with this month's sessions,
the renewal or end, and a failed payment; other roles are refused, strangers sent to log in.
/staff/packages/ leaves memberships out."""

from __future__ import annotations

import pytest

from clinicsite.extensions import db
from clinicsite.models import Membership
from tests.support.booking_helpers import page_html, text_of
from tests.support.membership_helpers import active_member, make_plan


def test_admins_see_each_member_and_their_state(client, clinic, login_as):
    plan = make_plan(clinic)
    active_member(clinic, plan, email="ana@example.com")
    bea, _ = active_member(clinic, plan, email="bea@example.com")
    with clinic.app_context():
        row = db.session.get(Membership, bea)
        row.status, row.failed_invoice_id = "past_due", "in_test_failed"
        db.session.commit()
    login_as("admin")
    page = text_of(page_html(client, "/staff/memberships/"))
    assert "Monthly 60" in page and "$99 a month" in page
    assert "ana@example.com" in page and "bea@example.com" in page
    assert "1 of 1 left" in page and "Renews" in page and "Payment failed" in page


def test_staff_packages_leaves_the_membership_out(client, clinic, login_as):
    active_member(clinic, make_plan(clinic))
    login_as("admin")
    page = text_of(page_html(client, "/staff/packages/"))
    assert "Monthly 60" not in page and "No packages yet." in page


@pytest.mark.parametrize("role", ["therapist", "editor"])
def test_other_roles_are_refused(client, login_as, role):
    login_as(role)
    assert client.get("/staff/memberships/").status_code == 403


def test_strangers_are_sent_to_log_in(client):
    response = client.get("/staff/memberships/")
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]
