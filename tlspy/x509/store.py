"""Trust stores: trust anchors from a PEM bundle, a directory of PEM/DER files,
or the operating system's bundle.  Reading files is the caller's choice of
I/O; nothing here runs at import time."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, overload

from tlspy.x509.cert import Certificate
from tlspy.x509.errors import CertificateParseError
from tlspy.x509.keys import pem_blocks

# Where common systems keep their bundle (the first that exists wins).
SYSTEM_BUNDLES = (
    "/etc/ssl/certs/ca-certificates.crt",  # Debian, Ubuntu, Alpine, Arch
    "/etc/pki/tls/certs/ca-bundle.crt",  # Fedora, RHEL
    "/etc/ssl/ca-bundle.pem",  # openSUSE
    "/etc/ssl/cert.pem",  # macOS, BSDs
    "/usr/local/etc/openssl/cert.pem",
)
SYSTEM_DIRS = ("/etc/ssl/certs", "/etc/pki/tls/certs", "/system/etc/security/cacerts")


class TrustStore(Sequence[Certificate]):
    """A set of trust anchors (duplicates removed, order kept), indexed by
    subject name as they are added: a path search asks for the anchors
    named as a certificate's issuer (:meth:`named`) without going through
    the whole set, so one store serves any number of validations."""

    __slots__ = ("_by_subject", "_certs", "skipped")

    def __init__(self, certificates: Iterable[Certificate] = ()) -> None:
        self._certs: dict[bytes, Certificate] = {}
        self._by_subject: dict[tuple[Any, ...], list[Certificate]] = {}
        self.skipped = 0  # blocks that did not parse (reported, not fatal)
        self.add(certificates)

    def _put(self, c: Certificate) -> None:
        if c.der not in self._certs:
            self._certs[c.der] = c
            self._by_subject.setdefault(c.subject.matching_key(), []).append(c)

    def add(self, certificates: Iterable[Certificate]) -> None:
        for c in certificates:
            self._put(c)

    def add_pem(self, data: bytes | str) -> None:
        """Add every CERTIFICATE block; unparsable ones are counted in skipped."""
        for label, der in pem_blocks(data):
            if label not in ("CERTIFICATE", "TRUSTED CERTIFICATE") or der in self._certs:
                continue
            try:
                self._put(Certificate.from_der(der))
            except CertificateParseError:
                self.skipped += 1

    def named(self, subject_key: tuple[Any, ...]) -> Sequence[Certificate]:
        """The anchors whose subject has this matching key
        (:meth:`tlspy.x509.Name.matching_key`), in the order added."""
        return self._by_subject.get(subject_key, ())

    @classmethod
    def from_pem(cls, data: bytes | str) -> TrustStore:
        store = cls()
        store.add_pem(data)
        return store

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> TrustStore:
        return cls.from_pem(Path(path).read_bytes())

    @classmethod
    def from_directory(cls, path: str | os.PathLike[str]) -> TrustStore:
        """Every regular file in path holding PEM certificates (or one DER one)."""
        store = cls()
        for entry in sorted(Path(path).iterdir()):
            if not entry.is_file():
                continue
            data = entry.read_bytes()
            if b"-----BEGIN" in data:
                store.add_pem(data)
            else:
                try:
                    store.add([Certificate.from_der(data)])
                except CertificateParseError:
                    store.skipped += 1
        return store

    @classmethod
    def system(cls) -> TrustStore:
        """The OS bundle: $SSL_CERT_FILE / $SSL_CERT_DIR first, then known paths."""
        env_file, env_dir = os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR")
        if env_file and Path(env_file).is_file():
            return cls.from_file(env_file)
        if env_dir and Path(env_dir).is_dir():
            return cls.from_directory(env_dir)
        for f in SYSTEM_BUNDLES:
            if Path(f).is_file():
                return cls.from_file(f)
        for d in SYSTEM_DIRS:
            if Path(d).is_dir():
                return cls.from_directory(d)
        raise FileNotFoundError("no system trust bundle found (set SSL_CERT_FILE)")

    def __iter__(self) -> Iterator[Certificate]:
        return iter(self._certs.values())

    def __len__(self) -> int:
        return len(self._certs)

    @overload
    def __getitem__(self, index: int) -> Certificate: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Certificate]: ...

    def __getitem__(self, index: int | slice) -> Certificate | Sequence[Certificate]:
        return list(self._certs.values())[index]

    def __contains__(self, cert: object) -> bool:
        return isinstance(cert, Certificate) and cert.der in self._certs
