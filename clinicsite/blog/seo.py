"""What search engines and feed readers see of the blog: JSON-LD and the Atom feed's ids."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from flask import current_app

from clinicsite.blog.posts import last_changed
from clinicsite.models import ClinicSettings, Post
from clinicsite.seo import CONTEXT, business_id, share_image
from clinicsite.templating import absolute_url

# Characters XML 1.0 forbids (C0 controls but tab, newline and return); a stray one in a
# post would make the whole feed unreadable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def page_title(post: Post) -> str:
    return post.seo_title or post.title


def page_description(post: Post) -> str:
    return post.seo_description or post.summary


def cover_url(post: Post) -> str | None:
    """The absolute URL of the cover image, when the post has one and the site serves media."""
    if not post.cover_image or "media" not in current_app.view_functions:
        return None
    return absolute_url("media", name=post.cover_image)


def blog_posting(post: Post, clinic: ClinicSettings, url: str) -> dict[str, Any]:
    """schema.org BlogPosting, dates in the clinic's zone with their offset."""
    tz = clinic.tz
    publisher = {
        "@type": "HealthAndBeautyBusiness",
        "@id": business_id(),
        "name": clinic.name,
        "url": absolute_url("public.index"),
    }
    data: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "BlogPosting",
        "headline": page_title(post)[:110],
        "description": page_description(post),
        "datePublished": post.published_at.astimezone(tz).isoformat(),
        "dateModified": last_changed(post).astimezone(tz).isoformat(),
        "author": author(post, clinic),
        "publisher": publisher,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
    }
    data["image"] = [cover_url(post) or share_image()]
    if post.categories:
        data["articleSection"] = [c.name for c in post.categories]
    if post.tags:
        data["keywords"] = ", ".join(t.name for t in post.tags)
    return data


def author(post: Post, clinic: ClinicSettings) -> dict[str, Any]:
    """The writer, with the page about them: a therapist's profile when the account is
    linked to one (and it is public), else the clinic's home page."""
    if post.author is None:
        return {"@type": "Organization", "name": clinic.name, "url": absolute_url("public.index")}
    therapist = post.author.therapist
    if therapist is not None and therapist.active:
        url = absolute_url("public.therapist", slug=therapist.slug)
    else:
        url = absolute_url("public.index")
    return {"@type": "Person", "name": post.author.name, "url": url}


def entry_id(post: Post) -> str:
    """A tag URI (RFC 4151) that stays the same when the post's slug or date changes."""
    host = urlsplit(absolute_url("public.index")).hostname or "localhost"
    return f"tag:{host},{post.created_at:%Y-%m-%d}:post-{post.id}"


def xml_text(value: str | None) -> str:
    """`value` without the characters an XML document may not contain."""
    return _NOT_XML.sub("", value or "")


def atom_time(moment: datetime) -> str:
    """RFC 3339, as Atom wants it."""
    return moment.isoformat(timespec="seconds")
