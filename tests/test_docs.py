"""The docs cannot drift from the code: the ODD's parameter table is the schema's, the README
is a short front door linking to every page, and the generated output blocks are checked."""

import importlib.util
import re
from pathlib import Path

import pytest

from sim.scenario.keywords import keyword_table
from sim.scenario.priors import prior_table
from sim.scenario.template import parameter_table

ODD = Path(__file__).resolve().parent.parent / "docs" / "ODD.md"
MESA = ODD.with_name("mesa.md")


def between_markers(name: str, doc: Path = ODD) -> str:
    text = doc.read_text(encoding="utf-8")
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    assert text.count(start) == 1 and text.count(end) == 1, name
    return text.split(start)[1].split(end)[0].strip("\n") + "\n"


def test_odd_parameter_table_equals_the_schema():
    assert between_markers("parameter-table") == parameter_table(), (
        "docs/ODD.md's parameter table differs from sim.scenario.template.parameter_table(); "
        "paste the new table between the markers"
    )


def test_odd_priors_equal_the_calibration_priors():
    assert between_markers("prior-table") == prior_table(), (
        "docs/ODD.md's priors differ from sim.scenario.priors.prior_table(); "
        "paste the new table between the markers"
    )


def test_mesa_page_keyword_table_equals_the_code():
    assert between_markers("keyword-table", MESA) == keyword_table(), (
        "docs/mesa.md's keyword table differs from sim.scenario.keywords.keyword_table(); "
        "paste the new table between the markers"
    )


def test_odd_has_every_section_of_the_protocol():
    text = ODD.read_text(encoding="utf-8")
    headings = re.findall(r"^#+ (.+)$", text, flags=re.M)
    for section in (
        "Purpose and patterns",
        "Entities, state variables and scales",
        "Process overview and scheduling",
        "Design concepts",
        "Initialization",
        "Input data",
        "Submodels",
        "Not modelled",
        "Calibration and validation",
    ):
        assert any(section in h for h in headings), section


# The README is the front door; the pages behind it are docs/*.md.
ROOT = ODD.parent.parent
README = ROOT / "README.md"
COG_START = "[[[" + "cog"  # built from parts so that cog does not read this file as a block


def load_cog_helpers():
    spec = importlib.util.spec_from_file_location("cog_helpers", ROOT / "docs" / "cog_helpers.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def markdown_links(path: Path) -> list[str]:
    """The relative targets of the Markdown links and images in a file, anchors dropped."""
    targets = re.findall(r"\]\(([^)\s]+)\)", path.read_text(encoding="utf-8"))
    return [t.split("#")[0] for t in targets if not re.match(r"[a-z]+:", t) and t[0] != "#"]


def test_readme_is_a_front_door_of_at_most_150_lines():
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 150, f"README.md has {len(lines)} lines; move detail into docs/"


def test_readme_links_to_every_doc_page():
    linked = {(README.parent / t).resolve() for t in markdown_links(README)}
    pages = sorted((ROOT / "docs").glob("*.md"))
    assert len(pages) >= 6
    missing = [p.name for p in pages if p.resolve() not in linked]
    assert not missing, f"README.md does not link to docs/{', docs/'.join(missing)}"


def test_every_relative_link_in_the_docs_resolves():
    broken = [
        f"{doc.relative_to(ROOT)}: {target}"
        for doc in [README, *sorted((ROOT / "docs").glob("*.md"))]
        for target in markdown_links(doc)
        if not (doc.parent / target).exists()
    ]
    assert not broken, "broken links:\n" + "\n".join(broken)


def test_make_test_checks_every_file_with_generated_blocks():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    listed = set(re.search(r"^DOCS\s*:=(.*)$", makefile, flags=re.M).group(1).split())
    with_blocks = {
        str(doc.relative_to(ROOT))
        for doc in [README, *(ROOT / "docs").glob("*.md")]
        if COG_START in doc.read_text(encoding="utf-8")
    }
    assert with_blocks == listed, (with_blocks, listed)
    assert re.search(r"^test:.*\n(\t.*\n)*\t\$\(COG\) --check .*\$\(DOCS\)", makefile, re.M)


def test_generated_blocks_mask_only_what_varies_between_runs():
    helpers = load_cog_helpers()
    printed = (
        "Wrote /tmp/sim-docs-x/results/telecom-explain-20261206-191953/ (explain.csv) in 13.1 s\n"
        "Ran 320 runs on 2 local worker processes in 1 min 3 s; seed 20261122, 2026-09-01\n"
        f"the built-in case, {helpers.ROOT}/scenarios/telecom.toml\n"
    )
    assert helpers.mask(printed, {"/tmp/sim-docs-x": ".", str(helpers.ROOT): "<repo>"}) == (
        "Wrote ./results/telecom-explain-YYYYMMDD-HHMMSS/ (explain.csv) in N.N s\n"
        "Ran 320 runs on 2 local worker processes in N.N s; seed 20261122, 2026-09-01\n"
        "the built-in case, <repo>/scenarios/telecom.toml\n"
    )


def test_generated_blocks_leave_out_progress_bars_only():
    helpers = load_cog_helpers()
    terminal = (
        "Scenario 'telecom'\n"
        "\rruns:   0%|          | 0/40 [00:00<?, ?run/s]\rruns: 100%|##########| 40/40\n"
        "100%|##########| 12/12 [00:00<00:00, 20.63it/s]\n"
        "\n"
        "junior turnover, year 1   15.6% [14.6%, 16.7%]\n"
    )
    assert helpers.strip_progress(terminal) == (
        "Scenario 'telecom'\n\njunior turnover, year 1   15.6% [14.6%, 16.7%]\n"
    )


def test_a_refusal_shown_in_the_docs_must_still_be_refused():
    helpers = load_cog_helpers()
    with pytest.raises(RuntimeError, match="exited 0, the docs expect 2"):
        helpers.run_sim("cases", returncode=2)
    assert "telecom" in helpers.run_sim("cases")
