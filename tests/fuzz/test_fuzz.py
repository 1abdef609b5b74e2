"""The fuzz harnesses in CI: each replays its seed corpus and every saved
regression in-process, runs on mutated seeds (a hypothesis mirror), and
fuzzes briefly under atheris (a bounded number of runs, one subprocess per
harness, side by side).  ``make fuzz SECONDS=N`` runs them for longer."""

from __future__ import annotations

import importlib
import subprocess
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fuzz.common import CORPUS_DIR, REGRESSIONS_DIR, client_state, server_state
from tests.fuzz.run import ROOT, TARGETS, command
from tlspy import engine

# Runs per target in CI (on top of the corpus): the engine harnesses do
# real handshakes.
RUNS = {"record": 2000, "handshake": 5000, "engine_server": 200, "engine_client": 300,
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


@pytest.mark.parametrize("target", ["engine_server", "engine_client"])
def test_engine_seeds_still_reach_application_data(target: str) -> None:
    """The engine seeds are transcripts against pinned starting states; when
    the handshake changes they stop getting past the first message and the
    fuzzer no longer reaches the deep states (regenerate them with
    ``python -m tests.fuzz.make_corpus``).  At least a third must still end
    in an established connection."""
    start = server_state() if target == "engine_server" else client_state()[0]
    seeds = _files(CORPUS_DIR / target)
    deep = sum(engine.handle_tls(start, p.read_bytes()).state.established for p in seeds)
    assert 3 * deep >= len(seeds), f"{deep} of {len(seeds)} {target} seeds reach data"


REGRESSIONS = [(d.name, f) for d in sorted(REGRESSIONS_DIR.iterdir()) if d.is_dir()
               for f in _files(d)]


@pytest.mark.parametrize(("target", "path"), REGRESSIONS,
                         ids=[f"{t}/{p.name}" for t, p in REGRESSIONS])
def test_regression_replays(target: str, path: Path) -> None:
    _harness(target).TestOneInput(path.read_bytes())


@pytest.mark.slow
def test_short_atheris_runs(tmp_path: Path) -> None:
    """Every harness under atheris for a bounded number of runs from its
    corpus; the six processes run side by side."""
    procs = {}
    for t in TARGETS:
        (tmp_path / t).mkdir()
        procs[t] = subprocess.Popen(
            command(t, f"-runs={RUNS[t]}", "-max_total_time=60", "-seed=1",
                    f"-artifact_prefix={tmp_path / t}/", corpora=(tmp_path / t, CORPUS_DIR / t)),
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
            errors="replace")
    for t, p in procs.items():
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, (t, err[-3000:])
        assert "Done" in err, (t, err[-3000:])


def _mutate(seed: bytes, edits: list[tuple[int, int]], cut: int) -> bytes:
    data = bytearray(seed)
    for pos, val in edits:
        if data:
            data[pos % len(data)] ^= val or 1
    return bytes(data[: len(data) - cut % (len(data) + 1)]) if cut else bytes(data)


@pytest.mark.parametrize("target", TARGETS)
@settings(max_examples=40)
@given(pick=st.integers(min_value=0), edits=st.lists(st.tuples(
    st.integers(min_value=0), st.integers(min_value=0, max_value=255)), max_size=4),
    cut=st.integers(min_value=0, max_value=64), junk=st.binary(max_size=64))
def test_mutated_seeds(target: str, pick: int, edits: list[tuple[int, int]], cut: int,
                       junk: bytes) -> None:
    """The hypothesis mirror of the harnesses: seeds with a few bytes
    flipped, cut short or followed by junk, in-process."""
    seeds = _files(CORPUS_DIR / target)
    seed = seeds[pick % len(seeds)].read_bytes()
    harness = _harness(target)
    harness.TestOneInput(_mutate(seed, edits, cut))
    harness.TestOneInput(seed + junk)


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
