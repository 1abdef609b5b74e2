"""ECDSA on P-256 and P-384 (nocrypto.ec): RFC 6979 deterministic signatures
(A.2.5, A.2.6, as OpenSSL's evppkey_ecdsa_rfc6979.txt in cryptography-vectors
carries them), Wycheproof verification, and differential tests against
pyca/cryptography.

P-256 has a MULX/ADX path beside portable C; the tests that take the
`impl` fixture run on both.

Wycheproof's ECDSA files have no "acceptable" cases.  Their signatures are
DER; the strict decoder below rejects any BER, extra bytes, negative or
non-minimal integers, and a signature it rejects must be an invalid case.
"""

from __future__ import annotations

import hashlib
from typing import Any

import cryptography_vectors
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec as oec
from cryptography.hazmat.primitives.asymmetric import utils
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nocrypto import ec
from tests import wycheproof

N = {
    "secp256r1": 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551,
    "secp384r1": int("ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf"
                     "581a0db248b0a77aecec196accc52973", 16),
}
CURVES = {"secp256r1": (ec.P256, oec.SECP256R1()), "secp384r1": (ec.P384, oec.SECP384R1())}
OHASH = {"sha1": hashes.SHA1(), "sha224": hashes.SHA224(), "sha256": hashes.SHA256(),
         "sha384": hashes.SHA384(), "sha512": hashes.SHA512()}


def der_rs(sig: bytes) -> tuple[int, int]:
    """Strict DER SEQUENCE { INTEGER r, INTEGER s }; ValueError otherwise."""

    def tlv(data: bytes, pos: int) -> tuple[int, bytes, int]:
        if pos + 2 > len(data):
            raise ValueError("truncated")
        tag, length = data[pos], data[pos + 1]
        pos += 2
        if length == 0x81:
            if pos >= len(data) or data[pos] < 0x80:
                raise ValueError("non-minimal length")
            length = data[pos]
            pos += 1
        elif length > 0x80:
            raise ValueError("unsupported length")
        elif length == 0x80:
            raise ValueError("indefinite length")
        if pos + length > len(data):
            raise ValueError("truncated")
        return tag, data[pos : pos + length], pos + length

    def integer(body: bytes) -> int:
        if not body or body[0] & 0x80:
            raise ValueError("empty or negative INTEGER")
        if len(body) > 1 and body[0] == 0 and not body[1] & 0x80:
            raise ValueError("non-minimal INTEGER")
        return int.from_bytes(body, "big")

    tag, seq, end = tlv(sig, 0)
    if tag != 0x30 or end != len(sig):
        raise ValueError("not one SEQUENCE")
    t1, r, pos = tlv(seq, 0)
    t2, s, pos = tlv(seq, pos)
    if (t1, t2) != (2, 2) or pos != len(seq):
        raise ValueError("not two INTEGERs")
    return integer(r), integer(s)


def _rfc6979_cases() -> list[Any]:
    path = "asymmetric/ECDSA/RFC6979/evppkey_ecdsa_rfc6979.txt"
    with cryptography_vectors.open_vector_file(path, "r") as f:
        text = f.read()
    cases = []
    for section in text.split("Title = ")[1:]:
        curve = {"P-256": "secp256r1", "P-384": "secp384r1"}.get(section.split()[2])
        if curve is None:
            continue
        pem = section[section.index("-----BEGIN PRIVATE KEY-----"):]
        pem = pem[: pem.index("-----END PRIVATE KEY-----") + 25]
        key = serialization.load_pem_private_key(pem.encode(), None)
        assert isinstance(key, oec.EllipticCurvePrivateKey)
        d = key.private_numbers().private_value
        for block in section.split("\n\n"):
            fields = dict(line.split(" = ", 1) for line in block.splitlines() if " = " in line)
            if "DigestSign" in fields:
                cases.append(pytest.param(
                    curve, d, fields["DigestSign"].lower(), fields["Input"].strip('"'),
                    fields["Output"], id=f"{curve}-{fields['DigestSign']}-{fields['Input']}"))
    return cases


RFC6979 = _rfc6979_cases()


def test_rfc6979_cases_found() -> None:
    # sample and test, SHA-1/224/256/384/512, on both curves
    assert len(RFC6979) == 20


@pytest.mark.parametrize(("curve", "d", "hash_name", "message", "output"), RFC6979)
def test_rfc6979(curve: str, d: int, hash_name: str, message: str, output: str,
                 impl: str) -> None:
    c = CURVES[curve][0]
    key = ec.ECPrivateKey.from_bytes(c, d.to_bytes(c.size, "big"))
    sig = key.sign(message.encode(), hash_name)
    assert ec.decode_rs(c, sig) == der_rs(bytes.fromhex(output))
    assert key.public_key().verify(sig, message.encode(), hash_name)
    assert not key.public_key().verify(sig, message.encode() + b".", hash_name)


