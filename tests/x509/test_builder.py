"""Building and signing certificates and CSRs: output checked by pyca/cryptography
(loads, signature verifies, fields agree) and by our own validator."""

from __future__ import annotations

import datetime as dt
import ipaddress
import sys
import types
from typing import Any

import pytest
from cryptography import x509 as cx
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from tests.x509.chains import NOW
from tests.x509.pyca_ops import PycaOps
from tlspy import x509
from tlspy.x509 import builder, oids
from tlspy.x509.extensions import GeneralName
from tlspy.x509.keys import AlgorithmIdentifier, PublicKey


def _key() -> tuple[ec.EllipticCurvePrivateKey, PublicKey, builder.Signer]:
    k = ec.generate_private_key(ec.SECP256R1())
    pub = PublicKey.from_der(k.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo))
    return k, pub, lambda tbs: k.sign(tbs, ec.ECDSA(hashes.SHA256()))


ALG = AlgorithmIdentifier(oids.ECDSA_SHA256)


def _kid(pub: PublicKey) -> bytes:
    return cx.SubjectKeyIdentifier.from_public_key(
        serialization.load_der_public_key(pub.der)).digest  # type: ignore[arg-type]


def test_build_chain_validates() -> None:
    rk, rpub, rsign = _key()
    lk, lpub, _ = _key()
    root_name = x509.Name.build([("2.5.4.6", "US"), ("2.5.4.3", "Test Root")])
    start, end = NOW - dt.timedelta(days=1), NOW + dt.timedelta(days=1)
    root = builder.build_certificate(
        subject=root_name, issuer=root_name, public_key=rpub, serial=1, not_before=start,
        not_after=end, algorithm=ALG, sign=rsign, extensions=[
            builder.basic_constraints(True, 0), builder.key_usage("keyCertSign", "cRLSign"),
            builder.subject_key_identifier(_kid(rpub)),
            builder.name_constraints(permitted=[GeneralName("dns", "example.com")])])
    leaf = builder.build_certificate(
        subject=x509.Name.build([("2.5.4.3", "www.example.com")]), issuer=root_name,
        public_key=lpub, serial=2**150, not_before=start, not_after=end, algorithm=ALG,
        sign=rsign, extensions=[
            builder.basic_constraints(False), builder.key_usage("digitalSignature"),
            builder.extended_key_usage(oids.EKU_SERVER_AUTH),
            builder.subject_alt_name(GeneralName("dns", "www.example.com"),
                                     GeneralName("ip", ipaddress.ip_address("192.0.2.7").packed)),
            builder.authority_key_identifier(_kid(rpub))])
    chain = x509.verify_chain(leaf, [], [root], name="www.example.com", at=NOW, ops=PycaOps())
    assert chain.anchor == root
    # the oracle agrees on every field and the signature
    p = cx.load_der_x509_certificate(leaf.to_der())
    rk.public_key().verify(p.signature, p.tbs_certificate_bytes, ec.ECDSA(hashes.SHA256()))
    assert p.serial_number == 2**150
    assert p.subject.rfc4514_string() == "CN=www.example.com"
    san = p.extensions.get_extension_for_class(cx.SubjectAlternativeName).value
    assert san.get_values_for_type(cx.DNSName) == ["www.example.com"]
    assert p.extensions.get_extension_for_class(cx.KeyUsage).value.digital_signature
    pr = cx.load_der_x509_certificate(root.to_der())
    assert pr.extensions.get_extension_for_class(cx.BasicConstraints).value.path_length == 0
    nc = pr.extensions.get_extension_for_class(cx.NameConstraints).value
    assert nc.permitted_subtrees == [cx.DNSName("example.com")]
    assert lk is not None


