"""Fixtures for the crypto core's tests.

`impl` runs a test twice: once with the hardware paths the CPU offers and
once forced onto portable C.  Keys and contexts choose their path when they
are created, so a test that takes `impl` creates them inside the test.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import nocrypto.cpu


@pytest.fixture(params=["hardware", "portable"])
def impl(request: pytest.FixtureRequest) -> Iterator[str]:
    with nocrypto.cpu.portable(request.param == "portable"):
        yield str(request.param)
