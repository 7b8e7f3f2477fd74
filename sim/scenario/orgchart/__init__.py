"""Org charts exported from an HR system: import (with clear errors) and synthetic exports.

`load_org_chart` reads a CSV export (``employee_id, manager_id, department`` plus optional
columns) into an `OrgChart`: per-position numpy arrays with positions numbered breadth-first
from the head. Employee ids are used only to rebuild the reporting tree and to name lines in
error messages; they are not kept (privacy: ids and names never reach outputs).

`synthesize_org_chart` makes a realistic export of the same shape, for demos and tests.

Modules, in the order an import goes through them:

- `chart`: the `OrgChart` dataclass, and generations of birth years;
- `reading`: bytes to text, CSV records, the header's columns, rows of text;
- `tree`: ids, managers, one head and no reporting cycles;
- `values`: the optional columns (level, birth year, hire date, digital, engagement);
- `problems`: every problem collected, one line each;
- `load`: `load_org_chart`, the steps above in order, and the chart they make;
- `synthetic`: `synthesize_org_chart` and `write_synthetic_org_chart`;
- `roster`: `load_roster`, the same steps keeping the employee ids (and the ``volunteer`` and
  ``name`` columns), for the pairing list of `sim pairs` only.
"""

from sim.scenario.orgchart.chart import GENERATIONS, OrgChart, generation_index
from sim.scenario.orgchart.load import load_chart, load_org_chart
from sim.scenario.orgchart.synthetic import (
    DEPARTMENT_NAMES,
    HEAD_DEPARTMENT,
    synthesize_org_chart,
    write_synthetic_org_chart,
)

__all__ = [
    "DEPARTMENT_NAMES",
    "GENERATIONS",
    "HEAD_DEPARTMENT",
    "OrgChart",
    "generation_index",
    "load_chart",
    "load_org_chart",
    "synthesize_org_chart",
    "write_synthetic_org_chart",
]