def test_csr_round_trip_with_pyca() -> None:
    k, pub, sign = _key()
    csr = builder.build_csr(
        subject=x509.Name.build([("2.5.4.3", "req.example.com")]), public_key=pub,
        extensions=[builder.subject_alt_name(GeneralName("dns", "req.example.com"))],
        algorithm=ALG, sign=sign)
    p = cx.load_der_x509_csr(csr.to_der())
    assert p.is_signature_valid
    assert csr.verify_signature()
    tampered = bytearray(csr.to_der())
    tampered[-5] ^= 1
    assert not builder.CertificateSigningRequest.from_der(bytes(tampered)).verify_signature()
    assert p.subject.rfc4514_string() == "CN=req.example.com"
    assert p.extensions.get_extension_for_class(cx.SubjectAlternativeName).value \
        .get_values_for_type(cx.DNSName) == ["req.example.com"]
    # and the other way: a pyca-made CSR parses here
    theirs = (cx.CertificateSigningRequestBuilder()
              .subject_name(cx.Name([cx.NameAttribute(cx.oid.NameOID.COMMON_NAME, "x")]))
              .add_extension(cx.BasicConstraints(False, None), critical=True)
              .sign(k, hashes.SHA256()))
    ours = builder.CertificateSigningRequest.from_pem(theirs.public_bytes(serialization.Encoding.PEM))
    assert ours.subject.rfc4514() == "CN=x"
    assert ours.public_key.der == pub.der
    assert [(e.oid, e.critical) for e in ours.extensions] == [(oids.BASIC_CONSTRAINTS, True)]
    assert ours.extensions[0].parsed == x509.extensions.BasicConstraints(False, None)
    assert x509.Certificate is not None and csr.to_pem().startswith(b"-----BEGIN CERTIFICATE REQUEST")


def test_signer_for_and_key_identifier(monkeypatch: pytest.MonkeyPatch) -> None:
    """signer_for/public_key_of over nocrypto's Ed25519 entry points (a pyca
    stand-in here), and key_identifier (nocrypto SHA-1) against pyca's SKI."""
    fake = types.ModuleType("nocrypto.ed25519")

    def _priv(seed: bytes) -> ed25519.Ed25519PrivateKey:
        return ed25519.Ed25519PrivateKey.from_private_bytes(seed)

    fake.public_key = lambda seed: _priv(seed).public_key().public_bytes(  # type: ignore[attr-defined]
        serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    fake.sign = lambda seed, msg: _priv(seed).sign(msg)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "nocrypto.ed25519", fake)
    key = x509.PrivateKey("ed25519", scalar=bytes(range(32)))
    pub = builder.public_key_of(key)
    alg, sign = builder.signer_for(key)
    name = x509.Name.build([("2.5.4.3", "ed")])
    cert = builder.build_certificate(
        subject=name, issuer=name, public_key=pub, serial=7, not_before=NOW,
        not_after=NOW + dt.timedelta(days=1), algorithm=alg, sign=sign,
        extensions=[builder.subject_key_identifier(builder.key_identifier(pub))])
    p = cx.load_der_x509_certificate(cert.to_der())
    pk = p.public_key()
    assert isinstance(pk, ed25519.Ed25519PublicKey)
    pk.verify(p.signature, p.tbs_certificate_bytes)
    assert cert.subject_key_identifier == cx.SubjectKeyIdentifier.from_public_key(pk).digest


@pytest.mark.parametrize("kind", ["rsa", "p256", "p384", "ed25519"])
def test_signer_for_with_nocrypto(kind: str) -> None:
    """Self-signed certificates signed by nocrypto; pyca verifies them and our
    validator accepts them."""
    from cryptography.hazmat.primitives.asymmetric import rsa

    key: Any
    if kind == "rsa":
        key = rsa.generate_private_key(65537, 2048)
    elif kind == "ed25519":
        key = ed25519.Ed25519PrivateKey.generate()
    else:
        key = ec.generate_private_key(ec.SECP256R1() if kind == "p256" else ec.SECP384R1())
    ours = x509.PrivateKey.from_der(key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    pub = builder.public_key_of(ours)
    assert pub.der == key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    alg, sign = builder.signer_for(ours)
    name = x509.Name.build([("2.5.4.3", f"{kind} root")])
    kid = builder.key_identifier(pub)
    cert = builder.build_certificate(
        subject=name, issuer=name, public_key=pub, serial=99, not_before=NOW,
        not_after=NOW + dt.timedelta(days=1), algorithm=alg, sign=sign, extensions=[
            builder.basic_constraints(True), builder.key_usage("keyCertSign"),
            builder.subject_key_identifier(kid), builder.authority_key_identifier(kid)])
    p = cx.load_der_x509_certificate(cert.to_der())
    assert p.verify_directly_issued_by(p) is None
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    leaf_pub = PublicKey.from_der(leaf_key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo))
    leaf = builder.build_certificate(
        subject=x509.Name.build([("2.5.4.3", "a.example")]), issuer=name, public_key=leaf_pub,
        serial=100, not_before=NOW, not_after=NOW + dt.timedelta(days=1), algorithm=alg,
        sign=sign, extensions=[
            builder.extended_key_usage(oids.EKU_SERVER_AUTH),
            builder.subject_alt_name(GeneralName("dns", "a.example")),
            builder.authority_key_identifier(kid)])
    assert x509.verify_chain(leaf, [], [cert], name="a.example", at=NOW).anchor == cert
