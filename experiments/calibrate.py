"""The joint Bayesian calibration (docs/ODD.md section 11.2): fit, predict, report.

1. ABC-SMC (pyabc) of every shared behavioural parameter with a prior
   (`sim.scenario.priors`) to the telecom summaries at once: Millennial turnover in the year
   before launch (0.18), its drop in the year after (0.07, one paired quantity), and the
   no-program share of engaged Millennials (0.29), each particle the mean of --replicates
   paired runs, compared through the case's sampling error and a secular shift
   (sim.calibration.patterns). Case facts stay fixed. The database of every generation's
   accepted particles is abc.db in --out; an interrupted fit continues with --resume
   (pyabc's ABCSMC.load).
2. Posterior predictions, no refitting: the telecom summaries with their sampling error (a
   predictive check) and the program's year-1 effects, also from the prior (prior predictive
   interval and the checks on juniors who take no part), Pershing's mentor retention with
   volunteer mentors (held out; its case file carries no value fitted to its 96%), Hartford
   and Surabaya (consistency checks).
3. Writes to --out: posterior.csv (+ posterior.json), generations.csv,
   posterior_summary.csv, predictive.csv, predictive_summary.csv, pairs.png,
   predictive.png, calibration.md (for a reviewer), run.json and abc.db.

The result depends on --seed only, not on --workers (sim.calibration.abc_smc.OrderedSampler).

Examples:
  python experiments/calibrate.py --quick                  # about 5 minutes on 2 cores
  python experiments/calibrate.py --out results/cal-full   # the default fit, 35-45 min (estimate)
  python experiments/calibrate.py --out results/cal-full --resume   # after an interruption
  python experiments/calibrate.py --quick --library        # also install the posterior
                                                           # as the case library's
  python experiments/calibrate.py --install results/cal-full   # install a finished fit's
  python experiments/calibrate.py --quick --sensitivity    # and the sensitivity indices
                                                           # and network ablation (11.4)
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import os
import resource
import shlex
import shutil
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run as a plain script from anywhere
    sys.path.insert(0, str(REPO))

from sim.calibration import abc_smc, patterns, predict  # noqa: E402
from sim.calibration.case_medians import install_case_medians  # noqa: E402
from sim.calibration.cases import Case  # noqa: E402
from sim.calibration.effects import CHECK_BOUNDS  # noqa: E402
from sim.calibration.posterior import (  # noqa: E402
    POSTERIOR_NAME,
    SIDECAR_NAME,
    posterior_summary,
    read_posterior,
    read_sidecar,
    write_posterior,
)
from sim.errors import InputError  # noqa: E402
from sim.provenance import dependency_versions, git_commit  # noqa: E402
from sim.runs.executors import open_backend, process_pool  # noqa: E402
from sim.scenario.cases import CASES_DIR  # noqa: E402
from sim.scenario.priors import PRIORS, unfitted_priors  # noqa: E402
from sim.viz.calibration_plots import pair_plot, predictive_figure  # noqa: E402
from sim.viz.plots import save_figure  # noqa: E402

QUICK = {"population": 60, "generations": 3, "draws": 30}
# Batches (of 4 simulations) a worker runs before a fresh one replaces it: a few seconds to
# start one, against about 100 s of simulations (300 people) and under a GB kept.
WORKER_BATCHES = 150
FULL = {"population": 200, "generations": 8, "draws": 200}
DB_NAME = "abc.db"


def log(msg: str) -> None:
    """Progress on stderr, timestamped."""
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def cpu_seconds() -> float:
    """CPU time of this process and its waited-for children (the worker pool, once shut down)."""
    me = time.process_time()
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me + kids.ru_utime + kids.ru_stime


class Progress:
    """Progress lines with an estimate of the time left (a rough one: see `eta`)."""

    def __init__(self, population: int, generations: int, draws: int, runs_per_draw: int):
        self.population = population
        self.generations = generations
        self.draws = draws
        self.runs_per_draw = runs_per_draw
        self.started = time.time()
        self.evaluated_before = 0  # simulations of finished generations
        self.rates: dict[int, float] = {}
        self.last_t = -2
        self.last_print = 0.0
        self.evaluated = 0

    def eta(self, t: int, accepted: int, evaluated: int) -> float:
        """Seconds left: simulations still expected x seconds per simulation so far.

        A generation needs population / acceptance-rate simulations; a future generation's
        rate is guessed as 0.6 x the last one's (a median epsilon roughly halves the
        threshold each time); predictions add draws x runs per draw.
        """
        done = self.evaluated_before + evaluated
        per_sim = (time.time() - self.started) / max(1, done)
        rate = accepted / evaluated if evaluated and accepted else self.rates.get(t - 1, 1.0)
        left = (self.population - accepted) / max(rate, 1e-3)
        for _ in range(t + 1, self.generations):
            rate *= 0.6
            left += self.population / max(rate, 1e-3)
        left += self.draws * self.runs_per_draw
        return left * per_sim

    def __call__(self, t: int, accepted: int, evaluated: int) -> None:
        if t != self.last_t and self.last_t >= -1:
            self.evaluated_before += self.evaluated
        if t != self.last_t:
            self.last_t = t
        self.evaluated = evaluated
        if evaluated:
            self.rates[t] = accepted / evaluated
        now = time.time()
        if now - self.last_print < 5 and accepted < self.population:
            return
        self.last_print = now
        stage = "prior sample (sets the first threshold)" if t < 0 else f"generation {t + 1}"
        log(
            f"{stage} of {self.generations}: {accepted}/{self.population} accepted "
            f"of {evaluated} simulated; {now - self.started:.0f} s elapsed, about "
            f"{self.eta(t, accepted, evaluated) / 60:.1f} min left (estimate)"
        )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description="Joint Bayesian calibration (ABC-SMC with pyabc) of the shared "
        "behavioural parameters to the telecom patterns and the Gallup engaged share; "
        "posterior predictions of every case, Pershing held out (docs/ODD.md section 11.2).",
        epilog="Writes posterior.csv, posterior.json, generations.csv, posterior_summary.csv, "
        "predictive.csv, predictive_summary.csv, pairs.png, predictive.png, calibration.md, "
        "run.json and abc.db (pyabc's database) to --out. The result depends on --seed only, "
        "not on --workers.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--quick",
        action="store_true",
        help=f"a small fit, about 5 minutes on 2 cores: {QUICK['population']} particles, "
        f"{QUICK['generations']} generations, {QUICK['draws']} predictive draws (default: "
        f"{FULL['population']}, {FULL['generations']}, {FULL['draws']}: "
        "an estimated 35-45 minutes on 2 free cores)",
    )
    p.add_argument("--population", type=int, help="particles per generation")
    p.add_argument("--generations", type=int, help="generations in total")
    p.add_argument("--draws", type=int, help="posterior draws for the predictions")
    p.add_argument("--seed", type=int, default=20261128, help="base seed (default 20261128)")
    p.add_argument(
        "--replicates",
        type=int,
        default=abc_smc.REPLICATES,
        help=f"paired replicates per particle and per predictive draw (default "
        f"{abc_smc.REPLICATES}; at least 4 for a fit, docs/ODD.md section 11.2)",
    )
    p.add_argument(
        "--org-size",
        type=int,
        help="override the telecom case's org.size while fitting (tests use a small org; "
        "the case's own 300 by default)",
    )
    p.add_argument(
        "--out", type=Path, default=REPO / "results" / "calibration", help="output folder"
    )
    p.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="worker processes (default: all cores); the result does not depend on it",
    )
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run the fit and the predictions on the Dask cluster at ADDRESS (e.g. "
        "tcp://host:8786) instead of local processes; the result does not change",
    )
    p.add_argument(
        "--dask-local",
        type=int,
        metavar="N",
        help="start a Dask LocalCluster of N worker processes and run on it (a try of the "
        "cluster path on one machine); the result does not change",
    )
    p.add_argument(
        "--resume",
        action="store_true",
        help="continue the fit in --out/abc.db (after an interruption) instead of starting",
    )
    p.add_argument("--force", action="store_true", help="replace an existing --out folder")
    p.add_argument(
        "--library",
        action="store_true",
        help="also copy posterior.csv and posterior.json into the case library "
        "(scenarios/), the posterior `sim compare --uncertainty posterior` uses, and write "
        "its medians into the case files that carry them",
    )
    p.add_argument(
        "--install",
        type=Path,
        metavar="FOLDER",
        help="fit nothing: install a finished fit's FOLDER/posterior.csv (+ posterior.json) "
        "into the case library and write its medians into the case files, as --library does",
    )
    p.add_argument(
        "--sensitivity",
        action="store_true",
        help="after the fit, also run the Morris/Sobol sensitivity and the network ablation "
        "(docs/ODD.md section 11.4; what experiments/sensitivity.py runs) into "
        "--out/sensitivity and --out/ablation, at the quick sizes with --quick (about 10 "
        "more minutes on 2 cores; an hour or more without)",
    )
    p.add_argument(
        "--min-epsilon",
        type=float,
        help=argparse.SUPPRESS,  # tests: a floor below the observation error's, to run on
    )
    p.add_argument(
        "--stop-after-generations",
        type=int,
        help=argparse.SUPPRESS,  # tests: stop after this many generations, as if interrupted
    )
    args = p.parse_args(argv)
    preset = QUICK if args.quick else FULL
    for k, v in preset.items():
        if getattr(args, k) is None:
            setattr(args, k, v)
    if args.population < 2 or args.generations < 1 or args.draws < 2:
        p.error("--population and --draws must be at least 2, --generations at least 1")
    if args.workers < 1:
        p.error("--workers must be at least 1")
    if args.scheduler is not None and args.dask_local is not None:
        p.error("choose one of --scheduler and --dask-local")
    if args.dask_local is not None and args.dask_local < 1:
        p.error("--dask-local must be at least 1")
    if args.replicates < 1:
        p.error("--replicates must be at least 1 (4 or more for a fit worth reporting)")
    if args.install is not None:
        if not (args.install / POSTERIOR_NAME).is_file():
            p.error(
                f"--install: no {POSTERIOR_NAME} in {args.install}; give the --out folder "
                "of a finished fit"
            )
        return args
    out: Path = args.out
    if args.resume:
        if not (out / DB_NAME).is_file():
            p.error(f"--resume: no {DB_NAME} in {out}; start a fit without --resume")
    elif out.exists() and any(out.iterdir()):
        if not args.force:
            p.error(f"{out} exists and is not empty; use --force to replace it (or --resume)")
    return args


def markdown_table(table: pd.DataFrame, floats: str = "{:.3f}") -> str:
    """A DataFrame as a Markdown table."""
    cols = list(table.columns)
    lines = ["| " + " | ".join(cols) + " |", "| " + " | ".join("---" for _ in cols) + " |"]
    for row in table.itertuples(index=False):
        cells = []
        for v in row:
            if isinstance(v, float):
                cells.append(floats.format(v))
            else:
                cells.append(str(v))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def report(
    args: argparse.Namespace,
    meta: dict,
    gens: pd.DataFrame,
    summary: pd.DataFrame,
    pred: pd.DataFrame,
    effects: pd.DataFrame,
) -> str:
    """calibration.md: what was fitted, how, and what came out (short, for a reviewer)."""
    pred = pred[pred["source"] == predict.POSTERIOR]
    post = summary.assign(
        key=[f"`{k}`" for k in summary["key"]],
        prior=[
            f"{a:g}..{b:g}" for a, b in zip(summary["prior_lo"], summary["prior_hi"], strict=True)
        ],
        median=summary["median"].map("{:.3g}".format),
        interval=[
            f"[{a:.3g}, {b:.3g}]" for a, b in zip(summary["q_lo"], summary["q_hi"], strict=True)
        ],
        share=summary["interval_share_of_prior"].map("{:.0%}".format),
    )[["key", "prior", "median", "interval", "share"]]
    post.columns = [
        "parameter",
        "prior (uniform)",
        "median",
        "90% interval",
        "interval / prior width",
    ]
    pr = pred.assign(
        observed=pred["observed"].map(lambda v: f"{v:.3g}" if v == v else "(none)"),
        median=pred["median"].map("{:.3g}".format),
        interval=[f"[{a:.3g}, {b:.3g}]" for a, b in zip(pred["q_lo"], pred["q_hi"], strict=True)],
        inside=pred["inside"].map({True: "yes", False: "**no**"}).fillna("(no observed value)"),
        below=pred["predictive_share_below"].map(lambda v: f"{v:.0%}" if v == v else ""),
    )[["case", "role", "outcome", "observed", "median", "interval", "inside", "below"]]
    pr.columns = ["case", "role", "outcome", "observed", "predictive median",
                  "90% predictive interval", "observed inside",
                  "share of draws below observed"]  # fmt: skip
    gens_md = gens.assign(
        epsilon=gens["epsilon"].map("{:.3g}".format),
        acceptance_rate=gens["acceptance_rate"].map("{:.2f}".format),
    )
    unfitted = ", ".join(f"`{p.key}`" for p in unfitted_priors())
    pershing = pred[pred["case"] == "pershing"]
    verdict = ""
    if len(pershing):
        r = pershing.iloc[0]
        verdict = (
            f"Held out: Pershing's mentor retention (volunteer mentors) is predicted at "
            f"{r['median']:.3f}, 90% predictive interval [{r['q_lo']:.3f}, {r['q_hi']:.3f}]; "
            f"the reported 0.96 is {'inside' if r['inside'] else 'OUTSIDE'} it "
            f"({r['predictive_share_below']:.0%} of draws below 0.96). {unfitted} are not "
            "identified by the calibration patterns and keep their priors in this prediction."
        )
    missed = pred[pred["inside"].eq(False)]
    misses = (
        "Every pattern's observed value lies inside its 90% predictive interval."
        if missed.empty
        else "Outside its 90% predictive interval (a finding about the model, not forced): "
        + "; ".join(
            f"{r.case} {r.outcome} (observed {r.observed:g}, interval [{r.q_lo:.3g}, {r.q_hi:.3g}])"
            for r in missed.itertuples()
        )  # fmt: skip
        + "."
    )
    dirty = (
        " (with uncommitted changes in sim/ or scenarios/)" if meta["modified_sim_files"] else ""
    )
    pattern_table = pd.DataFrame(
        [
            {"pattern": p.name, "observed": p.observed, "observation SD": p.sd,
             "source": p.source}
            for p in patterns.PATTERNS
        ]
    )  # fmt: skip
    lines = [
        "# Joint calibration (ABC-SMC)",
        "",
        f"Command: `{meta['command']}`",
        f"Commit {meta['git_commit'] or '(none)'}{dirty}, {meta['date']}; "
        f"pyabc {meta['versions'].get('pyabc', '?')}.",
        f"Wall {meta['wall_seconds']:.0f} s, CPU {meta['cpu_seconds']:.0f} s ({args.workers} "
        "workers; on a shared machine wall time is a poor guide, CPU time a better one).",
        f"{meta['simulations']} simulations in the fit, {args.draws} posterior draws for the "
        "predictions.",
        "",
        "## What is fitted",
        "Summaries (telecom case, its facts fixed; each particle the mean of "
        f"{args.replicates} paired program runs, whose year before launch equals the "
        "no-program run's):",
        "",
        markdown_table(pattern_table, "{:.3g}"),
        "Distance: Mahalanobis, under the observation error's covariance (the drop shares the "
        "pre-launch year's sampling error). Epsilon: median of the previous generation's "
        f"distances, never below {meta['min_epsilon']:.3g} (the observation error's own "
        "scale); the fit stops at the first generation run at that floor. Priors: uniform, "
        "docs/ODD.md section 8 (priors table). "
        f"{args.population} particles per generation, {len(gens)} generations, seed {args.seed}.",
        "",
        "## Generations",
        "",
        markdown_table(gens_md, "{:g}"),
        "## Posterior (last generation, weighted)",
        "",
        markdown_table(post),
        "## Posterior predictions (no refitting)",
        "",
        markdown_table(pr),
        verdict,
        "",
        misses,
        "",
        "## The program's year-1 effects on telecom: posterior against prior",
        "",
        "Each draw: the mean over the same paired replicates of the program minus no program "
        "(parameter uncertainty and the replicates' noise; not the case's sampling error). "
        "Bounds: the prior predictive checks (docs/ODD.md section 11.2).",
        "",
        markdown_table(effects, "{:.4f}"),
    ]
    return "\n".join(lines) + "\n"


def effect_table(predictive: pd.DataFrame, level: float = 0.90) -> pd.DataFrame:
    """Per effect: prior and posterior median, interval, width ratio, share beyond its bound."""
    lo_q, hi_q = (1 - level) / 2, 1 - (1 - level) / 2
    telecom = predictive[predictive["case"] == "telecom"]
    rows = []
    for outcome in predict.EFFECTS:
        row: dict = {"effect": outcome, "bound": CHECK_BOUNDS.get(outcome, float("nan"))}
        widths = {}
        for source in (predict.PRIOR, predict.POSTERIOR):
            v = telecom.loc[
                (telecom["source"] == source) & (telecom["outcome"] == outcome), "value"
            ].to_numpy(float)
            if not len(v):
                continue
            lo, med, hi = np.quantile(v, [lo_q, 0.5, hi_q])
            widths[source] = hi - lo
            row[f"{source} median"] = med
            row[f"{source} 90% interval"] = f"[{lo:.4f}, {hi:.4f}]"
            if np.isfinite(row["bound"]):
                row[f"{source} share beyond bound"] = float(np.mean(np.abs(v) > row["bound"]))
        if len(widths) == 2 and widths[predict.PRIOR] > 0:
            row["width ratio"] = widths[predict.POSTERIOR] / widths[predict.PRIOR]
        rows.append(row)
    return pd.DataFrame(rows)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.install is not None:
        return install_finished_fit(args.install)
    started, cpu0 = time.time(), cpu_seconds()
    # The code this run uses: read now, since the tree may change while it runs.
    commit, dirty = git_commit(), modified_sim_files()
    out: Path = args.out
    if out.exists() and not args.resume and args.force:
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    db = out / DB_NAME
    fixed = {} if args.org_size is None else {"org.size": args.org_size}
    case = Case.load(CASES_DIR / "telecom.toml", fixed)
    fit = abc_smc.Fit(case, args.population, args.generations, args.seed, args.replicates)
    if args.min_epsilon is not None:
        fit.min_epsilon = args.min_epsilon
    if args.stop_after_generations is not None:
        fit.generations = min(fit.generations, args.stop_after_generations)
    # Telecom: K program runs and K paired effects (2 runs each), from the posterior and the
    # prior; Surabaya runs its baseline too, Pershing its (shorter) counterfactual.
    runs_per_draw = 6 * args.replicates + len(predict.CHECKS) + 2
    progress = Progress(args.population, args.generations, args.draws, runs_per_draw)
    history = run_fit(args, fit, db, progress)
    if args.stop_after_generations is not None or not abc_smc.finished(db, fit):
        log(f"stopped after {abc_smc.generations_done(db)} generations (as asked)")
        return 0
    posterior = abc_smc.posterior_table(history, fit.priors)
    gens = abc_smc.generation_table(history)
    log(f"fit done: {int(gens['samples'].sum())} simulations; predicting {args.draws} draws")
    task_list = predict.tasks(
        posterior, args.draws, args.seed, CASES_DIR, replicates=args.replicates
    ) + predict.tasks(
        predict.prior_sample(args.draws, args.seed),
        args.draws,
        args.seed,
        CASES_DIR,
        checks=(),
        source=predict.PRIOR,
        replicates=args.replicates,
    )

    def pred_progress(done: int, total: int) -> None:
        if done % max(1, total // 10) == 0 or done == total:
            el = time.time() - started
            log(f"predictions: {done}/{total} runs; {el:.0f} s elapsed")

    with executor_for(args, fitting=False) as (executor, _):
        predictive = predict.predict(task_list, executor, pred_progress)
    summary = posterior_summary(posterior)
    pred_summary = predict.predictive_summary(predictive)
    effects = effect_table(predictive)
    meta = {
        "command": shlex.join(["python", "experiments/calibrate.py", *(argv or sys.argv[1:])]),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "git_commit": commit,
        "modified_sim_files": dirty,
        "seed": args.seed,
        "population": args.population,
        "generations": int(len(gens)),
        "final_epsilon": float(gens["epsilon"].iloc[-1]),
        "simulations": int(gens["samples"].sum()),
        "draws": args.draws,
        "workers": args.workers,
        "scheduler": args.scheduler,
        "dask_local": args.dask_local,
        "patterns": {p.name: p.observed for p in patterns.PATTERNS},
        "observation_sd": {p.name: p.sd for p in patterns.PATTERNS},
        "group_size": patterns.MILLENNIALS,
        "secular_sd_relative": patterns.SECULAR_SD_RELATIVE,
        "replicates": args.replicates,
        "min_epsilon": fit.min_epsilon,
        "case": "scenarios/telecom.toml" + (f" with org.size={args.org_size}" if fixed else ""),
        "unfitted_priors": [p.key for p in unfitted_priors()],
        "versions": {**dependency_versions(), "pyabc": abc_smc.pyabc_or_error().__version__},
    }
    meta["wall_seconds"] = round(time.time() - started, 1)
    meta["cpu_seconds"] = round(cpu_seconds() - cpu0, 1)
    # Tables first into a temporary folder, then moved in: no half-written result set.
    tmp = out / f".tmp-{os.getpid()}"
    tmp.mkdir()
    write_posterior(tmp, posterior, meta)
    gens.to_csv(tmp / "generations.csv", index=False)
    summary.to_csv(tmp / "posterior_summary.csv", index=False)
    predictive.to_csv(tmp / "predictive.csv", index=False)
    pred_summary.to_csv(tmp / "predictive_summary.csv", index=False)
    ranges = {p.key: (p.lo, p.hi) for p in PRIORS}
    save_figure(pair_plot(posterior, ranges), tmp / "pairs", ("png",))
    shown = predictive[(predictive["source"] == predict.POSTERIOR) & predictive["observed"].notna()]
    save_figure(predictive_figure(shown), tmp / "predictive", ("png",))
    effects.to_csv(tmp / "effects.csv", index=False)
    (tmp / "calibration.md").write_text(report(args, meta, gens, summary, pred_summary, effects))
    (tmp / "run.json").write_text(json.dumps(meta, indent=2) + "\n")
    for f in tmp.iterdir():
        f.replace(out / f.name)
    tmp.rmdir()
    if args.library:
        install_in_library(out, posterior, fit_label(args.population, args.generations), commit)
    print((out / "calibration.md").read_text())
    print(f"Wrote {out} ({meta['wall_seconds']:.0f} s wall, {meta['cpu_seconds']:.0f} s CPU)")
    if args.sensitivity:
        run_sensitivity(args)
    return 0


@contextlib.contextmanager
def executor_for(args: argparse.Namespace, fitting: bool) -> Iterator[tuple[Any, int]]:
    """The executor (None: this process) and its worker count, for the fit or the predictions.

    A Dask cluster (--scheduler, --dask-local) serves both. Locally, spawned processes: they
    are this process's own children, so their CPU time is counted once they exit (a
    forkserver's workers are its children, not ours).
    """
    if args.scheduler is not None or args.dask_local is not None:
        with open_backend(None, args.scheduler, args.dask_local) as backend:
            log(f"on {backend.description}")
            yield backend.executor, backend.workers
        return
    if args.workers == 1:
        yield None, 1
        return
    spawn = multiprocessing.get_context("spawn")
    if fitting:
        # pyabc's sampling keeps about a megabyte a simulation in the process that runs it
        # (a full fit's two workers reached 11.5 GB each and the machine ran out of memory),
        # so each worker is replaced after WORKER_BATCHES batches. Results depend on the seed
        # only, so they do not change.
        pool = process_pool(args.workers, mp_context=spawn, max_tasks_per_child=WORKER_BATCHES)
    else:
        # The predictions run no pyabc code, so they get a plain pool: with every task queued
        # at once, Python 3.12's pool that replaces its workers hung here once when both
        # workers were replaced (no worker left, the queue still full).
        pool = process_pool(args.workers, mp_context=spawn)
    try:
        yield pool, args.workers
    finally:
        pool.shutdown()


def run_fit(args: argparse.Namespace, fit: abc_smc.Fit, db: Path, progress: Progress) -> Any:
    """Start or resume the ABC-SMC fit on the chosen executor; pyabc's History."""
    with executor_for(args, fitting=True) as (executor, workers):
        done = abc_smc.generations_done(db) if args.resume else 0
        log(
            f"ABC-SMC: {len(fit.priors)} parameters, {args.population} particles, "
            f"{args.generations} generations at most, {fit.replicates} replicates each"
            + (f" (resuming after {done} stored)" if args.resume else "")
            + f", {workers} workers; database {db}"
        )
        if args.resume:
            return abc_smc.resume(fit, db, executor, workers, progress)
        return abc_smc.start(fit, db, executor, workers, progress)


