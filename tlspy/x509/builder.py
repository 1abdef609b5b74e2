"""Building and signing certificates (RFC 5280) and certificate signing
requests (PKCS#10, RFC 2986).  Signing goes through a ``Signer`` callable
(tbs bytes -> signature bytes), so any key store can sign; ``signer_for``
makes one from a PrivateKey with nocrypto."""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import tlspy.asn1 as asn1
from tlspy.x509 import extensions as ext
from tlspy.x509 import oids
from tlspy.x509.cert import CERTIFICATE, TBS_CERTIFICATE, Certificate
from tlspy.x509.errors import CertificateParseError
from tlspy.x509.keys import (
    ALGORITHM_IDENTIFIER,
    SPKI,
    SPKI_PLAIN,
    AlgorithmIdentifier,
    PrivateKey,
    PublicKey,
    pem_blocks,
    pem_encode,
    rsa_spki,
    signature_algorithm,
)
from tlspy.x509.name import NAME, Name
from tlspy.x509.ops import ECDSA_SIG, DefaultOps, Ops, UnsupportedAlgorithm

Signer = Callable[[bytes], bytes]
_NULL = b"\x05\x00"


# -- extensions ------------------------------------------------------------------

def _extension(oid: str, critical: bool, grammar: asn1.Grammar[Any], value: Any) -> ext.Extension:
    return ext.Extension(oid, critical, grammar.serialize(value), value)


def basic_constraints(ca: bool, path_len: int | None = None, critical: bool = True) -> ext.Extension:
    return _extension(oids.BASIC_CONSTRAINTS, critical, ext.BASIC_CONSTRAINTS,
                      ext.BasicConstraints(ca, path_len))


def key_usage(*names: str, critical: bool = True) -> ext.Extension:
    bits = asn1.BitString.from_flags(ext.KeyUsage.NAMES.index(n) for n in names)
    return _extension(oids.KEY_USAGE, critical, ext.KEY_USAGE, ext.KeyUsage(bits))


def extended_key_usage(*eku_oids: str, critical: bool = False) -> ext.Extension:
    return _extension(oids.EXTENDED_KEY_USAGE, critical, ext.EXT_KEY_USAGE, tuple(eku_oids))


def subject_alt_name(*names: ext.GeneralName, critical: bool = False) -> ext.Extension:
    return _extension(oids.SUBJECT_ALT_NAME, critical, ext.GENERAL_NAMES, tuple(names))


def subject_key_identifier(key_id: bytes) -> ext.Extension:
    return _extension(oids.SUBJECT_KEY_IDENTIFIER, False, ext.SUBJECT_KEY_ID, key_id)


def authority_key_identifier(key_id: bytes) -> ext.Extension:
    return _extension(oids.AUTHORITY_KEY_IDENTIFIER, False, ext.AUTHORITY_KEY_ID,
                      ext.AuthorityKeyIdentifier(key_id, None, None))


def name_constraints(permitted: Sequence[ext.GeneralName] = (),
                     excluded: Sequence[ext.GeneralName] = ()) -> ext.Extension:
    nc = ext.NameConstraints(tuple(ext.GeneralSubtree(g) for g in permitted) or None,
                             tuple(ext.GeneralSubtree(g) for g in excluded) or None)
    return _extension(oids.NAME_CONSTRAINTS, True, ext.NAME_CONSTRAINTS, nc)


def key_identifier(public_key: PublicKey) -> bytes:
    """RFC 5280 4.2.1.2 method (1): SHA-1 of the subjectPublicKey bits."""
    from nocrypto.hash import digest

    return digest("sha1", public_key.key)


# -- signing -----------------------------------------------------------------

def _nocrypto(name: str) -> Any:
    return importlib.import_module(name)


