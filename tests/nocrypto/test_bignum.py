"""The constant-time bignum core (csrc/bignum.c) against Python's integers."""

from __future__ import annotations

import platform
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nocrypto.cpu
from nocrypto._ffi import ffi, lib


def _bytes(x: int, n: int | None = None) -> bytes:
    return x.to_bytes(n if n is not None else max(1, (x.bit_length() + 7) // 8), "big")


def _mont(m: int) -> Any:
    c = ffi.new("nc_bn_mont *")
    mb = _bytes(m)
    assert lib.nc_mont_init(c, mb, len(mb)) == 0
    if nocrypto.cpu.is_portable():
        assert c.use_asm == 0
    elif platform.machine() in ("x86_64", "AMD64"):
        assert c.use_asm == 1
    return c


def _run(fn: Any, m: int, a: int, b: int) -> int:
    c = _mont(m)
    scratch = ffi.new("uint64_t[]", lib.nc_bn_scratch_limbs(c.n))
    out = ffi.new("uint8_t[]", c.nbytes)
    ab, bb = _bytes(a), _bytes(b)
    assert fn(c, out, ab, len(ab), bb, len(bb), scratch) == 0
    return int.from_bytes(ffi.buffer(out)[:], "big")


odd_moduli = st.integers(min_value=2, max_value=8192).flatmap(
    lambda bits: st.integers(min_value=max(3, 1 << (bits - 1)), max_value=(1 << bits) - 1)
).map(lambda m: m | 1)


# `impl`: hardware runs the x86-64 assembly rows, portable the C rows.
fixture_ok = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])


@fixture_ok
@given(odd_moduli, st.data())
def test_modexp_matches_pow(impl: str, m: int, data: st.DataObject) -> None:
    base = data.draw(st.integers(min_value=0, max_value=m * m - 1))
    exp = data.draw(st.integers(min_value=0, max_value=1 << min(m.bit_length(), 1024)))
    assert _run(lib.nc_bn_modexp, m, base, exp) == pow(base, exp, m)
    assert _run(lib.nc_bn_modexp_pub, m, base, exp) == pow(base, exp, m)


@fixture_ok
@given(odd_moduli, st.data())
def test_modmul_matches(impl: str, m: int, data: st.DataObject) -> None:
    a = data.draw(st.integers(min_value=0, max_value=m * m - 1))
    b = data.draw(st.integers(min_value=0, max_value=m * m - 1))
    assert _run(lib.nc_bn_modmul, m, a, b) == a * b % m


@pytest.mark.parametrize("bits", [64, 1024, 1536, 2048, 3072, 4096, 8192])
def test_specialised_sizes_edges(impl: str, bits: int) -> None:
    # All-ones moduli and bases stress every carry; m - 1 squared is 1.
    m = (1 << bits) - 1
    assert _run(lib.nc_bn_modexp, m, m - 1, 2) == 1
    assert _run(lib.nc_bn_modexp, m, m - 2, (1 << bits) - 1) == pow(m - 2, (1 << bits) - 1, m)
    p = (1 << bits) - 3 if bits > 2 else 3
    assert _run(lib.nc_bn_modexp, p, 0, 5) == 0
    assert _run(lib.nc_bn_modexp, p, 7, 0) == 1


def test_exponent_longer_than_modulus() -> None:
    m = (1 << 127) - 1
    e = (1 << 300) + 12345
    assert _run(lib.nc_bn_modexp, m, 3, e) == pow(3, e, m)


@pytest.mark.parametrize("m", [0, 1, 2, 4, 1 << 64, 1 << 8192 | 1])
def test_bad_moduli_rejected(m: int) -> None:
    c = ffi.new("nc_bn_mont *")
    mb = _bytes(m)
    assert lib.nc_mont_init(c, mb, len(mb)) == -1


def test_leading_zero_bytes_ignored() -> None:
    c = ffi.new("nc_bn_mont *")
    assert lib.nc_mont_init(c, b"\x00\x00\x01\x01", 4) == 0
    assert c.nbytes == 2


def test_overlong_base_rejected() -> None:
    c = _mont(257)
    scratch = ffi.new("uint64_t[]", lib.nc_bn_scratch_limbs(c.n))
    out = ffi.new("uint8_t[]", c.nbytes)
    assert lib.nc_bn_modexp(c, out, bytes(5), 5, b"\x01", 1, scratch) == -1
