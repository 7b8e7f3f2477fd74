"""An org chart built around a real collaboration network: who is in which department, and ties.

Real organisational networks seldom come with their reporting lines. `chart_from_network`
makes a chart the model can import (`org.chart`) for a list of people with departments and
their ties (`org.ties_file`): one head above everything (a position of its own, "HEAD", in
no department of the data and with no tie), each department a level-1 unit under it, and
inside each department a breadth-first hierarchy of a fixed `span`: the department's first
person heads it, the next `span` report to them, the next `span` to the second, and so on.
Who comes first is `managers`: ``most_connected`` (most ties, then the smaller id: the best
connected people manage, the usual finding that managers are network hubs) or ``random``
(an order drawn from `seed`).

`onadata_email` reads the e-mail network of the `onadata` package (McNulty, Handbook of
Graphs and Networks in People Analytics: 1,005 people in 42 departments of a research
institution, 24,929 directed e-mails between pairs): its directed edges become undirected
ties whose weight counts the directions (1, or 2 when both wrote).
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import numpy as np
import pandas as pd

from sim.errors import InputError, Problem

HEAD_ID = "HEAD"
HEAD_DEPARTMENT = "Office of the Head"
MANAGER_ORDERS = ("most_connected", "random")


def chart_from_network(
    people: pd.DataFrame,
    ties: pd.DataFrame,
    span: int = 6,
    managers: str = "most_connected",
    seed: int = 1,
) -> pd.DataFrame:
    """An HR export (employee_id, manager_id, department) for people with departments and ties.

    Args:
        people: columns ``employee_id`` and ``department``.
        ties: columns ``from_id`` and ``to_id`` (undirected; ids of `people`).
        span: reports per manager inside a department.
        managers: who manages: ``most_connected`` or ``random`` (`MANAGER_ORDERS`).
        seed: the draw of the order for ``random``.

    Returns:
        The chart, rows in file order: the head, then each department's people top-down.
    """
    if managers not in MANAGER_ORDERS:
        raise InputError(
            [Problem("managers", f"found {managers!r}; allowed: {', '.join(MANAGER_ORDERS)}")]
        )
    if span < 1:
        raise InputError([Problem("span", f"found {span}; allowed: a whole number >= 1")])
    ids = people["employee_id"].astype(str).to_numpy()
    index = pd.Index(ids)
    ends = np.concatenate(
        [
            index.get_indexer(ties["from_id"].astype(str)),
            index.get_indexer(ties["to_id"].astype(str)),
        ]
    )
    degree = np.bincount(ends[ends >= 0], minlength=len(ids))
    if managers == "random":
        rank = np.random.default_rng(seed).permutation(len(ids))
    else:
        rank = np.lexsort((ids, -degree))  # most ties first, then by id
    position_in_order = np.empty(len(ids), dtype=np.int64)
    position_in_order[rank] = np.arange(len(ids))
    departments = people["department"].astype(str).to_numpy()
    rows = [(HEAD_ID, "", HEAD_DEPARTMENT)]
    for dept in pd.unique(departments):
        members = np.flatnonzero(departments == dept)
        members = members[np.argsort(position_in_order[members], kind="stable")]
        # Member k (0-based) reports to member (k - 1) // span; the first to the head.
        boss = np.where(np.arange(len(members)) == 0, -1, (np.arange(len(members)) - 1) // span)
        for k, person in enumerate(members.tolist()):
            manager = HEAD_ID if boss[k] < 0 else ids[members[boss[k]]]
            rows.append((ids[person], manager, dept))
    return pd.DataFrame(rows, columns=["employee_id", "manager_id", "department"])


def onadata_folder() -> Path:
    """The `onadata` package's data folder (found without importing the package).

    Raises:
        InputError: the package is not installed (``pip install onadata``).
    """
    spec = importlib.util.find_spec("onadata")
    if spec is None or spec.origin is None:
        raise InputError(
            [
                Problem(
                    "onadata",
                    "the package is not installed; allowed: pip install onadata (or the "
                    "project's data extra: pip install -e .[data])",
                )
            ]
        )
    return Path(spec.origin).parent / "data"


def onadata_email() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The onadata e-mail network: people (employee_id, department) and undirected ties.

    Returns:
        people: 1,005 rows, ``employee_id`` ("P0".."P1004") and ``department`` ("dept 1"..).
        ties: ``from_id``, ``to_id`` (the smaller number first) and ``weight`` (1, or 2
            when e-mail went both ways).
    """
    folder = onadata_folder()
    vertices = pd.read_csv(folder / "email_vertices.csv")
    edges = pd.read_csv(folder / "email_edgelist.csv")
    people = pd.DataFrame(
        {
            "employee_id": "P" + vertices["id"].astype(str),
            "department": "dept " + vertices["dept"].astype(str),
        }
    )
    a = np.minimum(edges["from"].to_numpy(), edges["to"].to_numpy())
    b = np.maximum(edges["from"].to_numpy(), edges["to"].to_numpy())
    keep = a != b
    # Each direction once, then the directions of each pair counted: the tie's weight.
    directed = (
        pd.DataFrame({"f": edges["from"][keep], "t": edges["to"][keep], "a": a[keep], "b": b[keep]})
        .drop_duplicates(["f", "t"])
        .groupby(["a", "b"], sort=True)
        .size()
        .rename("weight")
        .reset_index()
    )
    ties = pd.DataFrame(
        {
            "from_id": "P" + directed["a"].astype(str),
            "to_id": "P" + directed["b"].astype(str),
            "weight": directed["weight"].astype(np.int64),
        }
    )
    return people, ties


def write_network_org(
    chart_path: str | os.PathLike,
    ties_path: str | os.PathLike,
    span: int = 6,
    managers: str = "most_connected",
    seed: int = 1,
) -> tuple[Path, Path]:
    """Write the onadata e-mail network as an org chart and its ties file (CSV, UTF-8).

    Returns:
        The two paths written.
    """
    people, ties = onadata_email()
    chart = chart_from_network(people, ties, span, managers, seed)
    out = []
    for table, path in ((chart, Path(chart_path)), (ties, Path(ties_path))):
        if not path.parent.is_dir():
            raise InputError([Problem(str(path), f"folder {path.parent} does not exist")])
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            table.to_csv(tmp, index=False, lineterminator="\n")
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        out.append(path)
    return out[0], out[1]
