"""The CPU dispatch switch and the constant-time helpers' Python face."""

from __future__ import annotations

import os
import subprocess
import sys

from hypothesis import given
from hypothesis import strategies as st

import nocrypto.cpu
from nocrypto.util import compare_digest


def test_portable_switch_empties_features() -> None:
    with nocrypto.cpu.portable():
        assert nocrypto.cpu.features() == frozenset()
        assert nocrypto.cpu.is_portable()
    assert nocrypto.cpu.features() == nocrypto.cpu.detected()


def test_features_are_named() -> None:
    assert nocrypto.cpu.detected() <= set(nocrypto.cpu._NAMES)


def test_environment_variable_forces_portable() -> None:
    env = dict(os.environ, NOCRYPTO_PORTABLE="1")
    code = "import nocrypto.cpu as c; print(sorted(c.features()), c.is_portable())"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, check=True).stdout
    assert out.strip() == "[] True"


@given(st.binary(max_size=100), st.binary(max_size=100))
def test_compare_digest_matches_equality(a: bytes, b: bytes) -> None:
    assert compare_digest(a, b) == (a == b)
    assert compare_digest(a, a)
