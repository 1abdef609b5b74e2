"""The fuzz harnesses in CI: each replays its seed corpus and every saved
regression in-process, then fuzzes briefly (a bounded number of atheris
runs in a subprocess).  ``make fuzz SECONDS=N`` runs them for longer."""

from __future__ import annotations

import importlib
import subprocess
from pathlib import Path
from types import ModuleType

import pytest

from tests.fuzz.common import CORPUS_DIR, REGRESSIONS_DIR
from tests.fuzz.run import ROOT, TARGETS, command

# Runs per target in CI: the engine harnesses do real handshakes (~5 ms).
RUNS = {"record": 3000, "handshake": 5000, "engine_server": 300, "engine_client": 300,
        "der": 5000, "x509": 1000}


def _harness(target: str) -> ModuleType:
    return importlib.import_module(f"tests.fuzz.fuzz_{target}")


def _files(d: Path) -> list[Path]:
    return sorted(p for p in d.iterdir() if p.is_file()) if d.is_dir() else []


@pytest.mark.parametrize("target", TARGETS)
def test_corpus_replays(target: str) -> None:
    seeds = _files(CORPUS_DIR / target)
    assert len(seeds) >= 10, "run python -m tests.fuzz.make_corpus"
    harness = _harness(target)
    for seed in seeds:
        harness.TestOneInput(seed.read_bytes())


REGRESSIONS = [(d.name, f) for d in sorted(REGRESSIONS_DIR.iterdir()) if d.is_dir()
               for f in _files(d)]


@pytest.mark.parametrize(("target", "path"), REGRESSIONS,
                         ids=[f"{t}/{p.name}" for t, p in REGRESSIONS])
def test_regression_replays(target: str, path: Path) -> None:
    _harness(target).TestOneInput(path.read_bytes())


@pytest.mark.parametrize("target", TARGETS)
def test_short_fuzz_run(target: str, tmp_path: Path) -> None:
    p = subprocess.run(
        command(target, f"-runs={RUNS[target]}", "-max_total_time=20", "-seed=1",
                f"-artifact_prefix={tmp_path}/", corpora=(tmp_path, CORPUS_DIR / target)),
        cwd=ROOT, capture_output=True, text=True, errors="replace", timeout=180, check=False)
    assert p.returncode == 0, p.stderr[-3000:]
    assert "Done" in p.stderr


def test_regression_der_integer_minimal_negative() -> None:
    """Found by fuzz_der: INTEGER -128 was written ff80 (not minimal), so a
    value the parser accepted did not serialize back to its input."""
    from tlspy import asn1

    for v in (-128, -129, -32768, -32769, -(1 << 63), -1, 0, 127, 128, 255):
        der = asn1.INTEGER.serialize(v)
        assert asn1.INTEGER.parse(der) == v
        assert len(der) == 2 + (v if v >= 0 else ~v).bit_length() // 8 + 1
    assert asn1.INTEGER.serialize(-128) == bytes.fromhex("020180")
    assert asn1.ENUMERATED.parse(bytes.fromhex("0a0180")) == -128
