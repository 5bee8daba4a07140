"""Issues for chosen areas: the editor ticks areas, and `flask newsletter send-due` sends
the issue only to confirmed subscribers who live in one of them; an issue with no areas
still goes to everyone."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from clinicsite.extensions import db
from clinicsite.models import NewsletterIssue, ServiceArea, Subscriber
from tests.support.app import csrf_token
from tests.support.booking_helpers import FrozenClock, text_of
from tests.support.factories import make_area, make_clinic, make_region
from tests.support.newsletter_helpers import NINE_AM, add_issue, add_subscribers, recipients

NEW = "/staff/newsletter/issues/new"


@pytest.fixture
def site(app, monkeypatch):
    FrozenClock(NINE_AM - timedelta(days=1)).install(monkeypatch)
    with app.app_context():
        make_clinic(name="Saltgrass Bodywork")
        south_bay = make_region(name="South Bay")
        make_area(south_bay, name="Hermosa Beach", slug="hermosa-beach")
        make_area(south_bay, name="Torrance", slug="torrance")
        make_area(make_region(name="Westside"), name="Venice", slug="venice")
        db.session.commit()
    return app


def live_in(app, email: str, *slugs: str) -> None:
    with app.app_context():
        row = db.session.scalar(sa.select(Subscriber).where(Subscriber.email == email))
        row.areas = list(
            db.session.scalars(sa.select(ServiceArea).where(ServiceArea.slug.in_(slugs)))
        )
        db.session.commit()


def area_id(app, slug: str) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(ServiceArea.id).where(ServiceArea.slug == slug))


def for_areas(app, issue_id: int, *slugs: str) -> None:
    with app.app_context():
        issue = db.session.get(NewsletterIssue, issue_id)
        issue.areas = list(
            db.session.scalars(sa.select(ServiceArea).where(ServiceArea.slug.in_(slugs)))
        )
        db.session.commit()


@pytest.fixture
def people(site):
    add_subscribers(site, "hermosa@example.org", "torrance@example.org", "venice@example.org")
    add_subscribers(site, "both@example.org", "nowhere@example.org")
    add_subscribers(site, "left@example.org", status="unsubscribed")
    add_subscribers(site, "pending@example.org", status="pending")
    live_in(site, "hermosa@example.org", "hermosa-beach")
    live_in(site, "torrance@example.org", "torrance")
    live_in(site, "venice@example.org", "venice")
    live_in(site, "both@example.org", "venice", "torrance")
    live_in(site, "left@example.org", "torrance")
    live_in(site, "pending@example.org", "torrance")
    return site


def send(site, runner):
    for _ in range(2):
        result = runner.invoke(args=["newsletter", "send-due"])
        assert result.exit_code == 0, result.output


def test_an_issue_for_chosen_areas_reaches_only_those_who_live_there(people, runner, monkeypatch):
    issue_id = add_issue(people, send_at=NINE_AM)
    for_areas(people, issue_id, "torrance", "hermosa-beach")
    FrozenClock(NINE_AM).install(monkeypatch)
    send(people, runner)
    assert recipients(people) == ["both@example.org", "hermosa@example.org", "torrance@example.org"]


def test_an_issue_for_no_areas_goes_to_everyone_on_the_list(people, runner, monkeypatch):
    add_issue(people, send_at=NINE_AM)
    FrozenClock(NINE_AM).install(monkeypatch)
    send(people, runner)
    assert recipients(people) == [
        "both@example.org",
        "hermosa@example.org",
        "nowhere@example.org",
        "torrance@example.org",
        "venice@example.org",
    ]


def test_the_editor_chooses_areas_and_sees_who_it_will_reach(people, client, login_as, runner):
    login_as("editor")
    page = client.get(NEW).text
    assert "Hermosa Beach (South Bay)" in page and "Venice (Westside)" in page
    data = {
        "csrf_token": csrf_token(client, NEW),
        "subject": "A new studio in Venice",
        "body": "Come and see us.",
        "service_id": "",
        "area_ids": [str(area_id(people, "venice"))],
        "action": "send_now",
    }
    response = client.post(NEW, data=data)
    assert response.status_code == 303
    message = text_of(client.get(response.headers["Location"]).text)
    assert "to 2 confirmed subscribers in Venice" in message
    listing = text_of(client.get("/staff/newsletter/issues/").text)
    assert "A new studio in Venice" in listing and "Venice" in listing
    runner.invoke(args=["newsletter", "send-due"])
    assert recipients(people) == ["both@example.org", "venice@example.org"]
    sent_page = text_of(client.get(response.headers["Location"]).text)
    assert "Subscribers in Venice" in sent_page


@pytest.mark.parametrize("value", ["99999", "venice", "1.5"])
def test_an_unknown_area_is_a_clear_form_error(people, client, login_as, value):
    login_as("editor")
    data = {
        "csrf_token": csrf_token(client, NEW),
        "subject": "Hello",
        "body": "",
        "service_id": "",
        "area_ids": [value],
        "action": "save",
    }
    response = client.post(NEW, data=data)
    assert response.status_code == 422
    assert "Please choose areas from the list." in text_of(response.text)
    with people.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(NewsletterIssue)) == 0
