"""Reproduce March (1991) "Exploration and exploitation in organizational learning".

Runs the vectorised mutual-learning model (sim.classic.march1991.run_batch) over March's
parameter grids and writes one CSV per result, a 2x2 figure and run metadata:

  figure1.csv        equilibrium code knowledge by p1 and p2 (March's Figure 1)
  heterogeneous.csv  n_fast learners at p1 = 0.9, the rest at 0.1 (p2 = 0.5)
  uniform.csv        the uniform p1 of the same mean as each heterogeneous row
  turnover.csv       knowledge at periods 20 and 100 by p1 and turnover p3 (p2 = 0.5)
  turbulence.csv     knowledge over time under turbulence p4 = 0.02, with/without turnover
  march1991.png      the four tables, 95% intervals as bands
  run.json           command, seed, runs, wall time, package versions

Every parameter point gets its own child of one numpy SeedSequence, so results depend on
--seed and --runs only, not on --jobs.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from tqdm import tqdm

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run as a plain script from anywhere
    sys.path.insert(0, str(REPO))

from sim.classic.march1991 import run_batch  # noqa: E402
from sim.runs.executors import exit_with_parent  # noqa: E402

N = 50
P1_GRID = [round(0.1 * i, 1) for i in range(1, 10)]
P2_GRID = [0.1, 0.5, 0.9]
N_FAST = [0, 5, 10, 20, 30, 40, 45, 50]
TURNOVER_P1 = [0.1, 0.5, 0.9]
TURNOVER_P3 = [0.0, 0.02, 0.05, 0.1, 0.2]
TURNOVER_T = [20, 100]
TURBULENCE_P3 = [0.0, 0.1]
TURBULENCE_T = list(range(10, 101, 10))
Z95 = 1.96
DEFAULT_RUNS = 2000
MAX_PERIODS = 3000


@dataclass
class Point:
    """One parameter point: which table it feeds, its key columns, run_batch arguments."""

    table: str
    keys: dict[str, Any]
    kwargs: dict[str, Any]
    periods: list[int] | None = None
    result: np.ndarray | None = field(default=None, repr=False)
    capped: int = 0


def mixed_rates(n_fast: int) -> list[float]:
    """P1 rates for ``n_fast`` fast learners (0.9) and the rest slow (0.1)."""
    return [0.9] * n_fast + [0.1] * (N - n_fast)


def build_points() -> list[Point]:
    """All parameter points of the four experiments, in a fixed order (seeds follow it)."""
    points = [
        Point("figure1", {"p1": p1, "p2": p2}, {"p1": p1, "p2": p2})
        for p2 in P2_GRID
        for p1 in P1_GRID
    ]
    for n_fast in N_FAST:
        rates = mixed_rates(n_fast)
        mean = round(float(np.mean(rates)), 10)
        points.append(Point("heterogeneous", {"n_fast": n_fast}, {"p1": rates, "p2": 0.5}))
        points.append(Point("uniform", {"n_fast": n_fast, "p1": mean}, {"p1": mean, "p2": 0.5}))
    points += [
        Point("turnover", {"p1": p1, "p3": p3}, {"p1": p1, "p2": 0.5, "p3": p3}, TURNOVER_T)
        for p1 in TURNOVER_P1
        for p3 in TURNOVER_P3
    ]
    points += [
        Point("turbulence", {"p3": p3}, {"p1": 0.5, "p2": 0.5, "p3": p3, "p4": 0.02}, TURBULENCE_T)
        for p3 in TURBULENCE_P3
    ]
    return points


def simulate(args: tuple[dict[str, Any], list[int] | None, int, np.random.SeedSequence]):
    """Worker: run one point; returns knowledge and how many runs hit max_periods."""
    kwargs, periods, runs, seed = args
    knowledge, stopped = run_batch(
        runs,
        n=N,
        periods=periods,
        max_periods=MAX_PERIODS,
        seed=seed,
        return_periods=True,
        **kwargs,
    )
    capped = 0 if periods else int(np.sum(stopped >= MAX_PERIODS))
    return knowledge, capped


def summarise(values: np.ndarray) -> dict[str, float]:
    """Mean and normal-approximation 95% interval, mean +- 1.96 sd / sqrt(runs)."""
    mean = float(np.mean(values))
    half = Z95 * float(np.std(values, ddof=1)) / np.sqrt(values.size)
    return {"knowledge": mean, "ci_low": mean - half, "ci_high": mean + half, "runs": values.size}


def tables(points: list[Point]) -> dict[str, pd.DataFrame]:
    """One data frame per table from the simulated points."""
    rows: dict[str, list[dict[str, Any]]] = {}
    for point in points:
        if point.periods is None:
            rows.setdefault(point.table, []).append(point.keys | summarise(point.result))
        else:
            for j, t in enumerate(point.periods):
                row = point.keys | {"t": t} | summarise(point.result[:, j])
                rows.setdefault(point.table, []).append(row)
    return {name: pd.DataFrame(r) for name, r in rows.items()}


def plot(frames: dict[str, pd.DataFrame], path: Path) -> None:
    """Draw the 2x2 panel of the four experiments with 95% bands."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    def line(ax, df, x, label, **style):
        (handle,) = ax.plot(df[x], df["knowledge"], marker="o", ms=3, label=label, **style)
        ax.fill_between(df[x], df["ci_low"], df["ci_high"], color=handle.get_color(), alpha=0.2)

    fig, axes = plt.subplots(2, 2, figsize=(11, 8.5), layout="constrained")
    ax = axes[0, 0]
    f1 = frames["figure1"]
    for p2, df in f1.groupby("p2"):
        line(ax, df, "p1", f"p2 = {p2}")
    ax.set(xlabel="socialisation rate p1", ylabel="equilibrium code knowledge")
    ax.set_title("(a) Figure 1: slow socialisation helps")

    ax = axes[0, 1]
    line(ax, frames["heterogeneous"], "n_fast", "mixed: n_fast at 0.9, rest at 0.1")
    line(ax, frames["uniform"], "n_fast", "uniform p1 of the same mean", ls="--")
    ax.set(xlabel="number of fast learners (of 50)", ylabel="equilibrium code knowledge")
    ax.set_title("(b) Heterogeneous vs uniform learning (p2 = 0.5)")

    ax = axes[1, 0]
    tv = frames["turnover"]
    for (p1, t), df in tv.groupby(["p1", "t"]):
        # One colour per p1, dotted for the early period, solid for the late one.
        style = {"color": f"C{TURNOVER_P1.index(p1)}", "ls": "-" if t == max(TURNOVER_T) else ":"}
        line(ax, df, "p3", f"p1 = {p1}, t = {t}", **style)
    ax.set(xlabel="turnover p3", ylabel="code knowledge")
    ax.set_title("(c) Turnover (p2 = 0.5)")

    ax = axes[1, 1]
    for p3, df in frames["turbulence"].groupby("p3"):
        line(ax, df, "t", f"turnover p3 = {p3}")
    ax.set(xlabel="period t", ylabel="code knowledge")
    ax.set_title("(d) Turbulence p4 = 0.02 (p1 = p2 = 0.5)")
    for ax in axes.flat:
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    fig.suptitle("March (1991) mutual learning: mean and 95% normal-approximation interval")
    fig.savefig(path, dpi=120)
    plt.close(fig)


