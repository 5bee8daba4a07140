"""Markdown to safe HTML, and small text helpers."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

# CommonMark with raw HTML switched off; nh3 then removes anything a link or image could
# still smuggle in (javascript: URLs, event handlers) -- the two layers cover each other.
_md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "h2",
    "h3",
    "h4",
    "strong",
    "em",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "img",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}}
ALLOWED_SCHEMES = {"http", "https", "mailto", "tel"}


def render_markdown(source: str | None) -> Markup:
    """Render Markdown written by staff into HTML that is safe to put in a page."""
    if not source:
        return Markup("")
    html = _md.render(source)
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="noopener noreferrer",
    )
    return Markup(clean)  # noqa: S704 -- sanitized by nh3 just above


def plain_text(source: str | None) -> str:
    """Markdown reduced to its words, for meta descriptions."""
    if not source:
        return ""
    text = nh3.clean(_md.render(source), tags=set())
    text = text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    text = text.replace("&quot;", '"').replace("&#39;", "'")
    return re.sub(r"\s+", " ", text).strip()


def truncate(text: str, limit: int = 160) -> str:
    """Cut on a word boundary and mark the cut, for meta descriptions."""
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:.-")
    return cut + "…"


def slugify(value: str) -> str:
    value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")


def cut_slug(slug: str, limit: int) -> str:
    """Shorten a slug to `limit` characters, on a hyphen when there is one."""
    if len(slug) <= limit:
        return slug
    cut = slug[:limit]
    return (cut.rsplit("-", 1)[0] if "-" in cut else cut).strip("-")


def unique_slug(name: str, limit: int, taken: Callable[[str], bool]) -> str:
    """A slug made from `name` (ASCII letters, digits and hyphens, at most `limit` long)
    that `taken` says is free: 'Café Massage' -> 'cafe-massage', then 'cafe-massage-2',
    'cafe-massage-3'... Empty when `name` has no letter or digit to make one from."""
    base = cut_slug(slugify(name), limit)
    if not base:
        return ""
    candidate, number = base, 1
    while taken(candidate):
        number += 1
        suffix = f"-{number}"
        candidate = cut_slug(base, limit - len(suffix)) + suffix
    return candidate


def spreadsheet_safe(value) -> str:
    """Text for a CSV cell that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
