"""Pieces both TLS 1.3 handshakes share: key shares, signatures,
certificate choice, the per-state deterministic randomness, and mapping
validation failures to alerts."""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from nocrypto import dh, ec, ed25519
from nocrypto.kdf import hkdf_expand
from nocrypto.rsa import RSAPrivateKey
from tlspy.core.enums import AlertDescription, NamedGroup, SignatureScheme
from tlspy.core.errors import TLSError
from tlspy.engine.config import CertifiedKey, Config
from tlspy.x509 import Certificate, PublicKey, ValidationError
from tlspy.x509.hostname import matches_name
from tlspy.x509.keys import parse_pss_params
from tlspy.x509.ops import loaded_key

A = AlertDescription


class EngineError(TLSError):
    """A protocol failure the engine detected; ``alert`` is what it sends."""


class UsageError(Exception):
    """The caller used the engine wrongly (e.g. sent data before the
    handshake completed).  Raised, never caused by peer input."""


def fail(alert: AlertDescription, message: str) -> EngineError:
    return EngineError(message, alert)


# ------------------------------------------------------------ randomness


def draw(seed: bytes, label: bytes, n: int) -> bytes:
    """``n`` bytes derived from a state's 32-byte seed: handle_tls stays a
    pure function of (state, input); the seed itself came from config.rng
    when the connection was created."""
    return hkdf_expand("sha256", seed, b"tlspy engine " + label, n)


def draws(seed: bytes, label: bytes, count: int) -> list[bytes]:
    """``count`` independent 32-byte values from one :func:`draw`."""
    material = draw(seed, label, 32 * count)
    return [material[i : i + 32] for i in range(0, 32 * count, 32)]


@dataclass(frozen=True, slots=True)
class DrawRng:
    """A callable rng over :func:`draw` (for nocrypto APIs taking one)."""

    seed: bytes
    label: bytes

    def __call__(self, n: int) -> bytes:
        return draw(self.seed, self.label + n.to_bytes(4, "big"), n)


# ------------------------------------------------------------ key shares

_CURVES = {NamedGroup.SECP256R1: ec.P256, NamedGroup.SECP384R1: ec.P384}
_FFDHE = {
    NamedGroup.FFDHE2048: dh.FFDHE2048,
    NamedGroup.FFDHE3072: dh.FFDHE3072,
    NamedGroup.FFDHE4096: dh.FFDHE4096,
}


@dataclass(frozen=True, slots=True)
class KeySharePrivate:
    """One offered key share: the group, our private value and public share
    (for FFDHE the private exponent stays in nocrypto's immutable key)."""

    group: NamedGroup
    private: bytes
    public: bytes
    dh_key: dh.DHPrivateKey | None = None


def make_key_share(group: NamedGroup, seed: bytes) -> KeySharePrivate:
    if group == NamedGroup.X25519:  # the seed is a fresh draw: it serves as the scalar
        return KeySharePrivate(group, seed, ec.x25519_base(seed))
    ff = _FFDHE.get(group)
    if ff is not None:
        key = ff.generate_private(DrawRng(seed, b"ffdhe"))
        return KeySharePrivate(group, b"", key.public_value(), key)
    curve = _CURVES.get(group)
    if curve is None:
        raise fail(A.INTERNAL_ERROR, f"group {group!r} not implemented")
    eckey = ec.ECPrivateKey.generate(curve, DrawRng(seed, b"ec" + bytes([group & 0xFF])))
    return KeySharePrivate(group, eckey.private_bytes(), eckey.public_key().to_bytes())


