"""Small scenarios shared by the tests."""

from sim.scenario.design import ProgramDesign, default_program
from sim.scenario.parameters import OrgSpec, Scenario


def small_scenario(size: int = 120, years: float = 1.0, **changes) -> Scenario:
    """A quick scenario: a small org, the default design."""
    return Scenario(org=OrgSpec(size=size), years=years, replicates=2, **changes)


def design(**changes) -> ProgramDesign:
    """The default design with some knobs changed."""
    return default_program().with_changes(**changes)
