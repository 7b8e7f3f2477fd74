"""The notebook player: the animation as one light, offline HTML snippet.

An HTML5 ``<video>`` of the MP4 (H.264 compresses an animation of mostly still frames to a
small fraction of the PNG frames matplotlib's JavaScript player embeds), or, with no ffmpeg,
an ``<img>`` of the GIF. The file is embedded as base64, so the page needs no server and no
internet: the browser's own controls play it, and nothing is fetched from a CDN. Past a size
cap the player is replaced by a short note saying how to make it smaller.
"""

from __future__ import annotations

import base64
import html
from pathlib import Path

MAX_PLAYER_MB = 8.0  # a notebook with a larger output is slow to open and to save


def player_html(path: Path, width: int, max_mb: float = MAX_PLAYER_MB) -> str:
    """The HTML that plays the MP4 or GIF at `path`, shown at most `width` pixels wide.

    Returns a note instead of the player when the embedded file would pass `max_mb` MB.
    """
    data = path.read_bytes()
    embedded_mb = 4 * -(-len(data) // 3) / 1e6  # base64 grows every 3 bytes to 4
    if embedded_mb > max_mb:
        return (
            "<p><b>Animation not shown:</b> "
            f"{html.escape(path.suffix[1:].upper())} of {embedded_mb:.1f} MB embedded, over the "
            f"{max_mb:g} MB cap for a notebook. Use more weeks per frame, fewer years or a "
            "smaller size, or save it to a file with <code>.save(path)</code>.</p>"
        )
    encoded = base64.b64encode(data).decode("ascii")
    style = f'style="max-width: 100%; width: {int(width)}px; height: auto"'
    if path.suffix.lower() == ".mp4":
        return (
            f"<video controls autoplay loop muted playsinline {style}>"
            f'<source type="video/mp4" src="data:video/mp4;base64,{encoded}">'
            "Your browser cannot play H.264 video; save the animation as a GIF.</video>"
        )
    return f'<img alt="animation" {style} src="data:image/gif;base64,{encoded}">'
