"""Pieces both TLS 1.2 handshakes share (RFC 5246, RFC 8422, RFC 7627,
RFC 5746): the suites this engine runs, ServerKeyExchange signatures with
the TLS 1.2 signature_algorithms rules, keys from the master secret."""

from __future__ import annotations

from collections.abc import Callable

from nocrypto import dh, ec
from nocrypto.kdf import hkdf_expand
from nocrypto.rsa import RSAPrivateKey
from tlspy.core import keyschedule as ks
from tlspy.core.enums import (
    AlertDescription,
    CipherSuite,
    NamedGroup,
    ProtocolVersion,
    SignatureScheme,
)
from tlspy.core.protect import protection12
from tlspy.core.suites import Auth, SuiteInfo, suite_info
from tlspy.engine._protect12 import Protection12
from tlspy.engine.config import CertifiedKey, Config
from tlspy.engine.handshake_common import (
    KeySharePrivate,
    draw,
    ecdsa_der_to_raw,
    ecdsa_raw_to_der,
    fail,
    key_agreement,
    key_fits_scheme,
    prefer_server_name,
    pss_key_allows,
)
from tlspy.engine.handshake_common import (
    sign as sign13,
)
from tlspy.engine.handshake_common import (
    verify as verify13,
)
from tlspy.engine.state import (
    ClientWaitCertificate12,
    ClientWaitChangeCipherSpec12,
    ClientWaitFinished12,
    ClientWaitHelloDone12,
    ClientWaitKeyExchange12,
    Direction,
    ServerWaitCertificateVerify12,
    ServerWaitChangeCipherSpec12,
    ServerWaitClientCertificate12,
    ServerWaitFinished12,
    ServerWaitKeyExchange12,
)
from tlspy.x509 import Certificate, PublicKey
from tlspy.x509.ops import loaded_key

S = SignatureScheme
A = AlertDescription
CS = CipherSuite

# The TLS 1.2 suites this engine runs: ECDHE or DHE with an AEAD or (when
# configured; never by default) AES-CBC with HMAC, and (when configured,
# never by default) plain RSA key exchange.
SUITES_12 = frozenset(
    s
    for s, info in ((s, suite_info(s)) for s in CipherSuite)
    if info is not None and not info.tls13
)
EC_GROUPS = frozenset({NamedGroup.X25519, NamedGroup.SECP256R1, NamedGroup.SECP384R1})
FFDHE_GROUPS = {NamedGroup.FFDHE2048: dh.FFDHE2048, NamedGroup.FFDHE3072: dh.FFDHE3072,
                NamedGroup.FFDHE4096: dh.FFDHE4096}


def ffdhe_params(group: NamedGroup) -> tuple[bytes, bytes]:
    """(p, g) of an RFC 7919 group as ServerDHParams carries them."""
    grp = FFDHE_GROUPS[group]
    return grp.p.to_bytes(grp.size_bytes, "big"), bytes([grp.g])


def ffdhe_group_of(p: bytes, g: bytes) -> NamedGroup | None:
    """The RFC 7919 group with these parameters (leading zeros ignored), or
    None: tlspy does not use arbitrary server-chosen DH groups."""
    pi, gi = int.from_bytes(p, "big"), int.from_bytes(g, "big")
    for name, grp in FFDHE_GROUPS.items():
        if grp.p == pi and grp.g == gi:
            return name
    return None


def dhe_premaster(share: KeySharePrivate, peer: bytes) -> bytes:
    """Z for TLS 1.2 DHE: the peer's value may come without leading zeros;
    the premaster secret drops Z's leading zeros (RFC 5246 8.1.2)."""
    assert share.dh_key is not None
    size = share.dh_key.group.size_bytes
    if len(peer) > size:
        raise fail(A.ILLEGAL_PARAMETER, "DH public value longer than p")
    z = key_agreement(share, peer.rjust(size, b"\x00"))
    return z.lstrip(b"\x00")

_ECDSA = {S.ECDSA_SECP256R1_SHA256: "sha256", S.ECDSA_SECP384R1_SHA384: "sha384"}
_PKCS1 = {S.RSA_PKCS1_SHA256: "sha256", S.RSA_PKCS1_SHA384: "sha384",
          S.RSA_PKCS1_SHA512: "sha512"}
_PSS = frozenset({S.RSA_PSS_RSAE_SHA256, S.RSA_PSS_RSAE_SHA384, S.RSA_PSS_RSAE_SHA512,
                  S.RSA_PSS_PSS_SHA256, S.RSA_PSS_PSS_SHA384, S.RSA_PSS_PSS_SHA512})
_CURVES = {"secp256r1": ec.P256, "secp384r1": ec.P384}


