"""The blog editor: editors and admins write, preview, publish, schedule, unpublish and
delete posts. Every save renders the body and is audited; bad input gets messages and
keeps what was typed; a refused form stores no file; old slugs of public posts redirect."""

from __future__ import annotations

import html as html_lib
import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from clinicsite.blog import posts
from clinicsite.extensions import db, limiter
from clinicsite.models import (
    AuditEvent,
    Category,
    Comment,
    Post,
    PostRedirect,
    Tag,
)
from tests.support.app import csrf_token, make_app, session_token, wipe
from tests.support.factories import make_clinic, make_service

NOW = datetime(2026, 1, 15, 18, 0, tzinfo=UTC)  # Thursday 10:00 in Los Angeles (PST)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
NEW = "/staff/blog/new"


@pytest.fixture
def app(migrated, tmp_path):
    """Uploads go to a folder of this test's own."""
    app = make_app(migrated, UPLOAD_DIR=tmp_path / "uploads")
    limiter.reset()
    yield app
    wipe(app)


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    monkeypatch.setattr("clinicsite.clock.now", lambda: NOW)


@pytest.fixture
def services(app) -> list[int]:
    """Two active services and an inactive one."""
    with app.app_context():
        make_clinic()
        made = [make_service("Neuromuscular massage"), make_service("Deep tissue")]
        made.append(make_service("Retired service", active=False))
        db.session.commit()
        return [s.id for s in made]


@pytest.fixture
def editor(app, client, login_as, services):
    login_as("editor", name="Erin Editor")
    return client


def text(response) -> str:
    return html_lib.unescape(response.get_data(as_text=True))


def uploaded(app) -> list[str]:
    folder = Path(app.config["UPLOAD_DIR"])
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def fields(**override) -> dict:
    data = {
        "title": "Easing sciatica at your desk",
        "slug": "",
        "summary": "Three small habits that take pressure off the sciatic nerve.",
        "body": "## Sit back\n\nUse the **whole** chair.",
        "tag_names": "",
        "new_categories": "",
        "cover_alt": "",
        "seo_title": "",
        "seo_description": "",
        "publish_date": "",
        "publish_time": "",
        "action": "save",
    }
    data.update(override)
    return data


def send(client, url: str, **override):
    """POST the editor form at `url` with a valid CSRF token."""
    token = csrf_token(client, url)
    return client.post(url, data={**fields(**override), "csrf_token": token})


def edit_url(post_id: int) -> str:
    return f"/staff/blog/{post_id}"


def only_post(app) -> Post:
    with app.app_context():
        post = db.session.scalars(sa.select(Post)).one()
        post.categories, post.tags, post.services  # noqa: B018 -- load before expunging
        db.session.expunge(post)
        return post


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def audit(app) -> list[tuple[str, str]]:
    with app.app_context():
        rows = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.subject_type == "post").order_by(AuditEvent.id)
        )
        return [(e.action, e.actor_label) for e in rows]


def make_post(app, slug: str, status: str = "draft", published_at=None, **more) -> int:
    with app.app_context():
        post = Post(
            slug=slug,
            title=more.pop("title", slug.replace("-", " ").title()),
            body=more.pop("body", "Some words."),
            status=status,
            published_at=published_at,
            **more,
        )
        posts.render(post)
        db.session.add(post)
        db.session.commit()
        return post.id


def created_id(response) -> int:
    assert response.status_code == 303, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


# ---- Creating and editing ------------------------------------------------------------------


