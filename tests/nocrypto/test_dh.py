"""Finite-field DH (nocrypto.dh): the RFC 7919 groups, agreement with
pyca/cryptography, peer-value checks, output length."""

from __future__ import annotations

import random
import warnings
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nocrypto import dh

with warnings.catch_warnings():  # pyca deprecates FFDH; it is only the oracle here
    warnings.simplefilter("ignore")
    from cryptography.hazmat.primitives.asymmetric import dh as cdh
    from cryptography.hazmat.primitives.serialization import load_pem_parameters

VECTORS = Path(__file__).parent.parent / "vectors" / "ffdhe"
NAMES = ["ffdhe2048", "ffdhe3072", "ffdhe4096", "ffdhe6144", "ffdhe8192"]

pytestmark = pytest.mark.filterwarnings("ignore:Diffie-Hellman over finite fields")


def det_rng(seed: int = 1) -> dh.Rng:
    return random.Random(seed).randbytes


def oracle_params(name: str) -> Any:
    return load_pem_parameters((VECTORS / f"{name}.pem").read_bytes())


@pytest.mark.parametrize("name", NAMES)
def test_groups_match_openssl(name: str) -> None:
    grp = dh.group(name)
    nums = oracle_params(name).parameter_numbers()
    assert (grp.p, grp.g) == (nums.p, nums.g)
    assert grp.p.bit_length() == int(name[5:]) == 8 * grp.size_bytes
    assert grp.name == name
    assert getattr(dh, name.upper()) is grp


def test_ffdhe2048_prefix() -> None:
    # RFC 7919 A.1, first 32 bytes of p
    assert dh.FFDHE2048.p.to_bytes(256, "big")[:32].hex() == (
        "ffffffffffffffffadf85458a2bb4a9aafdc5620273d3cf1d8b9c583ce2d3695")


def test_unknown_group() -> None:
    with pytest.raises(ValueError, match="unknown DH group"):
        dh.group("ffdhe1024")


