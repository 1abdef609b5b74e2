"""Inside P-256/P-384 (nocrypto/csrc/ecp*.c): the constant-time inversion
(safegcd, ecp_inv.c) against Python's pow(x, -1, m), and the fixed-base
comb with signed digits on scalars whose digits hit the edges (zero, the
largest magnitude, negative runs, carries into the top window), checked
against pyca/cryptography's public keys.  Both paths (`impl`)."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric import ec as oec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nocrypto import ec
from nocrypto._ffi import ffi, lib

P256 = 2**256 - 2**224 + 2**192 + 2**96 - 1
N256 = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
P384 = 2**384 - 2**128 - 2**96 + 2**32 - 1
N384 = int(
    "ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973",
    16,
)
# (curve, modulus selector, modulus, byte size)
MODULI = [
    (ec.P256, 0, P256, 32),
    (ec.P256, 1, N256, 32),
    (ec.P384, 0, P384, 48),
    (ec.P384, 1, N384, 48),
]
MODULUS_IDS = ["p256-p", "p256-n", "p384-p", "p384-n"]


def _inverse(curve: ec.Curve, which: int, x: int, size: int) -> int | None:
    out = ffi.new("uint8_t[]", size)
    if not lib.nc_ec_inverse(curve._id, which, out, x.to_bytes(size, "big")):
        return None
    return int.from_bytes(bytes(out), "big")


def _edge_values(m: int, bits: int) -> list[int]:
    vals = [0, 1, 2, 3, m - 1, m - 2, (m - 1) // 2, (m + 1) // 2]
    vals += [1 << i for i in range(0, bits, 7) if 1 << i < m]
    vals += [(1 << i) - 1 for i in range(2, bits, 9)]
    vals += [m - (1 << i) for i in range(0, bits - 1, 11)]
    return vals


@pytest.mark.parametrize(("curve", "which", "m", "size"), MODULI, ids=MODULUS_IDS)
def test_inverse_edges(impl: str, curve: ec.Curve, which: int, m: int, size: int) -> None:
    for x in _edge_values(m, 8 * size):
        got = _inverse(curve, which, x, size)
        assert got == (pow(x, -1, m) if x else 0), hex(x)


@pytest.mark.parametrize(("curve", "which", "m", "size"), MODULI, ids=MODULUS_IDS)
def test_inverse_rejects_unreduced(curve: ec.Curve, which: int, m: int, size: int) -> None:
    assert _inverse(curve, which, m, size) is None
    assert _inverse(curve, which, 2 ** (8 * size) - 1, size) is None
    assert _inverse(curve, 2, 1, size) is None


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_inverse_random(impl: str, data: st.DataObject) -> None:
    curve, which, m, size = data.draw(st.sampled_from(MODULI))
    x = data.draw(st.integers(1, m - 1))
    got = _inverse(curve, which, x, size)
    assert got is not None and got * x % m == 1


# --- the fixed-base comb ----------------------------------------------------

def _digit_patterns(bits: int, w: int) -> list[int]:
    """Scalars whose radix-2^w signed digits are all maximal, all minimal,
    alternate, or carry into the top window."""
    ones = (1 << bits) - 1
    top = sum(1 << i for i in range(w - 1, bits, w))      # each window 100..0 -> digit 2^(w-1)
    mins = sum(((1 << w) - 1) << i for i in range(0, bits - w, 2 * w))
    return [ones, top, ones ^ top, mins, ones ^ mins, 1 << (bits - 1), (1 << (bits - 1)) - 1,
            ones >> 1, 0x5555555555555555 * (ones // 0xFFFFFFFFFFFFFFFF)]


CURVE_CASES = [(ec.P256, N256, oec.SECP256R1(), 6), (ec.P384, N384, oec.SECP384R1(), 5)]


def _check_public(curve: ec.Curve, n: int, ocurve: oec.EllipticCurve, d: int) -> None:
    d %= n
    if d == 0:
        return
    key = ec.ECPrivateKey.from_bytes(curve, d.to_bytes(curve.size, "big"))
    nums = oec.derive_private_key(d, ocurve).public_key().public_numbers()
    pub = key.public_key()
    assert (pub.x, pub.y) == (nums.x, nums.y), hex(d)


@pytest.mark.parametrize(("curve", "n", "ocurve", "w"), CURVE_CASES, ids=["p256", "p384"])
def test_comb_digit_edges(impl: str, curve: ec.Curve, n: int, ocurve: oec.EllipticCurve,
                          w: int) -> None:
    bits = 8 * curve.size
    for d in [*_digit_patterns(bits, w), n - 1, n - 2, (n + 1) // 2, 1, 2, 31, 32, 33, 64]:
        _check_public(curve, n, ocurve, d)


@pytest.mark.parametrize(("curve", "n", "ocurve", "w"), CURVE_CASES, ids=["p256", "p384"])
def test_comb_verify_edges(impl: str, curve: ec.Curve, n: int, ocurve: oec.EllipticCurve,
                           w: int) -> None:
    """Verification runs the variable-time comb on u1 = e/s: signatures
    built so that u1 is each digit pattern must verify, a changed one not."""
    d, k = 12345, 0xC0FFEE
    pub = ec.ECPrivateKey.from_bytes(curve, d.to_bytes(curve.size, "big")).public_key()
    r = oec.derive_private_key(k, ocurve).public_key().public_numbers().x % n
    for t in _digit_patterns(8 * curve.size, w):
        t %= n
        # s (k - t) = r d makes e = t s satisfy s = (e + r d) / k, so u1 = e / s = t
        s = r * d * pow(k - t, -1, n) % n
        e = t * s % n
        sig = r.to_bytes(curve.size, "big") + s.to_bytes(curve.size, "big")
        assert pub.verify_digest(sig, e.to_bytes(curve.size, "big")), hex(t)
        assert not pub.verify_digest(sig, ((e + 1) % n).to_bytes(curve.size, "big"))


# --- sign(): hashing and signing in one C call ---------------------------------

@pytest.mark.parametrize(("curve", "hash_name"), [(ec.P256, "sha256"), (ec.P256, "sha512"),
                                                  (ec.P384, "sha384"), (ec.P384, "sha1")])
def test_sign_message_matches_sign_digest(impl: str, curve: ec.Curve, hash_name: str) -> None:
    key = ec.ECPrivateKey.from_bytes(curve, (987654321).to_bytes(curve.size, "big"))
    msg = bytes(range(200))
    digest = ec._digest(hash_name, msg)
    want = key.sign_digest(digest, hash_name)
    assert key.sign(msg, hash_name) == want
    assert key.sign(bytearray(msg), hash_name) == want
    assert key.sign(memoryview(msg), hash_name) == want
    assert key.sign(msg, hash_name.upper()) == want
    hedged = key.sign(msg, hash_name, extra=b"\x07" * 32)
    assert hedged == key.sign_digest(digest, hash_name, extra=b"\x07" * 32) != want
    assert key.public_key().verify(hedged, msg, hash_name)
    assert key.sign(b"", hash_name) == key.sign_digest(ec._digest(hash_name, b""), hash_name)


# --- variable-base multiplication (ECDH): signed 5-bit windows ---------------

@pytest.mark.parametrize(("curve", "n", "ocurve"), [(ec.P256, N256, oec.SECP256R1()),
                                                    (ec.P384, N384, oec.SECP384R1())],
                         ids=["p256", "p384"])
def test_ecdh_digit_edges(impl: str, curve: ec.Curve, n: int, ocurve: oec.EllipticCurve) -> None:
    opeer = oec.derive_private_key(0xBADC0DE, ocurve)
    nums = opeer.public_key().public_numbers()
    peer = ec.ECPublicKey.from_xy(curve, nums.x, nums.y)
    bits = 8 * curve.size
    for d in [*_digit_patterns(bits, 5), n - 1, n - 2, (n + 1) // 2, 1, 2, 15, 16, 17, 0xBADC0DE]:
        d %= n
        if d == 0:
            continue
        key = ec.ECPrivateKey.from_bytes(curve, d.to_bytes(curve.size, "big"))
        want = oec.derive_private_key(d, ocurve).exchange(oec.ECDH(), opeer.public_key())
        assert key.exchange(peer) == want, hex(d)
