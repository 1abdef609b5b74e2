"""X25519 and P-256/P-384 ECDH (nocrypto.ec): RFC 7748 and Wycheproof known
answers, SEC 1 encodings, and differential tests against pyca/cryptography.

P-256 has a MULX/ADX path and X25519 (ladder and fixed base) MULX and
MULX/ADX paths beside portable C; the tests that take the `impl` fixture
run on the CPU's own path and on portable C.  (On an ADX machine the
MULX-only X25519 path is reached by tests/ct/ct_x25519.c under valgrind,
which hides ADX and compares its outputs with portable C.)

Wycheproof "acceptable" verdicts: for X25519 they are public values that
RFC 7748 accepts (twist points, non-canonical u, low-order points giving an
all-zero secret); x25519() computes them and must give the listed shared
value, and x25519_is_zero() flags the zero ones.  For ECDH over SPKI
encodings the acceptable ones are either BER/odd ASN.1 or explicit curve
parameters: the tiny strict DER reader in this test rejects both (only a
namedCurve SPKI is accepted); the remaining acceptable case, a compressed
point, is accepted and must give the listed secret.
"""

from __future__ import annotations

from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec as oec
from cryptography.hazmat.primitives.asymmetric import x25519 as ox
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nocrypto import ec
from tests import wycheproof

N256 = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
N384 = int(
    "ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973",
    16,
)
CURVES = {"secp256r1": (ec.P256, N256, oec.SECP256R1()), "secp384r1": (ec.P384, N384, oec.SECP384R1())}


# --- X25519 ---------------------------------------------------------------

def test_rfc7748_5_2_vectors(impl: str) -> None:
    k = bytes.fromhex("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4")
    u = bytes.fromhex("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c")
    assert ec.x25519(k, u).hex() == "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552"
    k = bytes.fromhex("4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d")
    u = bytes.fromhex("e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493")
    assert ec.x25519(k, u).hex() == "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957"


def test_rfc7748_5_2_iterated(impl: str) -> None:
    k = u = (9).to_bytes(32, "little")
    for i in range(1, 1001):
        k, u = ec.x25519(k, u), k
        if i == 1:
            assert k.hex() == "422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079"
    assert k.hex() == "684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51"


def test_rfc7748_6_1_diffie_hellman(impl: str) -> None:
    a = bytes.fromhex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a")
    b = bytes.fromhex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb")
    pa = ec.x25519_base(a)
    pb = ec.x25519_base(b)
    assert pa.hex() == "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"
    assert pb.hex() == "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"
    k = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742"
    assert ec.x25519(a, pb).hex() == k
    assert ec.x25519(b, pa).hex() == k


@pytest.mark.parametrize(("group", "test"), wycheproof.cases("x25519_test"))
def test_wycheproof_x25519(group: dict[str, Any], test: dict[str, Any], impl: str) -> None:
    shared = ec.x25519(bytes.fromhex(test["private"]), bytes.fromhex(test["public"]))
    assert test["result"] in ("valid", "acceptable")
    assert shared.hex() == test["shared"]
    assert ec.x25519_is_zero(shared) == ("ZeroSharedSecret" in test["flags"])


@pytest.mark.parametrize("fill", [0x00, 0xFF, 0x55, 0x80])
def test_x25519_base_agrees_with_ladder(fill: int, impl: str) -> None:
    # x25519_base uses the Edwards comb; x25519(k, 9) the Montgomery ladder
    k = bytes([fill]) * 32
    assert ec.x25519_base(k) == ec.x25519(k, (9).to_bytes(32, "little"))


def test_x25519_key_object() -> None:
    a = ec.X25519PrivateKey.generate(rng=lambda n: bytes([5]) * n)
    b = ec.X25519PrivateKey.generate()
    assert a.public_key() == ec.x25519_base(bytes([5]) * 32)
    assert a.private_bytes() == bytes([5]) * 32
    assert a.exchange(b.public_key()) == b.exchange(a.public_key())
    with pytest.raises(ec.ECError, match="small order"):
        a.exchange(bytes(32))
    with pytest.raises(ec.ECError, match="small order"):
        a.exchange((1).to_bytes(32, "little"))
    with pytest.raises(ValueError, match="32 bytes"):
        a.exchange(bytes(31))
    with pytest.raises(AttributeError):
        a._pub = b""


def test_x25519_lengths() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        ec.x25519(bytes(31), bytes(32))
    with pytest.raises(ec.ECError):
        ec.x25519(bytes(32), bytes(33))
    with pytest.raises(ValueError):
        ec.x25519_base(b"")


