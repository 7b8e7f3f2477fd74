"""Workshop animations: an organisation changing week by week, with and without a program.

The one picture that steps a model itself (plots and reports read stored results). The org
chart is laid out once (`hierarchical_layout`: levels as rows, departments as groups); each
frame only updates the existing artists: node colours (engagement or digital knowledge),
sizes (an exit empties a node until the position is refilled), the mentoring ties of the
week, the date, the headline numbers and a small live chart of junior turnover and
leadership fluency. `--compare` shows the baseline and a program side by side on the same
seed, so they share the organisation, the people and the exit draws.

For a projector: `size` (pixels; the whole picture, text included, scales with it: the
smallest text is 21 px high at 1920x1080), `dpi`, `font_scale`, `start` ("launch" skips the
warm-up) and `hold` (seconds on the last frame). Titles use a design's `label` (else its
name in words) and the seed sits in a small footer; departments carry their names from an
HR export.

Modules: `layout` (where each node goes, computed once), `frame` (colours, sizes, the weeks
shown, titles), `sizing` (frame size, dpi and type sizes), `stage` (the figure, its models
and the artists each frame updates), `writers` (GIF and MP4 files) and `player` (the
notebook's offline video). This module holds the public part: `animate` and `OrgAnimation`
(save, or show in a notebook); `OrgAnimation.save` looks up `ffmpeg_path` here.

Example:
    >>> from sim.viz.animation import animate
    >>> anim = animate(compare=True, years=0.1, weeks_per_frame=2)  # displays in a notebook
    >>> path = anim.save("/tmp/org.gif", progress=False)
    >>> talk = animate(compare=True, size="1920x1080", start="launch", hold=3)
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from matplotlib import animation as mpl_animation
from tqdm.auto import tqdm

from sim.errors import InputError, Problem
from sim.scenario.orgchart import load_chart
from sim.scenario.parameters import Scenario
from sim.scenario.seeds import replicate_seeds
from sim.viz.animation.frame import COLOUR_BY, first_week, frame_weeks, week_date
from sim.viz.animation.layout import OrgLayout, hierarchical_layout, tree_order
from sim.viz.animation.player import MAX_PLAYER_MB, player_html
from sim.viz.animation.sizing import (
    FrameSize,
    Typography,
    check_font_scale,
    frame_size,
    parse_size,
)
from sim.viz.animation.stage import Stage
from sim.viz.animation.writers import ffmpeg_path, gif_palette, write_gif, write_mp4

DEFAULT_HOLD = 2.0  # seconds on the last frame: time to read it before the loop restarts
MAX_HOLD = 60.0

__all__ = [
    "DEFAULT_HOLD",
    "FrameSize",
    "OrgAnimation",
    "OrgLayout",
    "Stage",
    "animate",
    "check_options",
    "default_seed",
    "ffmpeg_path",
    "first_week",
    "frame_size",
    "frame_weeks",
    "gif_palette",
    "hierarchical_layout",
    "parse_size",
    "player_html",
    "resolve_designs",
    "tree_order",
    "week_date",
    "write_gif",
    "write_mp4",
]


# --- the animation: save, or show in a notebook ---------------------------------------------
@dataclass
class OrgAnimation:
    """An animation of one run (or a baseline/program pair on one seed), rendered on demand.

    Each rendering builds fresh models, so `save` and notebook display can be repeated.

    Attributes:
        scenario: the validated scenario.
        designs: one design name, or (baseline, program) for a side-by-side comparison.
        seed: the run's integer seed.
        color_by: "engagement" or "digital".
        weeks_per_frame: simulated weeks per frame (1 = every week).
        fps: frames per second.
        dpi: dots per inch (None: from `size`; see `sizing.frame_size`).
        org_chart: an imported org chart, if the scenario uses one.
        size: frame size in pixels (width, height); None: 1280x720, or the design width at `dpi`.
        font_scale: type size relative to the design's (1 = its smallest text 11 pt).
        first_week: the week of the first frame (`frame.first_week`: 0, or the launch).
        hold: seconds the last frame stays before the GIF loops (an MP4 repeats it).
    """

    scenario: Scenario
    designs: tuple[str, ...]
    seed: int
    color_by: str = "engagement"
    weeks_per_frame: int = 1
    fps: float = 8.0
    dpi: float | None = None
    org_chart: object | None = None
    size: tuple[int, int] | None = None
    font_scale: float = 1.0
    first_week: int = 0
    hold: float = DEFAULT_HOLD

    @property
    def weeks(self) -> list[int]:
        """The week each frame shows (the held last frame once)."""
        return frame_weeks(self.scenario.weeks, self.weeks_per_frame, self.first_week)

    @property
    def frame(self) -> FrameSize:
        """The frames' pixels and dpi."""
        return frame_size(len(self.designs), self.size, self.dpi)

    def stage(self) -> Stage:
        """A fresh figure with models at week 0."""
        return Stage(
            self.scenario,
            self.designs,
            self.seed,
            self.color_by,
            self.org_chart,
            size=self.frame,
            fonts=Typography.scaled(self.font_scale),
            first_week=self.first_week,
        )

    def save(self, path: str | Path, progress: bool = True) -> Path:
        """Render every frame to a GIF (Pillow) or an MP4 (ffmpeg), by the file's suffix.

        The file is written under a temporary name and renamed when complete.
        """
        path = Path(path)
        suffix = path.suffix.lower()
        ffmpeg = ffmpeg_path() if suffix == ".mp4" else None
        if suffix == ".mp4" and ffmpeg is None:
            raise InputError([Problem(str(path), "ffmpeg not found; write a .gif instead")])
        if suffix not in (".gif", ".mp4"):
            raise InputError([Problem(str(path), "unknown animation format; use .gif or .mp4")])
        frame = self.frame
        if suffix == ".mp4" and (frame.width % 2 or frame.height % 2):
            raise InputError(
                [
                    Problem(
                        f"--size {frame.width}x{frame.height}",
                        "an MP4 (H.264) needs an even width and height, e.g. 1920x1080; "
                        "or write a .gif",
                    )
                ]
            )
        stage = self.stage()  # before any file: a size the text cannot fit fails here
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.stem}.partial{path.suffix}")
        weeks = tqdm(self.weeks, desc="frames", unit="frame", disable=not progress)
        try:
            if suffix == ".gif":
                write_gif(stage.frames(weeks), tmp, self.fps, self.hold)
            else:
                write_mp4(stage.frames(weeks), tmp, self.fps, ffmpeg, name=path, hold=self.hold)
            tmp.replace(path)
        finally:
            tmp.unlink(missing_ok=True)
        return path

    def to_funcanimation(self) -> mpl_animation.FuncAnimation:
        """A matplotlib FuncAnimation over fresh models (for custom writers)."""
        stage = self.stage()
        anim = mpl_animation.FuncAnimation(
            stage.fig,
            stage.show,
            frames=self.weeks,
            init_func=lambda: [],
            interval=1000 / self.fps,
            repeat=False,
            cache_frame_data=False,
        )
        anim.stage = stage  # keep the models reachable while the animation lives
        return anim

    def to_html(self, max_mb: float = MAX_PLAYER_MB) -> str:
        """The animation as a light, offline HTML player (what a notebook shows).

        An HTML5 video of the MP4 when there is an ffmpeg, else the GIF, embedded as base64
        (`player.player_html`); past `max_mb` MB, a note saying how to make it smaller.
        """
        suffix = ".mp4" if ffmpeg_path() is not None else ".gif"
        with tempfile.TemporaryDirectory() as folder:
            path = self.save(Path(folder) / f"animation{suffix}", progress=False)
            return player_html(path, self.frame.width, max_mb)

    def _repr_html_(self) -> str:
        return self.to_html()


