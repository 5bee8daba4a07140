"""Staff: writing, scheduling and deleting blog posts. Editors and admins.

One editor page serves new and existing posts; its buttons say what happens besides saving
(publish now, schedule, unpublish), and Preview shows the rendered body without storing
anything. Every save renders the body (`posts.render`) and writes an audit event in the
same transaction. When a post that has been public changes its slug, the old slug is kept
as a PostRedirect so old links answer with a 301.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from clinicsite import clock, uploads
from clinicsite.audit import record_change
from clinicsite.blog import posts
from clinicsite.clinic import get_clinic
from clinicsite.extensions import db
from clinicsite.models import Category, Comment, Post, PostRedirect, Service, Tag
from clinicsite.pagination import requested_page
from clinicsite.staff import bp
from clinicsite.staff.auth import current_actor, roles_required
from clinicsite.staff.blog_forms import ACTIONS, MAX_BODY, PostForm, cut_slug, names
from clinicsite.staff.catalogue import fetch
from clinicsite.text import render_markdown, slugify
from clinicsite.timefmt import long_datetime

PER_PAGE = 20
COVER_MAX_BYTES = 5 * 1024 * 1024
# The largest request the editor takes: the largest cover and the longest body (4 bytes a
# character at most), so a full post with a full-size cover is never cut off by a 413.
EDITOR_MAX_BYTES = COVER_MAX_BYTES + 4 * MAX_BODY
MAX_TAXONOMY_SLUG = 80  # Category.slug and Tag.slug
FILTERS = ("all", "drafts", "scheduled", "published")
AUDIT_ACTIONS = {
    "save": "updated",
    "publish": "published",
    "schedule": "scheduled",
    "unpublish": "unpublished",
}


# ---- What a post is, in words --------------------------------------------------------------


def status_label(post: Post, now: datetime, tz: ZoneInfo) -> str:
    """'Draft', 'Scheduled for Sunday, November 1, 2026 at 1:30 AM PDT', 'Published May 4, 2026'"""
    if post.status != "published" or post.published_at is None:
        return "Draft"
    if post.published_at > now:
        return f"Scheduled for {long_datetime(post.published_at, tz)}"
    return f"Published {post.published_at.astimezone(tz):%B %-d, %Y}"


def ever_public(post: Post, now: datetime) -> bool:
    """Public now, or public once and unpublished since (unpublishing keeps the date)."""
    return post.published_at is not None and post.published_at <= now


def filter_condition(show: str, now: datetime):
    if show == "drafts":
        return Post.status == "draft"
    if show == "scheduled":
        return sa.and_(Post.status == "published", Post.published_at > now)
    if show == "published":
        return posts.public_condition(now)
    return sa.true()


def snapshot(post: Post) -> dict[str, Any]:
    """What the audit log keeps; the body by size and digest, not in full, each time."""
    body = post.body or ""
    return {
        "title": post.title,
        "slug": post.slug,
        "summary": post.summary,
        "status": post.status,
        "published_at": post.published_at.isoformat() if post.published_at else None,
        "body_chars": len(body),
        "body_sha256": hashlib.sha256(body.encode()).hexdigest(),
        "cover_image": post.cover_image,
        "cover_alt": post.cover_alt,
        "seo_title": post.seo_title,
        "seo_description": post.seo_description,
        "categories": sorted(c.slug for c in post.categories),
        "tags": sorted(t.slug for t in post.tags),
        "service_ids": sorted(s.id for s in post.services),
    }


# ---- Changing a post (no request in here) --------------------------------------------------


def find_or_make(model, typed_names: list[str]) -> list:
    """Categories or tags by name: existing ones by slug, new ones created, no duplicates."""
    wanted: dict[str, str] = {}
    for name in typed_names:
        wanted.setdefault(cut_slug(slugify(name), MAX_TAXONOMY_SLUG), name)
    if not wanted:
        return []
    existing = {
        row.slug: row for row in db.session.scalars(sa.select(model).where(model.slug.in_(wanted)))
    }
    return [existing.get(slug) or model(slug=slug, name=name) for slug, name in wanted.items()]


def apply_form(post: Post, form: PostForm) -> None:
    for name in ("title", "summary", "body", "seo_title", "seo_description", "cover_alt"):
        setattr(post, name, form[name].data)
    chosen = form.category_ids.data
    categories = (
        db.session.scalars(sa.select(Category).where(Category.id.in_(chosen))) if chosen else []
    )
    by_slug = {c.slug: c for c in categories}
    for category in find_or_make(Category, names(form.new_categories.data)):
        by_slug.setdefault(category.slug, category)
    post.categories = list(by_slug.values())
    post.tags = find_or_make(Tag, names(form.tag_names.data))
    ids = form.service_ids.data
    post.services = (
        list(db.session.scalars(sa.select(Service).where(Service.id.in_(ids)))) if ids else []
    )


def change_slug(post: Post, new_slug: str, keep_old: bool) -> None:
    """Move the post to `new_slug`; `keep_old` leaves the old slug redirecting here.
    Taking back one of the post's own old slugs drops that redirect."""
    old = post.slug
    if old == new_slug:
        return
    reclaimed = db.session.get(PostRedirect, new_slug)
    if reclaimed is not None and reclaimed.post_id == post.id:
        db.session.delete(reclaimed)
    if old and keep_old:
        db.session.add(PostRedirect(old_slug=old, post_id=post.id))
    post.slug = new_slug