def test_a_new_draft_gets_a_slug_from_its_title_topics_and_an_audit_event(app, editor, services):
    response = send(
        editor,
        NEW,
        new_categories="Back pain, back pain ,Posture",
        tag_names="Sciatica, desk work, sciatica, Desk Work",
        service_ids=[str(services[0])],
    )
    post_id = created_id(response)
    post = only_post(app)
    assert post.id == post_id
    assert post.slug == "easing-sciatica-at-your-desk"
    assert post.status == "draft" and post.published_at is None
    assert "<h2>Sit back</h2>" in post.body_html and "<strong>whole</strong>" in post.body_html
    assert post.reading_minutes == 1
    assert [c.slug for c in post.categories] == ["back-pain", "posture"]
    assert sorted(t.slug for t in post.tags) == ["desk-work", "sciatica"]
    assert [s.id for s in post.services] == [services[0]]
    assert audit(app) == [("created", "Erin Editor (editor)")]
    with app.app_context():
        assert db.session.get(Post, post_id).author.name == "Erin Editor"

    page = text(editor.get(edit_url(post_id)))
    assert "Draft saved." in page and "Save draft" in page and "Unpublish" not in page
    listing = text(editor.get("/staff/blog"))
    assert "Easing sciatica at your desk" in listing
    assert "Draft" in listing and "Erin Editor" in listing


def test_existing_categories_and_tags_are_reused_not_duplicated(app, editor):
    with app.app_context():
        db.session.add_all(
            [Category(slug="posture", name="Posture"), Tag(slug="desk", name="desk")]
        )
        db.session.commit()
        posture_id = db.session.scalar(sa.select(Category.id))
    post_id = created_id(
        send(
            editor, NEW, category_ids=[str(posture_id)], new_categories="POSTURE", tag_names="Desk"
        )
    )
    assert count(app, Category) == 1 and count(app, Tag) == 1
    post = only_post(app)
    assert post.id == post_id and [c.id for c in post.categories] == [posture_id]

    # Unticking everything on edit leaves the post without topics.
    assert send(editor, edit_url(post_id), slug=post.slug).status_code == 303
    post = only_post(app)
    assert post.categories == [] and post.tags == [] and post.services == []


def test_inactive_services_are_not_offered_but_a_kept_link_stays(app, editor, services):
    page = text(editor.get(NEW))
    assert "Neuromuscular massage" in page and "Retired service" not in page
    response = send(editor, NEW, service_ids=[str(services[2])])
    assert response.status_code == 422
    assert "Please choose services from the list." in text(response)


def test_editing_re_renders_the_body_and_records_before_and_after(app, editor):
    post_id = created_id(send(editor, NEW))
    first = only_post(app)
    long_body = "Plenty of words here. " * 300
    assert send(editor, edit_url(post_id), slug=first.slug, body=long_body).status_code == 303
    second = only_post(app)
    assert second.body_html != first.body_html
    assert "Plenty of words here." in second.body_html and "Sit back" not in second.body_html
    assert second.reading_minutes == 6  # 1,200 words at 220 a minute
    with app.app_context():
        event = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert event.action == "updated"
        assert event.before["body_chars"] != event.after["body_chars"]


def test_hostile_markdown_never_reaches_the_stored_html(app, editor):
    body = (
        "<script>alert('x')</script>\n\n"
        '<img src="x.png" onerror="alert(1)">\n\n'
        "[click me](javascript:alert(1)) and ![pic](javascript:alert(2))\n\n"
        '<a href="javascript:alert(3)" onclick="alert(4)">raw</a>'
    )
    created_id(send(editor, NEW, body=body))
    stored = only_post(app).body_html
    assert "click me" in stored
    assert_harmless(stored)
    page = send(editor, NEW, body=body, action="preview").get_data(as_text=True)
    assert_harmless(page.split('<section class="panel"', 1)[1].split("</section>", 1)[0])


def assert_harmless(html: str) -> None:
    """No script element, no event handler and no javascript: URL in any tag (as text,
    escaped, they are only words)."""
    tags = re.findall(r"<[a-z][^>]*>", html, re.I)
    assert not [t for t in tags if t.lower().startswith("<script")]
    assert not [t for t in tags if re.search(r"\son[a-z]+\s*=", t, re.I)]
    assert not [t for t in tags if "javascript:" in t.lower()]


