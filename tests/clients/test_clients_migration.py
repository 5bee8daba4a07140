"""The migration that adds clients gives every existing appointment one, matched as new
bookings are (normalised email, then phone), and goes back down cleanly."""

from __future__ import annotations

import os

import pytest

from clinicsite.config import normalise_database_url
from clinicsite.extensions import db
from tests.support.app import empty_schema, make_app, worker_database
from tests.support.factories import make_clinic, make_location, make_service, make_therapist

BEFORE_CLIENTS = "b91cbf35896c"
CLIENTS = "c1e4a7b2d9f3"


@pytest.fixture
def own_database(tmp_path) -> str:
    url = os.environ.get("TEST_DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{tmp_path / 'clients.sqlite3'}"
    url = worker_database(normalise_database_url(url), "clients_migration")
    empty_schema(url)
    return url


# name, email, phone as typed on old bookings
OLD_BOOKINGS = [
    ("Rosa Lind", "rosa@example.com", "310-555-0111"),
    ("Rosa Lind", " ROSA@example.com", ""),  # the same email, another case
    ("Sam Ortiz", "", "(310) 555-0190"),
    ("Sam Ortiz", "", "310.555.0190"),  # the same phone, typed differently
    ("Ann Wu", "ann@example.com", "310 555 0177"),
    ("Ben Wu", "ben@example.com", "310 555 0177"),  # a shared landline, his own email
    ("Kim Lee", "", "call me"),  # no usable contact: a client of their own
]


def test_existing_appointments_get_their_clients(own_database):
    from flask_migrate import downgrade, upgrade

    app = make_app(own_database)
    with app.app_context():
        upgrade()  # the factories write today's models; the rows outlive the downgrade
        make_clinic()
        option = make_service().options[0]
        studio, therapist = make_location(), make_therapist()
        db.session.commit()
        ids = (option.service_id, option.id, therapist.id, studio.id)
        db.session.remove()  # its connection back, before the migrations take their own
        downgrade(revision=BEFORE_CLIENTS)
        with db.engine.begin() as conn:
            for n, (name, email, phone) in enumerate(OLD_BOOKINGS):
                conn.execute(
                    db.text(
                        "INSERT INTO appointment (token, service_id, option_id, therapist_id,"
                        " location_id, starts_at, ends_at, blocks_until, status, price, deposit,"
                        " currency, client_name, client_email, client_phone, client_notes,"
                        " intake, staff_notes, source, sequence, created_at, updated_at)"
                        " VALUES (:token, :s, :o, :t, :l, :start, :end, :end, 'confirmed', 0,"
                        " 0, 'USD', :name, :email, :phone, '', '{}', '', 'online', 0, :start,"
                        " :start)"
                    ),
                    {
                        "token": f"t{n}",
                        **dict(zip(("s", "o", "t", "l"), ids, strict=True)),
                        "start": f"2026-0{n + 1}-02 18:00:00",
                        "end": f"2026-0{n + 1}-02 19:00:00",
                        "name": name,
                        "email": email,
                        "phone": phone,
                    },
                )
        upgrade(revision=CLIENTS)
        with db.engine.connect() as conn:
            owners = conn.execute(
                db.text(
                    "SELECT a.client_name, c.id, c.email_key, c.phone FROM appointment a"
                    " JOIN client c ON c.id = a.client_id ORDER BY a.id"
                )
            ).all()
        downgrade(revision=BEFORE_CLIENTS)
        db.engine.dispose()
    rosa, rosa2, sam, sam2, ann, ben, kim = owners
    assert rosa[1] == rosa2[1] and rosa[2:] == ("rosa@example.com", "+13105550111")
    assert sam[1] == sam2[1] and sam[2:] == (None, "+13105550190")
    assert ann[1] != ben[1] and ben[2] == "ben@example.com"
    assert kim[2:] == (None, None)
    assert len({o[1] for o in owners}) == 5
