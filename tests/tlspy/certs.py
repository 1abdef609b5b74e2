"""Test certificates for the shell tests, made with pyca/cryptography (a
test oracle only): a CA and a leaf for localhost / 127.0.0.1, valid around
the real clock (the shell uses the system clock), written as PEM files."""

from __future__ import annotations

import atexit
import datetime as dt
import functools
import ipaddress
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509 as cx509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.asymmetric.types import CertificateIssuerPrivateKeyTypes
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


@dataclass(frozen=True)
class Files:
    ca: str
    cert: str
    key: str
    ca_der: bytes
    leaf_der: bytes


def _name(cn: str) -> cx509.Name:
    return cx509.Name([cx509.NameAttribute(NameOID.COUNTRY_NAME, "NZ"),
                       cx509.NameAttribute(NameOID.ORGANIZATION_NAME, "tlspy tests"),
                       cx509.NameAttribute(NameOID.COMMON_NAME, cn)])


_LOCK = threading.Lock()


def files(kind: str = "p256", usage: str = "server") -> Files:
    """The PKI for kind/usage, made once per process.  Tests call this from a
    server thread and a client thread at once: functools.cache alone would let
    both make their own CA on a first call, so the first call is serialised."""
    with _LOCK:
        return _make(kind, usage)


@functools.cache
def _make(kind: str, usage: str) -> Files:
    def key() -> CertificateIssuerPrivateKeyTypes:
        if kind == "rsa":
            return rsa.generate_private_key(public_exponent=65537, key_size=2048)
        if kind == "ed25519":
            return ed25519.Ed25519PrivateKey.generate()
        return ec.generate_private_key(ec.SECP256R1())

    digest = None if kind == "ed25519" else hashes.SHA256()

    ca_key, leaf_key = key(), key()
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    nb, na = now - dt.timedelta(days=1), now + dt.timedelta(days=30)
    ca = (cx509.CertificateBuilder().subject_name(_name(f"tlspy test CA {kind}"))
          .issuer_name(_name(f"tlspy test CA {kind}")).public_key(ca_key.public_key())
          .serial_number(0x1234).not_valid_before(nb).not_valid_after(na)
          .add_extension(cx509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(cx509.KeyUsage(False, False, False, False, False, True, True, False,
                                        False), critical=True)
          .add_extension(cx509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()),
                         critical=False)
          .sign(ca_key, digest))
    eku = ExtendedKeyUsageOID.SERVER_AUTH if usage == "server" else (
        ExtendedKeyUsageOID.CLIENT_AUTH)
    leaf = (cx509.CertificateBuilder().subject_name(_name("localhost"))
            .issuer_name(ca.subject).public_key(leaf_key.public_key())
            .serial_number(0x80AB0102).not_valid_before(nb).not_valid_after(na)
            .add_extension(cx509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(cx509.SubjectAlternativeName([
                cx509.DNSName("localhost"),
                cx509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                cx509.IPAddress(ipaddress.ip_address("::1"))]), critical=False)
            .add_extension(cx509.ExtendedKeyUsage([eku]), critical=False)
            .add_extension(cx509.AuthorityKeyIdentifier.from_issuer_public_key(
                ca_key.public_key()), critical=False)
            .sign(ca_key, digest))
    d = Path(tempfile.mkdtemp(prefix=f"tlspy-shell-{kind}-"))
    atexit.register(shutil.rmtree, d, ignore_errors=True)
    pem = serialization.Encoding.PEM
    (d / "ca.pem").write_bytes(ca.public_bytes(pem))
    (d / "cert.pem").write_bytes(leaf.public_bytes(pem))
    (d / "key.pem").write_bytes(leaf_key.private_bytes(
        pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    der = serialization.Encoding.DER
    return Files(str(d / "ca.pem"), str(d / "cert.pem"), str(d / "key.pem"),
                 ca.public_bytes(der), leaf.public_bytes(der))
