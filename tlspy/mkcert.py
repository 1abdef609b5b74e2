"""`tlspy cert`: a local CA and a leaf certificate for development and
tests, in the spirit of trustme and mkcert.

    tlspy cert [--dir D] [--key-type rsa2048|p256|ed25519] [NAMES...]

writes ``ca.pem`` (the CA certificate to trust), ``cert.pem`` (the leaf,
then the CA: the chain a server sends) and ``key.pem`` (the leaf's key,
PKCS#8 PEM), plus ``ca-key.pem`` so more leaves can be made later.  NAMES
default to localhost, 127.0.0.1 and ::1; IP literals become iPAddress
names, the rest dNSName.  Keys come from nocrypto, certificates from
tlspy.x509.builder; the files load in OpenSSL and in the stdlib ssl module.
"""

from __future__ import annotations

import argparse
import datetime as dt
import ipaddress
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from nocrypto.rng import random_bytes
from tlspy.x509 import Certificate, PrivateKey
from tlspy.x509 import builder as b
from tlspy.x509.extensions import GeneralName
from tlspy.x509.keys import pem_encode
from tlspy.x509.name import Name

KEY_TYPES = ("rsa2048", "p256", "ed25519")
DEFAULT_NAMES = ("localhost", "127.0.0.1", "::1")
_CN = "2.5.4.3"
_O = "2.5.4.10"
_SERVER_AUTH = "1.3.6.1.5.5.7.3.1"
_CLIENT_AUTH = "1.3.6.1.5.5.7.3.2"


def new_key(key_type: str) -> PrivateKey:
    """A fresh private key: RSA-2048, ECDSA P-256 or Ed25519."""
    if key_type == "rsa2048":
        from nocrypto import rsa

        return PrivateKey("rsa", rsa=rsa.generate(2048).private_numbers())
    if key_type == "p256":
        from nocrypto import ec

        k = ec.ECPrivateKey.generate(ec.P256)
        return PrivateKey("ec", curve="secp256r1", scalar=k.private_bytes(),
                          public=k.public_key().to_bytes())
    if key_type == "ed25519":
        return PrivateKey("ed25519", scalar=random_bytes(32))
    raise ValueError(f"unknown key type {key_type!r} (choose {', '.join(KEY_TYPES)})")


def _general_name(name: str) -> GeneralName:
    try:
        return GeneralName("ip", ipaddress.ip_address(name.strip("[]")).packed)
    except ValueError:
        pass
    try:
        ascii_name = name.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise ValueError(f"{name!r} is neither a host name nor an IP address") from None
    if not ascii_name or ascii_name.startswith(".") or " " in ascii_name:
        raise ValueError(f"{name!r} is neither a host name nor an IP address")
    return GeneralName("dns", ascii_name)


def _serial() -> int:
    return int.from_bytes(random_bytes(16), "big") >> 1 | 1


@dataclass(frozen=True)
class Issued:
    ca: Certificate
    ca_key: PrivateKey
    leaf: Certificate
    key: PrivateKey


def issue(names: Sequence[str] = DEFAULT_NAMES, key_type: str = "p256", *,
          days: int = 825, now: dt.datetime | None = None) -> Issued:
    """A new CA and a leaf for ``names`` (server and client auth), both
    with ``key_type`` keys, valid from an hour ago for ``days`` days."""
    if not names:
        raise ValueError("give at least one name")
    sans = [_general_name(n) for n in names]
    start = (now or dt.datetime.now(dt.timezone.utc)).replace(microsecond=0)
    start -= dt.timedelta(hours=1)
    ca_key, leaf_key = new_key(key_type), new_key(key_type)
    ca_pub, leaf_pub = b.public_key_of(ca_key), b.public_key_of(leaf_key)
    ca_id = b.key_identifier(ca_pub)
    tag = random_bytes(4).hex()
    ca_name = Name.build([(_O, "tlspy development CA"), (_CN, f"tlspy CA {tag}")])
    alg, sign = b.signer_for(ca_key)
    ca = b.build_certificate(
        subject=ca_name, issuer=ca_name, public_key=ca_pub, serial=_serial(),
        not_before=start, not_after=start + dt.timedelta(days=days + 1),
        extensions=[b.basic_constraints(True, 0), b.key_usage("keyCertSign", "cRLSign"),
                    b.subject_key_identifier(ca_id)],
        algorithm=alg, sign=sign)
    leaf_usage = ("digitalSignature",) if key_type != "rsa2048" else (
        "digitalSignature", "keyEncipherment")
    leaf = b.build_certificate(
        subject=Name.build([(_O, "tlspy development certificate"), (_CN, names[0])]),
        issuer=ca_name, public_key=leaf_pub, serial=_serial(),
        not_before=start, not_after=start + dt.timedelta(days=days),
        extensions=[b.basic_constraints(False), b.key_usage(*leaf_usage),
                    b.extended_key_usage(_SERVER_AUTH, _CLIENT_AUTH),
                    b.subject_alt_name(*sans),
                    b.subject_key_identifier(b.key_identifier(leaf_pub)),
                    b.authority_key_identifier(ca_id)],
        algorithm=alg, sign=sign)
    return Issued(ca, ca_key, leaf, leaf_key)


def write(issued: Issued, directory: str | os.PathLike[str]) -> dict[str, Path]:
    """ca.pem, cert.pem (leaf + CA), key.pem and ca-key.pem in directory
    (keys readable by the owner only)."""
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    files = {
        "ca": (d / "ca.pem", issued.ca.to_pem()),
        "cert": (d / "cert.pem", issued.leaf.to_pem() + issued.ca.to_pem()),
        "key": (d / "key.pem", pem_encode("PRIVATE KEY", issued.key.to_pkcs8())),
        "ca-key": (d / "ca-key.pem", pem_encode("PRIVATE KEY", issued.ca_key.to_pkcs8())),
    }
    for name, (path, data) in files.items():
        secret = name.endswith("key")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if secret else 0o644)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
    return {name: path for name, (path, _) in files.items()}


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(
        prog="tlspy cert",
        description="Make a development CA and a certificate for NAMES (default: localhost, "
                    "127.0.0.1, ::1): ca.pem to trust, cert.pem and key.pem for the server.")
    p.add_argument("names", nargs="*", metavar="NAMES",
                   help="DNS names and IP addresses for the certificate")
    p.add_argument("--dir", "-dir", default=".", metavar="D", help="where to write (default: .)")
    p.add_argument("--key-type", "-key_type", default="p256", choices=KEY_TYPES,
                   help="key type of the CA and the leaf (default: p256)")
    p.add_argument("--days", "-days", type=int, default=825, metavar="N",
                   help="validity of the leaf in days (default: 825)")
    a = p.parse_args(argv)
    names = a.names or list(DEFAULT_NAMES)
    if not 1 <= a.days <= 36500:
        print("tlspy cert: --days must be between 1 and 36500", file=sys.stderr)
        return 2
    try:
        issued = issue(names, a.key_type, days=a.days)
        paths = write(issued, a.dir)
    except ValueError as e:
        print(f"tlspy cert: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"tlspy cert: cannot write the files: {e}", file=sys.stderr)
        return 1
    print(f"made a {a.key_type} CA and a certificate for {', '.join(names)}")
    print(f"  trust this CA:   {paths['ca']}")
    print(f"  certificate:     {paths['cert']} (leaf, then the CA)")
    print(f"  private key:     {paths['key']}")
    print(f"  CA key (secret): {paths['ca-key']}")
    return 0


__all__ = ["DEFAULT_NAMES", "KEY_TYPES", "Issued", "issue", "main", "new_key", "write"]
