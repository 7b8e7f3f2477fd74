"""`sim workshop`: a session where the room proposes designs from their phones (the app extra)."""

from __future__ import annotations

import argparse
import secrets
from pathlib import Path

from sim.errors import InputError, Problem

DESCRIPTION = """Run a participatory workshop: the projector shows a QR code; participants
(or teams) open the page on their phones, name a mentoring design with a few knobs (weeks
between sessions, commitment, coverage, formal or coffee chats, two-way, topic focus,
duration) within the session's budget of mentoring hours a year, and send it. The server
checks every submission (known fields, declared ranges, the scenario's own checks, the
budget, a rate limit, the size) and says why it refuses one. The facilitator closes the
round: every design and no program run on the same seeds (common random numbers), each
replicate on its own draw from the calibrated posterior (--uncertainty posterior), in a
bounded pool of worker processes; the projector shows the leaderboard (turnover and
engagement effects, expected net benefit, the chance of beating doing nothing) and plays the
top three designs side by side. Rounds repeat. The session is saved to its folder after
every change (session.json, designs.csv, results.csv, report.html) and resumed when the
server starts again on that folder. Listens on 127.0.0.1 (this computer only) unless
--share, which listens on the room's network for this session and asks phones for a join
code. Works with no internet. Needs the app extra."""

EPILOG = """examples:
  sim workshop                           the telecom case on this computer (try it alone)
  sim workshop --share                   phones on the room's network join (QR code, join code)
  sim workshop pershing --share --budget-hours 3000 --replicates 10
  sim workshop --folder sessions/monday  resume Monday's session

stop it with Ctrl+C. exit status: 0 stopped; 2 bad input
"""


def add_workshop_parser(sub: argparse._SubParsersAction) -> None:
    """Register `sim workshop` on the `sim` command's subparsers."""
    p = sub.add_parser(
        "workshop",
        help="a workshop where participants propose designs from their phones",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "scenario", nargs="?", help="scenario TOML file or case name (default: the telecom case)"
    )
    p.add_argument(
        "--set", action="append", default=[], metavar="KEY=VALUE", help="override a value"
    )
    p.add_argument(
        "--folder",
        help="where the session is saved and resumed from (default: workshop-<scenario>)",
    )
    p.add_argument("--replicates", type=int, default=5, help="replicates per design (default 5)")
    p.add_argument(
        "--uncertainty",
        choices=("posterior", "replicates"),
        default="posterior",
        help="posterior (default): each replicate on its own draw from the calibrated "
        "posterior; replicates: run noise only, at the scenario's values",
    )
    p.add_argument(
        "--budget-hours",
        type=float,
        help="mentoring hours a year a design may plan (default: what the scenario's own "
        "design plans)",
    )
    p.add_argument(
        "--workers", type=int, default=2, help="worker processes for the runs (default 2)"
    )
    p.add_argument(
        "--share",
        action="store_true",
        help="listen on the room's network (all interfaces) for this session, with a join code",
    )
    p.add_argument("--port", type=int, default=8522, help="port (default 8522)")


def _check(args: argparse.Namespace) -> None:
    problems = []
    if not 1 <= args.port <= 65535:
        problems.append(Problem(f"--port {args.port}", "must be from 1 to 65535"))
    if not 2 <= args.replicates <= 100:
        problems.append(Problem(f"--replicates {args.replicates}", "allowed: 2 to 100"))
    if not 1 <= args.workers <= 16:
        problems.append(Problem(f"--workers {args.workers}", "allowed: 1 to 16"))
    if args.budget_hours is not None and not args.budget_hours > 0:
        problems.append(Problem(f"--budget-hours {args.budget_hours:g}", "must be above 0"))
    if problems:
        raise InputError(problems)


def cmd_workshop(args: argparse.Namespace) -> int:
    """`sim workshop [SCENARIO]`: check, print the addresses and QR code, serve until Ctrl+C."""
    from sim.app.server import check_installed, check_port

    check_installed()
    _check(args)
    from sim.app.room import Room
    from sim.app.room_runs import Runner
    from sim.app.room_server import lan_address, make_app, qr_text
    from sim.safety.names import path_name
    from sim.scenario.cases import DEFAULT_CASE

    source = str(args.scenario) if args.scenario else None
    if source is None and DEFAULT_CASE.is_file():
        source = str(DEFAULT_CASE)
    name = Path(source).stem if source else "default"
    folder = Path(args.folder or f"workshop-{path_name(name)}")
    room = Room(source, args.set, folder, args.replicates, args.uncertainty, args.budget_hours)
    host = "0.0.0.0" if args.share else "127.0.0.1"  # noqa: S104 - only with --share
    check_port(host, args.port)
    code = secrets.token_hex(3).upper() if args.share else None
    address = lan_address() if args.share else "127.0.0.1"
    join = f"http://{address}:{args.port}/join" + (f"?code={code}" if code else "")
    room.save()
    print(
        f"Workshop on {room.base.name!r} ({room.base.org.size:,} people): budget "
        f"{room.budget_hours:,.0f} mentoring hours a year, {room.replicates} replicates "
        f"({room.uncertainty}); session folder {folder}/"
        + (f" (resumed: round {room.rounds[-1].number})" if room.resumed else "")
    )
    print(f"Projector: open http://127.0.0.1:{args.port}/ on this computer.")
    print(f"Participants: {join}")
    if code:
        print(f"Join code: {code}. Listening on every network interface until you stop.")
    else:
        print("Only this computer can join; add --share to let phones on the network join.")
    print(qr_text(join))
    print("Stop with Ctrl+C.")
    import uvicorn

    runner = Runner(room, args.workers)
    try:
        uvicorn.run(
            make_app(room, runner, join, code),
            host=host,
            port=args.port,
            log_level="warning",
            access_log=False,
        )
    finally:
        runner.stop()
        room.save()
    return 0
