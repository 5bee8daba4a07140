"""Staff: writing, scheduling and deleting blog posts. Editors and admins.

One editor page serves new and existing posts; its buttons say what happens besides saving
(publish now, schedule, unpublish), and Preview shows the rendered body without storing
anything. The views only read the form and show the outcome; what saving, publishing and
deleting do is in `clinicsite.publishing`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from sqlalchemy.orm import selectinload

from clinicsite import clock, publishing, uploads
from clinicsite.blog import posts
from clinicsite.clinic import get_clinic
from clinicsite.extensions import db
from clinicsite.models import Post
from clinicsite.pagination import requested_page
from clinicsite.staff import bp
from clinicsite.staff.auth import current_actor, fetch, roles_required
from clinicsite.staff.editorial.forms import ACTIONS, MAX_BODY, PostForm, names
from clinicsite.text import render_markdown
from clinicsite.timefmt import long_datetime

PER_PAGE = 20
COVER_MAX_BYTES = 5 * 1024 * 1024
# The largest request the editor takes: the largest cover and the longest body (4 bytes a
# character at most), so a full post with a full-size cover is never cut off by a 413.
EDITOR_MAX_BYTES = COVER_MAX_BYTES + 4 * MAX_BODY


def changes_from(form: PostForm, cover: str | None) -> publishing.PostChanges:
    """The valid form as plain values for `publishing.save`."""
    return publishing.PostChanges(
        **{name: form[name].data for name in publishing.TEXT_FIELDS},
        slug=form.slug.data,
        category_ids=list(form.category_ids.data or []),
        new_categories=names(form.new_categories.data),
        tags=names(form.tag_names.data),
        service_ids=list(form.service_ids.data or []),
        action=form.button,
        scheduled_at=form.scheduled_at,
        cover=cover,
        remove_cover=bool(form.remove_cover.data),
    )


# ---- Views ---------------------------------------------------------------------------------


@bp.get("/blog")
@roles_required("admin", "editor")
def blog_posts():
    show = request.args.get("show", "all")
    show = show if show in publishing.FILTERS else "all"
    now, tz = clock.now(), get_clinic().tz
    query = (
        sa.select(Post)
        .where(publishing.filter_condition(show, now))
        .options(selectinload(Post.author))
        .order_by(Post.updated_at.desc(), Post.id.desc())
    )
    page = db.paginate(query, page=requested_page(), per_page=PER_PAGE, error_out=False)
    rows = [
        (p, publishing.status_label(p, now, tz), p.updated_at.astimezone(tz)) for p in page.items
    ]
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
    title = post.title
    uploads.delete(publishing.delete(post, current_actor()))
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
    saved = publishing.save(post, changes_from(form, stored and stored.name), current_actor(), now)
    if saved is None:
        if stored is not None:
            uploads.delete(stored.name)
        form.form_errors.append(
            "Another change was saved at the same moment (a slug, category or tag was just "
            "taken). Nothing was saved; please check and save again."
        )
        return editor_page(form, post, now), 422
    if saved.dropped_cover:
        uploads.delete(saved.dropped_cover)
    flash(saved_message(saved.post, form.button, clinic.tz), "success")
    return redirect(url_for("staff.blog_post_edit", post_id=saved.post.id), code=303)


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
        status=publishing.status_label(post, now, tz) if post is not None else "New draft",
        public=public,
        public_url=public_url,
        zone=tz.key,
    )
