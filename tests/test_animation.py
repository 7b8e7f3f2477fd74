"""Workshop animations: the layout, what each frame shows, the files written, the command."""

import datetime as dt
import time

import numpy as np
import pytest
from PIL import Image

from helpers import small_scenario
from sim.cli.main import main
from sim.errors import InputError
from sim.model.org import generate_org
from sim.scenario.parameters import OrgSpec
from sim.viz import animation
from sim.viz.animation import (
    OrgAnimation,
    Stage,
    frame_weeks,
    hierarchical_layout,
    resolve_designs,
    week_date,
)

SCENARIO = small_scenario(size=120, years=0.3)  # 16 weeks, the default (all-senior) program
SEED = 7


def active_pairs(model) -> set[tuple[int, int]]:
    """The model's current pairs, read from the pair table (not the ties graph the frame uses)."""
    pairs = model.program.pairs
    rows = pairs.active_rows()
    return {
        (min(a, b), max(a, b))
        for a, b in zip(pairs.mentor[rows].tolist(), pairs.mentee[rows].tolist(), strict=True)
    }


@pytest.fixture(scope="module")
def stage_frames():
    """A comparison stage shown week by week: (week, date text, per-panel state) per frame."""
    stage = Stage(SCENARIO, ("baseline", "program"), SEED, dpi=40)
    frames = []
    for week in frame_weeks(SCENARIO.weeks, 1):
        stage.show(week)
        panels = []
        for p in stage.panels:
            panels.append(
                {
                    "faces": p.nodes.get_facecolor().copy(),
                    "sizes": p.nodes.get_sizes().copy(),
                    "filled": p.model.people.filled.copy(),
                    "segments": [np.asarray(s) for s in p.ties.get_segments()],
                    "tie_pairs": list(p.tie_pairs),
                    "held": active_pairs(p.model) if p.model.program else set(),
                    "last_x": p.fluency_line.get_xdata()[-1],
                }
            )
        frames.append((week, stage.date_text.get_text(), panels))
    return stage, frames


# --- layout ----------------------------------------------------------------------------------
@pytest.mark.parametrize("size", [120, 3000])
def test_layout_puts_levels_in_rows_and_departments_in_separate_groups(size):
    org = generate_org(OrgSpec(size=size), np.random.default_rng(1))
    started = time.perf_counter()
    lay = hierarchical_layout(org.parent, org.level, org.department, aspect=1.5)
    assert time.perf_counter() - started < 1.0
    x, y = lay.xy[:, 0], lay.xy[:, 1]
    for lv in range(int(org.level.max())):
        assert y[org.level == lv + 1].max() < y[org.level == lv].min()
    spans = sorted(
        (
            x[(org.department == d) & (org.parent >= 0)].min(),
            x[(org.department == d) & (org.parent >= 0)].max(),
        )
        for d in np.unique(org.department[org.parent >= 0])
    )
    for (_, right), (left, _) in zip(spans, spans[1:], strict=False):
        assert right < left
    assert len(np.unique(np.round(lay.xy, 6), axis=0)) == size
    assert 0.5 < lay.width / lay.height < 4


def test_frame_weeks_start_at_zero_and_end_on_the_last_week():
    assert frame_weeks(10, 4) == [0, 4, 8, 10]
    assert frame_weeks(8, 4) == [0, 4, 8]


# --- what each frame shows -------------------------------------------------------------------
def test_highlighted_ties_are_exactly_the_pairs_the_model_held_that_week(stage_frames):
    stage, frames = stage_frames
    xy = stage.layout.xy
    seen_pairs = 0
    for _week, _, (baseline, program) in frames:
        assert baseline["segments"] == [] and baseline["tie_pairs"] == []
        assert set(program["tie_pairs"]) == program["held"]
        drawn = {tuple(np.round(s.ravel(), 9)) for s in program["segments"]}
        expected = {tuple(np.round(xy[[a, b]].ravel(), 9)) for a, b in program["held"]}
        assert drawn == expected
        seen_pairs += len(program["held"])
    assert seen_pairs > 0


def test_frame_date_matches_the_week(stage_frames):
    _, frames = stage_frames
    for week, date_text, panels in frames:
        date = SCENARIO.start_date + dt.timedelta(days=7 * week)
        assert date == week_date(SCENARIO, week)
        assert date_text == f"{date:%a %d %b %Y}"
        for panel in panels:
            assert np.datetime64(panel["last_x"], "D") == np.datetime64(date)


