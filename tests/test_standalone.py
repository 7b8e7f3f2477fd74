"""The repository stands alone: nothing in it points to a document a repository user cannot open.

docs/ODD.md is the model's full description. References to a specification kept outside the
repository (a sibling folder of the checkout) would send readers to a file they do not have,
so every tracked text file is searched for them.
"""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Built from parts so that this file does not match itself.
BANNED = ("MODEL" + ".md", "shared" + "/")


def tracked_files() -> list[Path]:
    """Every file git tracks in this checkout."""
    out = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "-z"],
        capture_output=True,
        check=True,
        timeout=30,
    ).stdout
    return [ROOT / name for name in out.decode("utf-8").split("\0") if name]


def text_of(path: Path) -> str | None:
    """The file's text, or None for a binary file (or one git tracks but the checkout lacks)."""
    try:
        data = path.read_bytes()
    except (FileNotFoundError, IsADirectoryError):
        return None
    if b"\0" in data:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


@pytest.mark.skipif(
    shutil.which("git") is None or not (ROOT / ".git").exists(), reason="needs a git checkout"
)
def test_no_tracked_file_refers_to_documents_outside_the_repository():
    files = tracked_files()
    assert any(f.name == "ODD.md" for f in files), "git ls-files found no docs/ODD.md"
    hits = []
    for path in files:
        text = text_of(path)
        if text is None:
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            if any(banned in line for banned in BANNED):
                hits.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not hits, (
        f"{len(hits)} line(s) refer to documents outside the repository ({', '.join(BANNED)}); "
        "point to docs/ODD.md (the model) or docs/ARCHITECTURE.md instead:\n" + "\n".join(hits)
    )
