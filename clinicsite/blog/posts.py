"""Posts: rendering and what counts as public. Used by the public blog, the editor and
the demo loader alike."""

from __future__ import annotations

import math
import re
from datetime import datetime

import sqlalchemy as sa

from clinicsite.models import Post
from clinicsite.text import plain_text, render_markdown

WORDS_PER_MINUTE = 220


def render(post: Post) -> None:
    """Store the sanitized HTML and the reading time of the post's Markdown body.
    Call on every create and edit: pages show body_html as it is."""
    post.body_html = str(render_markdown(post.body))
    words = len(re.findall(r"\w+", plain_text(post.body)))
    post.reading_minutes = max(1, math.ceil(words / WORDS_PER_MINUTE))


def public_condition(now: datetime):
    """Published and due: a scheduled post turns public by itself when its time comes."""
    return sa.and_(Post.status == "published", Post.published_at <= now)


def is_public(post: Post, now: datetime) -> bool:
    return post.status == "published" and post.published_at is not None and post.published_at <= now
