"""The clinic's cards-on-file setting and fee amounts: typed in dollars, kept in cents,
refused in words when they are not amounts, and shown to clients on the details step."""

from __future__ import annotations

import pytest

from clinicsite.extensions import db
from clinicsite.models import ClinicSettings
from tests.staff.test_staff_catalogue import SETTINGS
from tests.support.staff_helpers import form_token


def save(client, **fees):
    page = client.get("/staff/settings").get_data(as_text=True)
    return client.post("/staff/settings", data={"csrf_token": form_token(page), **SETTINGS, **fees})


def test_fees_are_saved_in_cents(app, client, login_as):
    login_as("admin")
    response = save(client, cards_on_file="y", no_show_fee="50", late_cancel_fee="$25.50")
    assert response.status_code == 302
    with app.app_context():
        clinic = db.session.get(ClinicSettings, 1)
        assert (clinic.cards_on_file, clinic.no_show_fee, clinic.late_cancel_fee) == (
            True,
            5000,
            2550,
        )
    page = client.get("/staff/settings").get_data(as_text=True)
    assert 'value="50.00"' in page and 'value="25.50"' in page


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-5", "can&#39;t be negative"),
        ("fifty", "Please enter an amount like 50"),
        ("5.555", "at most two decimal places"),
        ("99999999", "at most 100,000"),
    ],
)
def test_bad_fees_are_refused_in_words(app, client, login_as, value, message):
    login_as("admin")
    response = save(client, cards_on_file="y", no_show_fee=value, late_cancel_fee="0")
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with app.app_context():
        clinic = db.session.get(ClinicSettings, 1)
        assert clinic is None or clinic.no_show_fee == 0  # nothing saved


def test_empty_fees_mean_none(app, client, login_as):
    login_as("admin")
    assert save(client, no_show_fee="", late_cancel_fee="").status_code == 302
    with app.app_context():
        clinic = db.session.get(ClinicSettings, 1)
        assert (clinic.cards_on_file, clinic.no_show_fee, clinic.late_cancel_fee) == (False, 0, 0)
