"""The `sim animate` command: one run (or a baseline beside a program) as a GIF or MP4."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

from sim.cli.scenario_args import load_for_run
from sim.errors import InputError, Problem
from sim.viz import animation


def cmd_animate(args) -> int:
    """`sim animate [SCENARIO] [--compare] [--design NAME] ...`: write a GIF (or MP4)."""
    hold = animation.DEFAULT_HOLD if args.hold is None else args.hold
    animation.check_options(args.color_by, args.weeks_per_frame, args.fps, args.font_scale, hold)
    size = animation.parse_size(args.size) if args.size is not None else None
    seed, args.seed = args.seed, None  # --seed is the run's own seed here, not a base seed
    args.replicates = None
    scenario = load_for_run(args)
    anim = animation.animate(
        scenario,
        args.design,
        args.compare,
        seed,
        args.color_by,
        args.weeks_per_frame,
        args.fps,
        size=size,
        dpi=args.dpi,
        font_scale=args.font_scale,
        start=args.start,
        hold=hold,
    )
    out = _out_file(args, scenario, anim)
    frames = len(anim.weeks)
    shown = " vs ".join(reversed(anim.designs))
    frame = anim.frame
    print(
        f"Animating {scenario.name!r}: {shown}, seed {anim.seed}, weeks {anim.weeks[0]} to "
        f"{scenario.weeks} (from {animation.week_date(scenario, anim.weeks[0])}), {frames} "
        f"frames at {anim.fps:g} fps, {frame.width}x{frame.height} px, last frame held "
        f"{anim.hold:g} s"
    )
    started = time.perf_counter()
    anim.save(out, progress=not args.quiet)
    elapsed = time.perf_counter() - started
    size = out.stat().st_size / 1e6
    print(f"Wrote {out} ({frames} frames, {size:.1f} MB) in {elapsed:.1f} s")
    return 0


def _out_file(args, scenario, anim) -> Path:
    """--out (a GIF instead of an MP4 without ffmpeg), else a name from the run; checked."""
    out = args.out or default_out_path(scenario.name, anim.designs, anim.seed)
    if out.suffix.lower() == ".mp4" and animation.ffmpeg_path() is None:
        print(
            f"ffmpeg not found: MP4 needs ffmpeg (on PATH, or pip install imageio-ffmpeg); "
            f"writing a GIF instead ({out.with_suffix('.gif').name})"
        )
        out = out.with_suffix(".gif")
    if out.suffix.lower() not in (".gif", ".mp4"):
        raise InputError([Problem(f"--out {out}", "use a .gif or .mp4 file name")])
    if out.exists() and not args.force:
        raise InputError(
            [
                Problem(
                    str(out), "already exists; choose another --out, or pass --force to replace it"
                )
            ]
        )
    return out


def default_out_path(name: str, designs: Sequence[str], seed: int) -> Path:
    """results/animations/<scenario>-<design or compare>-seed<seed>.gif."""
    from sim.safety.names import path_name

    what = f"{designs[-1]}-vs-baseline" if len(designs) > 1 else designs[0]
    # Names as written are shown in the picture; the file's name is made safe for a path.
    return Path("results") / "animations" / f"{path_name(f'{name}-{what}')}-seed{seed}.gif"