@settings(max_examples=6)
@given(st.sampled_from(NAMES[:3]), st.integers(0, 2**32))
def test_agrees_with_oracle(name: str, seed: int) -> None:
    grp = dh.group(name)
    okey = oracle_params(name).generate_private_key()
    oy = okey.public_key().public_numbers().y
    key = grp.generate_private(det_rng(seed))
    z = key.exchange(oy)
    assert len(z) == grp.size_bytes
    peer = cdh.DHPublicNumbers(int.from_bytes(key.public_value(), "big"),
                               oracle_params(name).parameter_numbers()).public_key()
    oz = okey.exchange(peer)
    assert int.from_bytes(z, "big") == int.from_bytes(oz, "big")
    assert key.exchange(oy.to_bytes(grp.size_bytes, "big")) == z
    assert key.exchange(oy.to_bytes((oy.bit_length() + 7) // 8, "big")) == z


def test_private_from_bytes_matches_oracle() -> None:
    okey = oracle_params("ffdhe2048").generate_private_key()
    x = okey.private_numbers().x
    key = dh.FFDHE2048.private_from_bytes(x.to_bytes(256, "big"))
    assert int.from_bytes(key.public_value(), "big") == okey.public_key().public_numbers().y
    for bad in (0, 1, dh.FFDHE2048.p - 1, dh.FFDHE2048.p):
        with pytest.raises(dh.DHError):
            dh.FFDHE2048.private_from_bytes(bad.to_bytes(256, "big"))


def test_two_of_ours_agree_all_groups() -> None:
    for i, name in enumerate(NAMES):
        grp = dh.group(name)
        a, b = grp.generate_private(det_rng(i)), grp.generate_private(det_rng(100 + i))
        assert a.exchange(b.public_value()) == b.exchange(a.public_value())
        assert len(a.public_value()) == grp.size_bytes


def test_exponent_length() -> None:
    for name, bits in zip(NAMES, [256, 320, 384, 448, 512], strict=True):
        assert dh.group(name).exponent_bits == bits
    # the exponent has exactly exponent_bits bits: check via a known base
    grp = dh.FFDHE2048
    rng = det_rng(5)
    raw = det_rng(5)(32)
    key = grp.generate_private(rng)
    x = int.from_bytes(raw, "big") | (1 << 255)
    assert key.public_value() == pow(2, x, grp.p).to_bytes(256, "big")


def test_leading_zeros_kept() -> None:
    grp = dh.FFDHE2048
    b = grp.generate_private(det_rng(0))
    for seed in range(1, 3000):
        a = grp.generate_private(det_rng(seed))
        z = a.exchange(b.public_value())
        if z[0] == 0:
            assert len(z) == 256
            assert b.exchange(a.public_value()) == z
            return
    pytest.fail("no shared secret with a leading zero byte in 3000 tries")


@pytest.mark.parametrize("y", [0, 1, "p-1", "p", "p+1", -1])
def test_bad_peer_values(y: int | str) -> None:
    grp = dh.FFDHE2048
    key = grp.generate_private(det_rng())
    p = grp.p
    value = {"p-1": p - 1, "p": p, "p+1": p + 1}.get(y, y) if isinstance(y, str) else y
    with pytest.raises(dh.InvalidPublicValueError):
        key.exchange(value)
    if value >= 0 and value.bit_length() <= 2048:
        with pytest.raises(dh.InvalidPublicValueError):
            key.exchange(value.to_bytes(256, "big"))


def test_overlong_peer_bytes() -> None:
    key = dh.FFDHE2048.generate_private(det_rng())
    with pytest.raises(dh.InvalidPublicValueError):
        key.exchange(b"\x00" + key.public_value())
    with pytest.raises(dh.InvalidPublicValueError):
        key.exchange(b"")


def test_custom_group_agrees_with_oracle() -> None:
    p = dh.FFDHE2048.p
    grp = dh.DHGroup(p, 5)
    assert grp.exponent_bits == 2047
    params = cdh.DHParameterNumbers(p, 5).parameters()
    okey = params.generate_private_key()
    key = grp.generate_private(det_rng(9))
    z = key.exchange(okey.public_key().public_numbers().y)
    peer = cdh.DHPublicNumbers(int.from_bytes(key.public_value(), "big"),
                               params.parameter_numbers()).public_key()
    assert int.from_bytes(z, "big") == int.from_bytes(okey.exchange(peer), "big")


def test_shared_secret_one_refused() -> None:
    # y = 4 is a square, so y^q = 1 for the subgroup order q = (p - 1) / 2:
    # an exponent x = q makes the shared secret 1, which must be refused.
    p = dh.FFDHE2048.p
    q = (p - 1) // 2
    grp = dh.DHGroup(p, 4)
    key = grp.private_from_bytes(q.to_bytes(256, "big"))
    with pytest.raises(dh.InvalidPublicValueError, match="of 1"):
        key.exchange(4)


@pytest.mark.parametrize(("p", "g"), [(2**2048, 2), (dh.FFDHE2048.p + 1, 2), (2**510 + 1, 2),
                                      (dh.FFDHE2048.p, 1), (dh.FFDHE2048.p, 0),
                                      (dh.FFDHE2048.p, dh.FFDHE2048.p - 1), (-7, 2),
                                      (2**8192 + 1, 2)])
def test_bad_groups(p: int, g: int) -> None:
    with pytest.raises(dh.InvalidGroupError):
        dh.DHGroup(p, g)


def test_immutable() -> None:
    key = dh.FFDHE2048.generate_private(det_rng())
    with pytest.raises(AttributeError):
        key._pub = b""  # type: ignore[misc]
    with pytest.raises(AttributeError):
        dh.FFDHE2048._p = 5  # type: ignore[misc]


def test_default_rng() -> None:
    a, b = dh.FFDHE3072.generate_private(), dh.FFDHE3072.generate_private()
    assert a.public_value() != b.public_value()
    assert a.exchange(b.public_value()) == b.exchange(a.public_value())


def test_both_paths_agree(impl: str) -> None:
    # groups made inside the test take the path `impl` selects
    for name in ("ffdhe2048", "ffdhe3072"):
        grp = dh.DHGroup(dh.group(name).p, 2, exponent_bits=256)
        a, b = grp.generate_private(det_rng(1)), grp.generate_private(det_rng(2))
        x = int.from_bytes(det_rng(1)(32), "big") | (1 << 255)
        assert a.public_value() == pow(2, x, grp.p).to_bytes(grp.size_bytes, "big")
        assert a.exchange(b.public_value()) == b.exchange(a.public_value())
