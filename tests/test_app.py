"""`sim app` without a browser: its model, its controls, its compare button and its command."""

import numpy as np
import pandas as pd
import pytest

from sim.app import present
from sim.app.charts import SIZE, LiveCharts
from sim.app.compare import compare, pathways
from sim.app.controls import (
    CONTROLS,
    current_values,
    design_label,
    mesa_params,
    on_grid,
    overrides,
)
from sim.app.dashboard import WorkshopModel, load, measure_name, try_controls
from sim.cli.main import main
from sim.model.model import OrgCultureModel
from sim.runs.replicates import run_scenario
from sim.scenario.design import ProgramDesign
from sim.scenario.seeds import replicate_seeds

TINY = """
name = "tiny"
start_date = 2024-01-01
launch_date = 2024-01-15  # week 2
years = 0.5
replicates = 5

[org]
size = 60

[designs.program]
mentee_levels = "all"
topic_focus = 1.0
"""


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("app") / "tiny.toml"
    path.write_text(TINY)
    return str(path)


def test_the_controls_change_the_design_as_set_does(tiny):
    model = WorkshopModel(tiny, cadence_weeks=4, commitment=0.5, formal=False, two_way=True)
    design = model.config.design("program")
    assert (design.cadence_weeks, design.commitment, design.formal, design.two_way) == (
        4,
        0.5,
        False,
        True,
    )
    assert model.problems == []
    same = load(tiny, overrides("program", {"cadence_weeks": 4, "commitment": 0.5}))
    assert same.design("program").cadence_weeks == 4


def test_every_control_round_trips_through_its_set_override(tiny):
    scenario = load(tiny, [])
    values = current_values(scenario, "program")
    assert set(values) == {c.name for c in CONTROLS}
    assert load(tiny, overrides("program", values)).digest() == scenario.digest()


def test_slider_ranges_come_from_the_parameter_declarations(tiny):
    params = mesa_params(current_values(load(tiny, []), "program"))
    assert (params["commitment"].min, params["commitment"].max) == (0, 1)
    assert params["cadence_weeks"].min == 1 and not params["cadence_weeks"].is_float_slider
    assert params["mentor_selection"]["values"] == ["most_digital", "volunteers"]
    assert params["formal"]["type"] == "Checkbox"
    assert params["mentee_levels"]["value"] == "all senior levels"


def test_the_runs_are_the_same_before_launch_and_apart_after(tiny):
    model = WorkshopModel(tiny)
    model.step()  # week 1; the launch is week 2
    assert model.numbers()["baseline"] == model.numbers()["program"]
    for _ in range(9):
        model.step()
    now = model.numbers()
    assert now["baseline"]["pairs"] == 0 and now["program"]["pairs"] > 0
    assert now["program"]["leadership fluency"] > now["baseline"]["leadership fluency"]
    assert model.status().startswith("week 10 of 28")


def test_the_program_panel_is_the_model_run_alone(tiny):
    model = WorkshopModel(tiny, seed=11, cadence_weeks=3)
    for _ in range(12):
        model.step()
    alone = OrgCultureModel(model.config, model.config.design("program"), 11)
    alone.run_for(12)
    pd.testing.assert_frame_equal(model.program.series(), alone.series())
    data = model.datacollector.get_model_vars_dataframe()
    assert len(data) == 13  # week 0 and each step
    fluency = data[measure_name("leadership_fluency", "program")].to_numpy()
    np.testing.assert_array_equal(fluency, alone.series()["leadership_fluency"].to_numpy())


def test_same_seed_same_dashboard(tiny):
    a, b = WorkshopModel(tiny, seed="5"), WorkshopModel(tiny, seed=5)
    for _ in range(6):
        a.step()
        b.step()
    pd.testing.assert_frame_equal(
        a.datacollector.get_model_vars_dataframe(), b.datacollector.get_model_vars_dataframe()
    )


