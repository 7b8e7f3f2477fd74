"""Who to enrol under a budget: each enrolment rule against random, on shared seeds.

A program with a budget of mentees (`max_pairs`) chooses them by `mentee_selection`:
random, top_levels (highest first), most_reports (most juniors below), most_connected (most
informal ties to juniors) and, on an imported chart, listed (a file of employee ids; here the
department heads, as an HR team might list them). Every rule runs beside the no-program
baseline on the same replicate seeds (common random numbers), on two organisations:

  generated  a 300-person division (span 6, 2 informal ties each, 80% inside the
             department: about 50 seniors), a budget of 12 mentees;
  email      the real e-mail network of a European research institution (the `onadata`
             package: 1,005 people, 42 departments; `sim org email` builds its chart), a
             budget of 10% of its seniors. Skipped, saying why, without `onadata`.

each at three weights of the two network pathways (w_net, rho_v): (0, 0), the defaults
(0.2, 0.3) and a high (0.5, 0.6); and, where the weights are not zero, once more with both
network pathways switched off, so that the share of the effect the network carries is
measured on the same seeds.

Every senior is eligible (mentee_levels = all) and the program is the default design
otherwise, ongoing. Outcomes: junior turnover in years 1 and 2 after the launch.

Writes to --out: targeting.csv (per organisation, weights, rule and year: the effect against
no program, the difference from random, the network pathways' share, each with its 95%
interval of the mean over paired replicates), targeting.png, and prints the table and which
conclusions hold at every weight.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from tqdm import tqdm  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run as a plain script from anywhere
    sys.path.insert(0, str(REPO))

from sim import analysis, replicate_seeds  # noqa: E402
from sim.cli.scripts import script_main, script_parser  # noqa: E402
from sim.errors import InputError, Problem  # noqa: E402
from sim.runs.executors import open_backend  # noqa: E402
from sim.runs.replicates import run_one  # noqa: E402
from sim.scenario.design import default_program  # noqa: E402
from sim.scenario.orgchart.load import load_chart  # noqa: E402
from sim.scenario.parameters import OrgSpec, Scenario  # noqa: E402

NAME = "targeting"
RULES = ("random", "top_levels", "most_reports", "most_connected")
WEIGHTS = {
    "none (0, 0)": (0.0, 0.0),
    "defaults (0.2, 0.3)": (0.2, 0.3),
    "high (0.5, 0.6)": (0.5, 0.6),
}
OUTCOMES = {"turnover_junior_y1": "year 1", "turnover_junior_y2": "year 2"}
NETWORK_OFF = {"dynamics.pathways.network_climate": False, "dynamics.pathways.peer_voice": False}


def designs(rules: tuple[str, ...], budget: int, mentees_file: str | None = None) -> tuple:
    """One design per rule: the default program for every senior, ongoing, `budget` mentees."""
    base = default_program().with_changes(mentee_levels=None, duration_weeks=None)
    out = []
    for rule in rules:
        extra = {"mentees_file": mentees_file} if rule == "listed" else {}
        out.append(base.with_changes(name=rule, mentee_selection=rule, max_pairs=budget, **extra))
    return tuple(out)


def generated_org(size: int, years: float, seed: int) -> tuple[Scenario, object, str]:
    """A generated division (300 people: about 50 seniors) and a budget of 12 per 300 people."""
    budget = max(1, round(12 * size / 300))
    scenario = Scenario(
        name="generated",
        org=OrgSpec(size=size),
        years=years,
        seed=seed,
        designs=designs(RULES, budget),
    )
    return scenario, None, f"{size} people (generated ties), budget {budget} mentees"


def email_org(out: Path, years: float, seed: int) -> tuple[Scenario, object, str] | None:
    """The onadata e-mail network as an org (its real ties), or None without onadata."""
    from sim.scenario.orgchart.from_network import onadata_folder, write_network_org

    try:
        onadata_folder()
    except InputError as err:
        print(f"email network skipped: {err}", file=sys.stderr)
        return None
    chart, ties = write_network_org(out / "email_org.csv", out / "email_ties.csv")
    table = pd.read_csv(chart, dtype=str)
    managers = set(table["manager_id"].dropna())
    # Department heads with reports (a one-person department's head is a junior).
    heads = table.loc[table["manager_id"].eq("HEAD") & table["employee_id"].isin(managers)]
    heads = heads["employee_id"]
    listed = out / "email_department_heads.csv"
    pd.DataFrame({"employee_id": heads}).to_csv(listed, index=False, lineterminator="\n")
    budget = round(0.10 * len(managers))
    org = OrgSpec(chart=str(chart.resolve()), ties_file=str(ties.resolve()))
    rules = (*RULES, "listed")
    scenario = Scenario(
        name="email",
        org=org,
        years=years,
        seed=seed,
        designs=designs(rules, budget, str(listed.resolve())),
    )
    note = (
        f"{len(table) - 1} people of the onadata e-mail network, {len(managers)} seniors, "
        f"budget {budget} mentees (10%); listed = the {len(heads)} department heads with reports"
    )
    return scenario, load_chart(scenario), note


def configurations(scenario: Scenario) -> list[tuple[str, bool, Scenario]]:
    """(weights label, network pathways on, scenario) for each weight, on and off."""
    out = []
    for label, (w_net, rho_v) in WEIGHTS.items():
        weighted = scenario.with_overrides(
            {"dynamics.engagement.w_net": w_net, "dynamics.engagement.rho_v": rho_v}
        )
        out.append((label, True, weighted))
        if w_net or rho_v:  # with both weights 0 the pathways carry nothing already
            out.append((label, False, weighted.with_overrides(NETWORK_OFF)))
    return out


def run_all(orgs: dict, seeds: list[int], workers: int | None, quiet: bool) -> pd.DataFrame:
    """Every (organisation, weights, network on/off, design, seed) run: one row each."""
    jobs = []
    for org_name, (scenario, chart, _) in orgs.items():
        for label, network, config in configurations(scenario):
            for design in config.design_names:
                for rep, seed in enumerate(seeds):
                    keys = (org_name, label, network, design, rep)
                    jobs.append((keys, (config, design, rep, seed, chart, False)))
    rows = []
    with open_backend(workers) as backend:
        futures = [(keys, backend.executor.submit(run_one, *args)) for keys, args in jobs]
        for keys, fut in tqdm(futures, desc="targeting runs", disable=quiet, unit="run"):
            summary = fut.result()[1]
            rows.append(
                dict(zip(("org", "weights", "network", "design", "replicate"), keys, strict=True))
                | {k: summary[k] for k in OUTCOMES}
            )
    return pd.DataFrame(rows)


def interval(values: np.ndarray) -> tuple[float, float, float]:
    """Mean and 95% t-interval of the mean, in percentage points."""
    mean, lo, hi = analysis.mean_interval(100 * values)
    return mean, lo, hi


def contrasts(runs: pd.DataFrame) -> pd.DataFrame:
    """Per organisation, weights, rule and year: effect, rule minus random, network share."""
    rows = []
    wide = runs.pivot_table(
        index=["org", "weights", "network", "replicate"], columns="design", values=list(OUTCOMES)
    )
    for (org, weights), group in runs.groupby(["org", "weights"], sort=False):
        on = wide.loc[(org, weights, True)]
        off = wide.loc[(org, weights, False)] if (org, weights, False) in wide.index else None
        rules = [d for d in group["design"].unique() if d != "baseline"]
        for outcome, year in OUTCOMES.items():
            for rule in rules:
                effect = (on[outcome][rule] - on[outcome]["baseline"]).to_numpy()
                vs_random = (on[outcome][rule] - on[outcome]["random"]).to_numpy()
                row = {"org": org, "weights": weights, "rule": rule, "year": year}
                row |= _columns("effect_pp", interval(effect))
                row |= _columns("vs_random_pp", interval(vs_random))
                if off is not None:
                    effect_off = (off[outcome][rule] - off[outcome]["baseline"]).to_numpy()
                    carried = interval(effect - effect_off)
                    row |= _columns("network_carries_pp", carried)
                    row["network_share"] = (
                        carried[0] / row["effect_pp"] if row["effect_pp"] else np.nan
                    )
                else:
                    row |= _columns("network_carries_pp", (0.0, 0.0, 0.0))
                    row["network_share"] = 0.0
                rows.append(row)
    return pd.DataFrame(rows)


def _columns(name: str, values: tuple[float, float, float]) -> dict[str, float]:
    return {name: values[0], f"{name}_low": values[1], f"{name}_high": values[2]}


def _cell(row: pd.Series, name: str) -> str:
    return f"{row[name]:+.2f} [{row[f'{name}_low']:+.2f}, {row[f'{name}_high']:+.2f}]"


def table_text(table: pd.DataFrame) -> str:
    """The contrasts as a Markdown table (percentage points, 95% intervals of the mean)."""
    lines = [
        "| organisation | network weights (w_net, rho_v) | rule | year | effect vs no program "
        "(pp) | rule minus random (pp) | carried by the network pathways (pp, share) |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for _, r in table.iterrows():
        share = "" if np.isnan(r["network_share"]) else f" ({r['network_share']:.0%})"
        lines.append(
            f"| {r['org']} | {r['weights']} | {r['rule']} | {r['year']} | "
            f"{_cell(r, 'effect_pp')} | "
            f"{'—' if r['rule'] == 'random' else _cell(r, 'vs_random_pp')} | "
            f"{_cell(r, 'network_carries_pp')}{share} |"
        )
    return "\n".join(lines)


def conclusions(table: pd.DataFrame) -> list[str]:
    """Which rule-vs-random verdicts hold at every network weight, and which depend on them."""
    out = []
    for (org, rule, year), g in table[table["rule"] != "random"].groupby(
        ["org", "rule", "year"], sort=False
    ):
        verdicts = set()
        for _, r in g.iterrows():
            if r["vs_random_pp_high"] < 0:
                verdicts.add("fewer exits than random")
            elif r["vs_random_pp_low"] > 0:
                verdicts.add("more exits than random")
            else:
                verdicts.add("no difference from random shown")
        holds = "holds at every weight" if len(verdicts) == 1 else "depends on the weights"
        out.append(f"{org}, {rule}, {year}: {' / '.join(sorted(verdicts))} ({holds})")
    return out


def figure(table: pd.DataFrame) -> Figure:
    """Rule minus random, year 2, per organisation and network weights, with 95% intervals."""
    year2 = table[(table["year"] == "year 2") & (table["rule"] != "random")]
    orgs = list(year2["org"].unique())
    fig = Figure(figsize=(6.5 * len(orgs), 4.5), layout="constrained")
    axes = fig.subplots(1, len(orgs), squeeze=False)[0]
    for ax, org in zip(axes, orgs, strict=True):
        sub = year2[year2["org"] == org]
        rules = list(sub["rule"].unique())
        for i, weights in enumerate(WEIGHTS):
            w = sub[sub["weights"] == weights].set_index("rule").loc[rules]
            x = np.arange(len(rules)) + (i - 1) * 0.25
            err = [
                w["vs_random_pp"] - w["vs_random_pp_low"],
                w["vs_random_pp_high"] - w["vs_random_pp"],
            ]
            ax.errorbar(x, w["vs_random_pp"], yerr=err, fmt="o", capsize=3, label=weights)
        ax.axhline(0, color="0.5", lw=0.8)
        ax.set_xticks(np.arange(len(rules)), rules)
        ax.set_title(f"{org}: junior turnover in year 2, rule minus random")
        ax.set_ylabel("percentage points (95% interval of the mean)")
        ax.legend(title="network weights (w_net, rho_v)", fontsize="small")
    return fig


def main(argv: list[str] | None = None) -> int:
    """Parse the options and run the study; exit codes as the other scripts' (0, 1, 2)."""
    parser = script_parser(__doc__, NAME, "per design and configuration (20)", replicates=20)
    parser.set_defaults(size=300)
    args = parser.parse_args(argv)
    return script_main(lambda: run(args))


