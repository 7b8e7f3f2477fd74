"""The examples in every command's --help name cases, designs and plans that exist.

A help example is what a new user types first; `sim app pershing --design monthly` once named
a design Pershing does not have.
"""

import re

from sim.cli.main import build_parser
from sim.planning.plans import KINDS
from sim.scenario.cases import CASES_DIR
from sim.scenario.loading import load_scenario

EXAMPLE = re.compile(r"sim (\w+) ([\w.-]+) (--designs?|--program) ([\w,]+)")


def help_texts() -> dict[str, str]:
    """Each subcommand's description and epilog."""
    parser = build_parser()
    (commands,) = [a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction"]
    return {
        name: f"{p.description or ''}\n{p.epilog or ''}" for name, p in commands.choices.items()
    }


def test_help_examples_name_existing_designs_of_built_in_cases():
    checked = 0
    for command, text in help_texts().items():
        for _, case, flag, names in EXAMPLE.findall(text):
            if command == "plan" and flag == "--design":
                assert set(names.split(",")) <= set(KINDS), (command, names)
                checked += 1
                continue
            if not (CASES_DIR / f"{case}.toml").is_file():
                continue  # my.toml and the like: the user's own file
            designs = {d.name for d in load_scenario(case).designs}
            assert set(names.split(",")) <= designs, (
                f"sim {command} {case}: {names} not in {designs}"
            )
            checked += 1
    assert checked >= 2  # the pattern still finds the examples
