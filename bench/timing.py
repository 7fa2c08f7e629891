"""Shared timing helper for the benchmark scripts (run as scripts: this folder is on sys.path)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def median_ms(fn: Callable[[], object], runs: int = 50, warm_up: bool = True) -> float:
    """Median wall time of ``runs`` calls, in milliseconds (one untimed call first, unless told not to)."""
    if warm_up:
        fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)