def apply_button(post: Post, button: str, now: datetime, scheduled_at: datetime | None) -> None:
    if button == "publish" and not posts.is_public(post, now):
        post.status, post.published_at = "published", now
    elif button == "schedule":
        post.status, post.published_at = "published", scheduled_at
    elif button == "unpublish":
        if post.published_at is not None and post.published_at > now:
            post.published_at = None  # only scheduled, never public: nothing to remember
        post.status = "draft"


# ---- Views ---------------------------------------------------------------------------------


@bp.get("/blog")
@roles_required("admin", "editor")
def blog_posts():
    show = request.args.get("show", "all")
    show = show if show in FILTERS else "all"
    now, tz = clock.now(), get_clinic().tz
    query = (
        sa.select(Post)
        .where(filter_condition(show, now))
        .options(selectinload(Post.author))
        .order_by(Post.updated_at.desc(), Post.id.desc())
    )
    page = db.paginate(query, page=requested_page(), per_page=PER_PAGE, error_out=False)
    rows = [(p, status_label(p, now, tz), p.updated_at.astimezone(tz)) for p in page.items]
    return render_template("staff/blog/posts.html", page=page, rows=rows, show=show)


@bp.route("/blog/new", methods=["GET", "POST"])
@uploads.accepts_uploads(EDITOR_MAX_BYTES, fields=("cover",))
@roles_required("admin", "editor")
def blog_post_new():
    return edit(None)


@bp.route("/blog/<int:post_id>", methods=["GET", "POST"])
@uploads.accepts_uploads(EDITOR_MAX_BYTES, fields=("cover",))
@roles_required("admin", "editor")
def blog_post_edit(post_id: int):
    return edit(fetch(Post, post_id))


@bp.route("/blog/<int:post_id>/delete", methods=["GET", "POST"])
@roles_required("admin", "editor")
def blog_post_delete(post_id: int):
    post = fetch(Post, post_id)
    if request.method == "GET":
        return render_template("staff/blog/delete.html", post=post)
    before, title, cover = snapshot(post), post.title, post.cover_image
    # PostgreSQL cascades these; SQLite only when foreign keys are switched on.
    db.session.execute(sa.delete(Comment).where(Comment.post_id == post.id))
    db.session.execute(sa.delete(PostRedirect).where(PostRedirect.post_id == post.id))
    db.session.delete(post)
    record_change("post", post_id, "deleted", current_actor(), before, {})
    db.session.commit()
    uploads.delete(cover)
    flash(f"Post “{title}” deleted.", "success")
    return redirect(url_for("staff.blog_posts"), code=303)


