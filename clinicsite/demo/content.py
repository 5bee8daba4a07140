"""The demo clinic's content, read from the data files beside this module.

Marketing copy lives in `content/` as TOML (the clinic, services, regions and areas, studios,
therapists, the landing text of each area-and-service page, blog categories, tags and
comments) and as Markdown posts with TOML front matter between `+++` lines, so editing copy
touches no Python. A post's `status` is "published" with `days_ago` (days before the load;
negative: scheduled that many days ahead) or "draft" without it; `order` keeps the posts in
their original sequence. `load_content()` parses the files once and checks the
cross-references, so a misspelt slug fails loudly at load time instead of leaving a page
without its text.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from clinicsite.models.newsletter import POST_UPDATES
from clinicsite.models.payments import STUDIO_METHODS

CONTENT_DIR = Path(__file__).parent / "content"
FRONT_MATTER = "+++"


class ContentError(ValueError):
    """A demo data file is malformed or names something that does not exist."""


@dataclass(frozen=True)
class DemoContent:
    clinic: dict[str, Any]
    services: list[dict[str, Any]]
    regions: list[dict[str, Any]]
    locations: list[dict[str, Any]]
    therapists: list[dict[str, Any]]
    # (area slug, service slug) -> Markdown landing text
    area_service_text: dict[tuple[str, str], str]
    categories: list[dict[str, Any]]
    # tag slug -> name
    tags: dict[str, str]
    posts: list[dict[str, Any]]
    comments: list[dict[str, Any]]
    # Clients with their visits (clients.toml, and week.toml for the current week's
    # calendar; demo/clients.py): none in a clinic without them.
    clients: list[dict[str, Any]] = field(default_factory=list)
    # clients on the waitlist (waitlist.toml, optional: the tests' clinic has none)
    waitlist: list[dict[str, Any]] = field(default_factory=list)
    # coupons (coupons.toml, optional; demo/coupons.py)
    coupons: list[dict[str, Any]] = field(default_factory=list)
    # packages of sessions on sale (packages.toml, optional; demo/packages.py)
    packages: list[dict[str, Any]] = field(default_factory=list)
    # subscribers and issues (newsletter.toml, optional; demo/newsletter.py)
    newsletter: dict[str, Any] = field(default_factory=dict)
    # monthly membership plans (memberships.toml, optional; demo/memberships.py)
    memberships: list[dict[str, Any]] = field(default_factory=list)
    # health questions and the consent text (intake.toml, optional; demo/intake.py)
    intake: dict[str, Any] = field(default_factory=dict)


def _toml(name: str, directory: Path) -> dict[str, Any]:
    path = directory / name
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ContentError(f"{path}: {exc}") from exc


def _optional_toml(name: str, directory: Path) -> dict[str, Any]:
    return _toml(name, directory) if (directory / name).exists() else {}


def parse_post(text: str, source: str = "post") -> dict[str, Any]:
    """Split a Markdown file into its TOML front matter and body: one dict, body included."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != FRONT_MATTER:
        raise ContentError(f"{source}: must start with a {FRONT_MATTER} front matter line")
    try:
        end = next(i for i, line in enumerate(lines[1:], 1) if line.strip() == FRONT_MATTER)
    except StopIteration:
        raise ContentError(f"{source}: the front matter has no closing {FRONT_MATTER}") from None
    try:
        post = tomllib.loads("".join(lines[1:end]))
    except tomllib.TOMLDecodeError as exc:
        raise ContentError(f"{source}: {exc}") from exc
    post["body"] = "".join(lines[end + 1 :]).strip() + "\n"
    post.setdefault("days_ago", None)
    return post


def _posts(directory: Path) -> list[dict[str, Any]]:
    posts = [
        parse_post(path.read_text(encoding="utf-8"), str(path))
        for path in sorted((directory / "posts").glob("*.md"))
    ]
    return sorted(posts, key=lambda p: p.get("order", 0))


