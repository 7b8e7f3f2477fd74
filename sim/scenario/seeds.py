"""Replicate seeds: the integers a scenario's replicates run on.

Drawn once from `SeedSequence(base)` and stored with every row, so `--replicate-seed`
reproduces any single replicate, and every design runs on the same seeds.
"""

from __future__ import annotations

import numpy as np


def replicate_seeds(base: int, replicates: int) -> list[int]:
    """Integer seeds for replicates 0..n-1, drawn once from the base seed."""
    words = np.random.SeedSequence(base).generate_state(replicates, dtype=np.uint32)
    return [int(w) for w in words]
