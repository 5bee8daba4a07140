"""Blog publishing as domain code: called with plain values and an actor, outside any
request, it follows the same rules as the staff editor."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from clinicsite import publishing
from clinicsite.audit import Actor
from clinicsite.blog import posts
from clinicsite.extensions import db
from clinicsite.models import AuditEvent, Category, Comment, Post, PostRedirect, Tag
from tests.support.factories import make_clinic, make_staff

NOW = datetime(2026, 11, 30, 18, 0, tzinfo=UTC)


@pytest.fixture
def ctx(app):
    with app.app_context():
        make_clinic()
        editor = make_staff("editor")
        db.session.commit()
        yield Actor.staff(editor)


def changes(**fields) -> publishing.PostChanges:
    values = {"title": "Desk shoulders", "slug": "desk-shoulders", "body": "Some **words**."}
    return publishing.PostChanges(**(values | fields))


def test_saving_a_draft_renders_it_and_records_who_did_it(ctx):
    saved = publishing.save(None, changes(tags=["Desk work", "desk  work"]), ctx, NOW)
    post = saved.post
    assert post.status == "draft" and post.published_at is None
    assert "<strong>words</strong>" in post.body_html
    assert [t.slug for t in post.tags] == ["desk-work"]
    assert post.author_id == ctx.staff_id
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.subject_id == post.id))
    assert event.action == "created" and event.actor_id == ctx.staff_id


def test_publish_schedule_and_unpublish(ctx):
    post = publishing.save(None, changes(action="publish"), ctx, NOW).post
    assert posts.is_public(post, NOW)
    later = NOW + timedelta(days=3)
    scheduled = publishing.save(
        None, changes(slug="later", action="schedule", scheduled_at=later), ctx, NOW
    ).post
    assert not posts.is_public(scheduled, NOW) and posts.is_public(scheduled, later)
    assert publishing.status_label(scheduled, NOW, make_clinic().tz).startswith("Scheduled for")
    publishing.save(scheduled, changes(slug="later", action="unpublish"), ctx, NOW)
    assert scheduled.status == "draft" and scheduled.published_at is None
    publishing.save(post, changes(action="unpublish"), ctx, NOW)
    assert post.status == "draft" and post.published_at is not None  # it was public once


def test_renaming_a_public_post_keeps_its_old_address(ctx):
    post = publishing.save(None, changes(action="publish"), ctx, NOW).post
    publishing.save(post, changes(slug="shoulders-at-the-desk"), ctx, NOW + timedelta(hours=1))
    assert db.session.get(PostRedirect, "desk-shoulders").post_id == post.id
    draft = publishing.save(None, changes(slug="draft-one"), ctx, NOW).post
    publishing.save(draft, changes(slug="draft-two"), ctx, NOW)
    assert db.session.get(PostRedirect, "draft-one") is None  # never public: nothing to keep


def test_a_taken_slug_saves_nothing(ctx):
    publishing.save(None, changes(), ctx, NOW)
    assert publishing.save(None, changes(new_categories=["Fresh"]), ctx, NOW) is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Post)) == 1
    assert db.session.scalar(sa.select(Category).filter_by(slug="fresh")) is None


def test_a_replaced_cover_is_handed_back_and_delete_takes_comments(ctx):
    post = publishing.save(None, changes(cover="old.webp"), ctx, NOW).post
    saved = publishing.save(post, changes(cover="new.webp"), ctx, NOW)
    assert saved.dropped_cover == "old.webp"
    db.session.add(Comment(post=post, name="A", email="a@example.com", body="Hi", status="pending"))
    db.session.commit()
    assert publishing.delete(post, ctx) == "new.webp"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Comment)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Tag)) == 0


def test_an_unknown_action_is_refused(ctx):
    with pytest.raises(ValueError):
        publishing.save(None, changes(action="launch"), ctx, NOW)