def test_a_refused_control_is_named_and_not_applied(tiny):
    model = WorkshopModel(tiny, coverage=0.0, cadence_weeks=4, seed="abc")
    assert any("coverage" in p and "allowed" in p for p in model.problems), model.problems
    assert any("seed 'abc'" in p for p in model.problems)
    assert model.config.design("program").cadence_weeks == 2  # the scenario's own
    assert model.run_seed == WorkshopModel(tiny).run_seed


def test_the_run_stops_at_the_scenarios_last_week(tiny):
    model = WorkshopModel(tiny)
    while model.running:
        model.step()
    assert model.steps == model.weeks == 28


def test_compare_names_the_sides_as_the_page_does_and_shows_the_money(tiny):
    scenario, refused = try_controls(tiny, [], "program", {"cadence_weeks": 8, "formal": False})
    assert refused == {}
    result = compare(scenario, "program", replicates=3)
    label = "Mentoring every 8 weeks, coffee chats"
    assert result.label == label
    assert list(result.headline.columns) == ["no program", label]
    assert list(result.differences.columns) == [f"{label} minus no program"]
    assert "[" in result.headline.loc["junior engagement, end", label]
    assert "chance net benefit > 0 (share of runs)" in result.money.index
    assert result.verdicts and label in result.verdicts[0]
    assert result.replicates == 3 and result.runs == 6
    # The paired difference is the direct computation on the same seeds.
    direct = run_scenario(scenario, ["baseline", "program"], replicate_seeds(scenario.seed, 3))
    diff = direct.differences().set_index("outcome").loc["leadership_fluency_end", "difference"]
    assert f"{diff:.3f}" in result.differences.loc["leadership fluency, end"].iloc[0]


def test_the_pathway_split_is_a_button_of_its_own(tiny):
    result = pathways(load(tiny, []), "program", replicates=3)
    assert "total" in " ".join(result.table.index).lower()
    assert any("two-way" in n for n in result.notes)  # growth cannot act one-way
    assert result.runs > 6


def test_a_changed_design_is_labelled_by_its_knobs_in_the_title_and_the_key(tiny):
    model = WorkshopModel(tiny, cadence_weeks=8, formal=False)
    label = "Mentoring every 8 weeks, coffee chats"
    assert model.label == label and model.side_titles() == {
        "baseline": "no program",
        "program": label,
    }
    assert model.stage.title.get_text().startswith(label)
    key = [t.get_text() for t in model.stage.fig.legends[-1].texts]
    assert key[0] == "no program" and key[1].rstrip("…") in label and key[1] != "program"
    assert (
        model.config.digest()
        == load(tiny, overrides("program", {"cadence_weeks": 8, "formal": False})).digest()
    )  # the label changes no number
    unchanged = WorkshopModel(tiny)
    assert unchanged.label == "Program"  # the scenario's own, as the name in words


@pytest.mark.parametrize(
    ("changes", "label"),
    [
        ({"cadence_weeks": 1}, "Mentoring every week"),
        ({"two_way": True, "commitment": 0.5}, "Mentoring 50% held, two-way"),
        ({"coverage": 0.25, "duration_weeks": 26}, "Mentoring 25% of leaders, 26 weeks long"),
    ],
)
def test_design_labels_say_what_changed(changes, label):
    base = ProgramDesign()
    assert design_label(base, base.with_changes(**changes)) == label
    assert design_label(base, base) == base.title


def test_refusals_are_filed_under_the_control_they_name(tiny):
    scenario, refused = try_controls(tiny, [], "program", {"commitment": 1.5, "tau": -1.0})
    assert scenario is None
    assert set(refused) == {"commitment", "tau"}
    assert "allowed: a number from 0 to 1" in refused["commitment"][0]
    _, refused = try_controls(tiny, [], "program", {"coverage": 0.0})
    assert "rounds to 0 mentees" in refused["coverage"][0]


def test_a_slider_never_moves_a_value_nobody_moved():
    assert on_grid(1.71, 0.1) == 0.01 and on_grid(0.9, 0.05) == 0.05
    assert on_grid(0.0957, 0.01) == 0.0001 and on_grid(4, 1) == 1
    params = mesa_params({**current_values(load(None, []), "program"), "beta_e": 1.71})
    assert params["beta_e"].step == 0.01