def test_node_colours_change_between_frames(stage_frames):
    _, frames = stage_frames
    first, last = frames[0][2][1]["faces"], frames[-1][2][1]["faces"]
    assert first.shape == last.shape == (SCENARIO.org.size, 4)
    assert (np.abs(first - last).sum(axis=1) > 1e-9).sum() > 10


def test_an_exit_empties_the_node_until_the_position_is_refilled(stage_frames):
    _, frames = stage_frames
    emptied = 0
    for _, _, panels in frames:
        for panel in panels:
            vacant = ~panel["filled"]
            assert np.allclose(panel["faces"][vacant], [1, 1, 1, 1])
            assert not np.allclose(panel["faces"][~vacant][:, :3], 1)
            assert (panel["sizes"][vacant] < panel["sizes"].max()).all()
            emptied += int(vacant.sum())
    assert emptied > 0


def test_a_blitted_frame_matches_a_full_redraw():
    stage = Stage(SCENARIO, ("baseline", "program"), SEED, dpi=40)
    stage.show(0)
    stage.show(6)
    fast = np.asarray(stage.render(), dtype=int)
    stage.fig.canvas.draw()
    full = np.asarray(stage.fig.canvas.buffer_rgba())[..., :3].astype(int)
    differ = np.abs(fast - full).max(axis=2) > 40
    assert differ.mean() < 0.005


def test_weeks_cannot_go_backwards():
    stage = Stage(SCENARIO, ("program",), SEED, dpi=40)
    stage.show(3)
    with pytest.raises(ValueError, match="past"):
        stage.show(2)


# --- files ---------------------------------------------------------------------------------
def test_saved_gif_has_a_frame_per_shown_week_and_the_figure_size(tmp_path):
    anim = OrgAnimation(SCENARIO, ("baseline", "program"), SEED, weeks_per_frame=5, dpi=40)
    path = anim.save(tmp_path / "org.gif", progress=False)
    with Image.open(path) as gif:
        assert gif.n_frames == len(frame_weeks(SCENARIO.weeks, 5)) == 5
        assert gif.size == (14 * 40, round(14 * 40 * 9 / 16))  # the design width, 16:9
        gif.seek(0)
        first = np.asarray(gif.convert("RGB"), dtype=int)
        gif.seek(gif.n_frames - 1)
        last = np.asarray(gif.convert("RGB"), dtype=int)
    assert (np.abs(first - last).max(axis=2) > 0).sum() > 100
    assert not list(tmp_path.glob(".*partial*"))


def test_a_real_mp4_holds_every_frame(tmp_path):
    # imageio-ffmpeg (the video extra, part of dev) brings an ffmpeg binary.
    imageio_ffmpeg = pytest.importorskip("imageio_ffmpeg")
    anim = OrgAnimation(SCENARIO, ("program",), SEED, weeks_per_frame=4, fps=5, dpi=30, hold=0)
    path = anim.save(tmp_path / "talk.mp4", progress=False)
    assert path.read_bytes()[4:8] == b"ftyp"  # an MP4 container
    frames, seconds = imageio_ffmpeg.count_frames_and_secs(str(path))
    assert frames == len(anim.weeks) == 5 and seconds == pytest.approx(1.0)
    assert [p.name for p in tmp_path.iterdir()] == ["talk.mp4"]


def test_a_failing_ffmpeg_is_named_and_leaves_no_file(tmp_path, monkeypatch):
    monkeypatch.setattr(animation, "ffmpeg_path", lambda: "false")  # exits 1 at once
    anim = OrgAnimation(SCENARIO, ("program",), SEED, weeks_per_frame=8, dpi=30)
    with pytest.raises(InputError, match=r"ffmpeg \(false\) failed") as err:
        anim.save(tmp_path / "talk.mp4", progress=False)
    assert err.value.problems[0].where == str(tmp_path / "talk.mp4")  # the user's name
    assert list(tmp_path.iterdir()) == []


def test_an_ffmpeg_that_cannot_start_is_named_not_a_traceback(tmp_path, monkeypatch):
    monkeypatch.setattr(animation, "ffmpeg_path", lambda: str(tmp_path / "no-such-ffmpeg"))
    anim = OrgAnimation(SCENARIO, ("program",), SEED, weeks_per_frame=8, dpi=30)
    with pytest.raises(InputError, match="could not start ffmpeg"):
        anim.save(tmp_path / "talk.mp4", progress=False)
    assert list(tmp_path.iterdir()) == []