def write_atomic(path: Path, write) -> None:
    """Write through a temporary name in the same folder, then rename into place."""
    # Keep the extension last so writers that infer the format from it still work.
    tmp = path.with_name(f".{path.stem}.tmp-{os.getpid()}{path.suffix}")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def positive_int(text: str) -> int:
    value = int(text)
    if value < 2:
        raise argparse.ArgumentTypeError("must be an integer >= 2 (intervals need two runs)")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description="Reproduce March (1991) Figure 1, heterogeneous learning, turnover and "
        "turbulence with the vectorised model; writes CSVs, a PNG and run.json.",
    )
    parser.add_argument(
        "--runs",
        type=positive_int,
        default=DEFAULT_RUNS,
        help=f"replications per parameter point (default {DEFAULT_RUNS}; March used 80). "
        "The default takes about a minute or two with 2 jobs on 2 cores.",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="output folder (default: a new results/march1991-<timestamp>); an existing "
        "non-empty folder is refused unless --force",
    )
    parser.add_argument("--seed", type=int, default=1991, help="master seed (default 1991)")
    parser.add_argument(
        "--jobs",
        type=int,
        default=min(2, os.cpu_count() or 1),
        help="worker processes (default min(2, cores)); results do not depend on it",
    )
    parser.add_argument(
        "--force", action="store_true", help="write into an existing non-empty folder"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the experiments; returns a process exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    script = os.path.relpath(__file__) if argv is not None else sys.argv[0]
    command = shlex.join(["python", script, *(sys.argv[1:] if argv is None else argv)])
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    out: Path = args.out or REPO / "results" / f"march1991-{stamp}"
    if out.exists() and any(out.iterdir()) and not args.force:
        parser.error(f"{out} exists and is not empty; pass --force to write into it")
    if args.jobs < 1:
        parser.error("--jobs must be at least 1")

    start = time.perf_counter()
    points = build_points()
    seeds = np.random.SeedSequence(args.seed).spawn(len(points))
    tasks = [(p.kwargs, p.periods, args.runs, s) for p, s in zip(points, seeds, strict=True)]
    bar = tqdm(total=len(points), desc="parameter points", unit="pt")
    if args.jobs == 1:
        results = []
        for task in tasks:
            results.append(simulate(task))
            bar.update()
    else:
        # Workers exit if this script dies, even by kill -9.
        with ProcessPoolExecutor(args.jobs, initializer=exit_with_parent) as pool:
            futures = [pool.submit(simulate, task) for task in tasks]
            for _ in as_completed(futures):
                bar.update()
            results = [f.result() for f in futures]
    bar.close()
    for point, (knowledge, capped) in zip(points, results, strict=True):
        point.result, point.capped = knowledge, capped

    frames = tables(points)
    out.mkdir(parents=True, exist_ok=True)
    for name, df in frames.items():
        write_atomic(out / f"{name}.csv", lambda p, df=df: df.to_csv(p, index=False))
    write_atomic(out / "march1991.png", lambda p: plot(frames, p))
    wall = time.perf_counter() - start
    capped = sum(p.capped for p in points)
    meta = {
        "command": command,
        "seed": args.seed,
        "runs": args.runs,
        "jobs": args.jobs,
        "wall_seconds": round(wall, 2),
        "runs_capped_at_max_periods": capped,
        "ci": "mean +- 1.96 * sd / sqrt(runs), normal approximation",
        "numpy": np.__version__,
        "python": sys.version.split()[0],
    }
    write_atomic(out / "run.json", lambda p: p.write_text(json.dumps(meta, indent=2) + "\n"))

    table = frames["figure1"].pivot(index="p1", columns="p2", values="knowledge")
    table.columns = [f"p2={c}" for c in table.columns]
    print("\nMarch (1991) Figure 1: equilibrium code knowledge (mean over runs)")
    print(table.to_string(float_format=lambda v: f"{v:.3f}"))
    if capped:
        print(f"note: {capped} runs hit max_periods before equilibrium")
    print(f"\nwrote {out}")
    print(f"wall time: {wall:.1f} s")
    print(f"command: {command}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