def test_invalid_input_is_refused_with_messages_and_everything_typed_kept(app, editor):
    body = "A body with <angle brackets> & ampersands\n\n- and a list"
    response = editor.post(
        NEW,
        data={
            **fields(title="", body=body, tag_names="calm, neck", seo_title="Neck calm"),
            "cover": (io.BytesIO(PNG), "cover.png"),
            "csrf_token": csrf_token(editor, NEW),
        },
    )
    assert response.status_code == 422
    page = text(response)
    assert "Please give the post a title." in page
    assert "Please give a slug" not in page  # one message for one mistake
    assert body in page
    assert 'value="calm, neck"' in page and 'value="Neck calm"' in page
    assert "please choose it again" in page
    assert count(app, Post) == 0 and count(app, AuditEvent) == 0
    assert uploaded(app) == []


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("title", "t" * 201, "Please keep it to 200 characters."),
        ("summary", "s" * 401, "Please keep it to 400 characters."),
        ("body", "b" * 100_001, "Please keep it to 100,000 characters."),
        ("seo_title", "t" * 201, "Please keep it to 200 characters."),
        ("seo_description", "d" * 301, "Please keep it to 300 characters."),
        ("tag_names", "!!!, calm", "“!!!” needs a letter or digit to be a tag."),
        ("new_categories", "c" * 121, "Please keep category names to 120 characters."),
    ],
)
def test_lengths_and_names_are_checked(app, editor, name, value, message):
    response = send(editor, NEW, **{name: value})
    assert response.status_code == 422
    assert message in text(response)
    assert count(app, Post) == 0


def test_a_body_of_exactly_the_limit_is_accepted(app, editor):
    assert send(editor, NEW, body="b" * 100_000).status_code == 303


# ---- Slugs and redirects -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("slug", "message"),
    [
        ("Upper-Case", "Use lowercase letters, digits and single hyphens"),
        ("two--hyphens", "Use lowercase letters, digits and single hyphens"),
        ("spa ce", "Use lowercase letters, digits and single hyphens"),
        ("a" * 121, "Please keep it to 120 characters."),
    ],
)
def test_slugs_are_lowercase_letters_digits_and_hyphens(app, editor, slug, message):
    response = send(editor, NEW, slug=slug)
    assert response.status_code == 422 and message in text(response)


def test_a_title_without_letters_needs_a_typed_slug(app, editor):
    response = send(editor, NEW, title="???")
    assert response.status_code == 422
    assert "no letters or digits to make a slug from" in text(response)
    assert created_id(send(editor, NEW, title="???", slug="questions")) > 0


def test_a_long_title_makes_a_slug_cut_on_a_word(app, editor):
    created_id(send(editor, NEW, title="word " * 39))
    slug = only_post(app).slug
    assert len(slug) <= 120 and slug.endswith("word") and "--" not in slug


def test_a_slug_used_by_another_post_or_its_old_address_is_refused(app, editor):
    other = make_post(app, "desk-stretches", title="Desk stretches")
    with app.app_context():
        db.session.add(PostRedirect(old_slug="old-stretches", post_id=other))
        db.session.commit()

    response = send(editor, NEW, slug="desk-stretches")
    assert response.status_code == 422
    assert "That slug is already used by the post “Desk stretches”." in text(response)
    # A slug made from the title is never refused: it takes the next free number.
    numbered = created_id(send(editor, NEW, title="Desk stretches"))
    with app.app_context():
        assert db.session.get(Post, numbered).slug == "desk-stretches-2"
    response = send(editor, NEW, slug="old-stretches")
    assert response.status_code == 422
    assert "old address of the post “Desk stretches”" in text(response)

    mine = created_id(send(editor, NEW, slug="mine"))
    response = send(editor, edit_url(mine), slug="desk-stretches")
    assert response.status_code == 422 and "already used" in text(response)
    assert count(app, Post) == 3


def test_a_slug_taken_between_check_and_save_gets_a_message_and_leaves_no_file(
    app, editor, monkeypatch
):
    make_post(app, "taken")
    monkeypatch.setattr("clinicsite.staff.editorial.forms.PostForm.validate_slug", lambda *a: None)
    response = with_cover(editor, NEW, PNG, "c.png", slug="taken", cover_alt="Alt", body="Kept")
    assert response.status_code == 422
    page = text(response)
    assert "Another change was saved at the same moment" in page and "Kept" in page
    assert count(app, Post) == 1 and count(app, AuditEvent) == 0 and uploaded(app) == []