def test_ffmpeg_is_found_by_setting_then_path_then_imageio(tmp_path, monkeypatch):
    import matplotlib as mpl

    fake, chosen = tmp_path / "bin" / "ffmpeg", tmp_path / "chosen" / "my-ffmpeg"
    for exe in (fake, chosen):
        exe.parent.mkdir()
        exe.write_text("#!/bin/sh\n")
        exe.chmod(0o755)
    monkeypatch.setenv("PATH", str(fake.parent))
    monkeypatch.setitem(mpl.rcParams, "animation.ffmpeg_path", str(chosen))
    assert animation.ffmpeg_path() == str(chosen)  # matplotlib's setting wins over PATH
    monkeypatch.setitem(mpl.rcParams, "animation.ffmpeg_path", str(tmp_path / "missing"))
    assert animation.ffmpeg_path() == str(fake)  # a missing setting falls back to PATH
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setenv("IMAGEIO_FFMPEG_EXE", str(tmp_path / "also-missing"))
    assert animation.ffmpeg_path() is None  # an unusable IMAGEIO_FFMPEG_EXE is not trusted


def test_design_choice_errors_name_the_designs():
    with pytest.raises(InputError, match="no such design; designs: program"):
        resolve_designs(SCENARIO, "nope", False)
    with pytest.raises(InputError, match="beside the baseline"):
        resolve_designs(SCENARIO, "baseline", True)
    assert resolve_designs(SCENARIO, None, True) == ("baseline", "program")


# --- the command -----------------------------------------------------------------------------
TINY = """name = "tiny"
years = 0.1
[org]
size = 60
[designs.program]
mentee_levels = "all"
"""


def test_sim_animate_writes_a_gif_and_refuses_to_overwrite(tmp_path, capsys):
    toml = tmp_path / "tiny.toml"
    toml.write_text(TINY)
    out = tmp_path / "tiny.gif"
    args = [
        "animate",
        str(toml),
        "--compare",
        "--quiet",
        "--weeks-per-frame",
        "2",
        "--out",
        str(out),
    ]
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert "program vs baseline" in printed and "4 frames" in printed
    with Image.open(out) as gif:
        assert gif.n_frames == 4
    assert main(args) == 2
    assert "already exists" in capsys.readouterr().err
    assert main([*args, "--force", "--color-by", "digital"]) == 0