# The handshake message types each TLS 1.2 state accepts (RFC 5246 7.3);
# checked before the body is parsed, so a misplaced message is
# unexpected_message whatever its contents.
EXPECTED12: dict[type, frozenset[int]] = {
    ClientWaitCertificate12: frozenset({11}),
    ClientWaitKeyExchange12: frozenset({12}),
    ClientWaitHelloDone12: frozenset({13, 14}),
    ClientWaitChangeCipherSpec12: frozenset({4}),
    ClientWaitFinished12: frozenset({20}),
    ServerWaitClientCertificate12: frozenset({11}),
    ServerWaitKeyExchange12: frozenset({16}),
    ServerWaitCertificateVerify12: frozenset({15}),
    ServerWaitChangeCipherSpec12: frozenset(),
    ServerWaitFinished12: frozenset({20}),
}


def suites_12(config: Config) -> tuple[CipherSuite, ...]:
    """The configured TLS 1.2 suites this engine implements, in order."""
    return config.suites_12


def tls12(config: Config) -> bool:
    return ProtocolVersion.TLS_1_2 in config.versions and bool(config.suites_12)


def fits12(auth: Auth, kind: str, curve: str | None, bits: int, scheme: int) -> bool:
    """Whether a key of this kind signs ``scheme`` in TLS 1.2 for a suite
    authenticated by ``auth`` (the ECDSA schemes name only the hash in
    TLS 1.2, RFC 8422 5.10; Ed25519 keys sign with ed25519 under the
    ECDSA suites, RFC 8422 5.1.1)."""
    if auth is Auth.ECDSA:
        if kind == "ed25519":
            return scheme == S.ED25519
        return kind == "ec" and curve in _CURVES and scheme in _ECDSA
    if auth is Auth.RSA and kind in ("rsa", "rsa-pss"):
        if scheme in _PKCS1:
            return kind == "rsa" and bits >= 2048
        if scheme in _PSS:
            return key_fits_scheme(kind, curve, bits, scheme)
    return False


_CURVE_GROUP = {"secp256r1": NamedGroup.SECP256R1, "secp384r1": NamedGroup.SECP384R1}


def choose_rsa_kex(config: Config, server_name: str | None) -> CertifiedKey | None:
    """The certificate for the RSA key exchange: an RSA key (of at least
    2048 bits) whose certificate allows keyEncipherment when it has a
    keyUsage extension (RFC 5280 4.2.1.3); one matching ``server_name``
    first."""
    fits = [(ck, None) for ck in config.certificates
            if ck.key.kind == "rsa" and ck.chain[0].public_key.bits >= 2048
            and rsa_kex_allowed(ck.chain[0])]
    chosen = prefer_server_name(fits, server_name)
    return chosen[0] if chosen is not None else None


def rsa_kex_allowed(cert: Certificate) -> bool:
    """Whether ``cert``'s keyUsage (when present) allows keyEncipherment."""
    ku = cert.key_usage
    return ku is None or ku.has("keyEncipherment")


def rsa_premaster_decrypt(ck: CertifiedKey, encrypted: bytes, client_version: int,
                          seed: bytes) -> bytes:
    """The premaster secret of an RSA ClientKeyExchange, through nocrypto's
    constant-time entry point: a bad ciphertext (padding, length, version
    bytes) gives 48 random bytes instead, with no difference the peer can
    see before its Finished fails to decrypt (RFC 5246 7.4.7.1, ROBOT)."""
    key = ck.private
    assert isinstance(key, RSAPrivateKey)  # choose_rsa_kex picks RSA keys only
    return key.tls_premaster_decrypt(encrypted, client_version, rng=counter_rng(seed))


def rsa_premaster_encrypt(pub: PublicKey, client_version: int, seed: bytes) -> tuple[bytes,
                                                                                     bytes]:
    """(premaster, its PKCS#1 v1.5 encryption to the server's key)."""
    rng = counter_rng(seed)
    premaster = client_version.to_bytes(2, "big") + rng(46)
    encrypted: bytes = loaded_key(pub).encrypt_pkcs1v15(premaster, rng=rng)
    return premaster, encrypted


def counter_rng(seed: bytes) -> Callable[[int], bytes]:
    """A deterministic rng over a 32-byte seed whose every call gives fresh
    bytes (for nocrypto calls that draw more than once)."""
    calls = [0]

    def rng(n: int) -> bytes:
        calls[0] += 1
        return hkdf_expand("sha256", seed, b"tlspy rng" + calls[0].to_bytes(4, "big"), n)

    return rng


