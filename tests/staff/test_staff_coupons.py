"""The admin manages coupons at /staff/coupons/: a list with uses, create and edit with clear
errors for garbage, deactivate and reactivate, each coupon's uses; every change audited.
Other roles are refused, and a post without the CSRF token changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from clinicsite.extensions import db
from clinicsite.models import Appointment, AuditEvent, Coupon, CouponUse, Service
from tests.coupons.helpers import make_coupon
from tests.support.app import csrf_token
from tests.support.booking_helpers import text_of
from tests.support.staff_helpers import make_appointment

FIELDS = {
    "code": "spring-20",
    "description": "Spring mailing",
    "kind": "amount",
    "value": "20",
    "valid_from": "2026-03-01",
    "valid_until": "2026-03-31",
    "max_uses": "100",
    "max_uses_per_client": "1",
    "active": "y",
}


def post(client, url: str, data: dict | None = None, token_from: str | None = None):
    token = csrf_token(client, token_from or url)
    return client.post(url, data={**(data or {}), "csrf_token": token})


def coupons(app) -> list[Coupon]:
    with app.app_context():
        rows = db.session.scalars(sa.select(Coupon).order_by(Coupon.id)).all()
        for row in rows:
            _ = row.services
        db.session.expunge_all()
        return list(rows)


def test_an_admin_creates_a_coupon_stored_in_upper_case_and_audited(clinic, client, login_as):
    login_as("admin")
    with clinic.app_context():
        nmt = db.session.scalar(sa.select(Service.id).filter_by(slug="neuromuscular-therapy"))
    response = post(client, "/staff/coupons/new", {**FIELDS, "service_ids": str(nmt)})
    assert response.status_code == 303, text_of(response.get_data(as_text=True))
    [coupon] = coupons(clinic)
    assert (coupon.code, coupon.kind, coupon.value, coupon.max_uses_per_client) == (
        "SPRING-20",
        "amount",
        2000,
        1,
    )
    assert [s.id for s in coupon.services] == [nmt]
    page = text_of(client.get(response.headers["Location"]).get_data(as_text=True))
    assert "Coupon SPRING-20" in page and "$20 off" in page and "created by" in page
    with clinic.app_context():
        [event] = db.session.scalars(sa.select(AuditEvent).filter_by(subject_type="coupon")).all()
        assert event.action == "created" and event.after["code"] == "SPRING-20"
    listing = text_of(client.get("/staff/coupons/").get_data(as_text=True))
    assert "SPRING-20" in listing and "0 of 100" in listing


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"code": ""}, "Please give the code."),
        ({"code": "ab"}, "3 to 32 letters"),
        ({"code": "<b>x</b>"}, "only letters, digits and dashes"),
        ({"value": "-5"}, "Please enter a number"),
        ({"value": "abc"}, "Please enter a number"),
        ({"value": "0"}, "An amount off is more than 0."),
        ({"value": "12.345"}, "at most two decimal places"),
        ({"kind": "percent", "value": "150"}, "whole number from 1 to 100"),
        ({"kind": "percent", "value": "12.5"}, "whole number from 1 to 100"),
        ({"kind": "bogus"}, "Not a valid choice"),
        ({"valid_until": "2026-02-01"}, "The last day comes before the first day."),
        ({"valid_from": "31/31/2026"}, "Not a valid date value"),
        ({"max_uses": "-1"}, "whole number from 0"),
        ({"max_uses": "lots"}, "Not a valid integer"),
        ({"max_uses_per_client": "99999999999999999999"}, "whole number from 0"),
        ({"service_ids": "999999"}, "Please choose services from the list."),
        ({"description": "x" * 300}, "200 characters"),
    ],
)
def test_garbage_is_a_clear_error_with_the_rest_kept(clinic, client, login_as, change, message):
    login_as("admin")
    response = post(client, "/staff/coupons/new", {**FIELDS, **change})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in text_of(html)
    assert f'value="{({**FIELDS, **change})["description"]}"' in html
    assert coupons(clinic) == []


def test_a_code_already_taken_in_another_case_is_refused(clinic, client, login_as):
    login_as("admin")
    make_coupon(clinic, code="SPRING-20")
    response = post(client, "/staff/coupons/new", FIELDS)
    assert response.status_code == 422
    assert "Another coupon already has the code SPRING-20" in text_of(
        response.get_data(as_text=True)
    )


def test_editing_and_deactivating_are_audited(clinic, client, login_as):
    login_as("admin")
    coupon_id = make_coupon(clinic, code="SPRING", value=1000)
    url = f"/staff/coupons/{coupon_id}"
    edited = post(client, url, {**FIELDS, "code": "SPRING", "kind": "percent", "value": "15"})
    assert edited.status_code == 303
    off = post(client, f"{url}/active", {"active": "0"}, token_from=url)
    assert off.status_code == 303
    [coupon] = coupons(clinic)
    assert (coupon.kind, coupon.value, coupon.active) == ("percent", 15, False)
    page = text_of(client.get(url).get_data(as_text=True))
    assert "Inactive: clients cannot use it" in page
    with clinic.app_context():
        actions = db.session.scalars(
            sa.select(AuditEvent.action).filter_by(subject_type="coupon").order_by(AuditEvent.id)
        ).all()
    assert actions == ["updated", "deactivated"]


def test_a_post_without_the_csrf_token_changes_nothing(clinic, client, login_as):
    login_as("admin")
    coupon_id = make_coupon(clinic)
    assert client.post("/staff/coupons/new", data=FIELDS).status_code in (400, 422)
    assert client.post(f"/staff/coupons/{coupon_id}/active", data={"active": "0"}).status_code in (
        303,
        400,
    )
    assert [c.active for c in coupons(clinic)] == [True]


@pytest.mark.parametrize("role", ["therapist", "editor"])
def test_other_roles_are_refused(clinic, client, login_as, role):
    login_as(role)
    coupon_id = make_coupon(clinic)
    assert client.get("/staff/coupons/").status_code == 403
    assert client.get(f"/staff/coupons/{coupon_id}").status_code == 403


def test_unknown_or_garbage_ids_are_404(clinic, client, login_as):
    login_as("admin")
    for bad in ["999999", "abc", "99999999999999999999999", "-1"]:
        assert client.get(f"/staff/coupons/{bad}").status_code == 404


def test_the_coupon_page_lists_its_uses_and_which_were_released(clinic, client, login_as):
    login_as("admin")
    coupon_id = make_coupon(clinic, max_uses=5)
    kept = make_appointment(clinic, datetime(2026, 12, 9, 18, 0, tzinfo=UTC), deposit=True)
    lapsed = make_appointment(clinic, datetime(2026, 12, 9, 20, 0, tzinfo=UTC), deposit=True)
    with clinic.app_context():
        for appt_id, status in ((kept, "cancelled"), (lapsed, "expired")):
            appt = db.session.get(Appointment, appt_id)
            appt.status, appt.coupon_code, appt.coupon_discount = status, "SPRING", 2000
            db.session.add(
                CouponUse(
                    coupon_id=coupon_id,
                    appointment=appt,
                    client_email=appt.client_email,
                    amount_off=2000,
                )
            )
        db.session.commit()
    page = text_of(client.get(f"/staff/coupons/{coupon_id}").get_data(as_text=True))
    assert "Used 1 time of 5" in page  # the cancelled booking keeps its use
    assert page.count("released") == 1 and "the hold lapsed unpaid" in page
    listing = text_of(client.get("/staff/coupons/").get_data(as_text=True))
    assert "1 of 5" in listing
    staff_page = text_of(client.get(f"/staff/appointments/{kept}").get_data(as_text=True))
    assert "coupon SPRING −$20" in staff_page
