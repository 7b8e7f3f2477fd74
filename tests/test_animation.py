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
        assert gif.size == (14 * 40, round(7.6 * 40))
        gif.seek(0)
        first = np.asarray(gif.convert("RGB"), dtype=int)
        gif.seek(gif.n_frames - 1)
        last = np.asarray(gif.convert("RGB"), dtype=int)
    assert (np.abs(first - last).max(axis=2) > 0).sum() > 100
    assert not list(tmp_path.glob(".*partial*"))


def test_a_real_mp4_holds_every_frame(tmp_path):
    # imageio-ffmpeg (the video extra, part of dev) brings an ffmpeg binary.
    imageio_ffmpeg = pytest.importorskip("imageio_ffmpeg")
    anim = OrgAnimation(SCENARIO, ("program",), SEED, weeks_per_frame=4, fps=5, dpi=30)
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


def test_notebook_display_is_an_inline_player_with_every_frame():
    scenario = small_scenario(size=60, years=0.05)  # 3 weeks: frames of weeks 0, 2, 3
    anim = OrgAnimation(scenario, ("program",), SEED, weeks_per_frame=2, dpi=30)
    page = anim._repr_html_()
    assert "<script" in page
    assert page.count("data:image/png;base64") == len(anim.weeks) == 3


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