def test_renaming_a_published_post_keeps_its_old_slug_as_a_redirect(app, editor):
    post_id = created_id(send(editor, NEW, slug="first-name", action="publish"))
    assert send(editor, edit_url(post_id), slug="second-name").status_code == 303
    with app.app_context():
        assert [(r.old_slug, r.post_id) for r in db.session.scalars(sa.select(PostRedirect))] == [
            ("first-name", post_id)
        ]
    # Taking back the old slug drops that redirect and keeps the one in between.
    assert send(editor, edit_url(post_id), slug="first-name").status_code == 303
    with app.app_context():
        assert [(r.old_slug, r.post_id) for r in db.session.scalars(sa.select(PostRedirect))] == [
            ("second-name", post_id)
        ]
        assert db.session.get(Post, post_id).slug == "first-name"


def test_renaming_a_never_published_post_leaves_no_redirect(app, editor):
    draft = created_id(send(editor, NEW, slug="draft-name"))
    assert send(editor, edit_url(draft), slug="draft-renamed").status_code == 303
    later = datetime(2026, 2, 1, 17, 0, tzinfo=UTC)
    scheduled = make_post(app, "scheduled-name", status="published", published_at=later)
    assert send(editor, edit_url(scheduled), slug="scheduled-renamed").status_code == 303
    assert count(app, PostRedirect) == 0


def test_an_unpublished_post_still_redirects_its_old_slug(app, editor):
    post_id = make_post(app, "was-public", status="draft", published_at=NOW - timedelta(days=3))
    assert send(editor, edit_url(post_id), slug="now-elsewhere").status_code == 303
    assert count(app, PostRedirect) == 1


def test_the_old_slug_answers_301_on_the_public_blog(app, editor):
    if "blog.post" not in app.view_functions:
        pytest.skip("the public blog route (blog.post) is not written yet")
    post_id = created_id(send(editor, NEW, slug="old-address", action="publish"))
    assert send(editor, edit_url(post_id), slug="new-address").status_code == 303
    response = editor.get("/blog/old-address")
    assert response.status_code == 301
    assert response.headers["Location"].endswith("/blog/new-address")


# ---- Preview, publish, schedule, unpublish -------------------------------------------------