@pytest.mark.parametrize(
    ("search", "wanted"),
    [("present=1", True), ("a=2&present=yes", True), ("present=0", False), (None, False)],
)
def test_presenter_mode_is_asked_for_in_the_address(search, wanted):
    assert present.wanted(search) is wanted


def test_the_live_charts_use_dates_fixed_scales_and_the_label(tiny):
    model = WorkshopModel(tiny, cadence_weeks=3)
    charts = LiveCharts(model)
    for _ in range(12):
        model.step()
    image = charts.image()
    assert image.size == SIZE
    assert [ax.get_ylim() for ax in charts.axes[1:]] == [(0, 1), (0, 1)]
    assert charts.axes[0].get_ylim() == (0, model.stage.turnover_top)
    labels = [t.get_text() for t in charts.axes[0].get_legend().get_texts()]
    assert labels == ["no program", "Mentoring every 3 weeks"]
    x = charts.lines["leadership_fluency", "program"].get_xdata()
    assert len(x) == 13 and str(x[0]) == "2024-01-01"


def test_app_help_names_every_option(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["app", "--help"])
    assert stop.value.code == 0
    out = capsys.readouterr().out
    for word in ("--host", "--port", "--design", "--seed", "--set", "no internet", "Reset"):
        assert word in " ".join(out.split()), word


@pytest.mark.parametrize(
    "args, message",
    [
        (["nosuch.toml"], "no such scenario file or case"),
        (["--design", "nosuch"], "no such design"),
        (["--set", "org.size=-1"], "org.size"),
        (["--port", "0"], "--port 0: must be from 1 to 65535"),
    ],
)
def test_app_refuses_bad_input_before_serving(tiny, capsys, args, message):
    argv = ["app", *args] if args[0] == "nosuch.toml" else ["app", tiny, *args]
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_app_refuses_a_port_in_use(tiny, capsys):
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["app", tiny, "--port", str(port)]) == 2
    assert "choose another --port" in capsys.readouterr().err


@pytest.mark.parametrize("host, warned", [("127.0.0.1", False), ("0.0.0.0", True)])
def test_app_listens_locally_unless_told_and_warns_when_shared(
    tiny, capsys, monkeypatch, host, warned
):
    import sim.app.server

    served = []
    monkeypatch.setattr(sim.app.server, "serve", lambda *args: served.append(args))
    port = str(free_port())
    assert main(["app", tiny, "--host", host, "--port", port, "--seed", "3"]) == 0
    settings, got_host, got_port = served[0]
    assert (got_host, got_port) == (host, int(port))
    assert settings == {"source": tiny, "sets": [], "design": None, "seed": 3}
    out = capsys.readouterr().out
    assert f"http://127.0.0.1:{port}/" in out
    assert ("Warning: listening on 0.0.0.0" in out) == warned
    assert ("On the room's network: http://" in out) == warned


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_frame_sends_only_what_moves_and_the_picture_says_the_same(tiny):
    """The page's frame: the still image once, the week's people, pairs, text and lines."""
    model = WorkshopModel(tiny, seed=3)
    first = model.picture()
    for _ in range(4):
        model.step()
    later = model.picture()
    assert later.background is first.background  # nothing still changed: not sent again
    assert (later.width, later.height) == model.stage.fig.canvas.get_width_height()
    kinds = [shape["type"] for shape in later.shapes]
    assert kinds.count("circles") == 2  # the people of both panels
    texts = [line for shape in later.shapes if shape["type"] == "text" for line in shape["lines"]]
    assert model.stage.date_text.get_text() in texts
    assert any(t.startswith(f"week {model.steps} of") for t in texts)


def _frame(week: int):
    from sim.app.canvas import Layers
    from sim.app.pictures import Frame

    def layers(what):
        return Layers(f"data:{what}", [{"type": "text", "lines": [f"{what} {week}"]}], 10, 5)

    return Frame(week, layers("picture"), layers("charts"), f"<b>{week}</b>", f"week {week} & co")


