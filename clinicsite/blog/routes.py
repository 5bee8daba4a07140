"""Public blog pages: the list (with search), posts, category and tag pages, the Atom feed."""

from __future__ import annotations

from datetime import datetime

from flask import Response, abort, redirect, render_template, request, url_for

from clinicsite import clock
from clinicsite.blog import bp, queries, seo
from clinicsite.blog.forms import CommentForm, started_token
from clinicsite.blog.posts import newest_first
from clinicsite.clinic import get_clinic
from clinicsite.extensions import db
from clinicsite.models import Post
from clinicsite.templating import absolute_url


@bp.app_template_filter("blog_date")
def blog_date(moment: datetime) -> str:
    """'March 3, 2026', on the clinic's calendar."""
    return moment.astimezone(get_clinic().tz).strftime("%B %-d, %Y")


def page_number() -> int:
    try:
        return int(request.args.get("page", "1"))
    except ValueError:
        abort(404)


@bp.get("/")
def index():
    words = queries.clean_search(request.args.get("q"))
    posts = queries.public_posts(clock.now())
    if words:
        posts = queries.search(posts, words, db.engine.dialect.name)
    else:
        posts = newest_first(posts)
    return render_template(
        "blog/index.html",
        page=queries.paginate(posts, page_number()),
        q=words,
    )


@bp.get("/category/<slug>")
def category(slug: str):
    category = queries.category_or_404(slug)
    posts = queries.in_category(queries.public_posts(clock.now()), category)
    return render_template(
        "blog/category.html",
        category=category,
        page=queries.paginate(posts, page_number()),
    )


@bp.get("/tag/<slug>")
def tag(slug: str):
    tag = queries.tag_or_404(slug)
    posts = queries.with_tag(queries.public_posts(clock.now()), tag)
    return render_template(
        "blog/tag.html",
        tag=tag,
        page=queries.paginate(posts, page_number()),
    )


@bp.get("/<slug>")
def post(slug: str):
    found = queries.find_public_post(slug, clock.now())
    if found is None:
        abort(404)
    if found.moved:
        return redirect(url_for("blog.post", slug=found.post.slug), 301)
    form = CommentForm(started=started_token(found.post.id))
    return render_post(found.post, form)


def render_post(post: Post, form: CommentForm, status: int = 200, notice: str | None = None):
    """The post's page; the comment view shows it again (422) with the form's messages."""
    clinic = get_clinic()
    url = absolute_url("blog.post", slug=post.slug)
    comments = queries.approved_comments(post)
    html = render_template(
        "blog/post.html",
        post=post,
        title=seo.page_title(post),
        description=seo.page_description(post),
        cover=seo.cover_url(post),
        services=[s for s in post.services if s.active],
        related=queries.related_posts(post, clock.now()),
        comments=comments,
        form=form,
        notice=notice,
        posting_ld=seo.blog_posting(post, clinic, url),
    )
    return html, status


@bp.get("/feed.xml")
def feed():
    posts = queries.feed_posts(clock.now())
    clinic = get_clinic()
    updated = max((seo.last_changed(p) for p in posts), default=clinic.updated_at or clock.now())
    xml = render_template(
        "blog/feed.xml",
        posts=posts,
        updated=updated,
        seo=seo,
        feed_url=absolute_url("blog.feed"),
        blog_url=absolute_url("blog.index"),
    )
    return Response(xml, mimetype="application/atom+xml")
