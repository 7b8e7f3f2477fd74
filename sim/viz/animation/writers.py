"""Writing frames to files: a GIF with one palette (Pillow), or an MP4 piped to ffmpeg."""

from __future__ import annotations

import itertools
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import matplotlib as mpl
import numpy as np
from PIL import Image

from sim.errors import InputError, Problem
from sim.viz.animation.frame import COLOUR_MAP, ENDED_COLOUR, TIE_COLOUR
from sim.viz.plots import OKABE_ITO, design_colours


def ffmpeg_path() -> str | None:
    """The ffmpeg that MP4 output uses, or None: matplotlib's setting, PATH, then imageio-ffmpeg.

    `rcParams["animation.ffmpeg_path"]` (default "ffmpeg") comes first, then an ffmpeg on
    PATH, then the binary of the `video` extra (`pip install "orgculture-sim[video]"`, part
    of `dev`): imageio-ffmpeg, a wheel that carries its own ffmpeg.
    """
    for candidate in (mpl.rcParams["animation.ffmpeg_path"], "ffmpeg"):
        found = shutil.which(candidate)
        if found:
            return found
    try:
        import imageio_ffmpeg
    except ImportError:
        return None
    try:
        exe = imageio_ffmpeg.get_ffmpeg_exe()
    except RuntimeError:  # the package is there but its binary is not (an unusual platform)
        return None
    # IMAGEIO_FFMPEG_EXE is returned as set, unchecked: make sure it runs.
    return shutil.which(exe)


def gif_palette(first: Image.Image) -> Image.Image:
    """A 256-colour palette: the animation's own colours exactly, the rest from the first frame."""
    exact = [COLOUR_MAP(i)[:3] for i in range(COLOUR_MAP.N)]
    exact += [mpl.colors.to_rgb(c) for c in (TIE_COLOUR, ENDED_COLOUR, *OKABE_ITO.values())]
    exact += [mpl.colors.to_rgb(c) for c in design_colours(["baseline", "a", "b"]).values()]
    exact += [(g, g, g) for g in np.linspace(0, 1, 18)]
    fixed = (np.round(np.array(exact) * 255)).astype(np.uint8)
    fixed = np.unique(fixed, axis=0)
    adaptive = first.quantize(colors=256 - len(fixed), method=Image.Quantize.MEDIANCUT)
    rest = np.array(adaptive.getpalette()[: 3 * (256 - len(fixed))], dtype=int).reshape(-1, 3)
    # Pillow matches colours approximately: drop near-copies of exact colours, so that white
    # stays white rather than becoming the off-white next to it.
    distance = np.abs(rest[:, None, :] - fixed[None, :, :].astype(int)).max(axis=2).min(axis=1)
    rest = rest[distance > 8].astype(np.uint8)
    palette = Image.new("P", (1, 1))
    palette.putpalette(np.concatenate([fixed.ravel(), rest.ravel()]).tolist())
    return palette


def held(frames: Iterable[Image.Image], copies: int) -> Iterator[Image.Image]:
    """The frames, the last one repeated to `copies` in all (a video's hold on the end)."""
    last = None
    for last in frames:
        yield last
    for _ in range(copies - 1):
        yield last


def hold_copies(hold: float, fps: float) -> int:
    """How many frames at `fps` show the last frame for `hold` seconds (at least one)."""
    return max(1, round(hold * fps))


def write_gif(frames: Iterable[Image.Image], path: Path, fps: float, hold: float = 0.0) -> None:
    """Write RGB frames as a looping GIF with one palette for every frame.

    One palette (`gif_palette`) for all frames, applied without dithering, so colours do
    not flicker between frames and flat areas compress well. The last frame stays `hold`
    seconds (its own duration, never shorter than the others') before the loop restarts.
    """
    frames = iter(frames)
    first = next(frames)
    palette = gif_palette(first)
    quantized = [first.quantize(palette=palette, dither=Image.Dither.NONE)]
    quantized += [f.quantize(palette=palette, dither=Image.Dither.NONE) for f in frames]
    step = round(1000 / fps)
    durations = [step] * len(quantized)
    durations[-1] = max(step, round(1000 * hold))
    quantized[0].save(
        path,
        format="GIF",
        save_all=True,
        append_images=quantized[1:],
        duration=durations,
        loop=0,
    )


def write_mp4(
    frames: Iterable[Image.Image],
    path: Path,
    fps: float,
    ffmpeg: str,
    name: Path | None = None,
    hold: float = 0.0,
) -> None:
    """Pipe RGB frames to ffmpeg as raw video; H.264 in an MP4 that browsers and slides play.

    A video has one frame rate, so the `hold` seconds on the last frame are copies of it.

    The frames are the same blitted renders as the GIF's (matplotlib's FFMpegWriter would
    redraw the whole figure for every frame, several times slower). `name` is the file the
    user asked for, named in messages (`path` may be a temporary name).
    """
    frames = iter(frames)
    first = next(frames)
    width, height = first.size
    command = [
        ffmpeg, "-y", "-loglevel", "error",
        "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{width}x{height}", "-r", f"{fps:g}",
        "-i", "-",
        "-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2:color=white",  # H.264 wants even sizes
        # h264: ffmpeg's preferred H.264 encoder (libx264 when built in, else e.g. openh264).
        "-c:v", "h264", "-pix_fmt", "yuv420p", "-movflags", "+faststart",
        str(path),
    ]  # fmt: skip
    # ffmpeg's messages go to a file, not a pipe: a full pipe would stall it mid-video.
    shown = str(name or path)
    with tempfile.TemporaryFile() as log:
        try:
            proc = subprocess.Popen(command, stdin=subprocess.PIPE, stderr=log)
        except OSError as err:
            raise InputError(
                [Problem(shown, f"could not start ffmpeg ({ffmpeg}): {err.strerror}; try a .gif")]
            ) from None
        try:
            for frame in held(itertools.chain([first], frames), hold_copies(hold, fps)):
                proc.stdin.write(frame.convert("RGB").tobytes())
        except BrokenPipeError:
            pass  # ffmpeg stopped early; its message says why
        finally:
            proc.stdin.close()
            code = proc.wait()
        log.seek(0)
        message = log.read().decode(errors="replace").strip().splitlines()
    if code != 0:
        why = message[-1] if message else f"exit code {code}"
        raise InputError([Problem(shown, f"ffmpeg ({ffmpeg}) failed: {why}; try a .gif")])
