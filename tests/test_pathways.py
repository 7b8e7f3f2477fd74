"""Pathway switches: a program reaches juniors only through the pathways left on."""

from dataclasses import fields, replace

import numpy as np
import pytest

from sim import OrgCultureModel, ProgramDesign, default_scenario
from sim.model.observe import PROGRAM_COLUMNS
from sim.scenario.parameters import Pathways

PATHWAYS = tuple(f.name for f in fields(Pathways))
# The program's own columns: they count sessions and their doses (listening_senior,
# voice_junior), which run whatever the switches say.
OWN = {*PROGRAM_COLUMNS, "sessions_per_pair", "program_cost"}


def scenario_with(**switches):
    s = default_scenario()
    s = s.with_changes(org=replace(s.org, size=150), years=1.0)
    dyn = replace(s.dynamics, pathways=Pathways(**switches))
    return s.with_changes(dynamics=dyn)


def series(switches, design, seed=5):
    m = OrgCultureModel(scenario_with(**switches), design, seed=seed)
    m.run_for(40)
    return m.series()


DESIGN = ProgramDesign(two_way=True, cadence_weeks=2, commitment=0.9)


def test_every_pathway_off_equals_the_no_program_run_outside_the_programs_own_columns():
    off = series(dict.fromkeys(PATHWAYS, False), DESIGN)
    base = series({}, None)
    assert off["sessions_held"].iloc[-1] > 0  # the program still held its sessions
    shared = [c for c in base.columns if c not in OWN]
    for c in shared:
        np.testing.assert_array_equal(off[c].to_numpy(), base[c].to_numpy(), err_msg=c)


def test_every_pathway_on_is_the_design_itself():
    on = series(dict.fromkeys(PATHWAYS, True), DESIGN)
    default = series({}, DESIGN)
    for c in on.columns:
        np.testing.assert_array_equal(on[c].to_numpy(), default[c].to_numpy(), err_msg=c)


@pytest.mark.parametrize("name", PATHWAYS)
def test_each_pathway_alone_moves_the_run_away_from_the_no_program_run(name):
    alone = series({p: p == name for p in PATHWAYS}, DESIGN)
    base = series({}, None)
    column = "leadership_fluency" if name == "learning" else "engagement_junior"
    if name in ("voice", "mentee_impulse", "listening"):
        column = "engagement_senior" if name == "mentee_impulse" else "engagement_junior"
    assert not np.array_equal(alone[column].to_numpy(), base[column].to_numpy())
