"""Algorithm identifiers, public keys (SPKI, RFC 5280 4.1.2.7 / RFC 3279 / RFC 5480 /
RFC 4055 / RFC 8410) and unencrypted private keys (PKCS#8 RFC 5208, PKCS#1 RFC 8017,
SEC1 RFC 5915)."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from typing import Any

import tlspy.asn1 as asn1
from tlspy.x509 import oids
from tlspy.x509.errors import CertificateParseError


@dataclass(frozen=True, slots=True)
class AlgorithmIdentifier:
    oid: str
    params: bytes | None = None  # the exact DER of the parameters, if present


ALGORITHM_IDENTIFIER = asn1.sequence(
    asn1.required("algorithm", asn1.OBJECT_IDENTIFIER),
    asn1.optional("parameters", asn1.ANY),
    name="AlgorithmIdentifier",
).map(lambda t: AlgorithmIdentifier(t[0], t[1]), lambda a: (a.oid, a.params))

_NULL = b"\x05\x00"
_SHA1_ALG = AlgorithmIdentifier(oids.SHA1, None)

RSA_PUBLIC_KEY = asn1.sequence(
    asn1.required("modulus", asn1.INTEGER),
    asn1.required("publicExponent", asn1.INTEGER),
    name="RSAPublicKey",
)

PSS_PARAMS = asn1.sequence(
    asn1.default("hashAlgorithm", asn1.explicit(0, ALGORITHM_IDENTIFIER), _SHA1_ALG),
    asn1.default("maskGenAlgorithm", asn1.explicit(1, ALGORITHM_IDENTIFIER),
                 AlgorithmIdentifier(oids.MGF1, ALGORITHM_IDENTIFIER.serialize(_SHA1_ALG))),
    asn1.default("saltLength", asn1.explicit(2, asn1.INTEGER), 20),
    asn1.default("trailerField", asn1.explicit(3, asn1.INTEGER), 1),
    name="RSASSA-PSS-params",
)


@dataclass(frozen=True, slots=True)
class PssParams:
    hash: str  # "sha256" ...
    mgf_hash: str
    salt_length: int


def _hash_of(a: AlgorithmIdentifier) -> str:
    h = oids.HASHES.get(a.oid)
    if h is None or a.params not in (None, _NULL):
        raise ValueError(f"unsupported hash algorithm {a.oid}")
    return h


def parse_pss_params(der: bytes) -> PssParams:
    h, mgf, salt, trailer = PSS_PARAMS.parse(der)
    if mgf.oid != oids.MGF1 or mgf.params is None:
        raise ValueError("RSASSA-PSS mask generation must be MGF1")
    if trailer != 1 or salt < 0:
        raise ValueError("bad RSASSA-PSS parameters")
    return PssParams(_hash_of(h), _hash_of(ALGORITHM_IDENTIFIER.parse(mgf.params)), salt)


@dataclass(frozen=True, slots=True)
class SignatureAlgorithm:
    """A certificate signature algorithm, interpreted.

    kind: "rsa-pkcs1" | "rsa-pss" | "ecdsa" | "ed25519"; hash: "sha256" ...
    (None for Ed25519); pss: PSS parameters for "rsa-pss".
    """

    kind: str
    hash: str | None
    pss: PssParams | None = None


_PKCS1 = {oids.RSA_MD5: "md5", oids.RSA_SHA1: "sha1", oids.RSA_SHA224: "sha224",
          oids.RSA_SHA256: "sha256", oids.RSA_SHA384: "sha384", oids.RSA_SHA512: "sha512"}
_ECDSA = {oids.ECDSA_SHA1: "sha1", oids.ECDSA_SHA224: "sha224", oids.ECDSA_SHA256: "sha256",
          oids.ECDSA_SHA384: "sha384", oids.ECDSA_SHA512: "sha512"}


def signature_algorithm(a: AlgorithmIdentifier) -> SignatureAlgorithm:
    """Interpret a signatureAlgorithm; ValueError if unknown or badly parameterised."""
    if a.oid in _PKCS1:
        # RFC 4055 2.1: NULL parameters (absent tolerated, as most verifiers do)
        if a.params not in (_NULL, None):
            raise ValueError("RSA PKCS#1 signature parameters must be NULL")
        return SignatureAlgorithm("rsa-pkcs1", _PKCS1[a.oid])
    if a.oid in _ECDSA:
        if a.params is not None:
            raise ValueError("ECDSA signature parameters must be absent")
        return SignatureAlgorithm("ecdsa", _ECDSA[a.oid])
    if a.oid == oids.ED25519:
        if a.params is not None:
            raise ValueError("Ed25519 parameters must be absent")
        return SignatureAlgorithm("ed25519", None)
    if a.oid == oids.RSA_PSS:
        if a.params is None:
            raise ValueError("RSASSA-PSS needs parameters")
        p = parse_pss_params(a.params)
        return SignatureAlgorithm("rsa-pss", p.hash, p)
    raise ValueError(f"unsupported signature algorithm {a.oid}")


@dataclass(frozen=True, slots=True)
class PublicKey:
    """A SubjectPublicKeyInfo.

    kind: "rsa" | "rsa-pss" | "ec" | "ed25519" | "unknown".  For RSA ``n``/``e``;
    for EC ``curve`` ("secp256r1" ...) and ``point`` (SEC1 encoding); for Ed25519
    ``point`` is the 32-byte key.  ``der`` is the whole SPKI.
    """

    kind: str
    algorithm: AlgorithmIdentifier
    key: bytes  # the subjectPublicKey BIT STRING contents
    der: bytes
    n: int = 0
    e: int = 0
    curve: str | None = None
    # The key loaded into nocrypto, made on first use (tlspy.x509.ops.loaded_key).
    _loaded: Any = field(default=None, init=False, repr=False, compare=False)

    @property
    def point(self) -> bytes:
        return self.key

    @property
    def bits(self) -> int:
        if self.kind in ("rsa", "rsa-pss"):
            return self.n.bit_length()
        return {"secp256r1": 256, "secp384r1": 384, "secp521r1": 521}.get(self.curve or "", 256)

    @classmethod
    def from_der(cls, der: bytes) -> PublicKey:
        try:
            return SPKI.parse(der).value
        except asn1.ParseError as e:
            raise CertificateParseError(f"bad SubjectPublicKeyInfo: {e}", e) from None

    def to_der(self) -> bytes:
        return self.der


def _spki_from(raw: asn1.Raw[tuple[Any, ...]]) -> PublicKey:
    alg, bits = raw.value
    der = raw.der or b""
    if bits.unused:
        raise ValueError("subjectPublicKey has padding bits")
    key = bits.data
    if alg.oid == oids.RSA or alg.oid == oids.RSA_PSS:
        if alg.oid == oids.RSA and alg.params not in (_NULL, None):
            raise ValueError("rsaEncryption parameters must be NULL")
        if alg.oid == oids.RSA_PSS and alg.params is not None:
            parse_pss_params(alg.params)
        n, e = RSA_PUBLIC_KEY.parse(key)
        if n <= 0 or e <= 1:
            raise ValueError("bad RSA public key")
        return PublicKey("rsa" if alg.oid == oids.RSA else "rsa-pss", alg, key, der, n=n, e=e)
    if alg.oid == oids.EC_PUBLIC_KEY:
        if alg.params is None:
            raise ValueError("EC key without curve")
        try:
            curve_oid = asn1.OBJECT_IDENTIFIER.parse(alg.params)
        except asn1.ParseError:
            raise ValueError("EC key with explicit or unknown curve parameters") from None
        curve = oids.CURVES.get(curve_oid)
        if curve is None:
            raise ValueError(f"unsupported curve {curve_oid}")
        size = {"secp256r1": 32, "secp384r1": 48, "secp521r1": 66}[curve]
        if not ((len(key) == 2 * size + 1 and key[0] == 4)
                or (len(key) == size + 1 and key[0] in (2, 3))):
            raise ValueError("bad EC point encoding")
        return PublicKey("ec", alg, key, der, curve=curve)
    if alg.oid == oids.ED25519:
        if alg.params is not None or len(key) != 32:
            raise ValueError("bad Ed25519 public key")
        return PublicKey("ed25519", alg, key, der)
    return PublicKey("unknown", alg, key, der)


def _spki_to(k: PublicKey) -> asn1.Raw[tuple[Any, ...]]:
    return asn1.Raw((k.algorithm, asn1.BitString(k.key)), k.der)


SPKI = asn1.raw(asn1.sequence(
    asn1.required("algorithm", ALGORITHM_IDENTIFIER),
    asn1.required("subjectPublicKey", asn1.BIT_STRING),
    name="SubjectPublicKeyInfo",
)).map(lambda r: asn1.Raw(_spki_from(r), r.der), lambda r: _spki_to(r.value))


def rsa_spki(n: int, e: int, *, pss: bool = False) -> bytes:
    """The SPKI DER of an RSA public key; with ``pss`` an id-RSASSA-PSS one
    without parameters (RFC 4055 1.2: any hash and salt length)."""
    key = RSA_PUBLIC_KEY.serialize((n, e))
    alg = AlgorithmIdentifier(oids.RSA_PSS, None) if pss else AlgorithmIdentifier(oids.RSA, _NULL)
    return SPKI_PLAIN.serialize((alg, asn1.BitString(key)))


SPKI_PLAIN = asn1.sequence(
    asn1.required("algorithm", ALGORITHM_IDENTIFIER),
    asn1.required("subjectPublicKey", asn1.BIT_STRING),
    name="SubjectPublicKeyInfo",
)


# -- private keys ---------------------------------------------------------------

RSA_PRIVATE_KEY = asn1.sequence(
    *(asn1.required(n, asn1.INTEGER) for n in (
        "version", "modulus", "publicExponent", "privateExponent", "prime1", "prime2",
        "exponent1", "exponent2", "coefficient")),
    asn1.optional("otherPrimeInfos", asn1.sequence_of(asn1.ANY)),
    name="RSAPrivateKey",
)

EC_PRIVATE_KEY = asn1.sequence(
    asn1.required("version", asn1.INTEGER),
    asn1.required("privateKey", asn1.OCTET_STRING),
    asn1.optional("parameters", asn1.explicit(0, asn1.OBJECT_IDENTIFIER)),
    asn1.optional("publicKey", asn1.explicit(1, asn1.BIT_STRING)),
    name="ECPrivateKey",
)

PKCS8 = asn1.sequence(
    asn1.required("version", asn1.INTEGER),
    asn1.required("privateKeyAlgorithm", ALGORITHM_IDENTIFIER),
    asn1.required("privateKey", asn1.OCTET_STRING),
    asn1.optional("attributes", asn1.implicit(0, asn1.set_of(asn1.ANY))),
    asn1.optional("publicKey", asn1.implicit(1, asn1.BIT_STRING)),
    name="PrivateKeyInfo",
)


@dataclass(frozen=True, slots=True)
class PrivateKey:
    """An unencrypted private key.

    kind "rsa": ``rsa`` = (n, e, d, p, q, dp, dq, qinv);
    kind "rsa-pss": the same, for a key restricted to RSASSA-PSS (PKCS#8
    algorithm id-RSASSA-PSS, RFC 4055); ``pss`` its parameters if it has any;
    kind "ec": ``curve`` and ``scalar`` (big-endian bytes), ``public`` point if given;
    kind "ed25519": ``scalar`` is the 32-byte seed.
    """

    kind: str
    rsa: tuple[int, ...] = ()
    curve: str | None = None
    scalar: bytes = b""
    public: bytes | None = None
    pss: PssParams | None = None

    @classmethod
    def from_der(cls, der: bytes) -> PrivateKey:
        """PKCS#8, PKCS#1 or SEC1 DER (tried in that order)."""
        errors = []
        for fn in (_from_pkcs8, _from_pkcs1, _from_sec1):
            try:
                return fn(der, None)
            except (asn1.ParseError, ValueError) as e:
                errors.append(str(e))
        raise CertificateParseError("not a PKCS#8, PKCS#1 or SEC1 private key: " + "; ".join(errors))

    @classmethod
    def from_pem(cls, data: bytes | str) -> PrivateKey:
        for label, der in pem_blocks(data):
            if label in ("PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY"):
                return cls.from_der(der)
            if label == "ENCRYPTED PRIVATE KEY":
                raise CertificateParseError("encrypted private keys are not supported")
        raise CertificateParseError("no PRIVATE KEY block in PEM input")

    def to_pkcs8(self) -> bytes:
        if self.kind == "rsa":
            alg = AlgorithmIdentifier(oids.RSA, _NULL)
            inner = RSA_PRIVATE_KEY.serialize((0, *self.rsa, None))
        elif self.kind == "rsa-pss":
            if self.pss is not None:
                raise ValueError("cannot encode RSASSA-PSS key parameters")
            alg = AlgorithmIdentifier(oids.RSA_PSS, None)
            inner = RSA_PRIVATE_KEY.serialize((0, *self.rsa, None))
        elif self.kind == "ec":
            curve_oid = {v: k for k, v in oids.CURVES.items()}[self.curve or ""]
            alg = AlgorithmIdentifier(oids.EC_PUBLIC_KEY, asn1.OBJECT_IDENTIFIER.serialize(curve_oid))
            pub = asn1.BitString(self.public) if self.public is not None else None
            inner = EC_PRIVATE_KEY.serialize((1, self.scalar, None, pub))
        elif self.kind == "ed25519":
            alg = AlgorithmIdentifier(oids.ED25519, None)
            inner = asn1.OCTET_STRING.serialize(self.scalar)
        else:
            raise ValueError(f"cannot encode a {self.kind} key")
        return PKCS8.serialize((0, alg, inner, None, None))


