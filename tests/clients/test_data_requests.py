"""Merging duplicates, and a client's requests about their data: a copy (JSON, CSV) and
deletion, which anonymises them and keeps the money."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest
import sqlalchemy as sa

from clinicsite.audit import SYSTEM
from clinicsite.clients import merging
from clinicsite.clients.details import ClientError
from clinicsite.extensions import db
from clinicsite.models import Appointment, AuditEvent, Client, OutboxEmail, Payment
from tests.clients.conftest import client_id_of, visit
from tests.support.booking_helpers import flashes, text_of
from tests.support.staff_helpers import NOW, form_token


@pytest.fixture
def twins(clinic, frozen) -> tuple[int, int]:
    """The same person twice: by email online, then by phone only at the desk."""
    keep = visit(clinic, NOW - timedelta(days=20), status="completed")
    visit(clinic, NOW + timedelta(days=2), paid=True)
    duplicate = visit(clinic, NOW + timedelta(days=9), email="", phone="(310) 555-0190")
    with clinic.app_context():
        db.session.get(Client, client_id_of(clinic, duplicate)).notes = "Called from work."
        db.session.commit()
    return client_id_of(clinic, keep), client_id_of(clinic, duplicate)


def admin_page(client, login_as, client_id: int) -> str:
    login_as("admin")
    return client.get(f"/staff/clients/{client_id}").get_data(as_text=True)


def test_merging_moves_the_duplicate_visits_and_notes(twins, client, login_as):
    keep, duplicate = twins
    html = admin_page(client, login_as, keep)
    response = client.post(
        f"/staff/clients/{keep}/merge",
        data={"csrf_token": form_token(html), "duplicate": f"#{duplicate}"},
        follow_redirects=True,
    )
    assert f"Merged client #{duplicate} into this one: 1 visit moved." in flashes(
        response.get_data(as_text=True)
    )
    with client.application.app_context():
        kept = db.session.get(Client, keep)
        assert db.session.get(Client, duplicate) is None
        assert len(kept.appointments) == 3
        assert kept.notes == "Called from work."
        # Rosa had a phone already: the duplicate's does not replace it.
        assert kept.phone == "+13105550111"
        event = db.session.scalar(sa.select(AuditEvent).filter_by(action="merged"))
        assert (event.subject_id, event.after["appointments_moved"]) == (keep, 1)
    history = text_of(client.get(f"/staff/clients/{keep}").get_data(as_text=True))
    assert "merged by Staff" in history and f"(client #{duplicate} merged into this one" in history


@pytest.mark.parametrize("typed", ["", "abc", "999999", "99999999999999999999"])
def test_merging_with_no_such_client_is_refused_on_the_page(twins, client, login_as, typed):
    keep, _ = twins
    html = admin_page(client, login_as, keep)
    response = client.post(
        f"/staff/clients/{keep}/merge", data={"csrf_token": form_token(html), "duplicate": typed}
    )
    assert response.status_code == 422
    assert "client" in text_of(response.get_data(as_text=True)).lower()


def test_a_client_cannot_be_merged_with_itself(twins, app):
    keep, _ = twins
    with app.app_context():
        person = db.session.get(Client, keep)
        with pytest.raises(ClientError):
            merging.merge(person, person, SYSTEM, NOW)


def export(client, login_as, client_id: int, kind: str):
    html = admin_page(client, login_as, client_id)
    response = client.post(
        f"/staff/clients/{client_id}/export/{kind}", data={"csrf_token": form_token(html)}
    )
    assert response.status_code == 200
    assert f'filename="client-{client_id}.{kind}"' in response.headers["Content-Disposition"]
    return response.get_data(as_text=True)


def test_the_json_export_holds_the_client_their_visits_and_payments(twins, client, login_as):
    keep, _ = twins
    data = json.loads(export(client, login_as, keep, "json"))
    assert data["client"]["email"] == "rosa@example.com"
    visits = data["appointments"]
    assert [v["status"] for v in visits] == ["completed", "confirmed"]
    assert visits[1]["payments"][0]["amount"] == 3500
    assert visits[0]["therapist"] == "Dana Okafor"
    with client.application.app_context():
        assert (
            db.session.scalar(sa.select(AuditEvent).filter_by(action="data exported")).note
            == "json"
        )


def test_the_csv_export_has_a_row_per_visit(twins, client, login_as):
    keep, _ = twins
    rows = list(csv.DictReader(io.StringIO(export(client, login_as, keep, "csv"))))
    assert len(rows) == 2
    assert {r["client_email"] for r in rows} == {"rosa@example.com"}
    # Cells starting with "+" are quoted so a spreadsheet does not run them.
    assert rows[0]["client_phone"] == "'+13105550111"
    assert [r["paid"] for r in rows] == ["0", "3500"]


def test_anonymising_erases_the_person_and_keeps_the_money(twins, client, login_as):
    keep, _ = twins
    html = admin_page(client, login_as, keep)
    refused = client.post(f"/staff/clients/{keep}/anonymise", data={"csrf_token": form_token(html)})
    assert refused.status_code == 422 and "Please tick the box" in text_of(
        refused.get_data(as_text=True)
    )
    with client.application.app_context():
        db.session.add(OutboxEmail(to_address="ROSA@example.com", subject="Hi", body_text="Rosa"))
        visit = db.session.scalar(sa.select(Appointment).filter_by(client_id=keep))
        visit.visit_address, visit.visit_postal_code = "12 Rosa Lane, Torrance", "90501"
        db.session.commit()
    response = client.post(
        f"/staff/clients/{keep}/anonymise",
        data={"csrf_token": form_token(html), "confirm": "y"},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "Client anonymised, with their 2 appointments; payments are kept." in flashes(page)
    assert "Rosa" not in text_of(page) and "rosa@example.com" not in page
    with client.application.app_context():
        person = db.session.get(Client, keep)
        assert (person.name, person.email, person.phone, person.email_key) == (
            "Anonymised client",
            None,
            None,
            None,
        )
        assert person.anonymised_at == NOW
        visits = db.session.scalars(sa.select(Appointment).filter_by(client_id=keep)).all()
        assert {(v.client_name, v.client_email, v.client_phone) for v in visits} == {
            ("Anonymised client", "", "")
        }
        assert all(v.intake == {} for v in visits)
        assert {(v.visit_address, v.visit_postal_code) for v in visits} == {("", "")}
        payment = db.session.scalar(sa.select(Payment))
        assert (payment.amount, payment.status) == (3500, "paid")
        assert db.session.scalar(sa.select(OutboxEmail).filter_by(subject="Hi")) is None
        assert db.session.scalar(sa.select(AuditEvent).filter_by(action="anonymised")) is not None


def test_a_new_booking_with_an_anonymised_email_makes_a_new_client(twins, app):
    from clinicsite.clients import data_requests
    from clinicsite.clients.matching import find_or_create

    keep, _ = twins
    with app.app_context():
        data_requests.anonymise(db.session.get(Client, keep), SYSTEM, NOW)
        assert find_or_create("Rosa Lind", "rosa@example.com", "").id != keep
