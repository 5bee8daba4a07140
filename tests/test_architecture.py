"""Where code may live (../shared/DESIGN.md, "Architecture"): domain modules know nothing of
requests, and a blueprint reaches into no other blueprint's modules.

Each rule has a list of today's exceptions, to be emptied as the code moves (issue 12). The
lists are exact: a module that no longer breaks the rule must leave its list, so the debt
only shrinks and a new breach fails instead of joining the list quietly.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "clinicsite"
FLASK_MODULES = ("flask", "flask_login", "flask_wtf")
BLUEPRINTS = ("public", "blog", "booking", "staff", "newsletter", "my", "giftshop", "shop")

# Domain code: what the site does, whoever asks (a view, a command, a test).
DOMAIN = (
    "audit",
    "catalogue",
    "clock",
    "money",
    "publishing",
    "text",
    "timefmt",
    "demo",
    "scheduling",
    "calendars",
    "appointments",
    "clients",
    "blog.posts",
    "mail.ics",
    "mail.outbox",
    "newsletter.service",
    "newsletter.issues",
    "newsletter.sending",
    "newsletter.digests",
    "newsletter.preferences",
    "notifications",
    "payments.fulfilment",
    "payments.gateway",
    "payments.stripe_gateway",
    "payments.webhooks",
    "my.bookings",
    "my.links",
    "waitlist",
    "sms.gateway",
    "sms.optouts",
    "sms.fake_gateway",
    "sms.twilio_gateway",
    "phones",
    "sms.outbox",
    "coupons",
    "giftcards",
    "packages",
    "memberships",
    "intake",
)
# Domain modules that still call up into Flask, and what for.
DOMAIN_USING_FLASK = {
    "notifications.render": "current_app for its Jinja environment and configuration",
}
# (importer, imported module) pairs where one blueprint uses another's routes, forms or
# queries (domain modules inside a blueprint's package are fair game), still to untangle.
CROSS_BLUEPRINT: set[tuple[str, str]] = set()
# The staff blueprint's packages, one per job: each may use `staff/`'s top (auth, localtime),
# never another job's routes or forms.
STAFF_JOBS = (
    "bookings",
    "catalogue",
    "editorial",
    "schedules",
    "clients",
    "waitlist",
    "reminders",
    "payments",
    "coupons",
    "giftcards",
    "cardfees",
    "packages",
    "closures",
    "rooms",
    "accounts",
    "reports",
    "memberships",
    "intake",
    "travel",
)


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """Every module `path` imports, absolute, with `from x import y` giving both x and x.y."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        yield module_name(path), path


def in_domain(name: str) -> bool:
    return any(name == d or name.startswith(d + ".") for d in DOMAIN)


def test_domain_modules_do_not_import_flask():
    using = {
        name
        for name, path in modules()
        if in_domain(name) and any(i.split(".")[0] in FLASK_MODULES for i in imports(path))
    }
    assert using == set(DOMAIN_USING_FLASK), (
        f"new: {sorted(using - set(DOMAIN_USING_FLASK))}; "
        f"clean now, drop from DOMAIN_USING_FLASK: {sorted(set(DOMAIN_USING_FLASK) - using)}"
    )


def blueprint_of(name: str) -> str | None:
    head = name.split(".")[0]
    return head if head in BLUEPRINTS else None


def test_blueprints_do_not_reach_into_each_other():
    crossing = set()
    for name, path in modules():
        own = blueprint_of(name)
        if own is None:
            continue
        for imported in imports(path):
            if not imported.startswith("clinicsite."):
                continue
            target = imported.removeprefix("clinicsite.")
            other = blueprint_of(target)
            if other and other != own and target.count(".") == 1 and not in_domain(target):
                crossing.add((name, target))
    assert crossing == CROSS_BLUEPRINT, (
        f"new: {sorted(crossing - CROSS_BLUEPRINT)}; "
        f"gone, drop from CROSS_BLUEPRINT: {sorted(CROSS_BLUEPRINT - crossing)}"
    )


def test_every_domain_entry_exists():
    names = {name for name, _ in modules()}
    assert all(any(n == d or n.startswith(d + ".") for n in names) for d in DOMAIN)


def staff_job_of(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if parts[0] == "staff" and len(parts) > 2 and parts[1] in STAFF_JOBS else None


def test_staff_jobs_do_not_reach_into_each_other():
    jobs = {path.parent.name for path in (PACKAGE / "staff").glob("*/__init__.py")}
    assert jobs == set(STAFF_JOBS)
    crossing = set()
    for name, path in modules():
        own = staff_job_of(name)
        for imported in imports(path):
            target = imported.removeprefix("clinicsite.")
            other = staff_job_of(target)
            if own and other and other != own:
                crossing.add((name, target))
    assert crossing == set()
