"""Run every fuzz harness for a while (``make fuzz SECONDS=N``).

    python -m tests.fuzz.run [SECONDS] [TARGET ...]

Each harness runs in its own process on a working corpus under
``build/fuzz/<target>/`` seeded from ``tests/fuzz/corpus/<target>/``;
crashes, contract violations and hangs (10 s for one input) are written to
``build/fuzz/<target>-crash-*`` (or ``-timeout-*``).  Prints the executions
per harness; exits 1 if any harness found something."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

from tests.fuzz.common import CORPUS_DIR, MAX_INPUT

TARGETS = ("record", "handshake", "engine_server", "engine_client", "der", "x509")
ROOT = CORPUS_DIR.parent.parent.parent


def command(target: str, *flags: str, corpora: tuple[Path, ...] = ()) -> list[str]:
    return [sys.executable, "-m", f"tests.fuzz.fuzz_{target}", f"-max_len={MAX_INPUT}",
            "-timeout=10", "-rss_limit_mb=4096", *flags, *map(str, corpora)]


def run(target: str, seconds: int) -> tuple[int, float, bool, str]:
    work = ROOT / "build" / "fuzz" / target
    work.mkdir(parents=True, exist_ok=True)
    prefix = f"{work}-"
    start = time.monotonic()
    p = subprocess.run(
        command(target, f"-max_total_time={seconds}", "-print_final_stats=1",
                f"-artifact_prefix={prefix}", corpora=(work, CORPUS_DIR / target)),
        cwd=ROOT, capture_output=True, text=True, errors="replace", check=False)
    took = time.monotonic() - start
    (ROOT / "build" / "fuzz" / f"{target}.log").write_text(p.stderr)
    m = re.search(r"stat::number_of_executed_units:\s*(\d+)", p.stderr)
    done = re.findall(r"#(\d+)\s", p.stderr)
    execs = int(m.group(1)) if m else int(done[-1]) if done else 0
    found = re.findall(r"Test unit written to (\S+)", p.stderr)
    return execs, took, p.returncode != 0, ", ".join(found)


def main(argv: list[str]) -> int:
    seconds = int(argv[0]) if argv else 30
    targets = argv[1:] or TARGETS
    bad = False
    print(f"{'harness':<16}{'executions':>12}{'seconds':>9}{'exec/s':>9}  result")
    for t in targets:
        execs, took, failed, found = run(t, seconds)
        bad |= failed
        verdict = f"FOUND {found or 'a failure'} (see build/fuzz/{t}.log)" if failed else "ok"
        print(f"{t:<16}{execs:>12}{took:>9.0f}{execs / max(took, 1e-9):>9.0f}  {verdict}",
              flush=True)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