# impl switches the path for the whole test, which is what every example wants.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(min_size=32, max_size=32), st.binary(min_size=32, max_size=32))
def test_x25519_matches_oracle(impl: str, a: bytes, b: bytes) -> None:
    oa = ox.X25519PrivateKey.from_private_bytes(a)
    ob = ox.X25519PrivateKey.from_private_bytes(b)
    raw = serialization.Encoding.Raw, serialization.PublicFormat.Raw
    assert ec.x25519_base(a) == oa.public_key().public_bytes(*raw)
    assert ec.x25519(a, ec.x25519_base(b)) == oa.exchange(ob.public_key())


P25519 = 2**255 - 19
L25519 = 2**252 + 27742317777372353535851937790883648493
# u values at the edges of the field and of the encoding: 0, 1, p - 1, p,
# p + 1 (non-canonical), 2^255 - 1, and the same with bit 255 set (ignored).
EDGE_U = [0, 1, 9, P25519 - 1, P25519, P25519 + 1, 2**255 - 1, 2**255 + 9, 2**256 - 1]


def _oracle_x25519(k: bytes, u: bytes) -> bytes:
    """pyca's X25519(k, u); OpenSSL refuses an all-zero result, which is
    then what RFC 7748 gives."""
    try:
        return ox.X25519PrivateKey.from_private_bytes(k).exchange(ox.X25519PublicKey.from_public_bytes(u))
    except ValueError:
        return bytes(32)


def _clamped(k: bytes) -> int:
    n = int.from_bytes(k, "little")
    return (n & ~7 & ((1 << 255) - 1)) | (1 << 254)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(min_size=32, max_size=32))
def test_x25519_base_is_ladder_at_9(impl: str, k: bytes) -> None:
    # the Edwards fixed base and the Montgomery ladder meet at u = 9
    assert ec.x25519_base(k) == ec.x25519(k, (9).to_bytes(32, "little"))


@pytest.mark.parametrize(
    "k",
    [
        bytes(32),
        b"\xff" * 32,  # the largest clamped scalar
        (L25519 * 8).to_bytes(33, "little")[:32],  # 8L >= 2^255: clamps to 8L mod 2^255 + 2^254
        (2**254 + L25519 * 8 % 2**254).to_bytes(32, "little"),
        (2**254 + 8).to_bytes(32, "little"),  # the smallest clamped scalars
        (2**254).to_bytes(32, "little"),
        ((2**255 - 8) // L25519 * L25519).to_bytes(32, "little"),  # a multiple of L
    ],
)
def test_x25519_base_edge_scalars(k: bytes, impl: str) -> None:
    # every clamped scalar is >= 2^254 > L: the comb must use the full
    # clamped value, and [k]B must be the ladder's point
    assert _clamped(k) >= L25519
    raw = serialization.Encoding.Raw, serialization.PublicFormat.Raw
    expect = ox.X25519PrivateKey.from_private_bytes(k).public_key().public_bytes(*raw)
    assert ec.x25519_base(k) == expect
    assert ec.x25519(k, (9).to_bytes(32, "little")) == expect


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(min_size=32, max_size=32), st.one_of(st.binary(min_size=32, max_size=32),
                                                     st.sampled_from(EDGE_U).map(lambda n: n.to_bytes(32, "little"))))
def test_x25519_any_u_matches_oracle(impl: str, k: bytes, u: bytes) -> None:
    # any 32 bytes are a valid input: twist points, non-canonical u, bit 255
    assert ec.x25519(k, u) == _oracle_x25519(k, u)


@pytest.mark.parametrize("u", EDGE_U)
def test_x25519_edge_u(u: int, impl: str) -> None:
    k = bytes(range(7, 39))
    ub = u.to_bytes(32, "little")
    assert ec.x25519(k, ub) == _oracle_x25519(k, ub)
    # bit 255 is ignored and a non-canonical u is reduced
    assert ec.x25519(k, ub) == ec.x25519(k, ((u % 2**255) % P25519).to_bytes(32, "little"))


# --- P-256 / P-384 ECDH ---------------------------------------------------