def test_a_frame_goes_into_every_widget_of_the_tab_without_a_render():
    """`FrameView.show` sets each registered widget; one added later starts from the latest."""
    import solara

    from sim.app.pictures import Charts, FrameView, Numbers, OrgChart, WeekText

    view = FrameView(_frame(0))
    shown = solara.reactive(True)
    renders = []

    @solara.component
    def Tab():
        renders.append(1)
        with solara.Column():
            OrgChart(view)
            Charts(view)
            Numbers(view)
            if shown.value:
                WeekText(view)

    box, rc = solara.render(Tab(), handle_error=False)
    canvases = {w.kind: w for w in view._widgets["picture"] | view._widgets["charts"]}
    picture, charts = canvases["sim-picture"], canvases["sim-charts"]
    assert picture.shapes[0]["lines"] == ["picture 0"] and picture.background == "data:picture"
    assert view.show(_frame(7)) == 1  # the frame's serial number, what a canvas acknowledges
    assert (picture.week, picture.serial, charts.shapes[0]["lines"]) == (7, 1, ["charts 7"])
    assert rc.find(attributes={"class": "sim-now"}).widget.unsafe_innerHTML == "<b>7</b>"
    assert rc.find(attributes={"class": "sim-week"}).widget.unsafe_innerHTML == "week 7 &amp; co"
    assert len(renders) == 1  # the page was not rendered again for the new frame
    shown.set(False)  # a re-render of the page: it must not put an older frame back
    assert picture.week == 7 and picture.shapes[0]["lines"] == ["picture 7"]
    assert rc.find(attributes={"class": "sim-now"}).widget.unsafe_innerHTML == "<b>7</b>"
    view.show(_frame(8))  # the week line is gone: nothing to update, no error
    shown.set(True)  # a week line made now starts from the latest frame, not the first
    assert rc.find(attributes={"class": "sim-week"}).widget.unsafe_innerHTML == "week 8 &amp; co"
    rc.close()


def test_the_play_loop_waits_for_the_page_to_draw_each_frame():
    """`wait_drawn`: done when every canvas says it drew the frame; else after the timeout."""
    import threading
    import time

    import solara

    from sim.app.pictures import Charts, FrameView, OrgChart

    empty = FrameView(_frame(0))
    assert empty.wait_drawn(5, timeout=10.0)  # no canvas on the page: nothing to wait for
    view = FrameView(_frame(0))

    @solara.component
    def Tab():
        with solara.Column():
            OrgChart(view)
            Charts(view)

    box, rc = solara.render(Tab(), handle_error=False)
    canvases = list(view._widgets["picture"] | view._widgets["charts"])
    serial = view.show(_frame(1))
    start = time.monotonic()
    assert not view.wait_drawn(serial, timeout=0.2)  # nobody drew it
    assert time.monotonic() - start >= 0.2
    canvases[0].drawn = serial
    assert not view.wait_drawn(serial, timeout=0.1)  # one canvas of two

    def draw_later():
        time.sleep(0.2)
        canvases[1].drawn = serial  # as the browser's message would

    threading.Thread(target=draw_later).start()
    start = time.monotonic()
    assert view.wait_drawn(serial, timeout=10.0)
    assert time.monotonic() - start < 5.0  # woken by the message, not the timeout
    rc.close()


def test_a_frame_of_a_run_replaced_by_a_reset_is_dropped():
    """The play loop may finish a week of the old run just after Reset showed the new one."""
    from sim.app.pictures import FrameView

    old, new = object(), object()
    view = FrameView(_frame(0), source=old)
    view.show(_frame(5), source=old)
    view.restart(_frame(0), source=new)
    view.show(_frame(6), source=old)  # late: the old run's next week
    assert view.frame.week == 0 and view.source is new
    view.show(_frame(1), source=new)
    assert view.frame.week == 1
