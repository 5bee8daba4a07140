"""flask seed-demo and flask staff."""

from __future__ import annotations

import sqlalchemy as sa

from clinicsite.extensions import db
from clinicsite.models import (
    AreaService,
    ClinicSettings,
    Location,
    Region,
    Service,
    ServiceArea,
    StaffUser,
    Therapist,
    WorkingHours,
)

MODELS = [
    ClinicSettings,
    Service,
    Region,
    ServiceArea,
    AreaService,
    Location,
    Therapist,
    WorkingHours,
    StaffUser,
]


def row_counts(app) -> dict[str, int]:
    with app.app_context():
        return {
            m.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in MODELS
        }


def test_seed_demo_loads_the_demo_clinic(app, runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "Staff demo login: owner@example.com" in result.output
    counts = row_counts(app)
    assert counts["Service"] >= 6
    assert counts["Region"] == 2
    assert counts["ServiceArea"] >= 9
    assert counts["Therapist"] == 3
    with app.app_context():
        kinds = sorted(db.session.scalars(sa.select(Location.kind)))
        assert kinds == ["mobile", "studio", "studio"], "two studios and the home-visit hours"
        discovery = db.session.scalar(sa.select(Service).filter_by(slug="discovery-session"))
        [option] = discovery.options
        assert (option.duration_minutes, option.price, option.deposit) == (20, 0, 0)
        for therapist in db.session.scalars(sa.select(Therapist)):
            assert therapist.hours, f"{therapist.name} has no weekly hours"
        clinic = db.session.get(ClinicSettings, 1)
        assert clinic.timezone == "America/Los_Angeles"


def test_seed_demo_twice_changes_nothing(app, runner):
    runner.invoke(args=["seed-demo"])
    with app.app_context():
        before = db.session.scalar(
            sa.select(Service.updated_at).filter_by(slug="discovery-session")
        )
    counts = row_counts(app)
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0
    assert "nothing changed" in result.output
    assert row_counts(app) == counts
    with app.app_context():
        after = db.session.scalar(sa.select(Service.updated_at).filter_by(slug="discovery-session"))
    assert before == after


def test_seed_demo_keeps_staff_edits(app, runner):
    runner.invoke(args=["seed-demo"])
    with app.app_context():
        service = db.session.scalar(sa.select(Service).filter_by(slug="discovery-session"))
        service.name = "Renamed by the owner"
        db.session.commit()
    runner.invoke(args=["seed-demo"])
    with app.app_context():
        assert (
            db.session.scalar(sa.select(Service.name).filter_by(slug="discovery-session"))
            == "Renamed by the owner"
        )


def test_seed_demo_if_empty_skips_a_set_up_clinic(app, runner):
    runner.invoke(args=["seed-demo"])
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert "already set up" in result.output


def test_demo_staff_can_log_in(app, client, runner):
    from tests.support.app import csrf_token

    runner.invoke(args=["seed-demo"])
    token = csrf_token(client, "/staff/login")
    response = client.post(
        "/staff/login",
        data={"email": "owner@example.com", "password": "clinic-demo-2026", "csrf_token": token},
    )
    assert response.status_code == 302
    assert "Clinic Owner (admin)" in client.get("/staff/").get_data(as_text=True)


def test_staff_create_and_set_password(app, runner):
    result = runner.invoke(
        args=[
            "staff",
            "create",
            "--email",
            "Front@Example.com",
            "--name",
            "Front Desk",
            "--role",
            "admin",
        ],
        input="long enough password\nlong enough password\n",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(sa.select(StaffUser).filter_by(email="front@example.com"))
        assert user.check_password("long enough password")
        assert user.password_hash != "long enough password"
    result = runner.invoke(
        args=["staff", "set-password", "front@example.com"],
        input="another long password\nanother long password\n",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(sa.select(StaffUser).filter_by(email="front@example.com"))
        assert user.check_password("another long password")


def test_staff_create_refuses_bad_input(app, runner):
    short = runner.invoke(
        args=["staff", "create", "--email", "a@example.com", "--name", "A", "--role", "admin"],
        input="short\nshort\n",
    )
    assert short.exit_code != 0 and "at least 10 characters" in short.output
    no_profile = runner.invoke(
        args=["staff", "create", "--email", "t@example.com", "--name", "T", "--role", "therapist"],
        input="long enough password\nlong enough password\n",
    )
    assert no_profile.exit_code != 0 and "--therapist" in no_profile.output
    bad_role = runner.invoke(
        args=["staff", "create", "--email", "x@example.com", "--name", "X", "--role", "owner"]
    )
    assert bad_role.exit_code != 0
    unknown = runner.invoke(
        args=["staff", "set-password", "nobody@example.com"],
        input="long enough password\nlong enough password\n",
    )
    assert unknown.exit_code != 0 and "No staff account" in unknown.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(StaffUser)) == 0
