"""Test-only certificate factory (pyca/cryptography as the oracle CA)."""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass
from typing import Any

from cryptography import x509 as cx
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from tlspy import x509

NOW = dt.datetime(2025, 6, 1, tzinfo=dt.timezone.utc)


@dataclass
class Issued:
    cert: x509.Certificate
    key: ec.EllipticCurvePrivateKey
    pyca: cx.Certificate


def _name(cn: str) -> cx.Name:
    return cx.Name([cx.NameAttribute(NameOID.COMMON_NAME, cn)])


def issue(cn: str, issuer: Issued | None = None, *, ca: bool = False, path_len: int | None = None,
          sans: list[Any] | None = None, eku: list[Any] | None = None,
          days: tuple[int, int] = (-10, 10), nc: cx.NameConstraints | None = None,
          key: ec.EllipticCurvePrivateKey | None = None,
          extra: list[tuple[Any, bool]] | None = None) -> Issued:
    key = key or ec.generate_private_key(ec.SECP256R1())
    b = (cx.CertificateBuilder().subject_name(_name(cn))
         .issuer_name(issuer.pyca.subject if issuer else _name(cn))
         .public_key(key.public_key()).serial_number(cx.random_serial_number())
         .not_valid_before(NOW + dt.timedelta(days=days[0]))
         .not_valid_after(NOW + dt.timedelta(days=days[1])))
    b = b.add_extension(cx.BasicConstraints(ca, path_len if ca else None), critical=True)
    b = b.add_extension(cx.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    signer_key = issuer.key if issuer else key
    b = b.add_extension(cx.AuthorityKeyIdentifier.from_issuer_public_key(signer_key.public_key()),
                        critical=False)
    if ca:
        b = b.add_extension(cx.KeyUsage(False, False, False, False, False, True, True, False, False),
                            critical=True)
    else:
        b = b.add_extension(cx.ExtendedKeyUsage(eku or [ExtendedKeyUsageOID.SERVER_AUTH]),
                            critical=False)
    if sans:
        b = b.add_extension(cx.SubjectAlternativeName(sans), critical=False)
    if nc is not None:
        b = b.add_extension(nc, critical=True)
    for value, critical in extra or ():
        b = b.add_extension(value, critical=critical)
    pyca = b.sign(signer_key, hashes.SHA256())
    return Issued(x509.Certificate.from_der(pyca.public_bytes(serialization.Encoding.DER)), key, pyca)


def dns(*names: str) -> list[Any]:
    return [cx.DNSName(n) for n in names]


def ip(*addrs: str) -> list[Any]:
    return [cx.IPAddress(ipaddress.ip_address(a)) for a in addrs]
