"""Command-line options that several `sim` subcommands share, spelt once."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_workers_option(p: argparse.ArgumentParser) -> None:
    """`--workers N`: local worker processes for the pathway runs."""
    p.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="worker processes for the pathway runs (default: one per core; 1 = serial); "
        "the results are identical whatever the number",
    )


def add_results_folder_options(p: argparse.ArgumentParser) -> None:
    """`--out`, `--force`, `--quiet`: where a results folder goes and whether to replace one."""
    p.add_argument(
        "--out",
        type=Path,
        help="output folder (default: outputs.folder, else a new folder in results/)",
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="replace an existing results folder (one with a manifest.json)",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")


def add_history_option(p: argparse.ArgumentParser) -> None:
    """`--history FILE`: your organisation's fitted values (sim history's history.toml)."""
    p.add_argument(
        "--history",
        type=Path,
        metavar="TOML",
        help="your organisation's own exit hazards, beta_e and e0 (history.toml from sim "
        "history): they replace the published calibration's values, and under --uncertainty "
        "posterior their draws replace its draws of those parameters; the output says which "
        "numbers came from where",
    )
