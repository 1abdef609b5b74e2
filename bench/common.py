"""Shared measuring and reporting for the benchmark modules.

The machine is small and shared, so wall times are noisy: candidates are
measured in the same run, alternating, several rounds, and the best round of
each is kept.  Reports quote ratios against the reference (OpenSSL through
pyca/cryptography, or stdlib ssl) measured alongside.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass


def _rate(fn: Callable[[], object], min_time: float) -> float:
    """Calls per second of fn over at least min_time seconds."""
    n = 1
    while True:
        start = time.perf_counter()
        for _ in range(n):
            fn()
        elapsed = time.perf_counter() - start
        if elapsed >= min_time:
            return n / elapsed
        n = max(n * 2, int(n * min_time / max(elapsed, 1e-9) * 1.2))


def alternate(candidates: dict[str, Callable[[], object]], rounds: int = 5,
              min_time: float = 0.2) -> dict[str, float]:
    """Best calls/second of each candidate, measured in alternating rounds."""
    best = dict.fromkeys(candidates, 0.0)
    for _ in range(rounds):
        for name, fn in candidates.items():
            best[name] = max(best[name], _rate(fn, min_time))
    return best


@dataclass
class Table:
    """A fixed-width table printed row by row, so long runs show progress."""

    title: str
    columns: list[str]
    width: int = 14

    def __post_init__(self) -> None:
        print(f"\n== {self.title}")
        print("".join(c.ljust(self.width if i else 34) for i, c in enumerate(self.columns)))

    def row(self, *cells: object) -> None:
        out = []
        for i, cell in enumerate(cells):
            text = f"{cell:,.1f}" if isinstance(cell, float) else str(cell)
            out.append(text.ljust(self.width if i else 34))
        print("".join(out), flush=True)


def mbps(calls_per_second: float, nbytes: int) -> float:
    return calls_per_second * nbytes / 1e6


def ratio(ours: float, reference: float) -> str:
    return f"{ours / reference:.0%}" if reference else "-"