def run(args) -> int:
    """Run the targeting study and write its table and figure."""
    problems = []
    if args.replicates < 2:
        problems.append(Problem(f"--replicates {args.replicates}", "at least 2: paired intervals"))
    if args.years < 2:
        problems.append(Problem(f"--years {args.years:g}", "at least 2: year 2 is reported"))
    if problems:
        raise InputError(problems)
    args.out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    orgs = {"generated": generated_org(args.size, args.years, args.seed)}
    email = email_org(args.out, args.years, args.seed)
    if email is not None:
        orgs["email"] = email
    seeds = replicate_seeds(args.seed, args.replicates)
    runs = run_all(orgs, seeds, args.workers, args.quiet)
    table = contrasts(runs)
    table.to_csv(args.out / "targeting.csv", index=False, lineterminator="\n")
    fig = figure(table)
    fig.savefig(args.out / "targeting.png", dpi=120)
    for name, (_, _, note) in orgs.items():
        print(f"{name}: {note}")
    print(
        f"{len(runs)} runs, {args.replicates} paired replicates per design (seeds from "
        f"{args.seed}), {time.perf_counter() - started:.0f} s"
    )
    print(table_text(table))
    print("\nRule against random (95% interval of the mean excludes 0 or not):")
    for line in conclusions(table):
        print(f"  {line}")
    print(f"\nWrote {args.out}/targeting.csv and targeting.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
