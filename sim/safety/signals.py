"""Termination signals handled like Ctrl-C, and a standard output that may close early.

SIGTERM and SIGHUP raise `Terminated` (a KeyboardInterrupt), so the cleanup that Ctrl-C
runs (temporary folders removed, the store's transaction rolled back) runs for them too;
the command exits with 128 + the signal's number. `GuardedStdout` keeps a closed pipe
(``sim run ... | head -1``) from stopping a command before its files are written.
"""

from __future__ import annotations

import os
import signal
import sys
import threading

HANDLED = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


class Terminated(KeyboardInterrupt):
    """Raised in the main thread when the process gets SIGTERM or SIGHUP."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum

    @property
    def name(self) -> str:
        """The signal's name, e.g. SIGTERM."""
        return signal.Signals(self.signum).name


def exit_status(interrupt: KeyboardInterrupt) -> int:
    """128 + the signal's number: 130 for Ctrl-C, 143 for SIGTERM, 129 for SIGHUP."""
    return 128 + (interrupt.signum if isinstance(interrupt, Terminated) else signal.SIGINT)


def what_stopped(interrupt: KeyboardInterrupt) -> str:
    """``interrupted`` for Ctrl-C, ``stopped by SIGTERM`` for a signal."""
    return f"stopped by {interrupt.name}" if isinstance(interrupt, Terminated) else "interrupted"


def _raise(signum: int, frame: object) -> None:
    raise Terminated(signum)


def handle_termination() -> dict[int, object]:
    """Make SIGTERM and SIGHUP raise `Terminated` (from the main thread only).

    Returns:
        The handlers they had, for `restore_handlers` (empty off the main thread).
    """
    if threading.current_thread() is not threading.main_thread():
        return {}
    return {sig: signal.signal(sig, _raise) for sig in HANDLED}


def restore_handlers(previous: dict[int, object]) -> None:
    """Put back the handlers `handle_termination` replaced."""
    for sig, handler in previous.items():
        signal.signal(sig, handler)  # type: ignore[arg-type]


class GuardedStdout:
    """Standard output that swallows a closed pipe and remembers it.

    After the reader goes away, further output is discarded (the file descriptor is pointed
    at the null device, so the interpreter's final flush cannot fail either).
    """

    def __init__(self, stream):
        self._stream = stream
        self.broken = False

    def _closed(self) -> None:
        self.broken = True
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self._stream.fileno())
            os.close(devnull)
        except (OSError, ValueError, AttributeError):
            pass

    def write(self, text: str) -> int:
        """Write, unless the reader has gone."""
        if self.broken:
            return len(text)
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            self._closed()
            return len(text)

    def flush(self) -> None:
        """Flush, unless the reader has gone."""
        if self.broken:
            return
        try:
            self._stream.flush()
        except BrokenPipeError:
            self._closed()

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


def tolerant_streams() -> GuardedStdout:
    """Stdout and stderr that never crash on a character their encoding lacks; stdout guarded.

    Returns:
        The guarded stdout (its ``broken`` says whether the reader went away).
    """
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="replace")
            except (ValueError, OSError):
                pass
    if not isinstance(sys.stdout, GuardedStdout):
        sys.stdout = GuardedStdout(sys.stdout)
    return sys.stdout