def public_key_of(key: PrivateKey) -> PublicKey:
    """The public half of a private key (EC and Ed25519 use nocrypto)."""
    if key.kind in ("rsa", "rsa-pss"):
        return PublicKey.from_der(rsa_spki(key.rsa[0], key.rsa[1], pss=key.kind == "rsa-pss"))
    if key.kind == "ed25519":
        point = _nocrypto("nocrypto.ed25519").public_key(key.scalar)
        alg = AlgorithmIdentifier(oids.ED25519, None)
        return PublicKey.from_der(SPKI_PLAIN.serialize((alg, asn1.BitString(point))))
    if key.kind == "ec":
        point = key.public
        if point is None:
            ec = _nocrypto("nocrypto.ec")
            curve = {"secp256r1": ec.P256, "secp384r1": ec.P384}[key.curve or ""]
            point = ec.ECPrivateKey.from_bytes(curve, key.scalar).public_key().to_bytes()
        curve_oid = {v: k for k, v in oids.CURVES.items()}[key.curve or ""]
        alg = AlgorithmIdentifier(oids.EC_PUBLIC_KEY, asn1.OBJECT_IDENTIFIER.serialize(curve_oid))
        return PublicKey.from_der(SPKI_PLAIN.serialize((alg, asn1.BitString(point))))
    raise ValueError(f"unsupported key kind {key.kind}")


_RSA_ALGS = {"sha256": oids.RSA_SHA256, "sha384": oids.RSA_SHA384, "sha512": oids.RSA_SHA512}
_EC_ALGS = {"sha256": oids.ECDSA_SHA256, "sha384": oids.ECDSA_SHA384, "sha512": oids.ECDSA_SHA512}


def signer_for(key: PrivateKey, hash: str | None = None) -> tuple[AlgorithmIdentifier, Signer]:
    """(signatureAlgorithm, signer) for key with nocrypto: RSA PKCS#1 v1.5,
    ECDSA (SHA-256 on P-256, SHA-384 on P-384 by default) or Ed25519."""
    if key.kind == "rsa":
        h = hash or "sha256"
        rsa = _nocrypto("nocrypto.rsa").RSAPrivateKey.from_numbers(*key.rsa[:5])
        return AlgorithmIdentifier(_RSA_ALGS[h], _NULL), lambda tbs: bytes(rsa.sign_pkcs1v15(h, tbs))
    if key.kind == "ec":
        ec = _nocrypto("nocrypto.ec")
        curve = {"secp256r1": ec.P256, "secp384r1": ec.P384}[key.curve or ""]
        h = hash or ("sha384" if key.curve == "secp384r1" else "sha256")
        priv = ec.ECPrivateKey.from_bytes(curve, key.scalar)

        def sign_ec(tbs: bytes) -> bytes:
            raw = priv.sign(tbs, h)
            n = len(raw) // 2
            return ECDSA_SIG.serialize((int.from_bytes(raw[:n], "big"),
                                        int.from_bytes(raw[n:], "big")))

        return AlgorithmIdentifier(_EC_ALGS[h], None), sign_ec
    if key.kind == "ed25519":
        ed = _nocrypto("nocrypto.ed25519")
        return AlgorithmIdentifier(oids.ED25519, None), lambda tbs: bytes(ed.sign(key.scalar, tbs))
    raise ValueError(f"unsupported key kind {key.kind}")


# -- certificates ----------------------------------------------------------------

def build_certificate(*, subject: Name, issuer: Name, public_key: PublicKey, serial: int,
                      not_before: dt.datetime, not_after: dt.datetime,
                      extensions: Sequence[ext.Extension], algorithm: AlgorithmIdentifier,
                      sign: Signer) -> Certificate:
    """A signed v3 certificate.  serial must be positive (RFC 5280 4.1.2.2)."""
    if not 0 < serial < 1 << 159:
        raise ValueError("serial must be positive and at most 20 octets")
    exts = tuple(extensions) or None
    tbs = TBS_CERTIFICATE.serialize((
        2, serial, algorithm, issuer, (not_before, not_after), subject,
        asn1.Raw(public_key, public_key.der), None, None, exts))
    sig = sign(tbs)
    der = CERTIFICATE.serialize((asn1.Raw(None, tbs), algorithm, asn1.BitString(sig)))
    return Certificate.from_der(der)


