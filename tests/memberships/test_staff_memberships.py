"""/staff/memberships/: admins see the plans and every member with this month's sessions,
the renewal or end, and a failed payment; other roles are refused, strangers sent to log in.
/staff/packages/ leaves memberships out."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

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


# -- making and editing plans ------------------------------------------------------------------


def nmt_60(app) -> str:
    from clinicsite.models import Service, ServiceOption

    with app.app_context():
        return str(
            db.session.scalar(
                sa.select(ServiceOption.id)
                .join(Service)
                .where(
                    Service.slug == "neuromuscular-therapy", ServiceOption.duration_minutes == 60
                )
            )
        )


def test_an_admin_makes_a_plan_clients_can_join(client, clinic, login_as):
    from clinicsite.models import MembershipPlan
    from tests.support.booking_helpers import page_html, post_form, text_of

    login_as("admin")
    response = post_form(
        client,
        "/staff/memberships/plans/new",
        name="Twice a Month 60",
        description="Two hours of table time each month.",
        option=nmt_60(clinic),
        sessions_per_month="2",
        price="$189.50",
        sort="0",
        active="y",
    )
    assert response.status_code == 303
    with clinic.app_context():
        plan = db.session.scalar(sa.select(MembershipPlan))
        assert (plan.slug, plan.sessions_per_month, plan.price) == ("twice-a-month-60", 2, 18950)
        assert plan.package.active is False  # the carrier is never on sale as a package
    assert "Twice a Month 60" in text_of(page_html(client, "/memberships/"))
    assert "Twice a Month 60" not in text_of(page_html(client, "/packages/"))


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"name": ""}, "Please give the plan a name."),
        ({"sessions_per_month": "0"}, "From 1 to 31 sessions a month."),
        ({"sessions_per_month": "many"}, "Not a valid integer value."),
        ({"price": "0"}, "The price must be more than nothing."),
        ({"price": "ninety"}, "Please enter an amount like 99 or 99.50."),
        ({"price": "-5"}, "The amount can't be negative."),
        ({"option": "999999"}, "Not a valid choice."),
        ({"sort": "-1"}, "From 0 to 1000."),
    ],
)
def test_a_bad_plan_is_a_form_error_and_saves_nothing(client, clinic, login_as, change, says):
    from clinicsite.models import MembershipPlan
    from tests.support.booking_helpers import post_form, text_of

    login_as("admin")
    data = {"name": "Monthly", "option": nmt_60(clinic), "sessions_per_month": "1"}
    data |= {"price": "99", "sort": "0", "active": "y"} | change
    response = post_form(client, "/staff/memberships/plans/new", **data)
    assert response.status_code == 422
    assert says in text_of(response.get_data(as_text=True))
    with clinic.app_context():
        assert db.session.scalar(sa.select(sa.func.count(MembershipPlan.id))) == 0


def test_a_plan_is_renamed_and_taken_off_offer_but_keeps_its_terms(client, clinic, login_as):
    from clinicsite.models import MembershipPlan
    from tests.support.booking_helpers import page_html, post_form, text_of
    from tests.support.membership_helpers import make_plan

    plan_id = make_plan(clinic)
    visitor = clinic.test_client()  # no session: served from the page cache once kept
    assert "Monthly 60" in text_of(page_html(visitor, "/memberships/"))
    login_as("admin")
    page = text_of(page_html(client, f"/staff/memberships/plans/{plan_id}"))
    assert "they stay as they are" in page
    # Terms sent anyway are not read: only the name, description, order and offer change.
    response = post_form(
        client,
        f"/staff/memberships/plans/{plan_id}",
        name="Monthly 60 (old)",
        sort="3",
        price="1",
        sessions_per_month="9",
    )
    assert response.status_code == 303
    with clinic.app_context():
        plan = db.session.get(MembershipPlan, plan_id)
        assert (plan.name, plan.active, plan.sort) == ("Monthly 60 (old)", False, 3)
        assert (plan.price, plan.sessions_per_month) == (9900, 1)
    assert "The plan Monthly 60 (old) is saved." in text_of(
        page_html(client, "/staff/memberships/")
    )
    assert "Monthly 60" not in text_of(page_html(client, "/memberships/"))
    assert "Monthly 60" not in text_of(page_html(visitor, "/memberships/"))  # not a stale copy
    assert client.get("/staff/memberships/plans/99999999999999999999").status_code == 404