def test_preview_shows_the_rendered_body_and_stores_nothing(app, editor):
    response = editor.post(
        NEW,
        data={
            **fields(body="Feel **better** soon", action="preview"),
            "cover": (io.BytesIO(PNG), "cover.png"),
            "csrf_token": csrf_token(editor, NEW),
        },
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Preview (not saved)" in page and "Feel <strong>better</strong> soon" in page
    assert "Feel **better** soon" in page  # the textarea keeps the Markdown
    assert count(app, Post) == 0 and count(app, AuditEvent) == 0 and uploaded(app) == []

    post_id = created_id(send(editor, NEW, body="Old body"))
    before = only_post(app)
    response = send(
        editor, edit_url(post_id), slug=before.slug, body="New *body*", action="preview"
    )
    assert response.status_code == 200 and "New <em>body</em>" in response.get_data(as_text=True)
    after = only_post(app)
    assert (after.body, after.body_html, after.updated_at) == (
        before.body,
        before.body_html,
        before.updated_at,
    )
    assert len(audit(app)) == 1


def test_publish_now_then_unpublish_keeps_the_date(app, editor):
    post_id = created_id(send(editor, NEW, action="publish"))
    post = only_post(app)
    assert post.status == "published" and post.published_at == NOW
    page = text(editor.get(edit_url(post_id)))
    assert "is published." in page and "Published January 15, 2026" in page
    assert "Unpublish" in page and "Publish now" not in page and "Save changes" in page
    assert "Published January 15, 2026" in text(editor.get("/staff/blog?show=published"))
    assert "No drafts posts." in text(editor.get("/staff/blog?show=drafts"))

    assert send(editor, edit_url(post_id), slug=post.slug, action="unpublish").status_code == 303
    post = only_post(app)
    assert post.status == "draft" and post.published_at == NOW
    assert "it is a draft again" in text(editor.get(edit_url(post_id)))
    assert [a for a, _ in audit(app)] == ["published", "unpublished"]


def test_scheduling_publishes_later_and_unpublishing_clears_it(app, editor):
    post_id = created_id(
        send(editor, NEW, action="schedule", publish_date="2026-02-01", publish_time="09:00")
    )
    post = only_post(app)
    assert post.status == "published"
    assert post.published_at == datetime(2026, 2, 1, 17, 0, tzinfo=UTC)
    assert not posts.is_public(post, NOW)
    label = "Scheduled for Sunday, February 1, 2026 at 9:00 AM PST"
    assert label in text(editor.get("/staff/blog?show=scheduled"))
    assert "No published posts." in text(editor.get("/staff/blog?show=published"))
    page = editor.get(edit_url(post_id)).get_data(as_text=True)
    assert 'value="2026-02-01"' in page and 'value="09:00"' in page

    assert send(editor, edit_url(post_id), slug=post.slug, action="unpublish").status_code == 303
    post = only_post(app)
    assert post.status == "draft" and post.published_at is None
    assert [a for a, _ in audit(app)] == ["scheduled", "unpublished"]


def test_scheduling_in_the_past_is_refused(app, editor):
    response = send(editor, NEW, action="schedule", publish_date="2026-01-15", publish_time="09:59")
    assert response.status_code == 422
    assert "That time has passed" in text(response)
    assert count(app, Post) == 0


@pytest.mark.parametrize(
    ("day", "clock", "message"),
    [
        ("", "10:00", "Please choose the date to publish on."),
        ("15/02/2026", "10:00", "Please give the date as YYYY-MM-DD."),
        ("2026-02-15", "ten", "Please give the time as HH:MM"),
        ("2026-03-08", "02:30", "02:30 does not exist on March 8: the clocks skip that hour."),
    ],
)
def test_bad_schedule_times_get_a_message(app, editor, day, clock, message):
    response = send(editor, NEW, action="schedule", publish_date=day, publish_time=clock)
    assert response.status_code == 422
    assert message in text(response)
    assert count(app, Post) == 0


def test_an_ambiguous_time_on_the_fall_back_day_is_the_first_one(app, editor):
    created_id(
        send(editor, NEW, action="schedule", publish_date="2026-11-01", publish_time="01:30")
    )
    post = only_post(app)
    assert post.published_at == datetime(2026, 11, 1, 8, 30, tzinfo=UTC)  # 01:30 PDT
    assert "Scheduled for Sunday, November 1, 2026 at 1:30 AM PDT" in text(
        editor.get("/staff/blog")
    )


def test_unknown_buttons_are_refused(app, editor):
    assert send(editor, NEW, action="explode").status_code == 400
    assert count(app, Post) == 0


# ---- The list --------------------------------------------------------------------------------


def test_the_list_filters_and_pages(app, editor):
    past, future = NOW - timedelta(days=1), NOW + timedelta(days=1)
    for n in range(23):
        make_post(app, f"draft-{n}")
    make_post(app, "live", status="published", published_at=past, title="Live post")
    make_post(app, "soon", status="published", published_at=future, title="Soon post")

    first = text(editor.get("/staff/blog"))
    assert "Page 1 of 2" in first and first.count('<th scope="row">') == 20
    second = text(editor.get("/staff/blog?page=2"))
    assert "Page 2 of 2" in second and second.count('<th scope="row">') == 5
    published = text(editor.get("/staff/blog?show=published"))
    assert "Live post" in published and "Soon post" not in published and "draft-" not in published
    scheduled = text(editor.get("/staff/blog?show=scheduled"))
    assert "Soon post" in scheduled and "Live post" not in scheduled
    drafts = text(editor.get("/staff/blog?show=drafts"))
    assert "Live post" not in drafts and "Page 1 of 2" in drafts
    assert editor.get("/staff/blog?show=nonsense&page=abc").status_code == 200


# ---- Cover images --------------------------------------------------------------------------


def with_cover(client, url: str, content: bytes, filename: str, **override):
    response = client.post(
        url,
        data={
            **fields(**override),
            "cover": (io.BytesIO(content), filename),
            "csrf_token": csrf_token(client, url),
        },
    )
    # The test client spools a large body to a temporary file and leaves it open.
    response.request.environ["wsgi.input"].close()
    return response


def test_a_png_named_jpg_is_stored_as_png_and_replacing_it_deletes_the_old_file(app, editor):
    post_id = created_id(with_cover(editor, NEW, PNG, "photo.jpg", cover_alt="Hands on a back"))
    post = only_post(app)
    assert post.cover_image.endswith(".png") and post.cover_alt == "Hands on a back"
    assert uploaded(app) == [post.cover_image]
    page = editor.get(edit_url(post_id)).get_data(as_text=True)
    assert f'src="/media/{post.cover_image}"' in page

    response = with_cover(
        editor, edit_url(post_id), JPEG, "new.jpeg", slug=post.slug, cover_alt="A studio"
    )
    assert response.status_code == 303
    replaced = only_post(app)
    assert replaced.cover_image.endswith(".jpg") and uploaded(app) == [replaced.cover_image]

    response = send(editor, edit_url(post_id), slug=post.slug, remove_cover="y")
    assert response.status_code == 303
    assert only_post(app).cover_image is None and uploaded(app) == []


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"just some text\n", "notes.png", "Please choose a JPG, PNG, WEBP file."),
        (b"%PDF-1.7\n" + b"0" * 64, "guide.png", "Please choose a JPG, PNG, WEBP file."),
    ],
)
def test_files_that_are_not_small_images_are_refused(app, editor, content, filename, message):
    response = with_cover(editor, NEW, content, filename, cover_alt="Alt text")
    assert response.status_code == 422
    assert message in text(response)
    assert count(app, Post) == 0 and uploaded(app) == []