def _der(data: bytes, pos: int) -> tuple[int, bytes, int]:
    """One strict DER TLV at pos: (tag, value, next position)."""
    if pos + 2 > len(data):
        raise ValueError("truncated")
    tag, first = data[pos], data[pos + 1]
    pos += 2
    if first < 0x80:
        length = first
    else:
        count = first & 0x7F
        if count == 0 or count > 2 or pos + count > len(data) or data[pos] == 0:
            raise ValueError("bad length")
        length = int.from_bytes(data[pos : pos + count], "big")
        if length < 0x80:
            raise ValueError("non-minimal length")
        pos += count
    if pos + length > len(data):
        raise ValueError("truncated")
    return tag, data[pos : pos + length], pos + length


EC_OID = bytes.fromhex("2a8648ce3d0201")
CURVE_OIDS = {"secp256r1": bytes.fromhex("2a8648ce3d030107"), "secp384r1": bytes.fromhex("2b81040022")}


def spki_point(der: bytes, curve: str) -> bytes:
    """The subjectPublicKey of a namedCurve EC SPKI, strictly parsed."""
    tag, body, end = _der(der, 0)
    if tag != 0x30 or end != len(der):
        raise ValueError("not one SEQUENCE")
    tag, alg, pos = _der(body, 0)
    if tag != 0x30:
        raise ValueError("no AlgorithmIdentifier")
    t1, oid, p1 = _der(alg, 0)
    t2, params, p2 = _der(alg, p1)
    if (t1, oid, t2, params, p2) != (6, EC_OID, 6, CURVE_OIDS[curve], len(alg)):
        raise ValueError("not a namedCurve key on this curve")
    tag, bits, pos = _der(body, pos)
    if tag != 3 or pos != len(body) or not bits or bits[0] != 0:
        raise ValueError("bad BIT STRING")
    return bits[1:]


def _ecdh_case(test: dict[str, Any], curve_name: str, point: bytes | None) -> None:
    curve, n, _ = CURVES[curve_name]
    d = int(test["private"], 16)
    assert 0 < d < n
    key = ec.ECPrivateKey.from_bytes(curve, d.to_bytes(curve.size, "big"))
    if point is None:
        assert test["result"] in ("invalid", "acceptable")
        return
    try:
        peer = ec.ECPublicKey.from_bytes(curve, point)
    except ec.ECError:
        assert test["result"] in ("invalid", "acceptable")
        return
    assert test["result"] in ("valid", "acceptable")
    assert key.exchange(peer).hex() == test["shared"]


@pytest.mark.parametrize("name", ["ecdh_secp256r1_test", "ecdh_secp384r1_test"])
def test_wycheproof_ecdh_spki(name: str, impl: str) -> None:
    data = wycheproof.load(name)
    seen = 0
    for group in data["testGroups"]:
        for test in group["tests"]:
            try:
                point: bytes | None = spki_point(bytes.fromhex(test["public"]), group["curve"])
            except ValueError:
                point = None
            _ecdh_case(test, group["curve"], point)
            seen += 1
    assert seen > 400


@pytest.mark.parametrize("name", ["ecdh_secp256r1_ecpoint_test", "ecdh_secp384r1_ecpoint_test"])
def test_wycheproof_ecdh_ecpoint(name: str, impl: str) -> None:
    data = wycheproof.load(name)
    for group in data["testGroups"]:
        for test in group["tests"]:
            _ecdh_case(test, group["curve"], bytes.fromhex(test["public"]))


@pytest.mark.parametrize("curve", [ec.P256, ec.P384], ids=lambda c: c.name)
def test_bad_scalars_and_points(curve: ec.Curve) -> None:
    n = N256 if curve is ec.P256 else N384
    for d in (0, n, n + 1, (1 << (8 * curve.size)) - 1):
        with pytest.raises(ec.ECError, match=r"\[1, n\)"):
            ec.ECPrivateKey.from_bytes(curve, d.to_bytes(curve.size, "big"))
    with pytest.raises(ec.ECError, match="bytes"):
        ec.ECPrivateKey.from_bytes(curve, bytes(curve.size - 1) + b"\x01" + b"\x00")
    good = ec.ECPrivateKey.from_bytes(curve, (12345).to_bytes(curve.size, "big")).public_key()
    raw = good.to_bytes()
    size = curve.size
    p = {32: 2**256 - 2**224 + 2**192 + 2**96 - 1, 48: 2**384 - 2**128 - 2**96 + 2**32 - 1}[size]
    bad = [
        b"",
        b"\x00",
        raw[:-1],
        raw + b"\x00",
        b"\x05" + raw[1:],
        raw[:-1] + bytes([raw[-1] ^ 1]),                      # off the curve
        b"\x04" + bytes(2 * size),                          # (0, 0)
        b"\x04" + (good.x + p).to_bytes(size + 1, "big")[1:] + raw[1 + size :]
        if good.x + p < 1 << (8 * size) else b"\x04" + p.to_bytes(size, "big") + raw[1 + size :],
        b"\x02" + p.to_bytes(size, "big"),                  # x >= p
    ]
    for data in bad:
        with pytest.raises(ec.ECError):
            ec.ECPublicKey.from_bytes(curve, data)
    other = ec.P384 if curve is ec.P256 else ec.P256
    k_other = ec.ECPrivateKey.from_bytes(other, (7).to_bytes(other.size, "big"))
    with pytest.raises(ec.ECError):
        k_other.exchange(good)