def fit_label(population: int, generations: int) -> str:
    """How the case files name a fit: the command that makes one of this size."""
    size = {"population": population, "generations": generations}
    if size == {k: QUICK[k] for k in size}:
        return "experiments/calibrate.py --quick"
    if size == {k: FULL[k] for k in size}:
        return "experiments/calibrate.py"
    return f"experiments/calibrate.py --population {population} --generations {generations}"


def install_in_library(out: Path, posterior: pd.DataFrame, fit: str, commit: str) -> None:
    """Copy the posterior into the case library and write its medians into the case files."""
    library = REPO / "scenarios"
    for name in (POSTERIOR_NAME, SIDECAR_NAME):
        shutil.copyfile(out / name, library / name)
    log(f"copied {POSTERIOR_NAME} and {SIDECAR_NAME} into {library}")
    for path in install_case_medians(library, posterior, fit, commit[:7]):
        log(f"wrote the posterior medians into {path.relative_to(REPO)}")


def install_finished_fit(folder: Path) -> int:
    """--install: a finished fit's posterior into the library, without fitting again."""
    try:
        posterior = read_posterior(folder / POSTERIOR_NAME)
    except InputError as err:
        print(err, file=sys.stderr)
        return 2
    meta = read_sidecar(folder / POSTERIOR_NAME)
    if not {"git_commit", "population", "generations"} <= meta.keys():
        print(f"{folder / SIDECAR_NAME}: missing or without git_commit, population and "
              "generations; install the folder a fit wrote (it writes both files)",
              file=sys.stderr)  # fmt: skip
        return 2
    fit = fit_label(meta["population"], meta["generations"])
    install_in_library(folder, posterior, fit, meta["git_commit"])
    return 0