def edit(post: Post | None):
    """The editor page: show, preview, or validate and save with the button's effect."""
    clinic, now = get_clinic(), clock.now()
    data = None if post is None else initial_data(post, clinic.tz, now)
    form = PostForm(data=data, post=post, tz=clinic.tz, now=now)
    if not form.is_submitted():
        return editor_page(form, post, now)
    if form.button not in ACTIONS:
        abort(400)
    if form.button == "preview":
        return editor_page(form, post, now, preview=render_markdown(form.body.data))
    if not form.validate():
        return editor_page(form, post, now), 422
    stored = None
    if form.chosen_file is not None:
        try:
            stored = uploads.save(form.chosen_file, uploads.IMAGE_TYPES, COVER_MAX_BYTES)
        except uploads.UploadError as error:
            form.cover.errors.append(str(error))
            return editor_page(form, post, now), 422
    saved = save(post, form, now, stored)
    if saved is None:
        if stored is not None:
            uploads.delete(stored.name)
        form.form_errors.append(
            "Another change was saved at the same moment (a slug, category or tag was just "
            "taken). Nothing was saved; please check and save again."
        )
        return editor_page(form, post, now), 422
    flash(saved_message(saved, form.button, clinic.tz), "success")
    return redirect(url_for("staff.blog_post_edit", post_id=saved.id), code=303)


def save(post: Post | None, form: PostForm, now: datetime, stored) -> Post | None:
    """Apply the valid form and commit; None (and nothing saved) if the database refused."""
    created = post is None
    before = {} if created else snapshot(post)
    old_cover = None if created else post.cover_image
    with db.session.no_autoflush:  # no half-built post may reach the database early
        if created:
            post = Post(author_id=current_user.id, status="draft")
            db.session.add(post)
        keep_old = ever_public(post, now)
        apply_form(post, form)
        change_slug(post, form.slug.data, keep_old)
        apply_button(post, form.button, now, form.scheduled_at)
        if stored is not None:
            post.cover_image = stored.name
        elif form.remove_cover.data:
            post.cover_image = None
        post.updated_at = now
        posts.render(post)
    action = "created" if created and form.button == "save" else AUDIT_ACTIONS[form.button]
    try:
        db.session.flush()
        record_change("post", post.id, action, current_actor(), before, snapshot(post))
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return None
    if old_cover and old_cover != post.cover_image:
        uploads.delete(old_cover)
    return post


def saved_message(post: Post, button: str, tz: ZoneInfo) -> str:
    if button == "publish":
        return f"“{post.title}” is published."
    if button == "schedule":
        return f"“{post.title}” is scheduled for {long_datetime(post.published_at, tz)}."
    if button == "unpublish":
        return f"“{post.title}” is unpublished: it is a draft again."
    return "Draft saved." if post.status == "draft" else "Changes saved."


def initial_data(post: Post, tz: ZoneInfo, now: datetime) -> dict[str, Any]:
    data: dict[str, Any] = {
        name: getattr(post, name)
        for name in ("title", "slug", "summary", "body", "seo_title", "seo_description")
    }
    data |= {
        "cover_alt": post.cover_alt,
        "category_ids": [c.id for c in post.categories],
        "tag_names": ", ".join(t.name for t in post.tags),
        "service_ids": [s.id for s in post.services],
    }
    if post.status == "published" and post.published_at and post.published_at > now:
        local = post.published_at.astimezone(tz)
        data |= {"publish_date": local.date().isoformat(), "publish_time": f"{local:%H:%M}"}
    return data


def editor_page(form: PostForm, post: Post | None, now: datetime, preview=None):
    tz = get_clinic().tz
    public = post is not None and posts.is_public(post, now)
    public_url = None
    if public and "blog.post" in current_app.view_functions:
        public_url = url_for("blog.post", slug=post.slug)
    return render_template(
        "staff/blog/form.html",
        form=form,
        post=post,
        preview=preview,
        status=status_label(post, now, tz) if post is not None else "New draft",
        public=public,
        public_url=public_url,
        zone=tz.key,
    )