def _check(content: DemoContent) -> None:
    def known(kind: str, names, allowed) -> None:
        missing = sorted(set(names) - set(allowed))
        if missing:
            raise ContentError(f"unknown {kind}: {', '.join(missing)}")

    services = {s["slug"] for s in content.services}
    area_specs = [a for r in content.regions for a in r["areas"]]
    areas = {a["slug"] for a in area_specs}
    known("service", (s for a in area_specs for s in a["services"]), services)
    known("service", (s for t in content.therapists for s in t["services"]), services)
    known("service", (s for p in content.posts for s in p["services"]), services)
    issues = content.newsletter.get("issue", [])
    known("service", (i["service"] for i in issues if i.get("service")), services)
    known(
        "post", (s for i in issues for s in i.get("posts", [])), {p["slug"] for p in content.posts}
    )
    known("area", (loc["area"] for loc in content.locations if "area" in loc), areas)
    visits = [v for c in content.clients for v in c["visit"]]
    known("area", (v["area"] for v in visits if "area" in v), areas)
    subscribers = content.newsletter.get("subscriber", [])
    known("area", (a for s in subscribers for a in s.get("areas", [])), areas)
    known("post updates", (s.get("post_updates", "none") for s in subscribers), POST_UPDATES)
    known("area", (a for a, _ in content.area_service_text), areas)
    studios = {loc["slug"] for loc in content.locations}
    known("studio", (h["location"] for t in content.therapists for h in t["hours"]), studios)
    categories = {c["slug"] for c in content.categories}
    known("category", (c for p in content.posts for c in p["categories"]), categories)
    known("tag", (t for p in content.posts for t in p["tags"]), content.tags)
    known("post", (c["post"] for c in content.comments), {p["slug"] for p in content.posts})
    _check_visits(content, studios)
    known("service", (e["service"] for e in content.waitlist), services)
    known("service", (p["service"] for p in content.packages), services)
    known("service", (p["service"] for p in content.memberships), services)
    known("studio", (e["studio"] for e in content.waitlist), studios)
    therapists = {t["slug"] for t in content.therapists} | {"any"}
    known("therapist", (e["therapist"] for e in content.waitlist), therapists)
    questions = content.intake.get("question", [])
    known("service", (q["service"] for q in questions if q.get("service")), services)
    keys = [q.get("key") for q in questions]
    known("question", (q["shown_if"] for q in questions if q.get("shown_if")), keys)


def _check_visits(content: DemoContent, studios: set[str]) -> None:
    """Each demo client's visit names a length its service has, a therapist who does it, and
    a studio."""
    options = {(s["slug"], o["minutes"]) for s in content.services for o in s["options"]}
    performs = {(t["slug"], s) for t in content.therapists for s in t["services"]}
    for client in content.clients:
        for visit in client["visit"]:
            where = f"visit of {client['name']} in week {visit['week']}"
            if (visit["service"], visit["minutes"]) not in options:
                raise ContentError(f"{where}: no {visit['minutes']}-minute {visit['service']}")
            if (visit["therapist"], visit["service"]) not in performs:
                raise ContentError(f"{where}: {visit['therapist']} does not do {visit['service']}")
            if visit["location"] not in studios:
                raise ContentError(f"{where}: unknown studio {visit['location']}")
            if visit.get("paid_method", "card_terminal") not in STUDIO_METHODS:
                raise ContentError(f"{where}: paid_method is one of {', '.join(STUDIO_METHODS)}")


def read_content(directory: Path = CONTENT_DIR) -> DemoContent:
    """Parse and check every data file in `directory`."""
    blog = _toml("blog.toml", directory)
    area_text = _toml("area_services.toml", directory)
    content = DemoContent(
        clinic=_toml("clinic.toml", directory),
        services=_toml("services.toml", directory)["service"],
        regions=_toml("regions.toml", directory)["region"],
        locations=_toml("locations.toml", directory)["location"],
        therapists=_toml("therapists.toml", directory)["therapist"],
        area_service_text={
            (area, service): text
            for area, texts in area_text.items()
            for service, text in texts.items()
        },
        categories=blog["category"],
        tags=blog["tags"],
        posts=_posts(directory),
        comments=blog["comment"],
        clients=_optional_toml("clients.toml", directory).get("client", [])
        + _optional_toml("week.toml", directory).get("client", []),
        waitlist=_optional_toml("waitlist.toml", directory).get("entry", []),
        coupons=_optional_toml("coupons.toml", directory).get("coupon", []),
        packages=_optional_toml("packages.toml", directory).get("package", []),
        newsletter=_optional_toml("newsletter.toml", directory),
        memberships=_optional_toml("memberships.toml", directory).get("plan", []),
        intake=_optional_toml("intake.toml", directory),
    )
    _check(content)
    return content


@cache
def load_content() -> DemoContent:
    """The demo content, parsed once per process."""
    return read_content()