def _from_pkcs1(der: bytes, _alg: AlgorithmIdentifier | None) -> PrivateKey:
    v = RSA_PRIVATE_KEY.parse(der)
    if v[0] != 0 or v[9] is not None:
        raise ValueError("only two-prime RSAPrivateKey version 0 is supported")
    return PrivateKey("rsa", rsa=tuple(v[1:9]))


def _from_sec1(der: bytes, alg: AlgorithmIdentifier | None) -> PrivateKey:
    version, scalar, params, pub = EC_PRIVATE_KEY.parse(der)
    if version != 1:
        raise ValueError("ECPrivateKey version must be 1")
    curve_oid = params
    if alg is not None and alg.params is not None:
        curve_oid = asn1.OBJECT_IDENTIFIER.parse(alg.params)
    curve = oids.CURVES.get(curve_oid or "")
    if curve is None:
        raise ValueError("EC private key without a supported named curve")
    return PrivateKey("ec", curve=curve, scalar=scalar,
                      public=pub.data if pub is not None else None)


def _from_pkcs8(der: bytes, _alg: AlgorithmIdentifier | None) -> PrivateKey:
    version, alg, inner, _attrs, _pub = PKCS8.parse(der)
    if version not in (0, 1):
        raise ValueError("bad PrivateKeyInfo version")
    if alg.oid == oids.RSA:
        return _from_pkcs1(inner, alg)
    if alg.oid == oids.RSA_PSS:
        pss = parse_pss_params(alg.params) if alg.params is not None else None
        return PrivateKey("rsa-pss", rsa=_from_pkcs1(inner, alg).rsa, pss=pss)
    if alg.oid == oids.EC_PUBLIC_KEY:
        return _from_sec1(inner, alg)
    if alg.oid == oids.ED25519:
        seed = asn1.OCTET_STRING.parse(inner)
        if len(seed) != 32:
            raise ValueError("Ed25519 private key must be 32 bytes")
        return PrivateKey("ed25519", scalar=seed)
    raise ValueError(f"unsupported private key algorithm {alg.oid}")


# -- PEM (RFC 7468) -------------------------------------------------------------

_PEM = re.compile(rb"-----BEGIN ([A-Z0-9 ]+)-----\r?\n(.*?)-----END \1-----", re.S)


def pem_blocks(data: bytes | str) -> list[tuple[str, bytes]]:
    """Every PEM block in data as (label, DER); text outside blocks is ignored."""
    if isinstance(data, str):
        data = data.encode("ascii", "replace")
    out = []
    for m in _PEM.finditer(data):
        body = b"".join(m.group(2).split())
        try:
            der = base64.b64decode(body, validate=True)
        except ValueError:
            raise CertificateParseError(f"bad base64 in PEM block {m.group(1).decode()}") from None
        out.append((m.group(1).decode(), der))
    return out


def pem_encode(label: str, der: bytes) -> bytes:
    b64 = base64.b64encode(der)
    lines = [b64[i:i + 64] for i in range(0, len(b64), 64)]
    return (f"-----BEGIN {label}-----\n".encode() + b"\n".join(lines)
            + f"\n-----END {label}-----\n".encode())
