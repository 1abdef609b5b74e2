"""Test PKI for the engine tests, made with pyca/cryptography (test oracle
only): one CA per key type and a leaf for "server.test" (and
"other.test"), valid around a pinned clock."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from cryptography import x509 as cx509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from tlspy.engine import CertifiedKey
from tlspy.x509 import Certificate, PrivateKey

NOW = dt.datetime(2026, 6, 1, tzinfo=dt.timezone.utc)
NOW_TS = NOW.timestamp()
KINDS = ("ed25519", "p256", "p384", "rsa")


@dataclass(frozen=True)
class PKI:
    anchor: Certificate
    key: CertifiedKey
    ca_pem: bytes
    leaf_pem: bytes
    key_pem: bytes


def _key(kind: str):  # type: ignore[no-untyped-def]
    if kind == "ed25519":
        return ed25519.Ed25519PrivateKey.generate()
    if kind == "p256":
        return ec.generate_private_key(ec.SECP256R1())
    if kind == "p384":
        return ec.generate_private_key(ec.SECP384R1())
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _hash(kind: str):  # type: ignore[no-untyped-def]
    return None if kind == "ed25519" else hashes.SHA256()


def _name(cn: str) -> cx509.Name:
    return cx509.Name([cx509.NameAttribute(NameOID.COMMON_NAME, cn)])


@functools.cache
def pki(kind: str, names: tuple[str, ...] = ("server.test",), usage: str = "server") -> PKI:
    ca_key = _key(kind)
    leaf_key = _key(kind)
    nb, na = NOW - dt.timedelta(days=30), NOW + dt.timedelta(days=365)
    ca = (
        cx509.CertificateBuilder()
        .subject_name(_name(f"Test CA {kind}"))
        .issuer_name(_name(f"Test CA {kind}"))
        .public_key(ca_key.public_key())
        .serial_number(1)
        .not_valid_before(nb)
        .not_valid_after(na)
        .add_extension(cx509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            cx509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .add_extension(cx509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()),
                       critical=False)
        .sign(ca_key, _hash(kind))
    )
    leaf = (
        cx509.CertificateBuilder()
        .subject_name(_name(names[0]))
        .issuer_name(ca.subject)
        .public_key(leaf_key.public_key())
        .serial_number(2)
        .not_valid_before(nb)
        .not_valid_after(na)
        .add_extension(cx509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(cx509.SubjectAlternativeName([cx509.DNSName(n) for n in names]),
                       critical=False)
        .add_extension(cx509.ExtendedKeyUsage([
            ExtendedKeyUsageOID.SERVER_AUTH if usage == "server"
            else ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
        .add_extension(
            cx509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, _hash(kind))
    )
    der_key = leaf_key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    pem_key = leaf_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    der = serialization.Encoding.DER
    pem = serialization.Encoding.PEM
    return PKI(
        Certificate.from_der(ca.public_bytes(der)),
        CertifiedKey((Certificate.from_der(leaf.public_bytes(der)),),
                     PrivateKey.from_der(der_key)),
        ca.public_bytes(pem),
        leaf.public_bytes(pem),
        pem_key,
    )