def test_generate_uses_rng_and_rejects_out_of_range() -> None:
    draws = [b"\xff" * 32, bytes(32), (5).to_bytes(32, "big")]
    key = ec.ECPrivateKey.generate(ec.P256, rng=lambda n: draws.pop(0))
    assert key.private_bytes() == (5).to_bytes(32, "big")
    assert draws == []
    pub = oec.derive_private_key(5, oec.SECP256R1()).public_key().public_numbers()
    assert (key.public_key().x, key.public_key().y) == (pub.x, pub.y)


def test_generate_with_the_default_rng() -> None:
    a, b = ec.ECPrivateKey.generate(ec.P384), ec.ECPrivateKey.generate(ec.P384)
    assert a.private_bytes() != b.private_bytes()
    assert a.exchange(b.public_key()) == b.exchange(a.public_key())


def test_keys_are_immutable() -> None:
    key = ec.ECPrivateKey.from_bytes(ec.P256, (9).to_bytes(32, "big"))
    with pytest.raises(AttributeError):
        key.curve = ec.P384  # type: ignore[misc]
    with pytest.raises(AttributeError):
        key.public_key().curve = ec.P384  # type: ignore[misc]


@pytest.mark.parametrize("curve_name", ["secp256r1", "secp384r1"])
@given(data=st.data())
# impl switches the path for the whole test, which is what every example wants.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_ecdh_and_encodings_match_oracle(curve_name: str, impl: str, data: st.DataObject) -> None:
    curve, n, ocurve = CURVES[curve_name]
    d1 = data.draw(st.integers(1, n - 1))
    d2 = data.draw(st.integers(1, n - 1))
    k1 = ec.ECPrivateKey.from_bytes(curve, d1.to_bytes(curve.size, "big"))
    o1 = oec.derive_private_key(d1, ocurve)
    o2 = oec.derive_private_key(d2, ocurve)
    pub2 = o2.public_key()
    for fmt in (serialization.PublicFormat.UncompressedPoint,
                serialization.PublicFormat.CompressedPoint):
        wire = pub2.public_bytes(serialization.Encoding.X962, fmt)
        ours = ec.ECPublicKey.from_bytes(curve, wire)
        assert ours.to_bytes(fmt is serialization.PublicFormat.CompressedPoint) == wire
        assert k1.exchange(ours) == o1.exchange(oec.ECDH(), pub2)
    mine = k1.public_key().to_bytes()
    assert mine == o1.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)


@pytest.mark.parametrize("curve", [ec.P256, ec.P384], ids=lambda c: c.name)
@given(data=st.binary(max_size=120), prefix=st.sampled_from([b"", b"\x02", b"\x03", b"\x04"]))
def test_point_decoder_never_crashes(curve: ec.Curve, data: bytes, prefix: bytes) -> None:
    blob = prefix + data
    try:
        pub = ec.ECPublicKey.from_bytes(curve, blob)
    except ec.ECError:
        return
    # anything accepted is a point the oracle accepts too, and round-trips
    ocurve = oec.SECP256R1() if curve is ec.P256 else oec.SECP384R1()
    opub = oec.EllipticCurvePublicKey.from_encoded_point(ocurve, blob)
    assert (pub.x, pub.y) == (opub.public_numbers().x, opub.public_numbers().y)
    assert ec.ECPublicKey.from_bytes(curve, pub.to_bytes(blob[0] != 4)) == pub


@given(st.binary(min_size=48, max_size=48))
def test_scalar_decoder_never_crashes(raw: bytes) -> None:
    for curve in (ec.P256, ec.P384):
        try:
            key = ec.ECPrivateKey.from_bytes(curve, raw[: curve.size])
        except ec.ECError:
            continue
        assert key.private_bytes() == raw[: curve.size]
