"""Model behaviour that pages and bookings rely on."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from clinicsite.extensions import db
from clinicsite.models import Inquiry, ServiceOption
from clinicsite.text import render_markdown
from tests.support.factories import MARKDOWN_COLUMNS, make_service


def test_times_come_back_as_aware_utc(app):
    la_time = datetime(2026, 11, 1, 1, 30, tzinfo=timezone(timedelta(hours=-7)))
    with app.app_context():
        inquiry = Inquiry(
            name="A", email="a@example.com", message="Hello there", created_at=la_time
        )
        db.session.add(inquiry)
        db.session.commit()
        inquiry_id = inquiry.id
        db.session.expire_all()
        stored = db.session.get(Inquiry, inquiry_id).created_at
    assert stored.tzinfo is not None
    assert stored == la_time
    assert stored.utcoffset() == timedelta(0)


def test_naive_datetimes_are_refused(app):
    with app.app_context():
        db.session.add(
            Inquiry(name="A", email="a@example.com", message="Hi", created_at=datetime(2026, 1, 1))
        )
        with pytest.raises(sa.exc.StatementError, match="naive datetime"):
            db.session.commit()
        db.session.rollback()


def test_deposit_cannot_exceed_price(app):
    with app.app_context():
        service = make_service()
        db.session.commit()
        db.session.add(
            ServiceOption(service=service, duration_minutes=30, price=1000, deposit=2000)
        )
        with pytest.raises(sa.exc.IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_updated_at_moves_on_change(app):
    with app.app_context():
        service = make_service()
        db.session.commit()
        first = service.updated_at
        service.name = "New name"
        db.session.commit()
        assert service.updated_at > first


HOSTILE_MARKDOWN = (
    "**Firm** pressure. <script>alert(1)</script> [x](javascript:alert(1)) "
    "<img src=x onerror=alert(1)> ![y](javascript:alert(2))"
)


@pytest.mark.parametrize("model, column", MARKDOWN_COLUMNS)
def test_markdown_is_stored_rendered_and_sanitized_whenever_it_is_set(model, column):
    row = model(**{column: HOSTILE_MARKDOWN})
    html = getattr(row, f"{column}_html")
    assert html == str(render_markdown(HOSTILE_MARKDOWN))  # exactly what pages showed
    assert "<strong>Firm</strong> pressure." in html
    assert "<script" not in html and "<img src=x" not in html
    assert '="javascript' not in html  # neither a link nor an image to it
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown as text, not run

    setattr(row, column, "Now *gentle*.")
    assert getattr(row, f"{column}_html") == "<p>Now <em>gentle</em>.</p>\n"
    setattr(row, column, "")
    assert getattr(row, f"{column}_html") == ""
