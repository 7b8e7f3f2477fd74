"""`sim app`: the workshop dashboard in the browser (the optional `app` extra)."""

from __future__ import annotations

import argparse

from sim.errors import InputError, Problem

DESCRIPTION = """Serve a dashboard in the browser: the no-program run and a program run of a
scenario side by side on the same seed, stepping live (Reset, Play, Step), drawn as the org
chart of sim animate, with live charts of junior turnover, junior engagement and leadership
fluency (dates, fixed scales). The design is named by its label everywhere. The sidebar holds
the design's knobs (cadence, commitment, topic focus, formal, two-way, coverage, mentee
levels, duration, mentor selection) and a few dynamics parameters, each showing its value;
changed knobs are listed as pending until Apply or Reset, and a refused value is said next to
its knob. Compare runs the design on the sliders and no program over 5 replicates: the
paired difference with 95% intervals and the money of the decision (chance of a positive net
benefit, net benefit). ?present=1 (or the Present button) fits the picture to a projector.
Each browser tab has its own models. Works with no internet: every file the page loads comes
from this server. Built on Solara and Mesa; needs the app extra."""

EPILOG = """examples:
  sim app                                  the telecom case; open http://127.0.0.1:8521
  sim app hartford --design monthly_six_months   a built-in case and one of its designs
  sim app my.toml --set org.size=200 --port 8600
  sim app --host 0.0.0.0                   share on the local network (prints a warning)

stop it with Ctrl+C. exit status: 0 stopped; 2 bad input
"""


def add_app_parser(sub: argparse._SubParsersAction) -> None:
    """Register `sim app` on the `sim` command's subparsers."""
    p = sub.add_parser(
        "app",
        help="serve a live dashboard in the browser (baseline beside program, sliders)",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "scenario", nargs="?", help="scenario TOML file or case name (default: the telecom case)"
    )
    p.add_argument("--design", help="the program design to show (default: the scenario's first)")
    p.add_argument("--seed", type=int, help="the run's seed (default: replicate 0 of sim run)")
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a scenario value, e.g. --set org.size=200",
    )
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1: this computer only; 0.0.0.0 shares it "
        "with the local network, with a warning)",
    )
    p.add_argument("--port", type=int, default=8521, help="port (default 8521)")


def cmd_app(args: argparse.Namespace) -> int:
    """`sim app [SCENARIO]`: check everything, print the address, serve until Ctrl+C."""
    from sim.app.server import check_installed, check_port

    check_installed()
    if not 1 <= args.port <= 65535:
        raise InputError([Problem(f"--port {args.port}", "must be from 1 to 65535")])
    from sim.app.dashboard import WorkshopModel

    source = str(args.scenario) if args.scenario else None
    if source is None:
        from sim.scenario.cases import DEFAULT_CASE

        source = str(DEFAULT_CASE) if DEFAULT_CASE.is_file() else None
    settings = {"source": source, "sets": list(args.set), "design": args.design, "seed": args.seed}
    # Build the model once here: a bad scenario, design or --set fails now, with its message,
    # not in the browser.
    first = WorkshopModel(**settings)
    check_port(args.host, args.port)
    about = first.describe()
    print(
        f"Dashboard of {about['scenario']!r} ({about['people']:,} people), design "
        f"{about['design']!r}, seed {about['seed']}: {first.weeks} weeks"
    )
    shown = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
    print(f"Open http://{shown}:{args.port}/ in a browser; stop with Ctrl+C.")
    if args.host in ("0.0.0.0", "::"):
        from sim.app.room_server import lan_address

        print(f"On the room's network: http://{lan_address()}:{args.port}/")
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(
            f"Warning: listening on {args.host}: anyone on this network can open the "
            "dashboard and run models on this computer. There is no password."
        )
    from sim.app.server import serve

    serve(settings, args.host, args.port)
    return 0
