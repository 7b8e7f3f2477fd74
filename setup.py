"""Ships the case library (scenarios/*.toml, and the calibrated posterior) inside the package.

pyproject.toml holds the rest.

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
        """Build the package, then copy the case library into sim/scenario/library/.

        That is every case file and the posterior the cases use (posterior.csv with its
        sidecar posterior.json, from experiments/calibrate.py --library).
        """
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "sim" / "scenario" / "library"
        self.mkpath(str(target))
        files = [*CASES.glob("*.toml"), *CASES.glob("posterior.csv"), *CASES.glob("posterior.json")]
        for case in sorted(files):
            self.copy_file(str(case), str(target / case.name))


setup(cmdclass={"build_py": BuildPyWithCases})
