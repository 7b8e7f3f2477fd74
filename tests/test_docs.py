"""The docs cannot drift from the code: the ODD's parameter table is the schema's."""

import re
from pathlib import Path

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
