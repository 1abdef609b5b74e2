"""Which hardware paths the C core uses, and the switch that forces portable C.

Key objects choose their path when they are created, so switching affects
objects made afterwards.  ``NOCRYPTO_PORTABLE=1`` in the environment forces
the portable paths for the whole process from import on.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from nocrypto._ffi import lib

_NAMES = {
    "aesni": lib.NC_CPU_AESNI,
    "pclmulqdq": lib.NC_CPU_PCLMUL,
    "sha_ni": lib.NC_CPU_SHANI,
    "ssse3": lib.NC_CPU_SSSE3,
    "sse4_1": lib.NC_CPU_SSE41,
    "avx2": lib.NC_CPU_AVX2,
    "bmi2": lib.NC_CPU_BMI2,
    "adx": lib.NC_CPU_ADX,
    "vaes": lib.NC_CPU_VAES,
    "vpclmulqdq": lib.NC_CPU_VPCLMUL,
    "rdrand": lib.NC_CPU_RDRAND,
    "rdseed": lib.NC_CPU_RDSEED,
    "avx512": lib.NC_CPU_AVX512,
}


def _names(mask: int) -> frozenset[str]:
    return frozenset(name for name, bit in _NAMES.items() if mask & bit)


def features() -> frozenset[str]:
    """The CPU features hardware paths may use now (empty when portable)."""
    return _names(int(lib.nc_cpu_features()))


def detected() -> frozenset[str]:
    """What the CPU offers, whether or not it is being used."""
    return _names(int(lib.nc_cpu_detected()))


def force_portable(on: bool = True) -> None:
    """Make every key or context created from now on use portable C."""
    lib.nc_cpu_force_portable(1 if on else 0)


def is_portable() -> bool:
    return bool(lib.nc_cpu_is_portable())


@contextmanager
def portable(on: bool = True) -> Iterator[None]:
    """Temporarily force (or release) the portable paths."""
    before = is_portable()
    force_portable(on)
    try:
        yield
    finally:
        force_portable(before)


if os.environ.get("NOCRYPTO_PORTABLE", "") not in ("", "0"):
    force_portable(True)
