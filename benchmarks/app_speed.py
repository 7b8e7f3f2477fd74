"""The dashboard's speed (issue 25): play with two tabs at 1920x1080, Compare, Reset.

Usage: python benchmarks/app_speed.py [--seconds 15] [--repeats 3] [--present]

On the telecom case (300 people, 104 weeks), seed 1:

- play: `sim app telecom` in its own process, two tabs of one headless Chromium at
  1920x1080 (tests/browser.py's settings), the pause between steps at 0 and one week per
  step in both, Play pressed in both for `--seconds`; each tab records in the browser when
  its picture's canvas draws a frame, and of which week; weeks per second of the slower
  tab, and the share of the weeks the page actually drew; and the CPU time the server (all
  its threads) and the browser (Chromium's processes and Playwright's driver) spent per
  week shown in a tab, read from /proc: on a loaded machine the rate measures the load as
  much as the dashboard, and the CPU per week says what the cores would allow (two tabs
  share the server's one Python interpreter, so a tab cannot play faster than
  1000 / (2 x server ms per week) weeks/s);
- Compare: `sim.app.compare.compare` with 5 replicates (what the button runs: 10 runs and
  the tables), median wall and CPU time of `--repeats`, in this process;
- Reset: what the Reset button does before the page shows week 0, each time to a design
  the last run did not have: a new `WorkshopModel` from the sliders' scenario (loaded when
  the slider moved) and its first frame (the picture, the live charts and the numbers);
  median wall and CPU time of `--repeats` (at least 3), in this process.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from common import Row, load_average, machine_lines, median_time, print_rows  # noqa: E402

TARGETS = {"play": 5.0, "compare": 3.0, "reset": 1.0}
SETTINGS = {"source": "telecom", "sets": [], "design": None, "seed": 1}


WATCH = """() => { window.simWeeks = []; let last = null;
  const note = () => { const c = document.querySelector('canvas.sim-picture');
    if (!c || c.dataset.drawn === last) return; last = c.dataset.drawn;
    window.simWeeks.push([performance.now(), Number(c.dataset.week)]); };
  new MutationObserver(note).observe(document.body,
    {subtree: true, attributes: true, attributeFilter: ['data-drawn']}); }"""


def _cpu_seconds(pid: int) -> float:
    """User plus system CPU seconds of one process (0 if it has gone)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _processes() -> dict[int, tuple[int, int]]:
    """Every process's parent and process group, from /proc."""
    out = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            out[int(entry)] = (int(fields[1]), int(fields[2]))
    return out


def cpu_of(server_group: int) -> tuple[float, float]:
    """CPU seconds so far of the server's process group, and of this process's other children."""
    procs = _processes()
    server = sum(_cpu_seconds(p) for p, (_, group) in procs.items() if group == server_group)
    mine, found = {os.getpid()}, True
    while found:  # every descendant of this process, outside the server's group
        found = False
        for p, (parent, group) in procs.items():
            if parent in mine and p not in mine and group != server_group:
                mine.add(p)
                found = True
    browser = sum(_cpu_seconds(p) for p in mine - {os.getpid()})
    return server, browser


def play_speed(
    seconds: float, pause_ms: int = 0, present: bool = False
) -> tuple[float, float, float, float]:
    """Weeks per second of the slower of two tabs playing at once, and the share drawn.

    Each tab records, in the browser, the time and week of every frame its picture's canvas
    draws (its `data-drawn` counter): the rate is the weeks advanced over the time between
    the first frame and the last one within `seconds`; the share drawn is the distinct weeks
    shown over the weeks advanced (1: every week was drawn).
    """
    from playwright.sync_api import sync_playwright

    from browser import ARGS, CHROMIUM, free_port, kill_group, wait_until_serving

    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim", "app", "telecom", "--seed", "1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/" + ("?present=1" if present else "")
    try:
        wait_until_serving(proc, url)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            tabs = [browser.new_page(viewport={"width": 1920, "height": 1080}) for _ in range(2)]
            for tab in tabs:
                tab.goto(url)
                tab.locator("canvas.sim-picture").wait_for(timeout=120_000)
                if not present:  # presenter mode plays with the page's pause, 0 ms
                    pause = tab.locator(".v-input", has_text="Pause between steps").locator(
                        "[role=slider]"
                    )
                    pause.focus()
                    pause.press("Home")
                    for _ in range(pause_ms):
                        pause.press("ArrowRight")
                tab.evaluate(WATCH)
            cpu_before = cpu_of(proc.pid)
            for tab in tabs:
                tab.get_by_role("button", name="Play").click()
            time.sleep(seconds)
            logs = [tab.evaluate("window.simWeeks") for tab in tabs]
            cpu_after = cpu_of(proc.pid)
            browser.close()
    finally:
        kill_group(proc)
    rates, drawn = [], []
    for log in logs:
        log = [(t, w) for t, w in log if w > 0]
        (t0, w0), (t1, w1) = log[0], log[-1]
        rates.append((w1 - w0) / ((t1 - t0) / 1000))
        drawn.append(len({w for _, w in log}) / (w1 - w0 + 1))
        print(f"tab: weeks {w0} -> {w1} in {(t1 - t0) / 1000:.1f} s: "
              f"{rates[-1]:.1f} weeks/s, {100 * drawn[-1]:.0f}% of the weeks drawn")  # fmt: skip
    weeks = sum(max((w for _, w in log), default=0) for log in logs)  # both tabs, from week 0
    server_ms, browser_ms = (
        1000 * (a - b) / max(weeks, 1) for a, b in zip(cpu_after, cpu_before, strict=True)
    )
    print(f"CPU per week shown in a tab ({weeks} weeks in both tabs): server {server_ms:.0f} ms, "
          f"browser {browser_ms:.0f} ms; load average now {load_average()}")  # fmt: skip
    return min(rates), min(drawn), server_ms, browser_ms