def test_sim_animate_falls_back_to_gif_without_ffmpeg(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(animation, "ffmpeg_path", lambda: None)  # neither PATH nor imageio
    toml = tmp_path / "tiny.toml"
    toml.write_text(TINY)
    code = main(
        [
            "animate",
            str(toml),
            "--quiet",
            "--weeks-per-frame",
            "5",
            "--out",
            str(tmp_path / "talk.mp4"),
        ]
    )
    assert code == 0
    assert "ffmpeg not found" in capsys.readouterr().out
    assert (tmp_path / "talk.gif").is_file() and not (tmp_path / "talk.mp4").exists()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--design", "nope"], "--design nope: no such design; designs: program"),
        (["--color-by", "pink"], "--color-by pink: allowed: engagement, digital"),
        (["--weeks-per-frame", "0"], "--weeks-per-frame 0: must be at least 1"),
        (["--out", "x.txt"], "use a .gif or .mp4 file name"),
    ],
)
def test_sim_animate_reports_bad_options_in_one_line(tmp_path, capsys, extra, message):
    toml = tmp_path / "tiny.toml"
    toml.write_text(TINY)
    assert main(["animate", str(toml), "--quiet", *extra]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


# --- projector frames: size, type, the first week, the hold ---------------------------------
# A scenario with a warm-up: 4 weeks before the launch, then 0.1 years (weeks 0 to 9).
WARMUP = """name = "warmup"
start_date = 2021-01-05
launch_date = 2021-02-02
years = 0.1
[org]
size = 60
[designs.reverse_mentoring]
mentee_levels = "all"
"""


def drawn_texts(stage: Stage) -> list[tuple[object, str]]:
    """(pixel box, text) of every text the figure draws: tick labels out of view left out."""
    from matplotlib.text import Text

    fig = stage.fig
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    hidden = set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            lo, hi = sorted(axis.get_view_interval())
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                if not lo - 1e-9 <= tick.get_loc() <= hi + 1e-9:
                    hidden.update({id(tick.label1), id(tick.label2)})
    return [
        (t.get_window_extent(renderer), t.get_text())
        for t in fig.findobj(Text)
        if t.get_visible() and t.get_text().strip() and id(t) not in hidden
    ]


def layout_problems(stage: Stage) -> list[str]:
    """Texts that leave the frame or overlap another text by more than a pixel each way."""
    boxes = drawn_texts(stage)
    width, height = stage.fig.canvas.get_width_height()
    problems = [
        f"outside the frame: {text!r}"
        for box, text in boxes
        if box.x0 < 0 or box.y0 < 0 or box.x1 > width or box.y1 > height
    ]
    for i, (a, text_a) in enumerate(boxes):
        for b, text_b in boxes[i + 1 :]:
            across = min(a.x1, b.x1) - max(a.x0, b.x0)
            down = min(a.y1, b.y1) - max(a.y0, b.y0)
            if across > 1 and down > 1:
                problems.append(f"overlap: {text_a!r} and {text_b!r}")
    return problems


@pytest.fixture(scope="module")
def warmup(tmp_path_factory):
    """The WARMUP scenario as a file."""
    path = tmp_path_factory.mktemp("warmup") / "warmup.toml"
    path.write_text(WARMUP)
    return path


@pytest.fixture(scope="module")
def projector_stage():
    """The done-when frame: telecom, --compare --size 1920x1080 --from launch."""
    anim = animation.animate(compare=True, size="1920x1080", start="launch", hold=3)
    stage = anim.stage()
    stage.show(anim.weeks[0])
    return anim, stage


def test_projector_frame_is_1920x1080_and_its_smallest_text_is_20_pixels_high(projector_stage):
    anim, stage = projector_stage
    image = stage.render()
    assert image.size == (1920, 1080) == stage.fig.canvas.get_width_height()
    boxes = drawn_texts(stage)
    assert len(boxes) > 40  # titles, ticks, department names, legend, footer...
    smallest = min(box.height for box, _ in boxes)
    assert smallest >= 20, sorted((round(b.height, 1), t) for b, t in boxes)[:5]
    # the seed is in the footer, in the smallest type
    footer = [(b, t) for b, t in boxes if str(anim.seed) in t]
    assert len(footer) == 1 and footer[0][0].height == pytest.approx(smallest, rel=0.01)
    assert all(str(anim.seed) not in t for _, t in boxes if t != footer[0][1])


def test_projector_frame_text_stays_inside_and_apart(projector_stage):
    _, stage = projector_stage
    assert layout_problems(stage) == []


@pytest.mark.parametrize(
    "options",
    [
        {"compare": True},  # the default 1280x720
        {"size": "1024x768"},  # 4:3, one panel
        {"compare": True, "size": "2560x1080", "font_scale": 1.4},  # ultra-wide
        {"compare": True, "size": "1920x1080", "font_scale": 1.5},
        {"compare": True, "size": "1280x1024", "dpi": 80},
    ],
)
def test_text_fits_at_other_sizes_and_scales(warmup, options):
    anim = animation.animate(warmup, **options)
    stage = anim.stage()
    stage.show(anim.weeks[-1])
    assert layout_problems(stage) == []


def test_type_grows_with_font_scale_and_size_scales_the_whole_picture(warmup):
    small = animation.animate(warmup, size="960x540").stage()
    big = animation.animate(warmup, size="1920x1080").stage()
    larger = animation.animate(warmup, size="1920x1080", font_scale=1.3).stage()
    height = {s: min(b.height for b, _ in drawn_texts(s)) for s in (small, big, larger)}
    assert height[big] == pytest.approx(2 * height[small])
    assert height[larger] == pytest.approx(1.3 * height[big])


def test_first_frame_is_the_launch_week_and_charts_keep_the_warm_up(warmup, tmp_path):
    scenario = animation.animate(warmup).scenario
    assert scenario.launch_week == 4
    assert frame_weeks(scenario.weeks, 3, first=4) == [4, 7, 9]
    assert animation.first_week(scenario, "launch") == 4
    assert animation.first_week(scenario, "2") == 2 and animation.first_week(scenario, None) == 0
    anim = animation.animate(warmup, start="launch", weeks_per_frame=3)
    stage = anim.stage()
    stage.show(anim.weeks[0])
    assert "launch week" in stage.week_text.get_text()
    assert stage.date_text.get_text() == f"{week_date(scenario, 4):%a %d %b %Y}"
    # the warm-up's weeks are still in the charts, behind the first frame
    assert len(stage.panels[0].fluency_line.get_xdata()) == 5


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("week-9", '--from week-9: allowed: "launch", or a week number from 0 to 8'),
        ("9", "--from 9: the run has weeks 0 to 9"),
        ("-1", "--from -1: allowed"),
    ],
)
def test_bad_from_is_named_with_what_is_allowed(warmup, value, message):
    scenario = animation.animate(warmup).scenario
    with pytest.raises(InputError) as err:
        animation.first_week(scenario, value)
    assert message in str(err.value)


