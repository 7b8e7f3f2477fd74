"""What an experiment varies and how: `Values` and `Range` per parameter, and the sample.

A `Factorial` grid, a `LatinHypercube` (scipy), or SALib's `Sobol` and `Morris` samples;
SALib is an optional extra (`require_salib` says how to install it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.errors import InputError, Problem


# --- what to vary -------------------------------------------------------------------------
@dataclass(frozen=True)
class Values:
    """An explicit list of values for one parameter (factorial designs only)."""

    values: tuple[Any, ...]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description."""
        return {"values": list(self.values)}


@dataclass(frozen=True)
class Range:
    """A numeric range of one parameter.

    A factorial grid takes ``steps`` evenly spaced values (or every ``step``) from low to
    high; a sample (Latin hypercube, Sobol, Morris) draws from the bounds.
    """

    low: float
    high: float
    steps: int | None = None
    step: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description."""
        out: dict[str, Any] = {"low": self.low, "high": self.high}
        if self.steps is not None:
            out["steps"] = self.steps
        if self.step is not None:
            out["step"] = self.step
        return out

    def grid(self) -> list[float]:
        """The factorial values of this range (low and high included)."""
        if self.step is not None:
            n = math.floor((self.high - self.low) / self.step + 1e-9)
            return [self.low + i * self.step for i in range(n + 1)]
        steps = self.steps or 2
        return list(np.linspace(self.low, self.high, steps))


# --- how to combine them ------------------------------------------------------------------
@dataclass(frozen=True)
class Factorial:
    """Every combination of every parameter's values (the last parameter varies fastest)."""

    method: str = field(default="factorial", init=False)


@dataclass(frozen=True)
class LatinHypercube:
    """``n`` points of a Latin hypercube over the parameters' ranges (scipy.stats.qmc)."""

    n: int
    seed: int | None = None
    method: str = field(default="latin", init=False)


@dataclass(frozen=True)
class Sobol:
    """Saltelli's sample for Sobol indices (SALib).

    ``n`` (a power of 2) x (D + 2) points, or x (2D + 2) with second-order indices.
    """

    n: int
    second_order: bool = False
    seed: int | None = None
    method: str = field(default="sobol", init=False)


@dataclass(frozen=True)
class Morris:
    """Morris elementary-effects screening (SALib): ``trajectories`` x (D + 1) points."""

    trajectories: int
    levels: int = 4
    seed: int | None = None
    method: str = field(default="morris", init=False)


Sample = Factorial | LatinHypercube | Sobol | Morris
SALIB_METHODS = ("sobol", "morris")


def require_salib() -> Any:
    """The SALib package, or an InputError saying how to install it."""
    try:
        import SALib
    except ImportError:
        raise InputError(
            [
                Problem(
                    "sample.method",
                    "Sobol and Morris samples need SALib, an optional extra: "
                    "pip install 'orgculture-sim[sensitivity]'",
                )
            ]
        ) from None
    return SALib
