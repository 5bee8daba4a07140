"""The two page checkers the walk of every page uses, both from the npm packages pinned in
package.json (`npm ci` puts them in node_modules/; nothing is fetched from a CDN):

- axe-core, injected into each page Chromium shows, for accessibility;
- the Nu Html Checker (vnu-jar), run once with Java over the HTML of every page.

Locally, without node_modules or Java, the tests that need them are skipped; under CI=true
they fail instead, as for Chromium (tests/browser/conftest.py), so CI cannot pass unchecked.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
# The address the test serves axe from (a Playwright route, never the app): a script of
# the page's own origin, so the site's Content-Security-Policy stays as strict as it is.
AXE_PATH = "/__axe-core.min.js"


def require(*needs: str) -> None:
    """Skip (locally) or fail (CI=true) when a checker is missing: needs are "axe", "vnu"."""
    missing = []
    if "axe" in needs and not AXE.exists():
        missing.append(f"{AXE.relative_to(ROOT)} (run `npm ci`)")
    if "vnu" in needs:
        if not VNU.exists():
            missing.append(f"{VNU.relative_to(ROOT)} (run `npm ci`)")
        if not shutil.which("java"):
            missing.append("java (apt-get install -y default-jre-headless)")
    if missing:
        message = "page checkers missing: " + ", ".join(missing)
        if os.environ.get("CI"):
            pytest.fail(message + "; .ci/run should have installed them")
        pytest.skip(message)


def serve_axe(context, base_url: str) -> None:
    """Answer AXE_PATH on the site's origin with node_modules' axe-core, for every page of
    the browser context."""
    context.route(
        base_url + AXE_PATH,
        lambda route: route.fulfill(path=str(AXE), content_type="text/javascript"),
    )


def axe_violations(page, base_url: str) -> list[str]:
    """Run axe-core on the page as shown; one line per violation and element."""
    page.add_script_tag(url=base_url + AXE_PATH)
    violations = page.evaluate(
        "() => axe.run(document, {resultTypes: ['violations']}).then(r => r.violations)"
    )
    return [
        f"{v['id']} ({v['impact']}): {' '.join(map(str, node['target']))} - {v['help']}"
        for v in violations
        for node in v["nodes"]
    ]


@dataclass
class HtmlError:
    file: Path
    line: int | None
    message: str
    extract: str


def html_errors(files: list[Path]) -> list[HtmlError]:
    """The Nu Html Checker's errors for `files`, in one run of the JVM."""
    if not files:
        return []
    java = shutil.which("java") or "java"
    done = subprocess.run(  # noqa: S603 - our own jar and files the test wrote
        [java, "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    # vnu writes its JSON report to stderr, and exits 1 when it found errors.
    report = done.stderr.strip() or done.stdout.strip()
    try:
        messages = json.loads(report)["messages"]
    except (ValueError, KeyError) as exc:
        raise AssertionError(
            f"vnu gave no JSON report (exit {done.returncode}): {report[:2000]}"
        ) from exc
    errors = []
    for m in messages:
        if m.get("type") not in ("error", "non-document-error"):
            continue
        url = m.get("url", "")
        path = Path(re.sub(r"^file:", "", url)) if url else Path("?")
        errors.append(
            HtmlError(path, m.get("lastLine"), m.get("message", ""), m.get("extract", ""))
        )
    return errors