def choose12(
    config: Config, auth: Auth, peer_schemes: tuple[int, ...], peer_groups: tuple[int, ...],
    server_name: str | None = None,
) -> tuple[CertifiedKey, SignatureScheme] | None:
    """A certificate for ``auth`` and the scheme it signs with, one whose
    leaf matches ``server_name`` first; an ECDSA key's curve must be one the
    client supports (RFC 8422 5.1)."""
    fits = []
    for ck in config.certificates:
        pub = ck.chain[0].public_key
        if ck.key.kind == "ec" and _CURVE_GROUP.get(ck.key.curve or "") not in peer_groups:
            continue
        for scheme in config.signature_schemes:
            if scheme in peer_schemes and fits12(auth, ck.key.kind, ck.key.curve, pub.bits,
                                                 scheme) and pss_key_allows(pub, scheme):
                fits.append((ck, scheme))
                break
    return prefer_server_name(fits, server_name)


def auth_of(kind: str) -> Auth:
    """The TLS 1.2 signature family of a key kind (client certificates)."""
    return Auth.ECDSA if kind in ("ec", "ed25519") else Auth.RSA


def choose_client12(
    config: Config, types: tuple[int, ...], peer_schemes: tuple[int, ...]
) -> tuple[CertifiedKey, SignatureScheme] | None:
    """A client certificate of a type the server asked for (rsa_sign 1,
    ecdsa_sign 64) and a scheme both sides accept (RFC 5246 7.4.6)."""
    for ck in config.certificates:
        kind = ck.key.kind
        if (1 if auth_of(kind) is Auth.RSA else 64) not in types:
            continue
        pub = ck.chain[0].public_key
        for scheme in config.signature_schemes:
            if scheme in peer_schemes and fits12(auth_of(kind), kind, ck.key.curve, pub.bits,
                                                 scheme) and pss_key_allows(pub, scheme):
                return ck, scheme
    return None


def schemes12(config: Config) -> tuple[SignatureScheme, ...]:
    """Our signature schemes usable in TLS 1.2 (ECDSA, Ed25519, RSA PKCS#1,
    RSA-PSS)."""
    return tuple(s for s in config.signature_schemes
                 if s in _ECDSA or s in _PKCS1 or s in _PSS or s == S.ED25519)


def sign12(ck: CertifiedKey, scheme: SignatureScheme, message: bytes, seed: bytes) -> bytes:
    key = ck.private
    if scheme in _ECDSA and isinstance(key, ec.ECPrivateKey):
        return ecdsa_raw_to_der(key.sign(message, _ECDSA[scheme]))
    if scheme in _PKCS1 and isinstance(key, RSAPrivateKey):
        return key.sign_pkcs1v15(_PKCS1[scheme], message)
    return sign13(ck, scheme, message, seed)


def verify12(auth: Auth, pub: PublicKey, scheme: int, message: bytes, signature: bytes) -> bool:
    """Check a ServerKeyExchange signature; False on any mismatch."""
    if not fits12(auth, pub.kind, pub.curve, pub.bits, scheme):
        return False
    try:
        if scheme in _ECDSA:
            assert pub.curve is not None
            curve = _CURVES[pub.curve]
            raw = ecdsa_der_to_raw(signature, curve.size)
            if raw is None:
                return False
            return bool(loaded_key(pub).verify(raw, message, _ECDSA[S(scheme)]))
        if scheme in _PKCS1:
            return bool(loaded_key(pub).verify_pkcs1v15(_PKCS1[S(scheme)], message, signature))
    except (ValueError, ArithmeticError):
        return False
    return verify13(pub, scheme, message, signature)


def directions(
    info: SuiteInfo, master: bytes, client_random: bytes, server_random: bytes,
    *, etm: bool = False, seed: bytes = b"",
) -> tuple[Direction, Direction]:
    """(client write, server write) record protection from the key block;
    CBC suites use encrypt-then-MAC when ``etm`` (RFC 7366) and draw their
    IVs from 32 secret bytes drawn from the state's ``seed``."""
    block = ks.key_block12(info, master, client_random, server_random)
    c = protection12(info, block, client_write=True, encrypt_then_mac=etm)
    s = protection12(info, block, client_write=False, encrypt_then_mac=etm)
    if info.aead:
        return Direction(Protection12(c)), Direction(Protection12(s))
    iv_seed = draw(seed, b"cbc iv", 32)
    return Direction(Protection12(c, iv_seed)), Direction(Protection12(s, iv_seed))


__all__ = [
    "EC_GROUPS",
    "EXPECTED12",
    "FFDHE_GROUPS",
    "SUITES_12",
    "auth_of",
    "choose12",
    "choose_client12",
    "choose_rsa_kex",
    "counter_rng",
    "dhe_premaster",
    "directions",
    "ffdhe_group_of",
    "ffdhe_params",
    "fits12",
    "rsa_kex_allowed",
    "rsa_premaster_decrypt",
    "rsa_premaster_encrypt",
    "schemes12",
    "sign12",
    "suites_12",
    "tls12",
    "verify12",
]