def key_agreement(share: KeySharePrivate, peer: bytes) -> bytes:
    """The shared secret; a malformed or degenerate peer share is
    illegal_parameter (RFC 8446 4.2.8)."""
    if share.group == NamedGroup.X25519:
        if len(peer) != 32:
            raise fail(A.ILLEGAL_PARAMETER, f"x25519 share of {len(peer)} bytes")
        shared = ec.x25519(share.private, peer)
        if ec.x25519_is_zero(shared):
            raise fail(A.ILLEGAL_PARAMETER, "x25519 shared secret is zero")
        return shared
    if share.dh_key is not None:
        size = share.dh_key.group.size_bytes
        if len(peer) != size:  # left-padded to the size of p (RFC 8446 4.2.8.1)
            raise fail(A.ILLEGAL_PARAMETER, f"{share.group.name} share is not {size} bytes")
        try:
            return share.dh_key.exchange(peer)
        except dh.DHError as e:
            raise fail(A.ILLEGAL_PARAMETER, f"{share.group.name} share: {e}") from None
    curve = _CURVES[share.group]
    # TLS 1.3 allows only the uncompressed form (RFC 8446 4.2.8.2).
    if len(peer) != 1 + 2 * curve.size or peer[0] != 4:
        raise fail(A.ILLEGAL_PARAMETER, f"{curve.name} share is not an uncompressed point")
    try:
        pub = ec.ECPublicKey.from_bytes(curve, peer)
        return ec.ECPrivateKey.from_bytes(curve, share.private).exchange(pub)
    except ec.ECError as e:
        raise fail(A.ILLEGAL_PARAMETER, f"{curve.name} share: {e}") from None


# ------------------------------------------------------------ signatures

_SCHEME_HASH = {
    SignatureScheme.ECDSA_SECP256R1_SHA256: "sha256",
    SignatureScheme.ECDSA_SECP384R1_SHA384: "sha384",
    SignatureScheme.RSA_PSS_RSAE_SHA256: "sha256",
    SignatureScheme.RSA_PSS_RSAE_SHA384: "sha384",
    SignatureScheme.RSA_PSS_RSAE_SHA512: "sha512",
    SignatureScheme.RSA_PSS_PSS_SHA256: "sha256",
    SignatureScheme.RSA_PSS_PSS_SHA384: "sha384",
    SignatureScheme.RSA_PSS_PSS_SHA512: "sha512",
}
_RSAE = frozenset({SignatureScheme.RSA_PSS_RSAE_SHA256, SignatureScheme.RSA_PSS_RSAE_SHA384,
                   SignatureScheme.RSA_PSS_RSAE_SHA512})
# rsa_pss_pss_*: the key's SPKI is id-RSASSA-PSS (RFC 8446 4.2.3).
_PSS_PSS = frozenset({SignatureScheme.RSA_PSS_PSS_SHA256, SignatureScheme.RSA_PSS_PSS_SHA384,
                      SignatureScheme.RSA_PSS_PSS_SHA512})
_SCHEME_CURVE = {
    SignatureScheme.ECDSA_SECP256R1_SHA256: "secp256r1",
    SignatureScheme.ECDSA_SECP384R1_SHA384: "secp384r1",
}
# Schemes TLS 1.3 allows in CertificateVerify that tlspy implements: every
# scheme with a hash above, and Ed25519 (RSA PKCS#1 v1.5 is 1.2 only).
SCHEMES_13 = frozenset({*_SCHEME_HASH, SignatureScheme.ED25519})


def key_fits_scheme(kind: str, curve: str | None, bits: int, scheme: int) -> bool:
    """Whether a key of this kind can make/check signatures of ``scheme``
    in TLS 1.3."""
    if scheme == SignatureScheme.ED25519:
        return kind == "ed25519"
    if scheme in _SCHEME_CURVE:
        return kind == "ec" and curve == _SCHEME_CURVE[SignatureScheme(scheme)]
    if scheme in _RSAE or scheme in _PSS_PSS:
        hlen = {"sha256": 32, "sha384": 48, "sha512": 64}[_SCHEME_HASH[SignatureScheme(scheme)]]
        want = "rsa" if scheme in _RSAE else "rsa-pss"
        return kind == want and bits >= 2048 and (bits + 7) // 8 >= 2 * hlen + 2
    return False


