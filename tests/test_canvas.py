"""`sim.app.canvas`: a figure's still image, and its moving artists as shapes in pixels."""

import base64
import io

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.patches import Circle
from PIL import Image

from sim.app.canvas import FigureLayers, _numbers

DPI = 100


def floats(text: str) -> np.ndarray:
    """What the page decodes (figure_canvas.vue `floats`)."""
    return np.frombuffer(base64.b64decode(text), dtype="<f4")


def colours(hex_text: str) -> np.ndarray:
    return np.frombuffer(bytes.fromhex(hex_text), dtype=np.uint8).reshape(-1, 4)


def figure():
    """A 400x200 figure whose one axes fills it: data (x, y) -> pixel (40x, 200 - 20y)."""
    fig = Figure(figsize=(4, 2), dpi=DPI)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 10)
    ax.axis("off")
    return fig, ax


def test_numbers_go_to_the_page_as_float32_with_gaps_kept():
    values = np.array([1.25, np.nan, -3.5, 1e6])
    back = floats(_numbers(values))
    assert np.array_equal(np.isnan(back), np.isnan(values))
    assert np.allclose(back[~np.isnan(back)], values[~np.isnan(values)])


def test_markers_are_circles_at_their_pixels_with_their_colours():
    fig, ax = figure()
    nodes = ax.scatter([1, 5, 9], [1, 5, 9], s=[100, 400, 25], c=["red", "blue", "green"])
    nodes.set_edgecolor("black")
    nodes.set_linewidths([0.5, 1.0, 2.0])
    shape = FigureLayers(fig, [nodes]).layers().shapes[0]
    assert shape["type"] == "circles"
    assert np.allclose(floats(shape["x"]), [40, 200, 360])
    assert np.allclose(floats(shape["y"]), [180, 100, 20])  # from the top: canvases count down
    # marker sizes are areas in points^2: radius = sqrt(s) / 2 points
    assert np.allclose(floats(shape["r"]), np.sqrt([100, 400, 25]) / 2 * DPI / 72)
    assert np.allclose(floats(shape["lw"]), np.array([0.5, 1.0, 2.0]) * DPI / 72)
    assert colours(shape["face"]).tolist() == [[255, 0, 0, 255], [0, 0, 255, 255], [0, 128, 0, 255]]
    assert colours(shape["edge"]).tolist() == [[0, 0, 0, 255]]  # one colour for all


def test_lines_keep_their_gaps_widths_dashes_and_clip():
    fig, ax = figure()
    (line,) = ax.plot([0, 5, 10], [0, np.nan, 10], color="#336699", linewidth=2)
    pairs = LineCollection([[(0, 0), (10, 10)], [(0, 10), (5, 5)]], linewidths=[1, 3])
    ended = LineCollection([[(0, 5), (10, 5)]], linestyles="--", linewidths=1.5, colors="grey")
    for collection in (pairs, ended):
        ax.add_collection(collection)
    polyline, segments, dashed = FigureLayers(fig, [line, pairs, ended]).layers().shapes
    assert np.allclose(floats(polyline["x"])[[0, 2]], [0, 400])
    assert np.isnan(floats(polyline["y"])[1])  # a gap, as matplotlib leaves it
    assert polyline["lw"] == pytest.approx(2 * DPI / 72, abs=0.01)
    assert colours(polyline["colour"]).tolist() == [[0x33, 0x66, 0x99, 255]]
    assert polyline["clip"] == [0, 0, 400, 200]  # the axes' box
    assert np.allclose(floats(segments["x0"]), [0, 0]) and np.allclose(
        floats(segments["y1"]), [0, 100]
    )
    assert np.allclose(floats(segments["lw"]), np.array([1, 3]) * DPI / 72)
    assert "dash" not in segments
    assert len(dashed["dash"]) == 2 and all(d > 0 for d in dashed["dash"])


def test_text_is_measured_once_per_anchor_and_line_count():
    fig, ax = figure()
    label = fig.text(0.5, 0.5, "two\nlines", ha="center", va="top", fontsize=12, fontweight="bold")
    layers = FigureLayers(fig, [label])
    shape = layers.layers().shapes[0]
    assert shape["lines"] == ["two", "lines"] and shape["align"] == "center"
    assert shape["weight"] == "bold" and shape["size"] == pytest.approx(12 * DPI / 72, abs=0.01)
    left, top, width, height = shape["box"]
    assert top == pytest.approx(100, abs=1)  # va="top" at half height: the box starts there
    assert left + width / 2 == pytest.approx(200, abs=1)  # centred on its anchor
    label.set_text("other\nwords here")
    again = layers.layers().shapes[0]
    assert again["lines"] == ["other", "words here"]
    assert again["box"] == shape["box"]  # same anchor, same lines: the same box
    label.set_text("one line")
    assert layers.layers().shapes[0]["box"][3] < height  # measured anew
    label.set_text("")
    assert layers.layers().shapes == []  # an empty text draws nothing


def decode(url: str) -> np.ndarray:
    assert url.startswith("data:image/jpeg;base64,")
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))).convert("L"))


def test_the_still_image_leaves_out_what_moves_and_is_redrawn_only_when_stale():
    fig, ax = figure()
    ax.add_patch(Circle((2, 5), 1, color="black"))  # still
    nodes = ax.scatter([8], [5], s=900, c="black")  # moving
    layers = FigureLayers(fig, [nodes])
    still = layers.background()
    image = decode(still)
    assert image.shape == (200, 400)
    assert image[100, 80] < 60  # the still circle is in the image
    assert image[100, 320] > 200  # the moving marker is not: the page draws it
    assert nodes.get_visible()  # and it is visible again afterwards
    nodes.set_offsets([[7, 5]])
    assert layers.background() is still  # moving artists moved: the still image holds
    ax.set_xlim(0, 20)
    assert layers.background() is not still  # a new scale: drawn again


def test_an_artist_the_page_cannot_draw_is_named():
    fig, ax = figure()
    patch = ax.add_patch(Circle((2, 5), 1))
    with pytest.raises(TypeError, match="Circle"):
        FigureLayers(fig, [patch]).layers()
