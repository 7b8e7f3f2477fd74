"""Headless Chromium for the browser tests: Debian's /usr/bin/chromium driven by Playwright.

Playwright's own browser download is never used: it cannot download here, and the system
browser is what a reader would open a page with. `.ci/run` installs chromium; where it is
missing, the tests that need it skip with one line saying so.
"""

from pathlib import Path
from urllib.parse import urlparse

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def local(url: str) -> bool:
    """A file, an inline data URI or this machine: nothing that leaves it."""
    parsed = urlparse(url)
    if parsed.scheme == "file":  # file://host/... (from a "//host/..." link) is a network path
        return parsed.hostname in (None, "", "localhost")
    if parsed.scheme in ("data", "about", "blob"):
        return True
    return parsed.scheme in ("http", "https", "ws") and parsed.hostname == "127.0.0.1"


def refuse_outside(page, requests: list[str]) -> None:
    """Record every request of a page, and abort any that would leave this machine."""
    page.on("request", lambda request: requests.append(request.url))
    page.route(
        "**/*", lambda route: route.continue_() if local(route.request.url) else route.abort()
    )
