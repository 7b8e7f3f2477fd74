"""Frame size and type sizes: the pixels of a frame, its dots per inch, and the fonts.

A frame is drawn on a figure of `width / dpi` by `height / dpi` inches, and its type is set
in points, so the dpi decides how large text is in pixels. Given only a pixel size, the dpi
makes the figure the size the layout was designed at (14 by 7.9 inches for two panels, 12
by 6.75 for one; a frame of another shape gains width or height): the picture then scales
as a whole, and at 1920x1080 the smallest text (11 pt at 137 dpi) is 21 pixels high,
legible from the back of a room. Given only a dpi, the frame is the design's size at that
dpi. Given both, the figure has the inches they imply and the layout, computed in inches
from the type sizes, fits them if it can (else an error says what to change).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from matplotlib.font_manager import FontProperties

from sim.errors import InputError, Problem

# The figure width (inches) each layout is designed at, by the number of panels.
DESIGN_WIDTH_IN = {1: 12.0, 2: 14.0}
DESIGN_ASPECT = 9 / 16  # height / width of the design's size
DEFAULT_SIZE = (1280, 720)  # 16:9, what projectors and slides show
MIN_SIZE = (320, 180)  # a thumbnail; tests draw small frames
MAX_SIZE = (7680, 4320)  # 8K
ASPECT_RANGE = (1.2, 2.4)  # width / height the layout fits: 6:5 up to 12:5
DPI_RANGE = (20.0, 600.0)
FONT_SCALE_RANGE = (0.5, 3.0)
# Type sizes in points at --font-scale 1: the smallest (labels, ticks, legend, the footer),
# body text (headline numbers, the subtitle), headings (panel and chart titles), the title.
TYPE_POINTS = {"small": 11.0, "body": 12.5, "heading": 14.5, "title": 18.0}


@dataclass(frozen=True)
class FrameSize:
    """A frame's pixels and the dots per inch its figure is drawn at."""

    width: int
    height: int
    dpi: float

    @property
    def inches(self) -> tuple[float, float]:
        """The figure's size in inches (a hair over, so that the canvas rounds to the pixels)."""
        return (self.width + 0.01) / self.dpi, (self.height + 0.01) / self.dpi


@dataclass(frozen=True)
class Typography:
    """Font sizes in points: `small` (the smallest anywhere), `body`, `heading`, `title`."""

    small: float
    body: float
    heading: float
    title: float

    @classmethod
    def scaled(cls, font_scale: float = 1.0) -> Typography:
        """The type sizes at a scale (1 = the design's)."""
        return cls(**{k: v * font_scale for k, v in TYPE_POINTS.items()})


def parse_size(text: str) -> tuple[int, int]:
    """`WIDTHxHEIGHT` in pixels (e.g. 1920x1080), checked; raises InputError."""
    match = re.fullmatch(r"\s*(\d+)\s*[xX×]\s*(\d+)\s*", text or "")
    if match is None:
        raise InputError(
            [Problem(f"--size {text}", "expected WIDTHxHEIGHT in pixels, e.g. --size 1920x1080")]
        )
    return check_size(int(match[1]), int(match[2]))


def check_size(width: int, height: int) -> tuple[int, int]:
    """A pixel size within the limits the layout fits; raises InputError naming them."""
    where = f"--size {width}x{height}"
    problems = []
    if not (MIN_SIZE[0] <= width <= MAX_SIZE[0] and MIN_SIZE[1] <= height <= MAX_SIZE[1]):
        problems.append(
            Problem(
                where,
                f"allowed: {MIN_SIZE[0]}x{MIN_SIZE[1]} up to {MAX_SIZE[0]}x{MAX_SIZE[1]} "
                "pixels; for a projector try --size 1920x1080 (or 1280x720)",
            )
        )
    elif not ASPECT_RANGE[0] <= width / height <= ASPECT_RANGE[1]:
        problems.append(
            Problem(
                where,
                f"width / height is {width / height:.2f}; allowed: {ASPECT_RANGE[0]:g} to "
                f"{ASPECT_RANGE[1]:g} (16:9 is 1.78), e.g. --size 1920x1080 or 1024x768",
            )
        )
    if problems:
        raise InputError(problems)
    return width, height


def frame_size(panels: int, size: tuple[int, int] | None, dpi: float | None) -> FrameSize:
    """The frame of an animation with `panels` panels, from --size and/or --dpi (both optional).

    Only a size: the dpi at which the design's size (its width by 9/16 of it) just fits the
    frame. Only a dpi: the design's size at that dpi. Neither: `DEFAULT_SIZE`.
    """
    design_width = DESIGN_WIDTH_IN[min(panels, 2)]
    if dpi is not None:
        check_dpi(dpi)
    if size is None:
        if dpi is None:
            size = DEFAULT_SIZE
        else:
            width = round(design_width * dpi)
            size = (width, round(width * DESIGN_ASPECT))
    width, height = check_size(*size)
    if dpi is None:  # the design's size fits the frame: a wider frame gains width, not text
        dpi = min(width / design_width, height / (design_width * DESIGN_ASPECT))
    return FrameSize(width, height, float(dpi))


def check_dpi(dpi: float) -> float:
    """A dpi within `DPI_RANGE`; raises InputError."""
    if not DPI_RANGE[0] <= dpi <= DPI_RANGE[1]:
        raise InputError(
            [
                Problem(
                    f"--dpi {dpi:g}",
                    f"allowed: {DPI_RANGE[0]:g} to {DPI_RANGE[1]:g} dots per inch; or leave it "
                    "out and give --size, which picks the dpi",
                )
            ]
        )
    return dpi


def check_font_scale(font_scale: float) -> float:
    """A font scale within `FONT_SCALE_RANGE`; raises InputError."""
    lo, hi = FONT_SCALE_RANGE
    if not lo <= font_scale <= hi:
        raise InputError(
            [Problem(f"--font-scale {font_scale:g}", f"allowed: {lo:g} to {hi:g} (1 = default)")]
        )
    return font_scale


def text_width(renderer: object, text: str, points: float, bold: bool = False) -> float:
    """The width of one line of text in inches, as `renderer` (a figure's) would draw it."""
    prop = FontProperties(size=points, weight="bold" if bold else "normal")
    width, _, _ = renderer.get_text_width_height_descent(text, prop, ismath=False)
    return width / renderer.dpi


def fit_text(renderer: object, text: str, points: float, width_in: float, bold=False) -> str:
    """`text`, cut short with an ellipsis where it is wider than `width_in` ("" if nothing fits).

    Type never shrinks below the smallest size: a long name is shortened instead.
    """
    if text_width(renderer, text, points, bold) <= width_in:
        return text
    for end in range(len(text) - 1, 0, -1):
        short = text[:end].rstrip() + "…"
        if text_width(renderer, short, points, bold) <= width_in:
            return short
    return ""
