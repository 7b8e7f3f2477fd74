"""Pictures drawn in the browser: a figure's still parts once, its moving parts as shapes.

The dashboard used to send each week as a JPEG of the whole 1920x1080 picture: about
110 ms of server CPU a frame (the matplotlib drawing, the encoding and Solara sending
300 kB), so two tabs could not play 5 weeks a second on two cores (docs/app.md, "Speed").
Here the figure is drawn by matplotlib as before, but only its still parts are rendered
on the server, as one JPEG sent when they change (a Reset, or a chart's scale that grows);
the artists that move each week (the people, the mentoring pairs, the headline numbers,
the chart lines, the date) are read from matplotlib as shapes in the canvas's pixels and
drawn by the page's `<canvas>` (figure_canvas.vue): a few kilobytes a week. matplotlib
stays the one place that lays the picture out; the browser only paints what it says.

Supported artists: scatter markers (`PathCollection` of circles), `LineCollection`,
`Line2D` (solid) and `Text` (including annotations).
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import solara
from matplotlib.artist import Artist
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.colors import to_rgba_array
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Text

from sim.viz.animation.stage import canvas_view


@dataclass(frozen=True)
class Layers:
    """One frame of a figure as the page draws it: the still image and the moving shapes."""

    background: str  # a data: URL of the JPEG (the same object while the still parts hold)
    shapes: list[dict]
    width: int
    height: int


def _hex(rgba: np.ndarray) -> str:
    """RGBA rows (0-1) as one string of 8 hex digits each."""
    rgba = np.atleast_2d(np.asarray(rgba, dtype=float))
    return np.round(np.clip(rgba, 0, 1) * 255).astype(np.uint8).tobytes().hex()


def _numbers(values) -> str:
    """Numbers for the page: float32, little-endian, base64 (NaN stays NaN: a gap in a line).

    A string, not a JSON list: ipywidgets walks every list item when it serialises a trait,
    and the browser's Vue makes every list reactive; one string costs neither.
    """
    array = np.ascontiguousarray(np.ravel(values), dtype="<f4")
    return base64.b64encode(array.tobytes()).decode("ascii")


def _few(values) -> list[float]:
    """A handful of numbers (a box, a dash pattern) as a JSON list, to 0.01 px."""
    return [round(float(v), 2) for v in np.ravel(values)]


class FigureLayers:
    """A matplotlib figure split into its still image and its moving artists' shapes.

    Args:
        fig: the figure (an Agg canvas).
        moving: the artists that change from frame to frame, in drawing order.
    """

    def __init__(self, fig: Figure, moving: Sequence[Artist]):
        self.fig = fig
        self.moving = list(moving)
        self._key: tuple | None = None
        self._background = ""
        self.dpi = fig.dpi
        self.width, self.height = (int(round(v)) for v in fig.canvas.get_width_height())
        self._boxes: dict[tuple, tuple[float, float, float, float]] = {}
        self._affine: dict[int, np.ndarray] = {}

    def _still_key(self) -> tuple:
        """What the still image depends on that can change: the axes' limits."""
        return tuple((*ax.get_xlim(), *ax.get_ylim()) for ax in self.fig.axes if ax.get_visible())

    def background(self) -> str:
        """The figure without its moving artists, as a JPEG data URL (redrawn when stale)."""
        key = self._still_key()
        if key != self._key:
            shown = [a.get_visible() for a in self.moving]
            for artist in self.moving:
                artist.set_visible(False)
            self.fig.canvas.draw()
            for artist, visible in zip(self.moving, shown, strict=True):
                artist.set_visible(visible)
            # JPEG at quality 92 without chroma subsampling keeps the type sharp, in a fifth
            # of PNG's time (13 against 70 ms at 1920x1080): a Reset waits for it
            buffer = io.BytesIO()
            canvas_view(self.fig.canvas).save(buffer, format="JPEG", quality=92, subsampling=0)
            encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
            self._background = "data:image/jpeg;base64," + encoded
            self._key = key
            self._boxes.clear()
        return self._background

    def layers(self) -> Layers:
        """This frame: the still image and the shapes of every visible moving artist."""
        background = self.background()
        renderer = self.fig.canvas.get_renderer()
        self._affine.clear()  # transforms hold within a frame, not across frames
        shapes = []
        for artist in self.moving:
            if artist.get_visible():
                shape = self.shape(artist, renderer)
                if shape is not None:
                    shapes.append(shape)
        return Layers(background, shapes, self.width, self.height)

    # --- one artist -----------------------------------------------------------------------
    def _px(self, points) -> np.ndarray:
        return np.asarray(points, dtype=float) * self.dpi / 72

    def _to_canvas(self, transform, xy) -> tuple[np.ndarray, np.ndarray]:
        """Points through `transform` to the canvas's pixels (origin top left).

        The affine part is read once per transform and frame: reading it walks matplotlib's
        transform tree, which cost more than the points themselves.
        """
        xy = transform.transform_non_affine(np.asarray(xy, dtype=float).reshape(-1, 2))
        matrix = self._affine.get(id(transform))
        if matrix is None:
            matrix = self._affine[id(transform)] = transform.get_affine().get_matrix()
        x = xy[:, 0] * matrix[0, 0] + xy[:, 1] * matrix[0, 1] + matrix[0, 2]
        y = xy[:, 0] * matrix[1, 0] + xy[:, 1] * matrix[1, 1] + matrix[1, 2]
        return x, self.height - y

    def _clip(self, artist: Artist) -> dict:
        box = artist.get_clip_box() if artist.get_clip_on() else None
        if box is None:
            return {}
        return {"clip": _few([box.x0, self.height - box.y1, box.width, box.height])}

    def shape(self, artist: Artist, renderer) -> dict | None:
        """The shape of one artist, or None when it draws nothing."""
        if isinstance(artist, PathCollection):
            return self._circles(artist)
        if isinstance(artist, LineCollection):
            return self._segments(artist)
        if isinstance(artist, Line2D):
            return self._polyline(artist)
        if isinstance(artist, Text):
            return self._text(artist, renderer)
        raise TypeError(f"cannot draw a {type(artist).__name__} in the browser")

    def _circles(self, nodes: PathCollection) -> dict | None:
        offsets = nodes.get_offsets()
        if len(offsets) == 0:
            return None
        x, y = self._to_canvas(nodes.get_offset_transform(), offsets)
        radius = self._px(np.sqrt(nodes.get_sizes())) / 2  # sizes are areas in points^2
        return {
            "type": "circles",
            "x": _numbers(x),
            "y": _numbers(y),
            "r": _numbers(radius),
            "face": _hex(nodes.get_facecolor()),
            "edge": _hex(nodes.get_edgecolor()),
            "lw": _numbers(self._px(nodes.get_linewidths())),
        }

    def _segments(self, lines: LineCollection) -> dict | None:
        segments = lines.get_segments()
        if not segments:
            return None
        ends = np.array([[s[0], s[-1]] for s in segments], dtype=float)
        x, y = self._to_canvas(lines.get_transform(), ends)
        _offset, dashes = lines.get_linestyle()[0]  # scaled by the line width, in points
        shape = {
            "type": "segments",
            "x0": _numbers(x[0::2]),
            "y0": _numbers(y[0::2]),
            "x1": _numbers(x[1::2]),
            "y1": _numbers(y[1::2]),
            "lw": _numbers(self._px(lines.get_linewidths())),
            "colour": _hex(lines.get_edgecolor()),
            **self._clip(lines),
        }
        if dashes:
            shape["dash"] = _few(self._px(dashes))
        return shape

    def _polyline(self, line: Line2D) -> dict | None:
        xy = line.get_xydata()  # in the axes' units (dates as numbers)
        if len(xy) == 0:
            return None
        x, y = self._to_canvas(line.get_transform(), xy)
        return {
            "type": "polyline",
            "x": _numbers(x),
            "y": _numbers(y),
            "lw": _few(self._px(line.get_linewidth()))[0],
            "colour": _hex(to_rgba_array(line.get_color(), line.get_alpha())),
            **self._clip(line),
        }

    def _text(self, text: Text, renderer) -> dict | None:
        content = text.get_text()
        if not content:
            return None
        lines = content.split("\n")
        align = text.get_horizontalalignment()
        # Where the text sits depends on its anchor, alignment, size and number of lines, not
        # on its words: measure it once (matplotlib's text layout is the costly part) and let
        # the browser set this week's words at the same anchor.
        key = (id(text), len(lines), text.get_position(), text.get_fontsize(), align,
               text.get_verticalalignment())  # fmt: skip
        box = self._boxes.get(key)
        if box is None:
            extent = text.get_window_extent(renderer)
            box = (extent.x0, self.height - extent.y1, extent.width, extent.height)
            self._boxes[key] = box
        return {
            "type": "text",
            "lines": lines,
            "box": _few(box),
            "align": align if align in ("left", "right") else "center",
            "size": _few(self._px(text.get_fontsize()))[0],
            "weight": "bold" if text.get_fontweight() in ("bold", 700, "heavy") else "normal",
            "colour": _hex(to_rgba_array(text.get_color(), text.get_alpha())),
        }


@solara.component_vue("figure_canvas.vue", vuetify=False)
def FigureCanvas(
    background: str = "",
    shapes: list | None = None,
    width: int = 0,
    height: int = 0,
    week: int = 0,
    serial: int = 0,
    drawn: int = 0,
    kind: str = "",
    label: str = "",
):
    """A `<canvas>` that paints a `Layers` frame (figure_canvas.vue).

    `serial` numbers the frames sent; the page sets `drawn` to the serial of each frame it
    has painted, which the play loop waits for (`sim.app.pictures.FrameView.wait_drawn`).
    """
