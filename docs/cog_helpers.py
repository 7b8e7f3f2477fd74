"""The output blocks of README.md and docs/*.md, made by running the real `sim` commands.

Every block of command output in the docs sits between cog markers inside HTML comments:

    <!-- [[[cog sim("compare telecom") ]]] -->
    ```text
    $ sim compare telecom
    ...what the command printed...
    ```
    <!-- [[[end]]] -->

`make docs` rewrites every block (`cog -r -I docs FILES`); `make test` first runs
`cog --check -I docs FILES`, which fails, naming the file, when a block differs from what the
code prints today. `sim(...)` runs `python -m sim ...` with the interpreter running cog, on
this checkout's code (its root goes first on PYTHONPATH), in a new empty temporary folder (so
results folders and files land there, never in the checkout), and shows what a terminal would
show: standard output and standard error in the order they were written, without progress bars.
`python(CODE)` does the same for a Python snippet (`python -c CODE`), showing the code and what
it printed.

Results are deterministic for a seed, so a block changes only when the code does. Exactly three
things vary between runs of the same command, and only they are masked (`MASKS`, `mask`):

- a results folder's time stamp: `results/telecom-20261206-191941/` is shown as
  `results/telecom-YYYYMMDD-HHMMSS/`;
- elapsed seconds: `in 1.8 s` is shown as `in N.N s` (`in 1 min 3 s` as well);
- absolute paths: this checkout's root is shown as `<repo>`, the temporary folder as `.`.

Anything else that varies (today's date, the number of cores) is fixed in the command itself
(`--date`, `--workers`), so the reader sees it.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# (pattern, replacement): the only things masked in a block (see the module's docstring).
MASKS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(results/[\w.-]+?)-\d{8}-\d{6}"), r"\1-YYYYMMDD-HHMMSS"),
    (re.compile(r"\bin (?:\d+ min )?\d+(?:\.\d+)? s\b"), "in N.N s"),
)
# A progress bar's frame, as tqdm writes it: "runs:  45%|####      | 18/40 [...]", with or
# without a label.
PROGRESS = re.compile(r"^\s*(?:[\w' ]*:\s*)?\d+%\|")
TIMEOUT_SECONDS = 600


def mask(text: str, folders: Mapping[str, str] | None = None) -> str:
    """Mask what varies between runs of the same command: time stamps, seconds, folders.

    `folders` maps absolute paths to what is shown instead (default: this checkout's root,
    and its resolved form, to `<repo>`); longer paths are replaced first.
    """
    if folders is None:
        folders = {str(ROOT): "<repo>"}
    for path in sorted(folders, key=len, reverse=True):
        text = text.replace(path, folders[path])
    for pattern, replacement in MASKS:
        text = pattern.sub(replacement, text)
    return text


def strip_progress(text: str) -> str:
    """Drop progress-bar frames (tqdm's carriage-return-separated lines) from a terminal text."""
    lines = []
    for line in text.split("\n"):
        if "\r" not in line and not PROGRESS.match(line):
            lines.append(line)
            continue
        kept = [part for part in line.split("\r") if part and not PROGRESS.match(part)]
        if kept:
            lines.append(kept[-1])
    return "\n".join(lines)


def run_python(code: str) -> str:
    """Run a Python snippet (`python -c CODE`) as `run_sim` runs a command; return its output."""
    return run_sim("", argv=[sys.executable, "-c", code])


def run_sim(
    command: str,
    *,
    files: Mapping[str, str] | None = None,
    before: Sequence[str] = (),
    prepare: Callable[[Path], None] | None = None,
    returncode: int = 0,
    argv: Sequence[str] | None = None,
) -> str:
    """Run `python -m sim COMMAND` in a new temporary folder and return what it printed, masked.

    `files` are written into the folder first (name -> text), then each `sim` command of
    `before` runs (its output is not shown; it must succeed), then `prepare(folder)`. The
    command must exit with `returncode`, so a block that shows a refusal stops being
    regenerated if the refusal goes away. `argv` runs that program instead of `sim COMMAND`.
    """
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])
    env["PYTHONUNBUFFERED"] = "1"  # standard output and error in the order written
    env.pop("SIM_TEST_ARTEFACTS", None)
    with tempfile.TemporaryDirectory(prefix="sim-docs-") as tmp:
        folder = Path(tmp)
        for name, text in (files or {}).items():
            (folder / name).write_text(text, encoding="utf-8")

        def sim_process(args: str, program: Sequence[str] | None = None) -> tuple[int, str]:
            # Bytes, decoded here: text=True would turn a progress bar's "\r" into new lines.
            done = subprocess.run(
                list(program) if program else [sys.executable, "-m", "sim", *shlex.split(args)],
                cwd=folder,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                timeout=TIMEOUT_SECONDS,
                check=False,
            )
            return done.returncode, done.stdout.decode("utf-8").replace("\r\n", "\n")

        for args in before:
            status, printed = sim_process(args)
            if status != 0:
                raise RuntimeError(f"sim {args} exited {status}:\n{printed}")
        if prepare is not None:
            prepare(folder)
        status, printed = sim_process(command, argv)
        if status != returncode:
            shown = "python -c ..." if argv else f"sim {command}"
            raise RuntimeError(f"{shown} exited {status}, the docs expect {returncode}:\n{printed}")
        folders = {str(ROOT): "<repo>", str(folder): ".", str(folder.resolve()): "."}
        return mask(strip_progress(printed), folders).rstrip("\n") + "\n"


def fence(text: str, language: str = "text") -> str:
    """A fenced Markdown code block holding `text`."""
    return f"```{language}\n{text.rstrip(chr(10))}\n```\n"


def sim(command: str, **options) -> None:
    """Write, into the cog block, `$ sim COMMAND` and what it printed, as a fenced block.

    `options` go to `run_sim`.
    """
    import cog  # provided by cogapp while it runs the block

    cog.out(fence(f"$ sim {command}\n{run_sim(command, **options)}"))


def python(code: str) -> None:
    """Write, into the cog block, a Python snippet and what it printed, as two fenced blocks."""
    import cog  # provided by cogapp while it runs the block

    cog.out(fence(code, "python") + "\nprints\n\n" + fence(run_python(code)))


def show_file(name: str, text: str, language: str = "toml") -> None:
    """Write, into the cog block, a file's text as a fenced block headed by its name."""
    import cog  # provided by cogapp while it runs the block

    cog.out(f"`{name}`:\n\n{fence(text, language)}")


def drop_column(csv_name: str, column: str) -> Callable[[Path], None]:
    """A `prepare` step: remove one column from a CSV file in the folder (no quoting in it)."""

    def prepare(folder: Path) -> None:
        path = folder / csv_name
        rows = [line.split(",") for line in path.read_text(encoding="utf-8").splitlines()]
        index = rows[0].index(column)
        path.write_text(
            "".join(",".join(row[:index] + row[index + 1 :]) + "\n" for row in rows),
            encoding="utf-8",
        )

    return prepare
