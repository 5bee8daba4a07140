"""A subscriber's preferences page (/newsletter/preferences/<token>): their areas and how
they hear of new posts. Opening the link changes nothing, the form needs its CSRF token,
garbage is answered with a message, and the sign-up forms offer the choice of post emails."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from clinicsite.extensions import db
from clinicsite.models import ServiceArea, Subscriber
from tests.support.app import csrf_token
from tests.support.booking_helpers import FrozenClock
from tests.support.factories import make_area, make_clinic, make_region
from tests.support.mail_helpers import database_rows
from tests.support.newsletter_helpers import add_subscribers

NOON = datetime(2026, 12, 8, 20, 0, tzinfo=UTC)


@pytest.fixture
def site(app, monkeypatch):
    FrozenClock(NOON).install(monkeypatch)
    with app.app_context():
        make_clinic(name="Saltgrass Bodywork")
        south_bay = make_region(name="South Bay")
        make_area(south_bay, name="Hermosa Beach", slug="hermosa-beach")
        make_area(south_bay, name="Torrance", slug="torrance")
        make_area(make_region(name="Westside"), name="Venice", slug="venice")
        make_area(south_bay, name="Closed Town", slug="closed-town", active=False)
        db.session.commit()
    return app


def area_ids(app) -> dict[str, int]:
    with app.app_context():
        return dict(db.session.execute(sa.select(ServiceArea.slug, ServiceArea.id)).all())


def state(app, email="ana@example.org") -> tuple[str, list[str], datetime | None]:
    with app.app_context():
        row = db.session.scalar(sa.select(Subscriber).where(Subscriber.email == email))
        return row.post_updates, [a.slug for a in row.areas], row.post_updates_since


def token_of(app, email="ana@example.org") -> str:
    with app.app_context():
        return db.session.scalar(sa.select(Subscriber.token).where(Subscriber.email == email))


def test_the_page_shows_the_current_choices_and_changes_nothing_on_get(site, client):
    add_subscribers(site, "ana@example.org")
    url = f"/newsletter/preferences/{token_of(site)}"
    before = database_rows(site)
    for _ in range(3):  # a mail scanner opening the link, then the person
        page = client.get(url)
        assert page.status_code == 200
    body = page.text
    assert "ana@example.org" in body
    assert "South Bay" in body and "Hermosa Beach" in body and "Venice" in body
    assert "Closed Town" not in body  # an inactive area is not offered
    assert re.search(r'value="none"[^>]*checked|checked[^>]*value="none"', body)
    assert page.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert state(site) == ("none", [], None)
    assert client.head(url).status_code == 200
    assert database_rows(site) == before


def test_saving_stores_areas_and_the_choice_from_now(site, client):
    add_subscribers(site, "ana@example.org")
    url = f"/newsletter/preferences/{token_of(site)}"
    ids = area_ids(site)
    data = {
        "csrf_token": csrf_token(client, url),
        "post_updates": "weekly",
        "area_ids": [str(ids["hermosa-beach"]), str(ids["venice"])],
    }
    response = client.post(url, data=data)
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).text
    assert "Your preferences are saved." in page
    venice = ids["venice"]
    assert re.search(rf'value="{venice}"[^>]*checked|checked[^>]*value="{venice}"', page)
    assert state(site) == ("weekly", ["hermosa-beach", "venice"], NOON)

    # Saving the same choice again later keeps when it was made (no posts are resent).
    data = {**data, "area_ids": [str(ids["torrance"])]}
    client.post(url, data=data)
    assert state(site) == ("weekly", ["torrance"], NOON)


def test_a_post_without_the_csrf_token_is_refused(site, client):
    add_subscribers(site, "ana@example.org")
    url = f"/newsletter/preferences/{token_of(site)}"
    client.get(url)
    for data in ({"post_updates": "weekly"}, {"post_updates": "weekly", "csrf_token": "forged"}):
        response = client.post(url, data=data)
        assert response.status_code == 400
        assert "This form has expired" in response.text
    assert state(site) == ("none", [], None)


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"post_updates": "daily"}, "Please choose how to hear of new posts"),
        ({}, "Please choose how to hear of new posts"),
        ({"post_updates": "weekly", "area_ids": ["99999"]}, "Please choose areas from the list."),
        ({"post_updates": "weekly", "area_ids": ["venice"]}, "Please choose areas from the list."),
        ({"post_updates": "weekly", "area_ids": ["closed-town"]}, "Please choose areas"),
    ],
)
def test_garbage_is_answered_with_a_clear_message(site, client, fields, message):
    add_subscribers(site, "ana@example.org")
    url = f"/newsletter/preferences/{token_of(site)}"
    ids = area_ids(site)
    if fields.get("area_ids") == ["closed-town"]:
        fields = {**fields, "area_ids": [str(ids["closed-town"])]}
    response = client.post(url, data={"csrf_token": csrf_token(client, url), **fields})
    assert response.status_code == 422
    assert message in response.text
    assert state(site) == ("none", [], None)


@pytest.mark.parametrize("method", ["get", "post", "head"])
def test_an_unknown_token_gets_a_clear_404(site, client, method):
    add_subscribers(site, "ana@example.org")
    token = csrf_token(client, f"/newsletter/preferences/{token_of(site)}")
    url = "/newsletter/preferences/not-a-real-token"
    if method == "post":
        response = client.post(url, data={"csrf_token": token, "post_updates": "weekly"})
    else:
        response = getattr(client, method)(url)
    assert response.status_code == 404
    if method != "head":
        assert "We could not find that newsletter link" in response.text


def test_an_unsubscribed_address_is_told_it_gets_nothing(site, client):
    add_subscribers(site, "ana@example.org", status="unsubscribed")
    page = client.get(f"/newsletter/preferences/{token_of(site)}").text
    assert "This address is unsubscribed, so we send it nothing." in page


@pytest.mark.parametrize(
    "choice, stored", [("weekly", "weekly"), ("as_published", "as_published"), (None, "none")]
)
def test_the_footer_form_offers_the_choice_of_post_emails(site, client, choice, stored):
    page = client.get("/services/").text
    assert 'name="post_updates"' in page and "A weekly digest" in page
    data = {"email": "ana@example.org", "website": "", "source": "/services/"}
    if choice:
        data["post_updates"] = choice
    assert client.post("/newsletter", data=data).status_code == 303
    assert state(site)[0] == stored
    assert state(site)[2] == NOON


def test_a_bad_choice_on_the_sign_up_form_is_explained(site, client):
    response = client.post(
        "/newsletter", data={"email": "ana@example.org", "website": "", "post_updates": "hourly"}
    )
    assert response.status_code == 422
    assert "Please choose how to hear of new posts" in response.text
    with site.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Subscriber)) == 0


def test_signing_up_again_does_not_change_a_confirmed_subscribers_choice(site, client):
    add_subscribers(site, "ana@example.org")
    client.post("/newsletter", data={"email": "ana@example.org", "post_updates": "weekly"})
    assert state(site)[0] == "none"


def test_staff_see_each_subscribers_areas_and_choice(site, client, login_as):
    add_subscribers(site, "ana@example.org", "ben@example.org")
    ids = area_ids(site)
    with site.app_context():
        ana = db.session.scalar(sa.select(Subscriber).where(Subscriber.email == "ana@example.org"))
        ana.post_updates = "weekly"
        ana.areas = [
            db.session.get(ServiceArea, ids["venice"]),
            db.session.get(ServiceArea, ids["torrance"]),
        ]
        db.session.commit()
    login_as("editor")
    rows = re.findall(r"<tr>(.*?)</tr>", client.get("/staff/newsletter").text, re.S)
    cells = {
        re.search(r"<td>([^<]+@example.org)</td>", row).group(1): re.findall(
            r"<td>([^<]*)</td>", row
        )
        for row in rows
        if "@example.org" in row
    }
    assert cells["ana@example.org"][2:4] == ["Weekly", "Torrance, Venice"]
    assert cells["ben@example.org"][2:4] == ["Newsletter only", "—"]
    csv_text = client.get("/staff/newsletter/subscribers.csv").text
    assert "weekly,Torrance; Venice" in csv_text
