"""The staff's client pages: search, a client's history, editing their details, and who
may do what."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from clinicsite.clients.matching import find_or_create
from clinicsite.extensions import db
from clinicsite.models import AuditEvent, Client
from tests.clients.conftest import client_id_of, visit
from tests.support.booking_helpers import flashes, text_of
from tests.support.staff_helpers import NOW, form_token


@pytest.fixture
def rosa(clinic, frozen) -> int:
    """Rosa: two visits done, a no-show, one paid visit to come; and two other clients."""
    intake = {"pain": "Tight shoulders", "conditions": "", "pregnant": "no", "consent": True}
    first = visit(clinic, NOW - timedelta(days=60), status="completed", intake=intake)
    visit(clinic, NOW - timedelta(days=30), status="no_show")
    visit(
        clinic,
        NOW - timedelta(days=10, hours=1),
        status="completed",
        intake={**intake, "pain": "Stiff neck"},
    )
    visit(clinic, NOW + timedelta(days=3, hours=2), paid=True)
    visit(
        clinic,
        NOW + timedelta(days=4),
        name="Omar Haddad",
        email="omar@example.com",
        phone="+61 412 345 678",
    )
    visit(clinic, NOW + timedelta(days=5), name="Jo Kim", email="jo@example.com", phone="")
    return client_id_of(clinic, first)


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return text_of(response.get_data(as_text=True))


@pytest.mark.parametrize(
    "query, found",
    [
        ("rosa", ["Rosa Lind"]),
        ("OMAR@example", ["Omar Haddad"]),
        ("(310) 555-0111", ["Rosa Lind"]),
        ("0412 345 678", ["Omar Haddad"]),
        ("+61 412", ["Omar Haddad"]),
        ("", ["Jo Kim", "Omar Haddad", "Rosa Lind"]),
        ("nobody%", []),
    ],
)
def test_staff_find_clients_by_name_email_or_phone(rosa, client, login_as, query, found):
    login_as("therapist")
    html = page(client, f"/staff/clients/?q={query.replace('+', '%2B')}")
    shown = [name for name in ("Jo Kim", "Omar Haddad", "Rosa Lind") if name in html]
    assert sorted(shown) == found
    if not found:
        assert "No client matches" in html


def test_the_list_is_paginated(clinic, client, login_as):
    with clinic.app_context():
        for n in range(30):
            find_or_create(f"Client {n:02d}", f"c{n}@example.com", "")
        db.session.commit()
    login_as("admin")
    first, second = page(client, "/staff/clients/"), page(client, "/staff/clients/?page=2")
    assert "Client 29" in first and "Client 00" not in first and "Page 1 of 2" in first
    assert "Client 00" in second and "Client 29" not in second


def test_a_client_page_shows_visits_no_shows_payments_and_intake(rosa, client, login_as):
    login_as("therapist")
    html = page(client, f"/staff/clients/{rosa}")
    upcoming = html[html.index("Upcoming visits") : html.index("Past visits")]
    past = html[html.index("Past visits") : html.index("Payments")]
    assert "Thursday, December 10" in upcoming and upcoming.count("Neuromuscular") == 1
    assert past.count("Neuromuscular") == 3 and "(no-show)" in past and "(completed)" in past
    assert "No-shows 1" in html
    assert "Thursday, December 10 $35 paid" in html  # the deposit of the visit to come
    intake = html[html.index("Intake answers") :]
    assert intake.index("Stiff neck") < intake.index("Tight shoulders")  # newest first
    assert "rosa@example.com" in html and "(310) 555-0111" in html


def test_the_appointment_page_links_to_its_client(rosa, client, login_as):
    login_as("admin")
    with client.application.app_context():
        appt_id = db.session.get(Client, rosa).appointments[0].id
    html = client.get(f"/staff/appointments/{appt_id}").get_data(as_text=True)
    assert f'href="/staff/clients/{rosa}"' in html


def test_staff_edit_contact_details_and_notes(rosa, client, login_as):
    login_as("therapist")
    html = client.get(f"/staff/clients/{rosa}").get_data(as_text=True)
    response = client.post(
        f"/staff/clients/{rosa}/details",
        data={
            "csrf_token": form_token(html),
            "name": "Rosa Lind-Park",
            "email": "Rosa.New@example.com",
            "phone": "(310) 555-0122",
            "notes": "Prefers firm pressure.",
        },
        follow_redirects=True,
    )
    assert "Client details saved." in flashes(response.get_data(as_text=True))
    with client.application.app_context():
        rosa_now = db.session.get(Client, rosa)
        assert (rosa_now.name, rosa_now.email_key, rosa_now.phone) == (
            "Rosa Lind-Park",
            "rosa.new@example.com",
            "+13105550122",
        )
        event = db.session.scalar(sa.select(AuditEvent).filter_by(subject_type="client"))
        assert event.action == "details edited" and event.before["name"] == "Rosa Lind"


@pytest.mark.parametrize(
    "change, message",
    [
        ({"phone": "555 0122 999"}, "That phone number does not look right"),
        ({"email": "omar@example.com"}, "Another client (Omar Haddad) has that email"),
        ({"name": ""}, "Please give the client's name."),
    ],
)
def test_bad_details_are_refused_on_the_page(rosa, client, login_as, change, message):
    login_as("admin")
    html = client.get(f"/staff/clients/{rosa}").get_data(as_text=True)
    data = {"csrf_token": form_token(html), "name": "Rosa", "email": "", "phone": "", **change}
    response = client.post(f"/staff/clients/{rosa}/details", data=data)
    assert response.status_code == 422
    assert message in text_of(response.get_data(as_text=True))
    with client.application.app_context():
        assert db.session.get(Client, rosa).name == "Rosa Lind"


def test_a_therapist_sees_no_admin_actions_and_is_refused_them(rosa, client, login_as):
    login_as("therapist")
    html = client.get(f"/staff/clients/{rosa}").get_data(as_text=True)
    assert "Merge into this client" not in html and "Anonymise" not in html
    token = form_token(html)
    for action in ("merge", "export/json", "export/csv", "anonymise"):
        response = client.post(f"/staff/clients/{rosa}/{action}", data={"csrf_token": token})
        assert response.status_code == 403, action


@pytest.mark.parametrize("path", ["/staff/clients/", "/staff/clients/1"])
def test_anonymous_visitors_are_sent_to_log_in(clinic, client, path):
    response = client.get(path)
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]


@pytest.mark.parametrize(
    "path",
    [
        "/staff/clients/999999",
        "/staff/clients/abc",
        "/staff/clients/-1",
        "/staff/clients/99999999999999999999999",
        "/staff/clients/0",
    ],
)
def test_garbage_client_ids_are_not_found(rosa, client, login_as, path):
    login_as("admin")
    assert client.get(path).status_code == 404


def test_an_unknown_export_kind_is_not_found(rosa, client, login_as):
    login_as("admin")
    token = form_token(client.get(f"/staff/clients/{rosa}").get_data(as_text=True))
    response = client.post(f"/staff/clients/{rosa}/export/xml", data={"csrf_token": token})
    assert response.status_code == 404


def test_the_menu_offers_clients(clinic, client, login_as):
    login_as("therapist")
    assert 'href="/staff/clients/"' in client.get("/staff/").get_data(as_text=True)


def test_the_intake_shows_each_question_as_asked_and_the_consent_version(
    clinic, frozen, client, login_as
):
    """Old bookings' fixed answers and new ones as asked, each with what was accepted."""
    from clinicsite.intake.questions import new_consent_version
    from clinicsite.models import Appointment

    old = {"pain": "Tight shoulders", "conditions": "", "pregnant": "not-applicable"}
    first = visit(clinic, NOW - timedelta(days=60), status="completed", intake=old)
    asked = {
        "answers": [
            {"question": 7, "label": "Which side hurts?", "answer": "Left"},
            {"question": 8, "label": "Anything we should avoid?", "answer": ""},
        ],
        "consent": True,
    }
    second = visit(clinic, NOW - timedelta(days=5), status="completed", intake=asked)
    with clinic.app_context():
        consent = new_consent_version("Massage is not a medical treatment.")
        db.session.flush()
        db.session.get(Appointment, second).consent_text_id = consent.id
        db.session.commit()
    login_as("therapist")
    html = page(client, f"/staff/clients/{client_id_of(clinic, first)}")
    intake = text_of(html[html.index("Intake answers") :])
    assert "Which side hurts? Left" in intake
    assert "Anything we should avoid? None given" in intake
    assert "Consent accepted Version 1" in intake
    assert "Current pain or injury Tight shoulders" in intake
    assert "Are you pregnant? not applicable" in intake
    assert intake.index("Which side hurts?") < intake.index("Tight shoulders")  # newest first