def test_gif_starts_at_the_launch_is_1920x1080_and_holds_the_last_frame(warmup, tmp_path, capsys):
    out = tmp_path / "talk.gif"
    args = ["animate", str(warmup), "--compare", "--quiet", "--size", "1920x1080"]
    args += ["--from", "launch", "--hold", "3", "--weeks-per-frame", "3", "--out", str(out)]
    assert main(args) == 0
    assert "weeks 4 to 9" in capsys.readouterr().out
    durations = []
    with Image.open(out) as gif:
        assert gif.size == (1920, 1080) and gif.n_frames == 3  # weeks 4, 7, 9
        for i in range(gif.n_frames):
            gif.seek(i)
            durations.append(gif.info["duration"])
            if i == 0:
                first = np.asarray(gif.convert("RGB"), dtype=int)
    assert durations[-1] == 3000 and durations[:-1] == [120, 120]  # GIFs count 1/100 s
    # the first frame is the launch week's picture, not week 0's
    anim = animation.animate(warmup, compare=True, size="1920x1080")
    stage = anim.stage()
    stage.show(0)
    week0 = np.asarray(stage.render(), dtype=int)
    stage.show(4)
    launch = np.asarray(stage.render(), dtype=int)
    off = lambda a: (np.abs(first - a).max(axis=2) > 40).mean()  # noqa: E731
    assert off(launch) < 0.002 < off(week0)


def test_mp4_is_1920x1080_and_repeats_the_last_frame_for_the_hold(warmup, tmp_path):
    imageio_ffmpeg = pytest.importorskip("imageio_ffmpeg")
    anim = animation.animate(
        warmup, compare=True, size="1920x1080", start="launch", hold=3, fps=4,
        weeks_per_frame=3,
    )  # fmt: skip
    path = anim.save(tmp_path / "talk.mp4", progress=False)
    reader = imageio_ffmpeg.read_frames(str(path))
    meta = next(reader)
    assert meta["size"] == (1920, 1080)
    frames = [np.frombuffer(f, dtype=np.uint8).reshape(1080, 1920, 3) for f in reader]
    assert len(frames) == 2 + 3 * 4  # weeks 4 and 7, then week 9 for 3 s at 4 fps
    changed = [(np.abs(f.astype(int) - frames[-1]).max(axis=2) > 40).mean() for f in frames]
    assert max(changed[2:]) < 0.0005 < changed[1]  # (H.264 is lossy: near, not equal)


def test_an_mp4_needs_an_even_size(warmup, tmp_path):
    pytest.importorskip("imageio_ffmpeg")
    anim = animation.animate(warmup, size="1001x601")
    with pytest.raises(InputError, match="needs an even width and height"):
        anim.save(tmp_path / "odd.mp4", progress=False)
    assert list(tmp_path.iterdir()) == []