def test_a_cover_over_the_size_limit_is_refused_with_a_message(app, editor, monkeypatch):
    # A smaller limit for this test: the request limit in force stops 5 MB files (see below).
    monkeypatch.setattr("clinicsite.staff.editorial.blog.COVER_MAX_BYTES", 1024 * 1024)
    big = PNG + b"\x00" * (1024 * 1024)
    response = with_cover(editor, NEW, big, "big.png", cover_alt="Alt text", body="Kept body")
    assert response.status_code == 422
    page = text(response)
    assert "The file is larger than 1 MB." in page and "Kept body" in page
    assert count(app, Post) == 0 and uploaded(app) == []


# The editor raises the request limit for its own views (uploads.accepts_uploads); the hook
# that applies it runs before CSRFProtect reads the form.
def test_a_5_mb_cover_with_the_longest_body_is_accepted(app, editor):
    full = PNG + b"\x00" * (5 * 1024 * 1024 - len(PNG))
    body = "é" * 100_000
    response = with_cover(editor, NEW, full, "full.png", cover_alt="Alt text", body=body)
    assert response.status_code == 303
    assert len(only_post(app).body) == 100_000 and len(uploaded(app)) == 1


def test_a_cover_just_over_5_mb_gets_a_message_not_a_413(app, editor):
    over = PNG + b"\x00" * (5 * 1024 * 1024)
    response = with_cover(editor, NEW, over, "over.png", cover_alt="Alt text")
    assert response.status_code == 422
    assert "The file is larger than 5 MB." in text(response)
    assert uploaded(app) == []


def test_a_cover_needs_a_description(app, editor):
    response = with_cover(editor, NEW, PNG, "cover.png")
    assert response.status_code == 422
    assert "Please describe the cover image" in text(response)
    assert uploaded(app) == [] and count(app, Post) == 0

    post_id = created_id(with_cover(editor, NEW, PNG, "cover.png", cover_alt="A towel"))
    slug = only_post(app).slug
    response = send(editor, edit_url(post_id), slug=slug, cover_alt="")
    assert response.status_code == 422 and "Please describe the cover image" in text(response)
    assert send(editor, edit_url(post_id), slug=slug, remove_cover="y").status_code == 303


