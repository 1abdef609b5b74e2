"""Run the benchmarks: `python -m bench [name ...]` (default: all).

Each bench/bench_<name>.py defines `run() -> None` that prints its tables.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    here = Path(__file__).parent
    names = sorted(p.stem[len("bench_"):] for p in here.glob("bench_*.py"))
    chosen = [n for n in names if not argv or n in argv]
    unknown = [a for a in argv if a not in names]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; have: {', '.join(names)}")
        return 2
    import nocrypto.cpu

    print(f"cpu features in use: {', '.join(sorted(nocrypto.cpu.features())) or 'none'}")
    for name in chosen:
        importlib.import_module(f"bench.bench_{name}").run()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