def resets():
    """What Reset does, each time with a design the run on screen did not have.

    The page loads and checks the sliders' scenario when a slider moves (`try_controls`);
    Reset then makes the new model from it and the frame of its week 0 (`sim.app.page.Page`):
    the picture, the live charts and the numbers. Each call resets to a cadence the last
    one did not use, so nothing drawn for the last design's label is reused.
    """
    from sim.app.charts import LiveCharts
    from sim.app.dashboard import WorkshopModel, try_controls
    from sim.app.page import numbers_html
    from sim.app.pictures import make_frame

    first = WorkshopModel(**SETTINGS)
    cadences = iter(range(1, 10_000))

    def reset():
        values = {**first.controls, "cadence_weeks": 1 + next(cadences) % 13}
        scenario, _ = try_controls("telecom", [], first.design_name, values)  # slider moved
        start = time.process_time(), time.perf_counter()
        model = WorkshopModel(seed="1", prepared=(scenario, first.design_name))
        make_frame(model, LiveCharts(model), numbers_html)
        return time.perf_counter() - start[1], time.process_time() - start[0]

    return reset


def measure(seconds: float = 15.0, repeats: int = 3) -> list[Row]:
    """The three rows."""
    from sim.app.compare import compare
    from sim.app.dashboard import load

    scenario = load("telecom", [])
    design = scenario.designs[0].name
    compare_s, compare_cpu = median_time(lambda: compare(scenario, design), repeats, warmup=1)
    print(
        f"Compare (5 replicates, 10 runs of 300 people x 104 weeks): {compare_s:.2f} s "
        f"({compare_cpu:.2f} s CPU)"
    )
    reset = resets()
    reset()  # warm-up
    timings = sorted(reset() for _ in range(max(repeats, 3)))
    reset_s, reset_cpu = timings[len(timings) // 2]
    print(
        "Reset to a new design (a new WorkshopModel and its first frame): "
        f"{reset_s:.2f} s ({reset_cpu:.2f} s CPU)"
    )
    rate, drawn, server_ms, _ = play_speed(seconds)
    command = "python benchmarks/app_speed.py"
    return [
        Row(
            "sim app: play, telecom (300 people), two tabs at 1920x1080, slower tab",
            f"{rate:.1f} weeks/s ({100 * drawn:.0f}% of weeks drawn; server CPU "
            f"{server_ms:.0f} ms/week, at most {1000 / (2 * server_ms):.1f} weeks/s a tab)",
            f">= {TARGETS['play']:.0f} weeks/s",
            rate >= TARGETS["play"],
            command,
        ),
        Row(
            "sim app: Compare, 5 replicates (median)",
            f"{compare_s:.2f} s",
            f"<= {TARGETS['compare']:.0f} s",
            compare_s <= TARGETS["compare"],
            command,
        ),
        Row(
            "sim app: Reset to a new design (median)",
            f"{reset_s:.2f} s",
            f"<= {TARGETS['reset']:.0f} s",
            reset_s <= TARGETS["reset"],
            command,
        ),
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--present", action="store_true", help="also play both tabs in presenter mode (?present=1)"
    )
    args = parser.parse_args(argv)
    print("\n".join(machine_lines()))
    rows = measure(args.seconds, args.repeats)
    if args.present:
        print("presenter mode:")
        rate, drawn, server_ms, _ = play_speed(args.seconds, present=True)
        rows.append(
            Row(
                "sim app: play in presenter mode, two tabs at 1920x1080, slower tab",
                f"{rate:.1f} weeks/s ({100 * drawn:.0f}% of weeks drawn; server CPU "
                f"{server_ms:.0f} ms/week, at most {1000 / (2 * server_ms):.1f} weeks/s a tab)",
                f">= {TARGETS['play']:.0f} weeks/s",
                rate >= TARGETS["play"],
                "python benchmarks/app_speed.py --present",
            )
        )
    print_rows(rows)


if __name__ == "__main__":
    main()
