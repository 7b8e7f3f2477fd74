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


def free_port() -> int:
    """A port nothing listens on now, on 127.0.0.1."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_serving(proc, url: str, timeout: float = 120) -> None:
    """Wait until `url` answers 200; fail with the server's stderr if it exits first."""
    import time
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"the server exited with {proc.returncode}: {proc.stderr.read()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"the server did not answer at {url} within {timeout} s")


def stop_and_check(proc, timeout: float = 30) -> list:
    """Stop a server by its process id (SIGTERM); return the processes it left alive."""
    import os
    import signal

    import psutil

    children = psutil.Process(proc.pid).children(recursive=True)
    os.kill(proc.pid, signal.SIGTERM)
    proc.wait(timeout=timeout)
    _gone, alive = psutil.wait_procs(children, timeout=10)
    return [p.cmdline() for p in alive]


def kill_group(proc) -> None:
    """Kill what is left of a server started with start_new_session=True (test clean-up)."""
    import os
    import signal

    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