def pss_key_allows(pub: PublicKey, scheme: int) -> bool:
    """Whether an id-RSASSA-PSS key's parameters (when its SPKI has any)
    allow ``scheme``: the same hash for the digest and MGF1, and a minimum
    salt length no longer than the hash (TLS always uses the hash length,
    RFC 8446 4.2.3; RFC 4055 3.1)."""
    if pub.kind != "rsa-pss" or pub.algorithm.params is None:
        return True
    try:
        params = parse_pss_params(pub.algorithm.params)
    except ValueError:  # asn1.ParseError included
        return False
    h = _SCHEME_HASH.get(SignatureScheme(scheme)) if scheme in _PSS_PSS else None
    hlen = {"sha256": 32, "sha384": 48, "sha512": 64}.get(h or "", 0)
    return params.hash == h and params.mgf_hash == h and params.salt_length <= hlen


def _der_int(v: int) -> bytes:
    body = v.to_bytes(v.bit_length() // 8 + 1, "big")
    return b"\x02" + bytes([len(body)]) + body


def ecdsa_raw_to_der(raw: bytes) -> bytes:
    n = len(raw) // 2
    body = _der_int(int.from_bytes(raw[:n], "big")) + _der_int(int.from_bytes(raw[n:], "big"))
    if len(body) < 128:
        return b"\x30" + bytes([len(body)]) + body
    return b"\x30\x81" + bytes([len(body)]) + body


def ecdsa_der_to_raw(der: bytes, size: int) -> bytes | None:
    """Strict DER ECDSA-Sig-Value to r||s, or None."""
    try:
        if len(der) < 8 or der[0] != 0x30:
            return None
        if der[1] == 0x81:
            length, pos = der[2], 3
            if length < 128:
                return None
        elif der[1] < 128:
            length, pos = der[1], 2
        else:
            return None
        if pos + length != len(der):
            return None
        out = b""
        for _ in range(2):
            if der[pos] != 0x02:
                return None
            ln = der[pos + 1]
            if ln == 0 or ln >= 128:
                return None
            body = der[pos + 2 : pos + 2 + ln]
            if len(body) != ln or body[0] & 0x80:
                return None
            if ln > 1 and body[0] == 0 and not body[1] & 0x80:
                return None
            v = int.from_bytes(body, "big")
            if v == 0 or v.bit_length() > 8 * size:
                return None
            out += v.to_bytes(size, "big")
            pos += 2 + ln
        return out if pos == len(der) else None
    except IndexError:
        return None


def sign(ck: CertifiedKey, scheme: SignatureScheme, message: bytes, seed: bytes) -> bytes:
    """A TLS 1.3 CertificateVerify signature with ``ck``'s loaded key (the
    PSS salt drawn from ``seed``; ECDSA is RFC 6979 deterministic)."""
    key = ck.private
    if scheme == SignatureScheme.ED25519 and isinstance(key, ed25519.Ed25519PrivateKey):
        return key.sign(message)
    if scheme in _SCHEME_CURVE and isinstance(key, ec.ECPrivateKey):
        return ecdsa_raw_to_der(key.sign(message, _SCHEME_HASH[scheme]))
    if scheme in _SCHEME_HASH and isinstance(key, RSAPrivateKey):
        return key.sign_pss(_SCHEME_HASH[scheme], message, rng=DrawRng(seed, b"pss"))
    raise fail(A.INTERNAL_ERROR, f"a {ck.key.kind} key cannot sign {scheme!r}")


def scheme_fits_key(pub: PublicKey, scheme: int) -> bool:
    """Whether a TLS 1.3 signature ``scheme`` is one ``pub``'s key type can
    make at all (a mismatch is the peer's illegal_parameter, not a bad
    signature)."""
    if scheme == SignatureScheme.ED25519:
        return pub.kind == "ed25519"
    if scheme in _SCHEME_CURVE:
        return pub.kind == "ec" and pub.curve == _SCHEME_CURVE[SignatureScheme(scheme)]
    if scheme in _RSAE:
        return pub.kind == "rsa"
    if scheme in _PSS_PSS:
        return pub.kind == "rsa-pss"
    return False


def verify(pub: PublicKey, scheme: int, message: bytes, signature: bytes) -> bool:
    """Check a TLS 1.3 CertificateVerify signature; False on any mismatch."""
    try:
        if scheme == SignatureScheme.ED25519:
            return pub.kind == "ed25519" and ed25519.verify(pub.key, message, signature)
        if scheme in _SCHEME_CURVE:
            s = SignatureScheme(scheme)
            if pub.kind != "ec" or pub.curve != _SCHEME_CURVE[s]:
                return False
            curve = ec.P256 if pub.curve == "secp256r1" else ec.P384
            raw = ecdsa_der_to_raw(signature, curve.size)
            if raw is None:
                return False
            return bool(loaded_key(pub).verify(raw, message, _SCHEME_HASH[s]))
        if scheme in _SCHEME_HASH:
            if pub.kind != ("rsa" if scheme in _RSAE else "rsa-pss") or not pss_key_allows(
                    pub, scheme):
                return False
            h = _SCHEME_HASH[SignatureScheme(scheme)]
            hlen = {"sha256": 32, "sha384": 48, "sha512": 64}[h]
            return bool(loaded_key(pub).verify_pss(h, message, signature, hlen, h))
    except (ValueError, ArithmeticError):
        return False
    return False


# ------------------------------------------------------------ certificates

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
_IPV4_CHARS = frozenset("0123456789.")


def ip_literal(name: str) -> IPAddress | None:
    """The address when ``name`` is an IP literal, else None (a DNS name).
    Only a name of digits and dots, or one with a colon, can be an address:
    anything else skips ipaddress's slow failing parse."""
    if ":" not in name and not _IPV4_CHARS.issuperset(name):
        return None
    try:
        return ipaddress.ip_address(name)
    except ValueError:
        return None



def choose_certificate(
    config: Config, server_name: str | None, peer_schemes: Sequence[int]
) -> tuple[CertifiedKey, SignatureScheme] | None:
    """The first configured chain whose key can sign with a scheme both sides
    accept, preferring one whose leaf matches ``server_name``; and that
    scheme (our preference order)."""
    offered = set(peer_schemes)
    fits: list[tuple[CertifiedKey, SignatureScheme]] = []
    for ck in config.certificates:
        k = ck.key
        leaf_pub = ck.chain[0].public_key
        for scheme in config.signature_schemes:
            if scheme in SCHEMES_13 and scheme in offered and key_fits_scheme(
                k.kind, k.curve, leaf_pub.bits, scheme
            ) and pss_key_allows(leaf_pub, scheme):
                fits.append((ck, scheme))
                break
    return prefer_server_name(fits, server_name)


T = TypeVar("T")


def prefer_server_name(fits: Sequence[tuple[CertifiedKey, T]],
                       server_name: str | None) -> tuple[CertifiedKey, T] | None:
    """The first of ``fits`` whose leaf matches ``server_name`` (SNI), else
    the first; None when there is none."""
    if server_name is not None and len(fits) > 1:
        for ck, extra in fits:
            san = ck.chain[0].subject_alt_name or ()
            try:
                if matches_name(san, server_name):
                    return ck, extra
            except ValueError:
                continue
    return fits[0] if fits else None


_VALIDATION_ALERTS = {
    "expired": A.CERTIFICATE_EXPIRED,
    "not-yet-valid": A.CERTIFICATE_EXPIRED,
    "no-path": A.UNKNOWN_CA,
    "no-issuer": A.UNKNOWN_CA,
    "unsupported-key": A.UNSUPPORTED_CERTIFICATE,
    "unsupported-signature": A.UNSUPPORTED_CERTIFICATE,
}


def validation_alert(e: ValidationError) -> AlertDescription:
    """The alert for a failed chain (RFC 8446 6.2)."""
    return _VALIDATION_ALERTS.get(e.reason, A.BAD_CERTIFICATE)


@functools.lru_cache(maxsize=128)
def _certificate(der: bytes) -> Certificate:
    """A certificate parsed once per distinct DER: a client meets the same
    server chains again and again, and a Certificate is an immutable value
    (so sharing it keeps handle_tls a pure function)."""
    return Certificate.from_der(der)


def parse_chain(ders: Sequence[bytes]) -> tuple[Certificate, ...]:
    from tlspy.x509 import X509Error

    try:
        return tuple(_certificate(bytes(d)) for d in ders)
    except (X509Error, ValueError) as e:
        raise fail(A.BAD_CERTIFICATE, f"unparseable certificate: {e}") from None