# -- PKCS#10 -----------------------------------------------------------------------

EXTENSION_REQUEST = "1.2.840.113549.1.9.14"

CSR_ATTRIBUTE = asn1.sequence(
    asn1.required("type", asn1.OBJECT_IDENTIFIER),
    asn1.required("values", asn1.set_of(asn1.ANY, min_size=1)),
    name="Attribute",
)

CERTIFICATION_REQUEST_INFO = asn1.sequence(
    asn1.required("version", asn1.INTEGER),
    asn1.required("subject", NAME),
    asn1.required("subjectPKInfo", SPKI),
    asn1.required("attributes", asn1.implicit(0, asn1.set_of(CSR_ATTRIBUTE))),
    name="CertificationRequestInfo",
)

CERTIFICATION_REQUEST = asn1.sequence(
    asn1.required("certificationRequestInfo", asn1.raw(CERTIFICATION_REQUEST_INFO)),
    asn1.required("signatureAlgorithm", ALGORITHM_IDENTIFIER),
    asn1.required("signature", asn1.BIT_STRING),
    name="CertificationRequest",
)

_EXTENSION_LIST = asn1.sequence_of(ext.EXTENSION.map(ext.parse_extension,
                                                     lambda e: (e.oid, e.critical, e.value)))


@dataclass(frozen=True)
class CertificateSigningRequest:
    der: bytes
    info_der: bytes
    subject: Name
    public_key: PublicKey
    extensions: tuple[ext.Extension, ...]
    signature_algorithm: AlgorithmIdentifier
    signature: bytes

    @classmethod
    def from_der(cls, der: bytes) -> CertificateSigningRequest:
        try:
            info, alg, sig = CERTIFICATION_REQUEST.parse(der)
            version, subject, spki, attrs = info.value
            if version != 0:
                raise CertificateParseError("CSR version must be 0 (v1)")
            exts: tuple[ext.Extension, ...] = ()
            for oid, values in attrs:
                if oid == EXTENSION_REQUEST:
                    exts = _EXTENSION_LIST.parse(values[0])
        except asn1.ParseError as e:
            raise CertificateParseError(f"bad certificate request: {e}", e) from None
        return cls(bytes(der), info.der or b"", subject, spki.value, exts, alg, sig.data)

    @classmethod
    def from_pem(cls, data: bytes | str) -> CertificateSigningRequest:
        for label, der in pem_blocks(data):
            if label in ("CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST"):
                return cls.from_der(der)
        raise CertificateParseError("no CERTIFICATE REQUEST block in PEM input")

    def to_der(self) -> bytes:
        return self.der

    def to_pem(self) -> bytes:
        return pem_encode("CERTIFICATE REQUEST", self.der)

    def verify_signature(self, ops: Ops | None = None) -> bool:
        """True if the request is signed by the key it carries (proof of possession)."""
        try:
            alg = signature_algorithm(self.signature_algorithm)
            return (ops or DefaultOps()).verify_signature(self.public_key, alg, self.info_der,
                                                          self.signature)
        except (ValueError, UnsupportedAlgorithm):
            return False


def build_csr(*, subject: Name, public_key: PublicKey, extensions: Sequence[ext.Extension] = (),
              algorithm: AlgorithmIdentifier, sign: Signer) -> CertificateSigningRequest:
    attrs: tuple[tuple[str, tuple[bytes, ...]], ...] = ()
    if extensions:
        value = _EXTENSION_LIST.serialize(tuple(extensions))
        attrs = ((EXTENSION_REQUEST, (value,)),)
    info = CERTIFICATION_REQUEST_INFO.serialize((0, subject, asn1.Raw(public_key, public_key.der),
                                                 attrs))
    sig = sign(info)
    der = CERTIFICATION_REQUEST.serialize((asn1.Raw(None, info), algorithm, asn1.BitString(sig)))
    return CertificateSigningRequest.from_der(der)
