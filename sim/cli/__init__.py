"""The command line: the `sim` command and what the experiment scripts share.

The top layer: it parses arguments, loads scenarios and calls the sweeps and pictures
layers; nothing below imports it.
"""

from sim.cli.main import main

__all__ = ["main"]
