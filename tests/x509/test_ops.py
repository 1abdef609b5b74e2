"""DefaultOps: the adapter onto nocrypto's signature APIs.  nocrypto's modules
are stood in for by pyca-backed fakes with the same entry points, so the
wiring (hash names, PSS parameters, ECDSA DER -> r||s) is checked here; the
real modules are exercised by the same calls once present."""

from __future__ import annotations

import sys
import types
from typing import Any

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from hypothesis import given
from hypothesis import strategies as st

from tests.x509.chains import NOW, dns, issue
from tlspy import x509
from tlspy.x509 import oids
from tlspy.x509.keys import AlgorithmIdentifier, PublicKey, signature_algorithm
from tlspy.x509.ops import DefaultOps, UnsupportedAlgorithm, ecdsa_der_to_raw, loaded_key

H = {"sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512}


def _fake_ec() -> types.ModuleType:
    m = types.ModuleType("nocrypto.ec")

    class Curve:
        def __init__(self, name: str, size: int, pyca: ec.EllipticCurve) -> None:
            self.name, self.size, self.pyca = name, size, pyca

    class ECPublicKey:
        def __init__(self, key: ec.EllipticCurvePublicKey) -> None:
            self.key = key

        @classmethod
        def from_bytes(cls, curve: Curve, data: bytes) -> ECPublicKey:
            return cls(ec.EllipticCurvePublicKey.from_encoded_point(curve.pyca, data))

        def verify(self, signature: bytes, message: bytes, hash: str) -> bool:
            n = len(signature) // 2
            from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
            der = encode_dss_signature(int.from_bytes(signature[:n], "big"),
                                       int.from_bytes(signature[n:], "big"))
            try:
                self.key.verify(der, message, ec.ECDSA(H[hash]()))
                return True
            except InvalidSignature:
                return False

    m.P256 = Curve("secp256r1", 32, ec.SECP256R1())  # type: ignore[attr-defined]
    m.P384 = Curve("secp384r1", 48, ec.SECP384R1())  # type: ignore[attr-defined]
    m.ECPublicKey = ECPublicKey  # type: ignore[attr-defined]
    return m


def _fake_rsa() -> types.ModuleType:
    m = types.ModuleType("nocrypto.rsa")

    class RSAPublicKey:
        def __init__(self, n: int, e: int) -> None:
            self.key = rsa.RSAPublicNumbers(e, n).public_key()

        def verify_pkcs1v15(self, h: str, msg: bytes, sig: bytes) -> bool:
            try:
                self.key.verify(sig, msg, padding.PKCS1v15(), H[h]())
                return True
            except InvalidSignature:
                return False

        def verify_pss(self, h: str, msg: bytes, sig: bytes, salt_length: int | None = None,
                       mgf_hash: str | None = None) -> bool:
            try:
                self.key.verify(sig, msg, padding.PSS(padding.MGF1(H[mgf_hash or h]()),
                                                      salt_length or 0), H[h]())
                return True
            except InvalidSignature:
                return False

    m.RSAPublicKey = RSAPublicKey  # type: ignore[attr-defined]
    return m


def _fake_ed() -> types.ModuleType:
    m = types.ModuleType("nocrypto.ed25519")

    def verify(pub: bytes, msg: bytes, sig: bytes) -> bool:
        try:
            ed25519.Ed25519PublicKey.from_public_bytes(pub).verify(sig, msg)
            return True
        except InvalidSignature:
            return False

    m.verify = verify  # type: ignore[attr-defined]
    return m


@pytest.fixture
def fakes(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, mod in (("nocrypto.ec", _fake_ec()), ("nocrypto.rsa", _fake_rsa()),
                      ("nocrypto.ed25519", _fake_ed())):
        monkeypatch.setitem(sys.modules, name, mod)


def _spki(key: Any) -> PublicKey:
    return PublicKey.from_der(key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo))


def _check(key: Any, alg: AlgorithmIdentifier, sig: bytes, msg: bytes) -> None:
    ops = DefaultOps()
    sa = signature_algorithm(alg)
    assert ops.verify_signature(_spki(key), sa, msg, sig)
    assert not ops.verify_signature(_spki(key), sa, msg + b"x", sig)


@pytest.mark.usefixtures("fakes")
def test_default_ops_wiring() -> None:
    msg = b"to be signed"
    k = ec.generate_private_key(ec.SECP384R1())
    _check(k, AlgorithmIdentifier(oids.ECDSA_SHA384), k.sign(msg, ec.ECDSA(hashes.SHA384())), msg)
    r = rsa.generate_private_key(65537, 2048)
    _check(r, AlgorithmIdentifier(oids.RSA_SHA256, b"\x05\x00"),
           r.sign(msg, padding.PKCS1v15(), hashes.SHA256()), msg)
    pss_params = bytes.fromhex(
        "3034a00f300d06096086480165030402010500a11c301a06092a864886f70d010108300d0609608648"
        "0165030402010500a203020120")
    _check(r, AlgorithmIdentifier(oids.RSA_PSS, pss_params),
           r.sign(msg, padding.PSS(padding.MGF1(hashes.SHA256()), 32), hashes.SHA256()), msg)
    e = ed25519.Ed25519PrivateKey.generate()
    _check(e, AlgorithmIdentifier(oids.ED25519), e.sign(msg), msg)


@pytest.mark.usefixtures("fakes")
def test_verify_chain_with_default_ops() -> None:
    root = issue("Root", ca=True)
    leaf = issue("leaf", root, sans=dns("example.com"))
    chain = x509.verify_chain(leaf.cert, [], [root.cert], name="example.com", at=NOW)
    assert len(chain) == 2


def test_missing_primitive_is_unsupported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "nocrypto.ec", None)  # import fails
    root = issue("Root", ca=True)
    leaf = issue("leaf", root, sans=dns("example.com"))
    with pytest.raises(x509.ValidationError) as e:
        x509.verify_chain(leaf.cert, [], [root.cert], at=NOW)
    assert e.value.reason == "unsupported-signature"
    with pytest.raises(UnsupportedAlgorithm):
        DefaultOps().verify_signature(leaf.cert.public_key,
                                      signature_algorithm(AlgorithmIdentifier(oids.ECDSA_SHA256)),
                                      b"", b"")


