"""`make ct`: constant-time checks of nocrypto's C under valgrind memcheck.

Each tests/ct/ct_*.c is a small program that links the whole C core, marks
keys, plaintexts and other secrets undefined (ct_harness.h) and calls the
secret-taking entry points on both the hardware and the portable path.
memcheck reports every conditional jump or memory index that depends on an
undefined value, so a clean run means no secret-dependent branch or index
on the paths exercised.

Before the real harnesses, a canary with a deliberate secret-dependent
branch must be reported: that proves the tool chain can see a leak at all.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CSRC = ROOT / "nocrypto" / "csrc"
HERE = ROOT / "tests" / "ct"
BIN = HERE / "bin"
CFLAGS = ["-std=c99", "-O2", "-g", "-Wall", "-Wextra", "-Werror", "-Wno-unused-parameter"]
VALGRIND = ["valgrind", "--tool=memcheck", "--error-exitcode=99", "-q", "--track-origins=yes"]

CANARY = r"""
#include "ct_harness.h"
int main(void) {
    unsigned char key[16] = {0};
    SECRET(key, sizeof key);
    volatile int leak = 0;
    if (key[3] & 1) leak = 1;   /* a branch on a secret: must be reported */
    return leak;
}
"""


def compile_core(objdir: Path) -> list[Path]:
    """Compile the C core to objects once per run, two compilers at a time."""
    objdir.mkdir(parents=True, exist_ok=True)

    def compile_one(src: Path) -> Path:
        obj = objdir / (src.stem + ".o")
        subprocess.run(["gcc", *CFLAGS, f"-I{CSRC}", "-c", str(src), "-o", str(obj)], check=True)
        return obj

    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(compile_one, sorted(CSRC.glob("*.c"))))


def compile_harness(src: Path, out: Path, objects: list[Path]) -> None:
    cmd = ["gcc", *CFLAGS, f"-I{CSRC}", f"-I{HERE}", str(src), *map(str, objects), "-o", str(out)]
    subprocess.run(cmd, check=True)


def run_valgrind(binary: Path) -> tuple[int, str]:
    proc = subprocess.run([*VALGRIND, str(binary)], capture_output=True, text=True, timeout=1800)
    return proc.returncode, proc.stdout + proc.stderr


def main(argv: list[str]) -> int:
    if shutil.which("valgrind") is None:
        print("make ct needs valgrind (Debian: apt-get install valgrind)", file=sys.stderr)
        return 2
    BIN.mkdir(exist_ok=True)
    objects = compile_core(BIN / "obj")
    with tempfile.TemporaryDirectory() as tmp:
        canary_src = Path(tmp) / "canary.c"
        canary_src.write_text(CANARY)
        canary = Path(tmp) / "canary"
        compile_harness(canary_src, canary, objects)
        code, _ = run_valgrind(canary)
        if code != 99:
            print("ct: the canary's secret-dependent branch was NOT reported; "
                  "the check cannot be trusted", file=sys.stderr)
            return 1
    print("ct: canary leak detected by memcheck (tool chain works)")

    harnesses = sorted(HERE.glob("ct_*.c"))
    if argv:
        harnesses = [h for h in harnesses if any(a in h.stem for a in argv)]
    if not harnesses:
        print("ct: no harness selected", file=sys.stderr)
        return 1
    failed = 0
    for src in harnesses:
        binary = BIN / src.stem
        compile_harness(src, binary, objects)
        code, output = run_valgrind(binary)
        verdict = "clean" if code == 0 else f"REPORTS (exit {code})"
        print(f"{src.stem:<28} {verdict}")
        for line in output.splitlines():
            print(f"    {line}")
        failed += code != 0
    print(f"ct: {len(harnesses) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
