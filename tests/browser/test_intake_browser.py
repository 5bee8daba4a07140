"""The conditional health question in Chromium (issue 15): the due date is hidden until
the client answers Yes to pregnancy, is then required, and the booking goes to a therapist
trained for it with the consent version the client accepted."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from clinicsite.extensions import db
from clinicsite.intake.questions import new_consent_version
from clinicsite.models import Appointment, IntakeQuestion, Therapist
from tests.browser.conftest import shoot

pytestmark = pytest.mark.browser


@pytest.fixture
def asked(clinic):
    with clinic.app_context():
        pregnant = db.session.scalar(sa.select(IntakeQuestion).filter_by(key="pregnant"))
        pregnant.routes_answer, pregnant.routes_tag = "Yes", "prenatal"
        db.session.add(
            IntakeQuestion(
                kind="date",
                label="Your due date",
                required=True,
                position=5,
                shown_if=pregnant,
                shown_if_answer="Yes",
            )
        )
        lena = db.session.scalar(sa.select(Therapist).filter_by(slug="lena-marchetti"))
        lena.qualifications = "prenatal"
        new_consent_version("Massage does not replace a visit to your doctor.")
        db.session.commit()
    return clinic


def test_the_due_date_shows_after_yes_and_is_required(live_server, page, asked):
    page.goto(live_server + "/book/")
    choices = page.locator(".choice-list")
    choices.get_by_role("link", name="Neuromuscular Therapy").first.click()
    choices.get_by_role("link", name=re.compile(r"^\s*1 h(?! 30)")).click()  # 60 minutes
    choices.get_by_role("link", name="Saltgrass Hermosa Beach Studio").click()
    choices.get_by_role("link", name="Lena Marchetti").click()
    page.locator(".day-list a").first.click()
    page.locator(".time-list a").first.click()
    expect(page.locator("h1")).to_have_text("Your details")

    due = page.get_by_label("Your due date")
    expect(due).to_be_hidden()  # the script hides it until Yes
    page.get_by_label("Full name").fill("Mina Parent")
    page.get_by_label("Email").fill("mina@example.com")
    page.get_by_label("Mobile phone").fill("310 555 0166")
    page.get_by_label("Yes", exact=True).check()
    expect(due).to_be_visible()
    page.get_by_label("No", exact=True).check()
    expect(due).to_be_hidden()
    page.get_by_label("Yes", exact=True).check()
    expect(page.get_by_text("Massage does not replace a visit to your doctor.")).to_be_visible()
    page.get_by_label("I have read and accept the consent above").check()
    page.get_by_label("I accept the cancellation policy").check()
    page.get_by_role("button", name="Hold this time").click()

    expect(page.get_by_text("Please answer this question.")).to_be_visible()
    expect(page.get_by_label("Full name")).to_have_value("Mina Parent")  # nothing lost
    expect(due).to_be_visible()  # Yes is still chosen, so the question still shows
    due.fill("2027-05-20")
    shoot(page, "intake-1-due-date")
    page.get_by_label("I have read and accept the consent above").check()
    page.get_by_label("I accept the cancellation policy").check()
    page.get_by_role("button", name="Hold this time").click()

    expect(page.locator(".status")).to_contain_text("no card is charged")
    with asked.app_context():
        appointment = db.session.scalar(sa.select(Appointment))
        answers = {a["label"]: a["answer"] for a in appointment.intake["answers"]}
        assert answers["Your due date"] == "2027-05-20"
        assert answers["Are you pregnant?"] == "Yes"
        assert appointment.therapist.slug == "lena-marchetti"
        assert appointment.consent_text.version == 1
    assert [e for e in page.console_errors if "422" not in e] == []