@given(st.integers(1, 2**256 - 1), st.integers(1, 2**256 - 1))
def test_ecdsa_der_to_raw(r: int, s: int) -> None:
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
    der = encode_dss_signature(r, s)
    raw = ecdsa_der_to_raw(der, 32)
    assert raw is not None and decode_dss_signature(der) == (
        int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    assert ecdsa_der_to_raw(der + b"\x00", 32) is None
    assert ecdsa_der_to_raw(der, 16) is None or (r < 2**128 and s < 2**128)


def test_default_ops_with_nocrypto() -> None:
    """The real nocrypto primitives behind DefaultOps, on signatures made by pyca."""
    msg = b"tbsCertificate bytes"
    for curve, h, oid in ((ec.SECP256R1(), hashes.SHA256(), oids.ECDSA_SHA256),
                          (ec.SECP384R1(), hashes.SHA384(), oids.ECDSA_SHA384),
                          (ec.SECP256R1(), hashes.SHA384(), oids.ECDSA_SHA384)):
        k = ec.generate_private_key(curve)
        _check(k, AlgorithmIdentifier(oid), k.sign(msg, ec.ECDSA(h)), msg)
    r = rsa.generate_private_key(65537, 2048)
    for h, oid in ((hashes.SHA256(), oids.RSA_SHA256), (hashes.SHA384(), oids.RSA_SHA384),
                   (hashes.SHA512(), oids.RSA_SHA512)):
        _check(r, AlgorithmIdentifier(oid, b"\x05\x00"), r.sign(msg, padding.PKCS1v15(), h), msg)
    pss_params = bytes.fromhex(
        "3034a00f300d06096086480165030402010500a11c301a06092a864886f70d010108300d0609608648"
        "0165030402010500a203020120")
    _check(r, AlgorithmIdentifier(oids.RSA_PSS, pss_params),
           r.sign(msg, padding.PSS(padding.MGF1(hashes.SHA256()), 32), hashes.SHA256()), msg)
    e = ed25519.Ed25519PrivateKey.generate()
    _check(e, AlgorithmIdentifier(oids.ED25519), e.sign(msg), msg)


def test_loaded_key_is_made_once_per_public_key() -> None:
    """loaded_key keeps nocrypto's key on the PublicKey: the same object for
    every verification, which changes neither the key's equality nor what
    verifies (the real nocrypto, against pyca's signatures)."""
    from nocrypto.ec import ECPublicKey
    from nocrypto.rsa import RSAPublicKey

    msg = b"to be signed"
    r = rsa.generate_private_key(65537, 2048)
    e = ec.generate_private_key(ec.SECP256R1())
    for key, kind, alg, sig in (
        (r, RSAPublicKey, AlgorithmIdentifier(oids.RSA_SHA256, b"\x05\x00"),
         r.sign(msg, padding.PKCS1v15(), hashes.SHA256())),
        (e, ECPublicKey, AlgorithmIdentifier(oids.ECDSA_SHA256),
         e.sign(msg, ec.ECDSA(hashes.SHA256()))),
    ):
        pub = _spki(key)
        loaded = loaded_key(pub)
        assert isinstance(loaded, kind) and loaded_key(pub) is loaded
        assert pub == _spki(key) and hash(pub) == hash(_spki(key))
        for _ in range(2):
            _check(key, alg, sig, msg)
            assert DefaultOps().verify_signature(pub, signature_algorithm(alg), msg, sig)
        assert loaded_key(pub) is loaded
    with pytest.raises(UnsupportedAlgorithm):
        loaded_key(_spki(ed25519.Ed25519PrivateKey.generate()))
    with pytest.raises(UnsupportedAlgorithm):
        loaded_key(_spki(ec.generate_private_key(ec.SECP521R1())))
