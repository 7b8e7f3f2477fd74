"""`python -m sim` is the `sim` command."""

import sys

from sim.cli.main import main

sys.exit(main())
