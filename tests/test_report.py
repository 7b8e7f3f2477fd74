"""report.html: self-contained, images that open, the right tables, escaped text."""

import base64
import io
import re

from PIL import Image

from helpers import small_scenario
from sim.cli.main import main
from sim.runs.replicates import run_scenario
from sim.scenario.design import ProgramDesign
from sim.scenario.parameters import OrgSpec, Target
from sim.viz.report import changed_parameters, report_html

DATA_URI = re.compile(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"')


def test_sim_compare_writes_a_self_contained_report_whose_images_open(tmp_path):
    out = tmp_path / "res"
    code = main(
        [
            "compare",
            "--replicates",
            "2",
            "--years",
            "0.5",
            "--quiet",
            "--set",
            "org.size=80",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    page = (out / "report.html").read_text(encoding="utf-8")
    images = DATA_URI.findall(page)
    assert len(images) == 3  # weekly series, designs compared, cumulative net benefit
    for data in images:
        with Image.open(io.BytesIO(base64.b64decode(data))) as image:
            image.verify()
            assert image.format == "PNG" and image.size[0] >= 600
    # Nothing to fetch: no external stylesheet, script, image or font.
    assert not re.search(r'(src|href)="(https?:)?//', page)
    assert "<link" not in page and "<script" not in page
    assert "Headline outcomes" in page and "junior turnover, year before launch" in page
    assert "Difference from baseline" in page and "Case targets" in page
    assert "Costs and benefits" in page and "Break-even" in page
    assert "org.size" in page  # a parameter that differs from the default
    assert not list(tmp_path.glob(".res.*"))  # written inside the temporary folder


def test_report_escapes_every_text_and_lists_case_targets():
    scenario = small_scenario(
        size=60,
        years=0.1,
        name="<script>alert(1)</script>",
        description="R&D <b>division</b>",
        targets=(Target("leadership_fluency_end", 0.5, "program", 0.1, 'a "quoted" note'),),
    )
    results = run_scenario(scenario, seeds=[1, 2])
    page = report_html(scenario, {"summary": results.summary}, {"command": "sim <run>"})
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "R&amp;D &lt;b&gt;division&lt;/b&gt;" in page
    assert "a &quot;quoted&quot; note" in page and "sim &lt;run&gt;" in page
    assert "leadership_fluency_end" in page


def test_changed_parameters_are_exactly_those_off_the_defaults():
    design = ProgramDesign(name="monthly", cadence_weeks=4, two_way=True)
    scenario = small_scenario(size=300, designs=(design,))
    changed = changed_parameters(scenario)
    assert set(changed["parameter"]) == {
        "years",
        "replicates",
        "org.size",
        "designs.monthly.cadence_weeks",
        "designs.monthly.two_way",
    }
    row = changed.set_index("parameter").loc["designs.monthly.cadence_weeks"]
    assert (row["value"], row["default"]) == ("4", "2")
    assert changed_parameters(
        small_scenario().with_changes(
            org=OrgSpec(), years=2.0, replicates=10, designs=(ProgramDesign(),)
        )
    ).empty
