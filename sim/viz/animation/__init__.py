"""Workshop animations: an organisation changing week by week, with and without a program.

The one picture that steps a model itself (plots and reports read stored results). The org
chart is laid out once (`hierarchical_layout`: levels as rows, departments as groups); each
frame only updates the existing artists: node colours (engagement or digital knowledge),
sizes (an exit empties a node until the position is refilled), the mentoring ties of the
week, the date, the headline numbers and a small live chart of junior turnover and
leadership fluency. `--compare` shows the baseline and a program side by side on the same
seed, so they share the organisation, the people and the exit draws.

Modules: `layout` (where each node goes, computed once), `frame` (colours, sizes, the weeks
shown), `stage` (the figure, its models and the artists each frame updates) and `writers`
(GIF and MP4 files). This module holds the public part: `animate` and `OrgAnimation` (save,
or show in a notebook); `OrgAnimation.save` looks up `ffmpeg_path` here.

Example:
    >>> from sim.viz.animation import animate
    >>> anim = animate(compare=True, years=0.1, weeks_per_frame=2)  # displays in a notebook
    >>> path = anim.save("/tmp/org.gif", progress=False)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import matplotlib as mpl
from matplotlib import animation as mpl_animation
from tqdm.auto import tqdm

from sim.errors import InputError, Problem
from sim.scenario.orgchart import load_chart
from sim.scenario.parameters import Scenario
from sim.scenario.seeds import replicate_seeds
from sim.viz.animation.frame import COLOUR_BY, frame_weeks, week_date
from sim.viz.animation.layout import OrgLayout, hierarchical_layout, tree_order
from sim.viz.animation.stage import Stage
from sim.viz.animation.writers import ffmpeg_path, gif_palette, write_gif, write_mp4

__all__ = [
    "OrgAnimation",
    "OrgLayout",
    "Stage",
    "animate",
    "check_options",
    "default_seed",
    "ffmpeg_path",
    "frame_weeks",
    "gif_palette",
    "hierarchical_layout",
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
        dpi: pixels per inch of the frames (the figure is 14 x 7.6 inches, 12 x 7.2 single).
        org_chart: an imported org chart, if the scenario uses one.
    """

    scenario: Scenario
    designs: tuple[str, ...]
    seed: int
    color_by: str = "engagement"
    weeks_per_frame: int = 1
    fps: float = 8.0
    dpi: int = 90
    org_chart: object | None = None

    @property
    def weeks(self) -> list[int]:
        """The week each frame shows."""
        return frame_weeks(self.scenario.weeks, self.weeks_per_frame)

    def stage(self) -> Stage:
        """A fresh figure with models at week 0."""
        return Stage(
            self.scenario, self.designs, self.seed, self.color_by, self.org_chart, self.dpi
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
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.stem}.partial{path.suffix}")
        stage = self.stage()
        weeks = tqdm(self.weeks, desc="frames", unit="frame", disable=not progress)
        try:
            if suffix == ".gif":
                write_gif(stage.frames(weeks), tmp, self.fps)
            else:
                write_mp4(stage.frames(weeks), tmp, self.fps, ffmpeg, name=path)
            tmp.replace(path)
        finally:
            tmp.unlink(missing_ok=True)
        return path

    def to_funcanimation(self) -> mpl_animation.FuncAnimation:
        """A matplotlib FuncAnimation over fresh models (for notebooks and custom writers)."""
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

    def to_jshtml(self) -> str:
        """The animation as an HTML/JavaScript player (what a notebook shows)."""
        with mpl.rc_context({"animation.embed_limit": 200.0, "savefig.dpi": 60}):
            return self.to_funcanimation().to_jshtml(fps=self.fps)

    def _repr_html_(self) -> str:
        return self.to_jshtml()


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
) -> OrgAnimation:
    """An animation of a scenario; in a notebook it displays inline as a player.

    Args:
        scenario: a Scenario, a TOML path, or None for the telecom case.
        design: the program design (default: the scenario's first).
        compare: show the baseline beside the program on the same seed.
        seed: the run's seed (default: replicate 0 of `sim run`).
        color_by: "engagement" or "digital".
        weeks_per_frame: simulated weeks per frame.
        fps: frames per second.
        years: years after the launch (default: the scenario's).
    """
    if scenario is None or isinstance(scenario, str | Path):
        from sim.scenario.cases import DEFAULT_CASE
        from sim.scenario.loading import load_scenario

        scenario = load_scenario(scenario or DEFAULT_CASE)
    if years is not None:
        scenario = scenario.with_changes(years=years)
    check_options(color_by, weeks_per_frame, fps)
    return OrgAnimation(
        scenario=scenario,
        designs=resolve_designs(scenario, design, compare),
        seed=default_seed(scenario) if seed is None else seed,
        color_by=color_by,
        weeks_per_frame=weeks_per_frame,
        fps=fps,
        org_chart=load_chart(scenario),
    )


def check_options(color_by: str, weeks_per_frame: int, fps: float) -> None:
    """One problem per bad option value."""
    problems = []
    if color_by not in COLOUR_BY:
        problems.append(Problem(f"--color-by {color_by}", f"allowed: {', '.join(COLOUR_BY)}"))
    if weeks_per_frame < 1:
        problems.append(Problem(f"--weeks-per-frame {weeks_per_frame}", "must be at least 1"))
    if not fps > 0 or fps > 60:
        problems.append(Problem(f"--fps {fps:g}", "must be above 0 and at most 60"))
    if problems:
        raise InputError(problems)
