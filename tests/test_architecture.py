"""The package's shape: every part in a layer, a job named per package, no import cycle."""

import importlib
import pkgutil
import tomllib
from pathlib import Path

import grimp
import networkx as nx

import sim

ROOT = Path(__file__).resolve().parent.parent
CONTRACTS = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
    "importlinter"
]["contracts"]
# Not in the layers: the entry point, and March (1991), which an independence contract keeps
# apart from the model.
OUTSIDE_LAYERS = {"sim.__main__", "sim.classic"}


def top_level_parts() -> set[str]:
    return {f"sim.{m.name}" for m in pkgutil.iter_modules(sim.__path__)}


def test_every_top_level_part_of_sim_sits_in_a_layer():
    (layers,) = [c for c in CONTRACTS if c["type"] == "layers"]
    in_layers = {name.strip() for layer in layers["layers"] for name in layer.split("|")}
    missing = top_level_parts() - in_layers - OUTSIDE_LAYERS
    assert not missing, f"add {sorted(missing)} to the layers contract in pyproject.toml"


def test_every_package_names_its_job_in_its_docstring():
    for info in pkgutil.walk_packages(sim.__path__, "sim."):
        if info.ispkg:
            doc = importlib.import_module(info.name).__doc__ or ""
            assert len(doc.split()) >= 8, f"{info.name}/__init__.py: say the package's one job"


def test_no_import_cycle_at_run_time_function_level_imports_included():
    # Type-only imports (under TYPE_CHECKING) never run, so they cannot make a cycle.
    graph = grimp.build_graph("sim", exclude_type_checking_imports=True, cache_dir=None)
    edges = nx.DiGraph(
        (m, d) for m in graph.modules for d in graph.find_modules_directly_imported_by(m)
    )
    cycles = [sorted(c) for c in nx.strongly_connected_components(edges) if len(c) > 1]
    assert cycles == []


def test_the_acyclic_contract_sets_aside_only_type_only_imports():
    (acyclic,) = [c for c in CONTRACTS if c["type"] == "acyclic_siblings"]
    graph = grimp.build_graph("sim", cache_dir=None)
    for line in acyclic.get("ignore_imports", []):
        importer, imported = (s.strip() for s in line.split("->"))
        details = graph.get_import_details(importer=importer, imported=imported)
        assert details, f"{line}: no such import; drop it from ignore_imports"
        for d in details:
            module = importlib.import_module(importer)
            source = Path(module.__file__).read_text(encoding="utf-8").splitlines()
            above = source[: d["line_number"] - 1]
            guard = max(i for i, text in enumerate(above) if not text.startswith(" "))
            assert above[guard].startswith("if TYPE_CHECKING"), (
                f"{line} (line {d['line_number']}) runs; only type-only imports may be ignored"
            )
