"""Ships the case library (scenarios/*.toml) inside the package; pyproject.toml holds the rest.

The case files stay at the repository's top level (`scenarios/`), where users and docs find
them; a wheel carries a copy in `sim/scenario/library/`, which `sim.scenario.cases` reads, so
that `sim run telecom` works from any folder in a non-editable install. An editable install
reads `scenarios/` in place and needs no copy.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

CASES = Path(__file__).resolve().parent / "scenarios"


class BuildPyWithCases(build_py):
    """build_py, plus the case files copied into the built package."""

    def run(self) -> None:
        """Build the package, then copy scenarios/*.toml into sim/scenario/library/."""
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "sim" / "scenario" / "library"
        self.mkpath(str(target))
        for case in sorted(CASES.glob("*.toml")):
            self.copy_file(str(case), str(target / case.name))


setup(cmdclass={"build_py": BuildPyWithCases})
