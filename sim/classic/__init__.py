"""Classic models from the organisational-learning literature, used for validation."""

from sim.classic.march1991 import Individual, March1991Model, March1991Params, run_batch

__all__ = ["Individual", "March1991Model", "March1991Params", "run_batch"]
