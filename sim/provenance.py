"""Where a result came from: package version, git commit, dependency versions."""

from __future__ import annotations

import functools
import importlib.metadata
import platform
import subprocess
import sys
from pathlib import Path

DEPENDENCIES = ("mesa", "numpy", "networkx", "matplotlib", "pandas", "scipy", "tqdm")


@functools.cache
def package_version() -> str:
    """The installed version of this package.

    Looked up once per process: every run's summary row carries it, and reading the
    installed metadata costs milliseconds.
    """
    try:
        return importlib.metadata.version("orgculture-sim")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


@functools.cache
def git_commit() -> str:
    """The commit of the source tree this package runs from, or "" outside a git checkout."""
    root = Path(__file__).resolve().parent.parent
    try:
        out = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return out.stdout.strip()


def dependency_versions() -> dict[str, str]:
    """Versions of Python and the main dependencies (for manifests and benchmarks)."""
    versions = {"python": sys.version.split()[0], "platform": platform.platform()}
    for name in DEPENDENCIES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions
