"""The real pairing list (`sim pairs`): a design's first intake on an HR export, by employee id.

`pairing_list` forms the first intake's pairs with the model's own program code
(`sim.model.program`: enrolment of a `coverage` share of the seniors at `mentee_levels`, the
mentor pool by `mentor_selection`, the pairing rule's `match_mentors`, never a direct or
skip-level report; docs/ODD.md section 7.1) and its keyed draws for the seed, on the export's
own values: tenure from ``hire_date`` on the intake's date, ``digital`` and ``engagement`` as
given. So on the same people, values and seed, the pairs are the pairs a run's first intake
forms. It never ranks people on simulated values: where a design needs a value the export lacks,
a ``volunteer`` column (yes/no) stands in for it where it can, and otherwise the export is
refused with the column to add. Nothing here simulates a week.

- `plan`: the design, its mentees, who may mentor, and what the export lacks;
- `match`: the pairs, formed by the model's `Program`;
- `write`: the file, its columns, and writing it.

This package sits above the model because it uses the model's program (the scenario layer,
which reads the export, cannot) and writes a file (the model reads and writes none). The file
holds employee ids, and names only when asked for: the one exception to the rule that ids and
names never reach outputs (docs/ARCHITECTURE.md).
"""

from sim.pairs.match import ExportProgram, PairingList, pairing_list
from sim.pairs.plan import mentee_mask, tenure_weeks
from sim.pairs.write import PRIVACY_NOTE, check_out_file, write_pairing_list

__all__ = [
    "PRIVACY_NOTE",
    "ExportProgram",
    "PairingList",
    "check_out_file",
    "mentee_mask",
    "pairing_list",
    "tenure_weeks",
    "write_pairing_list",
]