def test_text_that_cannot_fit_is_an_error_not_a_crowded_frame(warmup, tmp_path):
    anim = animation.animate(warmup, compare=True, size="640x360", dpi=200)
    with pytest.raises(InputError, match="too little room|do not fit") as err:
        anim.save(tmp_path / "x.gif", progress=False)
    assert "--size 640x360 at 200 dpi" in str(err.value) and "lower --dpi" in str(err.value)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--size", "19x10"], "--size 19x10: allowed: 320x180 up to 7680x4320 pixels"),
        (["--size", "big"], "--size big: expected WIDTHxHEIGHT in pixels, e.g. --size 1920x1080"),
        (["--size", "3000x1000"], "--size 3000x1000: width / height is 3.00; allowed: 1.2 to 2.4"),
        (["--from", "week-9"], '--from week-9: allowed: "launch", or a week number'),
        (["--dpi", "0"], "--dpi 0: allowed: 20 to 600 dots per inch"),
        (["--font-scale", "9"], "--font-scale 9: allowed: 0.5 to 3"),
        (["--hold", "-1"], "--hold -1: allowed: 0 to 60 seconds"),
    ],
)
def test_projector_options_report_bad_values_in_one_line(warmup, capsys, extra, message):
    assert main(["animate", str(warmup), "--quiet", *extra]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_animate_help_documents_the_projector_options(capsys):
    with pytest.raises(SystemExit):
        main(["animate", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    for option in ("--size WxH", "--dpi", "--font-scale", "--from launch|WEEK", "--hold SECONDS"):
        assert option in text
    assert f"(default {animation.DEFAULT_HOLD:g})" in text


# --- plain-language titles and department names -------------------------------------------
def test_titles_use_the_label_or_the_name_in_words_never_the_raw_name():
    from sim.scenario.loading import loads_scenario

    raw = WARMUP + 'label = "Coffee with a junior, every two weeks"\n'
    stage = Stage(loads_scenario(raw), ("baseline", "reverse_mentoring"), SEED, dpi=40)
    texts = [t for _, t in drawn_texts(stage)]
    assert "Coffee with a junior, every two weeks vs no program" in texts
    assert "No program" in texts
    unlabelled = Stage(loads_scenario(WARMUP), ("reverse_mentoring",), SEED, dpi=40)
    texts = [t for _, t in drawn_texts(unlabelled)]
    assert "Reverse mentoring" in texts
    assert not any("reverse_mentoring" in t for t in texts)


def test_a_long_title_is_shortened_not_shrunk():
    from sim.scenario.loading import loads_scenario

    raw = WARMUP + 'label = "' + "A very long program name " * 3 + '"\n'
    stage = Stage(loads_scenario(raw), ("baseline", "reverse_mentoring"), SEED, dpi=40)
    assert stage.title.get_text().endswith("…")
    assert stage.title.get_fontsize() == stage.fonts.title
    assert layout_problems(stage) == []


def test_department_names_come_from_the_hr_export(tmp_path):
    from sim.scenario.loading import load_scenario
    from sim.scenario.orgchart import load_chart, write_synthetic_org_chart

    write_synthetic_org_chart(400, tmp_path / "org.csv", seed=3)
    (tmp_path / "hr.toml").write_text(
        'years = 0.1\n[org]\nchart = "org.csv"\n[designs.p]\nmentee_levels = "all"\n'
    )
    scenario = load_scenario(tmp_path / "hr.toml")
    chart = load_chart(scenario)
    size = animation.frame_size(1, (1920, 1080), None)
    stage = Stage(scenario, ("p",), SEED, org_chart=chart, size=size)
    assert stage.panels[0].model.org.department_names == chart.department_names
    labels = [t.get_text() for t in stage.department_labels]
    assert len(labels) == len(set(chart.department[chart.parent >= 0]))
    for label in labels:  # a name from the file, or one shortened with an ellipsis
        assert label in chart.department_names or (
            label.endswith("…") and any(n.startswith(label[:-1]) for n in chart.department_names)
        )
    assert sum(label in chart.department_names for label in labels) >= len(labels) // 2
    assert layout_problems(stage) == []


def test_a_generated_org_names_its_departments_by_number():
    stage = Stage(SCENARIO, ("program",), SEED, dpi=40)
    labels = [t.get_text() for t in stage.department_labels]
    assert labels == [f"dept {code}" for code in stage.layout.departments]


# --- the notebook player ------------------------------------------------------------------
def test_notebook_player_is_a_light_offline_video():
    pytest.importorskip("imageio_ffmpeg")
    scenario = small_scenario(size=60, years=0.05)
    anim = OrgAnimation(scenario, ("program",), SEED, weeks_per_frame=2, dpi=30)
    page = anim._repr_html_()
    assert page.startswith("<video controls") and 'src="data:video/mp4;base64,' in page
    assert "http://" not in page and "https://" not in page and "<script" not in page
    assert len(page) < animation.MAX_PLAYER_MB * 1e6


def test_notebook_player_without_ffmpeg_is_the_gif(monkeypatch):
    monkeypatch.setattr(animation, "ffmpeg_path", lambda: None)
    scenario = small_scenario(size=60, years=0.05)
    anim = OrgAnimation(scenario, ("program",), SEED, weeks_per_frame=2, dpi=30)
    page = anim.to_html()
    assert page.startswith("<img") and "data:image/gif;base64," in page
    assert "http://" not in page and "https://" not in page


def test_notebook_player_over_the_cap_says_how_to_shrink_it():
    scenario = small_scenario(size=60, years=0.05)
    anim = OrgAnimation(scenario, ("program",), SEED, weeks_per_frame=2, dpi=30)
    page = anim.to_html(max_mb=0.001)
    assert "Animation not shown" in page and "weeks per frame" in page
    assert "base64" not in page and len(page) < 1000
