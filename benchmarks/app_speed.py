"""The dashboard's speed (issue 25): play with two tabs at 1920x1080, Compare, Reset.

Usage: python benchmarks/app_speed.py [--seconds 15] [--repeats 3]

On the telecom case (300 people, 104 weeks), seed 1:

- play: `sim app telecom` in its own process, two tabs of one headless Chromium at
  1920x1080 (tests/browser.py's settings), the pause between steps at 0 and one week per
  step in both, Play pressed in both for `--seconds`; each tab records in the browser when
  the week it shows changes; weeks per second of the slower tab, and the share of the weeks
  the page actually drew;
- Compare: `sim.app.compare.compare` with 5 replicates (what the button runs: 10 runs and
  the tables), median of `--repeats`, in this process;
- Reset: a new `WorkshopModel` and its first picture (what Reset does before the page shows
  week 0), median of `--repeats`, in this process.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from common import Row, machine_lines, median_time, print_rows  # noqa: E402

TARGETS = {"play": 5.0, "compare": 3.0, "reset": 1.0}
SETTINGS = {"source": "telecom", "sets": [], "design": None, "seed": 1}


WATCH = """() => { window.simWeeks = []; const seen = new Set();
  const note = () => { const e = document.querySelector('.sim-week');
    const img = document.querySelector('img.sim-picture');
    if (!e || !img) return; const key = e.innerText + '|' + img.src.length + img.src.slice(-32);
    if (seen.has(key)) return; seen.add(key);
    const m = e.innerText.match(/week (\\d+)/);
    if (m) window.simWeeks.push([performance.now(), Number(m[1])]); };
  new MutationObserver(note).observe(document.body,
    {subtree: true, childList: true, characterData: true, attributes: true}); }"""


def play_speed(seconds: float, pause_ms: int = 0) -> tuple[float, float]:
    """Weeks per second of the slower of two tabs playing at once, and the share drawn.

    Each tab records, in the browser, the time of every change of the week it shows (with
    its picture): the rate is the weeks advanced over the time between the first change and
    the last one within `seconds`; the share drawn is the distinct weeks shown over the weeks
    advanced (1: every week was drawn).
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
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_until_serving(proc, url)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            tabs = [browser.new_page(viewport={"width": 1920, "height": 1080}) for _ in range(2)]
            for tab in tabs:
                tab.goto(url)
                tab.locator("img.sim-picture").wait_for(timeout=120_000)
                pause = tab.locator(".v-input", has_text="Pause between steps").locator(
                    "[role=slider]"
                )
                pause.focus()
                pause.press("Home")
                for _ in range(pause_ms):
                    pause.press("ArrowRight")
                tab.evaluate(WATCH)
            for tab in tabs:
                tab.get_by_role("button", name="Play").click()
            time.sleep(seconds)
            logs = [tab.evaluate("window.simWeeks") for tab in tabs]
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
    return min(rates), min(drawn)


def measure(seconds: float = 15.0, repeats: int = 3) -> list[Row]:
    """The three rows."""
    from sim.app.compare import compare
    from sim.app.dashboard import WorkshopModel, load

    scenario = load("telecom", [])
    design = scenario.designs[0].name
    compare_s, _ = median_time(lambda: compare(scenario, design), repeats, warmup=1)
    print(f"Compare (5 replicates, 10 runs of 300 people x 104 weeks): {compare_s:.2f} s")
    reset_s, _ = median_time(lambda: WorkshopModel(**SETTINGS).png(), repeats, warmup=1)
    print(f"Reset (new WorkshopModel and its first picture): {reset_s:.2f} s")
    rate, drawn = play_speed(seconds)
    command = "python benchmarks/app_speed.py"
    return [
        Row(
            "sim app: play, telecom (300 people), two tabs at 1920x1080, slower tab",
            f"{rate:.1f} weeks/s ({100 * drawn:.0f}% of weeks drawn)",
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
            "sim app: Reset (median)",
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
    args = parser.parse_args(argv)
    print("\n".join(machine_lines()))
    print_rows(measure(args.seconds, args.repeats))


if __name__ == "__main__":
    main()