def resolve_designs(scenario: Scenario, design: str | None, compare: bool) -> tuple[str, ...]:
    """The design names to animate: the chosen (or first program) design, after the baseline."""
    known = [d.name for d in scenario.designs]
    if design is None:
        if not known:
            raise InputError([Problem("--design", "the scenario has no program design")])
        design = known[0]
    if design != "baseline" and design not in known:
        raise InputError(
            [Problem(f"--design {design}", f"no such design; designs: {', '.join(known)}")]
        )
    if compare:
        if design == "baseline":
            raise InputError(
                [
                    Problem(
                        "--design baseline",
                        "--compare shows a program beside the baseline; "
                        f"choose a program design: {', '.join(known)}",
                    )
                ]
            )
        return ("baseline", design)
    return (design,)


def default_seed(scenario: Scenario) -> int:
    """The seed of replicate 0 of `sim run` on this scenario."""
    return replicate_seeds(scenario.seed, 1)[0]


def animate(
    scenario: Scenario | str | Path | None = None,
    design: str | None = None,
    compare: bool = False,
    seed: int | None = None,
    color_by: str = "engagement",
    weeks_per_frame: int = 1,
    fps: float = 8.0,
    years: float | None = None,
    *,
    size: tuple[int, int] | str | None = None,
    dpi: float | None = None,
    font_scale: float = 1.0,
    start: str | int | None = None,
    hold: float = DEFAULT_HOLD,
) -> OrgAnimation:
    """An animation of a scenario; in a notebook it displays inline as a video player.

    Args:
        scenario: a Scenario, a TOML path, or None for the telecom case.
        design: the program design (default: the scenario's first).
        compare: show the baseline beside the program on the same seed.
        seed: the run's seed (default: replicate 0 of `sim run`).
        color_by: "engagement" or "digital".
        weeks_per_frame: simulated weeks per frame.
        fps: frames per second.
        years: years after the launch (default: the scenario's).
        size: frame size in pixels, (1920, 1080) or "1920x1080" (default 1280x720).
        dpi: dots per inch (default: from the size, so the layout scales with it).
        font_scale: type size relative to the default.
        start: the first frame: None (week 0), "launch", or a week number.
        hold: seconds the last frame stays on screen.
    """
    if scenario is None or isinstance(scenario, str | Path):
        from sim.scenario.cases import DEFAULT_CASE
        from sim.scenario.loading import load_scenario

        scenario = load_scenario(scenario or DEFAULT_CASE)
    if years is not None:
        scenario = scenario.with_changes(years=years)
    check_options(color_by, weeks_per_frame, fps, font_scale, hold)
    if isinstance(size, str):
        size = parse_size(size)
    designs = resolve_designs(scenario, design, compare)
    frame_size(len(designs), size, dpi)  # checks size and dpi before any model runs
    return OrgAnimation(
        scenario=scenario,
        designs=designs,
        seed=default_seed(scenario) if seed is None else seed,
        color_by=color_by,
        weeks_per_frame=weeks_per_frame,
        fps=fps,
        dpi=dpi,
        org_chart=load_chart(scenario),
        size=size,
        font_scale=font_scale,
        first_week=first_week(scenario, start),
        hold=hold,
    )


def check_options(
    color_by: str,
    weeks_per_frame: int,
    fps: float,
    font_scale: float = 1.0,
    hold: float = DEFAULT_HOLD,
) -> None:
    """One problem per bad option value."""
    problems = []
    if color_by not in COLOUR_BY:
        problems.append(Problem(f"--color-by {color_by}", f"allowed: {', '.join(COLOUR_BY)}"))
    if weeks_per_frame < 1:
        problems.append(Problem(f"--weeks-per-frame {weeks_per_frame}", "must be at least 1"))
    if not fps > 0 or fps > 60:
        problems.append(Problem(f"--fps {fps:g}", "must be above 0 and at most 60"))
    if not 0 <= hold <= MAX_HOLD:
        problems.append(
            Problem(f"--hold {hold:g}", f"allowed: 0 to {MAX_HOLD:g} seconds on the last frame")
        )
    try:
        check_font_scale(font_scale)
    except InputError as err:
        problems += err.problems
    if problems:
        raise InputError(problems)
