"""The Mesa space over the org: cells whose connections are made when first read."""

import pickle
import random

import numpy as np
from mesa.discrete_space import Network

from sim.model.org import _CONNECTIONS, OrgNetwork, generate_org
from sim.scenario.parameters import OrgSpec


def test_connections_are_made_when_read_and_equal_mesas_network_after_pickling():
    org = generate_org(OrgSpec(size=300), np.random.default_rng(8))
    theirs = Network(org.to_networkx(), capacity=1, random=random.Random(1), layout=None)
    mine = OrgNetwork(org, capacity=1, random=random.Random(1))
    assert all(_CONNECTIONS.__get__(c) is None for c in mine._cells.values())  # none made yet
    first = mine._cells[5].connections
    assert mine._cells[5].connections is first  # made once, then kept
    assert sorted(c.coordinate for c in mine._cells[5].neighborhood) == list(first)
    back = pickle.loads(pickle.dumps(mine))
    for p, cell in theirs._cells.items():
        other = back._cells[p]
        assert list(other.connections) == list(cell.connections)
        assert all(c is back._cells[q] for q, c in other.connections.items())


def test_connect_and_disconnect_change_a_cells_connections():
    org = generate_org(OrgSpec(size=50), np.random.default_rng(2))
    net = OrgNetwork(org, capacity=1, random=random.Random(1))
    a, b = net._cells[10], net._cells[40]
    before = dict(a.connections)
    assert 40 not in before
    a.connect(b)
    assert list(a.connections) == [*before, 40]
    a.disconnect(b)
    assert a.connections == before


def test_a_one_position_org_has_no_ties_and_a_two_position_org_one():
    # The scenario schema asks for size >= 2, but generate_org is public API: a lone
    # position must give an empty tie list, not an IndexError from the dedup step.
    lone = generate_org(OrgSpec(size=1), np.random.default_rng(0))
    assert lone.parent.tolist() == [-1] and lone.edges.shape == (0, 2)
    pair = generate_org(OrgSpec(size=2), np.random.default_rng(0))
    assert pair.edges.tolist() == [[0, 1]]
