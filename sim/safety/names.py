"""Names used in paths: no separators, no ``..``, no control characters.

The display name (a scenario's, a design's, a sweep's) stays as written in the outputs;
only the file or folder name made from it is sanitised.
"""

from __future__ import annotations

import re
import unicodedata

_UNSAFE = re.compile(r"[^\w.\- ]+")
MAX_LENGTH = 80


def path_name(name: str, fallback: str = "unnamed") -> str:
    """A file or folder name made from a display name, safe inside a results folder.

    Separators, control and other unsafe characters become ``_``; leading dots and spaces
    are dropped (no ``..``, no hidden file), and the result is at most `MAX_LENGTH` long.

    Example:
        >>> path_name("../../etc/passwd")
        'etc_passwd'
        >>> path_name("Führung 2026")
        'Führung 2026'
    """
    text = unicodedata.normalize("NFC", str(name))
    text = "".join("_" if unicodedata.category(c).startswith("C") else c for c in text)
    text = _UNSAFE.sub("_", text)
    text = re.sub(r"\.{2,}", "_", text)
    text = re.sub(r"_+", "_", text).strip(" ._")
    return text[:MAX_LENGTH].rstrip(" .") or fallback
