"""The X.509 v3 certificate (RFC 5280 4.1): parsed once, at the edge, into a
frozen dataclass."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import tlspy.asn1 as asn1
from tlspy.x509 import extensions as ext
from tlspy.x509 import oids
from tlspy.x509.errors import CertificateParseError
from tlspy.x509.keys import (
    ALGORITHM_IDENTIFIER,
    SPKI,
    AlgorithmIdentifier,
    PublicKey,
    pem_blocks,
    pem_encode,
)
from tlspy.x509.name import NAME, Name

TIME = asn1.choice(("utcTime", asn1.UTCTime), ("generalTime", asn1.GeneralizedTime), name="Time")


def _time(v: tuple[str, dt.datetime]) -> dt.datetime:
    kind, t = v
    # RFC 5280 4.1.2.5 wants UTCTime through 2049; some deployed roots use
    # GeneralizedTime earlier, which we read (the DER bytes are kept as is).
    if kind == "generalTime" and t.microsecond:
        raise ValueError("fractional seconds in a certificate time")
    return t


def _time_to(t: dt.datetime) -> tuple[str, dt.datetime]:
    return ("utcTime", t) if 1950 <= t.year <= 2049 else ("generalTime", t)


CERT_TIME = TIME.map(_time, _time_to)

VALIDITY = asn1.sequence(
    asn1.required("notBefore", CERT_TIME),
    asn1.required("notAfter", CERT_TIME),
    name="Validity",
)

TBS_CERTIFICATE = asn1.sequence(
    asn1.default("version", asn1.explicit(0, asn1.INTEGER), 0),
    asn1.required("serialNumber", asn1.INTEGER),
    asn1.required("signature", ALGORITHM_IDENTIFIER),
    asn1.required("issuer", NAME),
    asn1.required("validity", VALIDITY),
    asn1.required("subject", NAME),
    asn1.required("subjectPublicKeyInfo", SPKI),
    asn1.optional("issuerUniqueID", asn1.implicit(1, asn1.BIT_STRING)),
    asn1.optional("subjectUniqueID", asn1.implicit(2, asn1.BIT_STRING)),
    asn1.optional("extensions", asn1.explicit(3, ext.EXTENSIONS)),
    name="TBSCertificate",
)

CERTIFICATE = asn1.sequence(
    asn1.required("tbsCertificate", asn1.raw(TBS_CERTIFICATE)),
    asn1.required("signatureAlgorithm", ALGORITHM_IDENTIFIER),
    asn1.required("signatureValue", asn1.BIT_STRING),
    name="Certificate",
)


@dataclass(frozen=True, eq=False)
class Certificate:
    """An X.509 certificate.  Equality and hashing follow the DER bytes."""

    der: bytes
    tbs_der: bytes
    version: int  # 1, 2 or 3
    serial_number: int
    tbs_signature_algorithm: AlgorithmIdentifier
    issuer: Name
    not_before: dt.datetime
    not_after: dt.datetime
    subject: Name
    public_key: PublicKey
    issuer_unique_id: asn1.BitString | None
    subject_unique_id: asn1.BitString | None
    extensions: tuple[ext.Extension, ...]
    signature_algorithm: AlgorithmIdentifier
    signature: bytes
    _by_oid: dict[str, ext.Extension] = field(repr=False, default_factory=dict)

    # -- constructors ----------------------------------------------------------
    @classmethod
    def from_der(cls, der: bytes) -> Certificate:
        der = bytes(der)
        try:
            tbs, alg, sig = CERTIFICATE.parse(der)
        except asn1.ParseError as e:
            raise CertificateParseError(f"bad certificate: {e}", e) from None
        return cls._build(der, tbs, alg, sig)

    @classmethod
    def from_pem(cls, data: bytes | str) -> Certificate:
        certs = load_pem_certificates(data)
        if not certs:
            raise CertificateParseError("no CERTIFICATE block in PEM input")
        return certs[0]

    @classmethod
    def _build(cls, der: bytes, tbs: asn1.Raw[tuple[Any, ...]], alg: AlgorithmIdentifier,
               sig: asn1.BitString) -> Certificate:
        (version, serial, tbs_alg, issuer, (nb, na), subject, spki, iuid, suid,
         exts) = tbs.value
        if version not in (0, 1, 2):
            raise CertificateParseError(f"unknown certificate version {version}")
        if exts is not None and version != 2:
            raise CertificateParseError("extensions in a certificate older than v3")
        if (iuid is not None or suid is not None) and version == 0:
            raise CertificateParseError("unique identifiers in a v1 certificate")
        if sig.unused:
            raise CertificateParseError("signature BIT STRING has padding bits")
        exts = exts or ()
        by_oid: dict[str, ext.Extension] = {}
        for e in exts:
            if e.oid in by_oid:
                raise CertificateParseError(f"extension {e.oid} appears twice")
            by_oid[e.oid] = e
        return cls(der, tbs.der or b"", version + 1, serial, tbs_alg, issuer, nb, na, subject,
                   spki.value, iuid, suid, exts, alg, sig.data, by_oid)

    def to_der(self) -> bytes:
        return self.der

    def to_pem(self) -> bytes:
        return pem_encode("CERTIFICATE", self.der)

    # -- identity --------------------------------------------------------------
    def __eq__(self, other: object) -> bool:
        return isinstance(other, Certificate) and other.der == self.der

    def __hash__(self) -> int:
        return hash(self.der)

    def __repr__(self) -> str:
        return f"<Certificate subject={self.subject} serial={self.serial_number:#x}>"

    # -- extensions ------------------------------------------------------------
    def extension(self, oid: str) -> ext.Extension | None:
        return self._by_oid.get(oid)

    def _ext(self, oid: str) -> Any:
        e = self._by_oid.get(oid)
        return e.parsed if e is not None else None

    @property
    def basic_constraints(self) -> ext.BasicConstraints | None:
        v: ext.BasicConstraints | None = self._ext(oids.BASIC_CONSTRAINTS)
        return v

    @property
    def key_usage(self) -> ext.KeyUsage | None:
        v: ext.KeyUsage | None = self._ext(oids.KEY_USAGE)
        return v

    @property
    def extended_key_usage(self) -> tuple[str, ...] | None:
        v: tuple[str, ...] | None = self._ext(oids.EXTENDED_KEY_USAGE)
        return v

    @property
    def subject_alt_name(self) -> tuple[ext.GeneralName, ...] | None:
        v: tuple[ext.GeneralName, ...] | None = self._ext(oids.SUBJECT_ALT_NAME)
        return v

    @property
    def name_constraints(self) -> ext.NameConstraints | None:
        v: ext.NameConstraints | None = self._ext(oids.NAME_CONSTRAINTS)
        return v

    @property
    def authority_key_identifier(self) -> ext.AuthorityKeyIdentifier | None:
        v: ext.AuthorityKeyIdentifier | None = self._ext(oids.AUTHORITY_KEY_IDENTIFIER)
        return v

    @property
    def subject_key_identifier(self) -> bytes | None:
        v: bytes | None = self._ext(oids.SUBJECT_KEY_IDENTIFIER)
        return v

    @property
    def certificate_policies(self) -> tuple[ext.PolicyInformation, ...] | None:
        v: tuple[ext.PolicyInformation, ...] | None = self._ext(oids.CERTIFICATE_POLICIES)
        return v

    @property
    def policy_constraints(self) -> ext.PolicyConstraints | None:
        v: ext.PolicyConstraints | None = self._ext(oids.POLICY_CONSTRAINTS)
        return v

    @property
    def inhibit_any_policy(self) -> int | None:
        v: int | None = self._ext(oids.INHIBIT_ANY_POLICY)
        return v

    @property
    def authority_info_access(self) -> tuple[ext.AccessDescription, ...] | None:
        v: tuple[ext.AccessDescription, ...] | None = self._ext(oids.AUTHORITY_INFO_ACCESS)
        return v

    @property
    def crl_distribution_points(self) -> tuple[ext.DistributionPoint, ...] | None:
        v: tuple[ext.DistributionPoint, ...] | None = self._ext(oids.CRL_DISTRIBUTION_POINTS)
        return v

    @property
    def is_self_issued(self) -> bool:
        return self.issuer.matches(self.subject)


def load_pem_certificates(data: bytes | str) -> list[Certificate]:
    """Every CERTIFICATE block of a PEM document, in order (other blocks skipped)."""
    return [Certificate.from_der(der) for label, der in pem_blocks(data)
            if label in ("CERTIFICATE", "TRUSTED CERTIFICATE", "X509 CERTIFICATE")]