@pytest.mark.parametrize(
    "name", ["ecdsa_secp256r1_sha256_test", "ecdsa_secp384r1_sha384_test"])
def test_wycheproof(name: str, impl: str) -> None:
    data = wycheproof.load(name)
    counts = {"valid": 0, "invalid": 0}
    for group in data["testGroups"]:
        curve = CURVES[group["publicKey"]["curve"]][0]
        pub = ec.ECPublicKey.from_bytes(curve, bytes.fromhex(group["publicKey"]["uncompressed"]))
        hash_name = group["sha"].replace("-", "").lower()
        for test in group["tests"]:
            digest = hashlib.new(hash_name, bytes.fromhex(test["msg"])).digest()
            try:
                r, s = der_rs(bytes.fromhex(test["sig"]))
                ok = (r < 1 << (8 * curve.size) and s < 1 << (8 * curve.size)
                      and pub.verify_digest(ec.encode_rs(curve, r, s), digest))
            except ValueError:
                ok = False
            assert test["result"] in counts
            assert ok == (test["result"] == "valid"), test["tcId"]
            counts[test["result"]] += 1
    assert counts["valid"] > 100 and counts["invalid"] > 100


@pytest.mark.parametrize("curve_name", ["secp256r1", "secp384r1"])
def test_bad_signatures_rejected(curve_name: str) -> None:
    curve, _ = CURVES[curve_name]
    n = N[curve_name]
    key = ec.ECPrivateKey.from_bytes(curve, (424242).to_bytes(curve.size, "big"))
    pub = key.public_key()
    digest = hashlib.sha256(b"m").digest()
    sig = key.sign_digest(digest, "sha256")
    r, s = ec.decode_rs(curve, sig)
    assert pub.verify_digest(sig, digest)
    for rr, ss in ((0, s), (r, 0), (r + n, s), (r, s + n), (r, s % (n - 1) + 1), (n, n)):
        if rr < 1 << (8 * curve.size) and ss < 1 << (8 * curve.size):
            assert not pub.verify_digest(ec.encode_rs(curve, rr, ss), digest)
    assert not pub.verify_digest(sig[:-1], digest)
    assert not pub.verify_digest(sig + b"\x00", digest)
    assert not pub.verify_digest(sig, b"")
    with pytest.raises(ValueError, match="unknown hash"):
        key.sign(b"m", "md5")
    with pytest.raises(ValueError):
        key.sign_digest(b"", "sha256")
    with pytest.raises(ec.ECError):
        ec.decode_rs(curve, sig[1:])
    with pytest.raises(ec.ECError):
        ec.encode_rs(curve, -1, 1)


def test_hedged_signatures_differ_and_verify() -> None:
    key = ec.ECPrivateKey.from_bytes(ec.P256, (77).to_bytes(32, "big"))
    plain = key.sign(b"msg", "sha256")
    assert plain == key.sign(b"msg", "sha256")
    h1 = key.sign(b"msg", "sha256", extra=b"\x01" * 32)
    h2 = key.sign(b"msg", "sha256", extra=b"\x02" * 32)
    assert len({plain, h1, h2}) == 3
    for sig in (h1, h2):
        assert key.public_key().verify(sig, b"msg", "sha256")


@pytest.mark.parametrize("curve_name", ["secp256r1", "secp384r1"])
@given(data=st.data())
# impl switches the path for the whole test, which is what every example wants.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_matches_oracle(curve_name: str, impl: str, data: st.DataObject) -> None:
    curve, ocurve = CURVES[curve_name]
    d = data.draw(st.integers(1, N[curve_name] - 1))
    msg = data.draw(st.binary(max_size=100))
    hash_name = data.draw(st.sampled_from(sorted(OHASH)))
    extra = data.draw(st.none() | st.binary(min_size=1, max_size=48))
    key = ec.ECPrivateKey.from_bytes(curve, d.to_bytes(curve.size, "big"))
    okey = oec.derive_private_key(d, ocurve)
    sig = key.sign(msg, hash_name, extra=extra)
    okey.public_key().verify(utils.encode_dss_signature(*ec.decode_rs(curve, sig)), msg,
                             oec.ECDSA(OHASH[hash_name]))
    osig = okey.sign(msg, oec.ECDSA(OHASH[hash_name]))
    assert key.public_key().verify(ec.encode_rs(curve, *utils.decode_dss_signature(osig)),
                                   msg, hash_name)
    assert not key.public_key().verify(sig, msg + b"x", hash_name)