# ---- Deleting ------------------------------------------------------------------------------


def test_deleting_a_post_removes_its_comments_redirects_and_cover(app, editor):
    post_id = created_id(with_cover(editor, NEW, PNG, "c.png", cover_alt="Oil", action="publish"))
    assert send(editor, edit_url(post_id), slug="renamed", cover_alt="Oil").status_code == 303
    other = make_post(app, "other-post")
    with app.app_context():
        for owner in (post_id, other):
            db.session.add(Comment(post_id=owner, name="Sam", email="s@example.com", body="Hi"))
        db.session.commit()
    assert count(app, PostRedirect) == 1 and len(uploaded(app)) == 1

    page = text(editor.get(f"/staff/blog/{post_id}/delete"))
    assert "Delete the post “Easing sciatica at your desk”?" in page
    token = csrf_token(editor, f"/staff/blog/{post_id}/delete")
    response = editor.post(f"/staff/blog/{post_id}/delete", data={"csrf_token": token})
    assert response.status_code == 303 and response.headers["Location"] == "/staff/blog"

    assert count(app, Post) == 1 and count(app, PostRedirect) == 0 and count(app, Comment) == 1
    assert uploaded(app) == []
    assert audit(app)[-1][0] == "deleted"
    assert "deleted." in text(editor.get("/staff/blog"))
    assert editor.get(edit_url(post_id)).status_code == 404


def test_missing_posts_are_404(app, editor):
    for url in ("/staff/blog/999", "/staff/blog/999/delete", f"/staff/blog/{2**40}"):
        assert editor.get(url).status_code == 404, url


# ---- Who may do it -------------------------------------------------------------------------


def blog_urls(app) -> list[tuple[str, str]]:
    post_id = make_post(app, "guarded")
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("staff.blog_post"):
            url = rule.rule.replace("<int:post_id>", str(post_id))
            urls += [("GET", url)] + ([("POST", url)] if "POST" in rule.methods else [])
    return sorted(urls)


def test_every_blog_admin_url_is_covered(app):
    urls = blog_urls(app)
    assert {u for _, u in urls} >= {"/staff/blog", "/staff/blog/new"}
    assert len(urls) == 7


def test_admins_may_use_the_editor(app, client, login_as, services):
    login_as("admin")
    assert client.get("/staff/blog").status_code == 200
    assert created_id(send(client, NEW)) > 0


def test_therapists_get_403_everywhere(app, client, login_as, services):
    login_as("therapist")
    token = session_token(client)
    for method, url in blog_urls(app):
        response = client.open(url, method=method, data={"csrf_token": token, **fields()})
        assert response.status_code == 403, (method, url)
    assert count(app, Post) == 1


def test_anonymous_visitors_are_sent_to_log_in(app, client, services):
    for method, url in blog_urls(app):
        response = client.open(url, method=method)
        if method == "POST":
            assert response.status_code == 400, url  # the CSRF check comes first
        else:
            assert response.status_code == 302, url
            assert response.headers["Location"].startswith("/staff/login?next="), url


def test_posts_without_a_csrf_token_are_refused(app, editor):
    post_id = make_post(app, "kept")
    for url in (NEW, edit_url(post_id), f"/staff/blog/{post_id}/delete"):
        response = editor.post(url, data=fields(slug="kept"))
        assert response.status_code == 400, url
    assert count(app, Post) == 1 and count(app, AuditEvent) == 0
    assert re.search(r"expired|not sent from this site", text(editor.post(NEW, data=fields())))


def test_a_second_post_with_the_same_title_gets_a_numbered_slug(app, editor):
    first = created_id(send(editor, NEW))
    second = created_id(send(editor, NEW))
    with app.app_context():
        slugs = [db.session.get(Post, i).slug for i in (first, second)]
    assert slugs == ["easing-sciatica-at-your-desk", "easing-sciatica-at-your-desk-2"]
