"""Timing helpers shared by the benchmarks (benchmarks are not tests)."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass


@dataclass
class Comparison:
    """One benchmark: labcdn and its peer on the same input, in one process."""

    name: str
    size: str
    labcdn_s: float
    peer: str
    peer_s: float | None

    @property
    def ratio(self) -> float | None:
        """How many times faster labcdn is than the peer (peer time / labcdn time)."""
        return None if self.peer_s is None else self.peer_s / self.labcdn_s

    def as_dict(self) -> dict:
        return {**asdict(self), "ratio": self.ratio}


def best_of(fn, repeat: int = 5, warmup: int = 1) -> float:
    """Best wall time of ``fn()`` over ``repeat`` runs after ``warmup`` untimed runs."""
    for _ in range(warmup):
        fn()
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best
