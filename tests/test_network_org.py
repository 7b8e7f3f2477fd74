"""An org built around a real network: the onadata e-mail network (1,005 people, 42 departments).

The builder (`sim.scenario.orgchart.from_network`) is tested on a small hand-made network;
the real one is read only when the optional `onadata` package is installed.
"""

import importlib.util

import numpy as np
import pandas as pd
import pytest

from sim.model.model import OrgCultureModel
from sim.model.org import INFORMAL
from sim.scenario.loading import load_scenario
from sim.scenario.orgchart import load_chart
from sim.scenario.orgchart.from_network import HEAD_ID, chart_from_network

PEOPLE = pd.DataFrame({"employee_id": list("abcdefgh"), "department": ["x"] * 5 + ["y"] * 3})
TIES = pd.DataFrame({"from_id": list("cccdgg"), "to_id": list("abdeha")})


def test_the_most_connected_manage_each_department_under_one_head():
    chart = chart_from_network(PEOPLE, TIES, span=2)
    boss = dict(zip(chart["employee_id"], chart["manager_id"], strict=True))
    assert boss[HEAD_ID] == ""
    # x: c has 3 ties, then a and d 2 each (a before d), b and e 1: c heads x.
    assert boss["c"] == HEAD_ID and boss["a"] == "c" and boss["d"] == "c"
    assert boss["b"] == "a" and boss["e"] == "a"
    # y: g (2 ties) heads y, f and h report to g.
    assert boss["g"] == HEAD_ID and boss["h"] == "g" and boss["f"] == "g"


def test_a_random_order_depends_on_the_seed_only():
    one = chart_from_network(PEOPLE, TIES, span=2, managers="random", seed=3)
    assert one.equals(chart_from_network(PEOPLE, TIES, span=2, managers="random", seed=3))
    heads = {
        tuple(
            chart_from_network(PEOPLE, TIES, 2, "random", s).query("manager_id == 'HEAD'")[
                "employee_id"
            ]
        )
        for s in range(10)
    }
    assert len(heads) > 1


needs_onadata = pytest.mark.skipif(
    importlib.util.find_spec("onadata") is None,
    reason="the optional onadata package is not installed (pip install onadata, or .[data])",
)


@needs_onadata
def test_a_short_run_on_the_onadata_email_network(tmp_path):
    from sim.scenario.orgchart.from_network import onadata_email, write_network_org

    people, ties = onadata_email()
    assert len(people) == 1005 and people["department"].nunique() == 42
    write_network_org(tmp_path / "org.csv", tmp_path / "ties.csv")
    (tmp_path / "s.toml").write_text(
        'name = "email"\nyears = 0.25\n[org]\nchart = "org.csv"\nties_file = "ties.csv"\n'
        '[designs.hubs]\nmentee_selection = "most_connected"\nmax_pairs = 15\n'
    )
    scenario = load_scenario(tmp_path / "s.toml")
    chart = load_chart(scenario)
    assert len(chart) == 1006  # the e-mail network's people and one head
    assert len(chart.informal) == len(ties) == 16064
    model = OrgCultureModel(scenario, "hubs", 11, org_chart=chart)
    org = model.org
    assert np.count_nonzero(org.level == 1) == 42  # the departments, under the head
    n = org.size
    edges = set((org.edges[:, 0] * n + org.edges[:, 1]).tolist())
    assert set((chart.informal[:, 0] * n + chart.informal[:, 1]).tolist()) <= edges
    informal = org.edges[org.edge_kind == INFORMAL]
    assert len(informal) < len(ties)  # some e-mail ties are also team or reporting ties
    model.run_for(8)
    series = model.series()
    assert len(series) == 9 and (series["headcount_junior"] > 0).all()
    mentees = model.program.intakes[0].mentees
    assert len(mentees) == 15
    assert model.program.pairs_formed >= 15