def run_sensitivity(args: argparse.Namespace) -> None:
    """The published sensitivity and network ablation (docs/ODD.md section 11.4) into --out."""
    from sim.cli.sensitivity import publish_network_ablation, publish_sensitivity

    # Their own default seeds, so the numbers match docs/ODD.md section 11.4; --org-size
    # shrinks their org too (a small try of the whole pipeline).
    options = {"workers": args.workers, "force": args.force}
    if args.org_size is not None:
        options["size"] = args.org_size
    for name, publish in (
        ("sensitivity", publish_sensitivity),
        ("ablation", publish_network_ablation),
    ):
        started = time.time()
        log(f"{name}: starting ({'quick' if args.quick else 'full'} sizes)")
        publish(args.out / name, args.quick, say=log, **options)
        print((args.out / name / f"{name}.md").read_text())
        log(f"{name}: done in {time.time() - started:.0f} s")


def modified_sim_files() -> list[str]:
    """Files of the package that differ from the commit (results then are not the commit's)."""
    import subprocess

    try:
        res = subprocess.run(
            ["git", "-C", str(REPO), "status", "--porcelain", "--", "sim", "scenarios"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return [line[3:] for line in res.splitlines()]


if __name__ == "__main__":
    try:
        raise SystemExit(main())
    except InputError as err:
        print(err, file=sys.stderr)
        raise SystemExit(2) from None
