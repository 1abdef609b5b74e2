"""Inside P-256/P-384 (nocrypto/csrc/ecp*.c): the constant-time inversion
(safegcd, ecp_inv.c) against Python's pow(x, -1, m), and the fixed-base
comb with signed digits on scalars whose digits hit the edges (zero, the
largest magnitude, negative runs, carries into the top window), checked
against pyca/cryptography's public keys, and the Jacobian verification
sum u1 G + u2 Q through its exceptional cases (P + P, P + -P, the
identity) and at random, against pyca's verify.  Both paths (`impl`)."""

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


# --- verification: the exceptional cases of the Jacobian formulas -------------

def _prehashed(curve: ec.Curve) -> oec.ECDSA:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric.utils import Prehashed
    return oec.ECDSA(Prehashed(hashes.SHA256() if curve.size == 32 else hashes.SHA384()))


def _verify_both(curve: ec.Curve, n: int, ocurve: oec.EllipticCurve, d: int, u1: int,
                 u2: int, r_xor: int = 0) -> tuple[bool, bool, bool]:
    """Signs nothing: builds (r, s, e) so that verification computes exactly
    u1 G + u2 Q for Q = d G, r = x(u1 G + u2 Q) mod n (or 1 when that sum is
    the identity), r then XORed with r_xor; returns (ours, pyca's, whether
    the sum is finite)."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
    k = (u1 + u2 * d) % n
    r = oec.derive_private_key(k, ocurve).public_key().public_numbers().x % n if k else 1
    r = (r ^ r_xor) % n or 1
    s = r * pow(u2, -1, n) % n          # u2 = r / s
    e = u1 * s % n                      # u1 = e / s
    assert s and r
    size = curve.size
    digest = e.to_bytes(size, "big")
    pub = ec.ECPrivateKey.from_bytes(curve, d.to_bytes(size, "big")).public_key()
    ours = pub.verify_digest(r.to_bytes(size, "big") + s.to_bytes(size, "big"), digest)
    opub = oec.derive_private_key(d, ocurve).public_key()
    try:
        opub.verify(encode_dss_signature(r, s), digest, _prehashed(curve))
        theirs = True
    except InvalidSignature:
        theirs = False
    return ours, theirs, k != 0


def _edge_scalars(n: int, w: int) -> list[tuple[int, int]]:
    """(u1, c) pairs, c = u2 d: the comb adds u1's digits to c G, so c = u1
    (one digit) makes it add P to P, c = -u1 adds P to -P (the sum is the
    identity), c = -D0 for a two-digit u1 = D0 + D1 passes through the
    identity and then adds to it, and c = 2 D1 - u1 doubles on the last digit."""
    d0, d1 = 5, 7 << (w * 10)
    one = 3 << (w * 7)
    return [(one, one), (one, n - one), (d0 + d1, n - d0), (d0 + d1, 2 * d1 - d0 - d1),
            (one, 0x1234567), (n - one, one), (n - one, n - one)]


@pytest.mark.parametrize(("curve", "n", "ocurve", "w"), CURVE_CASES, ids=["p256", "p384"])
@pytest.mark.parametrize("which_d", ["G", "-G", "other"])
def test_verify_exceptional_sums(impl: str, curve: ec.Curve, n: int, ocurve: oec.EllipticCurve,
                                 w: int, which_d: str) -> None:
    """u1 G + u2 Q where a mixed addition meets P + P, P + -P or the
    identity, for Q = G, Q = -G and another Q: valid signatures verify (as
    pyca says), an identity sum never does, and a changed r fails."""
    d = {"G": 1, "-G": n - 1, "other": 0xC0FFEE1234}[which_d]
    for u1, c in _edge_scalars(n, w):
        u2 = c * pow(d, -1, n) % n
        ours, theirs, finite = _verify_both(curve, n, ocurve, d, u1 % n, u2)
        assert ours == theirs == finite, (hex(u1), hex(c))


@pytest.mark.parametrize(("curve", "n", "ocurve", "w"), CURVE_CASES, ids=["p256", "p384"])
def test_verify_q_loop_doubles(impl: str, curve: ec.Curve, n: int, ocurve: oec.EllipticCurve,
                               w: int) -> None:
    """u1 = 0 (no comb digit) and u2 small, and u2 = n - 1: the NAF loop alone
    (starting from the identity, and the largest scalar) against pyca."""
    for d in (1, n - 1, 0xC0FFEE1234):
        for u2 in (1, 2, 3, 15, 16, 17, 31, 33, n - 1, n - 15, (n - 1) // 2):
            ours, theirs, finite = _verify_both(curve, n, ocurve, d, 0, u2)
            assert ours == theirs == finite, (hex(d), hex(u2))


@pytest.mark.parametrize(("curve", "n", "ocurve", "w"), CURVE_CASES, ids=["p256", "p384"])
@given(data=st.data())
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_verify_random_sums_match_pyca(impl: str, curve: ec.Curve, n: int,
                                       ocurve: oec.EllipticCurve, w: int,
                                       data: st.DataObject) -> None:
    """Any u1, u2 and Q: the signature built for u1 G + u2 Q verifies (unless
    the sum is the identity), and with one bit of r flipped it does not,
    both as pyca says."""
    d = data.draw(st.integers(1, n - 1))
    u1 = data.draw(st.integers(0, n - 1))
    u2 = data.draw(st.integers(1, n - 1))
    bit = data.draw(st.integers(0, 8 * curve.size - 2))
    ours, theirs, finite = _verify_both(curve, n, ocurve, d, u1, u2)
    assert ours == theirs == finite  # an identity sum (u1 = -u2 d) never verifies
    ours, theirs, _ = _verify_both(curve, n, ocurve, d, u1, u2, 1 << bit)
    assert ours == theirs
    assert not ours
