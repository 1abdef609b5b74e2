"""Immutable engine configuration.

A :class:`Config` is a frozen value: the protocol versions, cipher suites,
groups and signature schemes this side offers or accepts (in preference
order), the certificate chains with their private keys, the trust anchors
and the validator that checks a peer's chain, ALPN, and the two effects the
engine needs from outside: ``rng(n) -> bytes`` and ``clock() -> float``
(seconds since the epoch).  Tests pin both to replay a handshake byte for
byte.

Secure defaults: TLS 1.3 and 1.2, AEAD suites only, no SHA-1 signatures,
peer certificates verified (client side) against ``trust_anchors`` with the
server name checked.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from nocrypto.ec import P256, P384, ECPrivateKey
from nocrypto.ed25519 import Ed25519PrivateKey
from nocrypto.rng import random_bytes
from nocrypto.rsa import RSAPrivateKey
from tlspy.core.enums import CipherSuite, NamedGroup, ProtocolVersion, SignatureScheme
from tlspy.core.messages import Certificate13, CertificateEntry
from tlspy.core.suites import suite_info
from tlspy.core.writer import assemble_handshake
from tlspy.engine.sessions import SessionStore
from tlspy.engine.tickets import TicketKey
from tlspy.x509 import Certificate, PrivateKey, TrustStore, verify_chain

Rng = Callable[[int], bytes]
Clock = Callable[[], float]
# validator(chain as sent (leaf first), anchors, name (a DNS name, an
# ipaddress object when the client connected to an IP literal, or None),
# time, usage "server" or "client"): raises tlspy.x509.ValidationError when
# the chain is not acceptable.
PeerName = str | ipaddress.IPv4Address | ipaddress.IPv6Address | None
Validator = Callable[
    [Sequence[Certificate], Sequence[Certificate], PeerName, dt.datetime, str], object
]

DEFAULT_VERSIONS = (ProtocolVersion.TLS_1_3, ProtocolVersion.TLS_1_2)
DEFAULT_SUITES_13 = (
    CipherSuite.TLS_AES_128_GCM_SHA256,
    CipherSuite.TLS_AES_256_GCM_SHA384,
    CipherSuite.TLS_CHACHA20_POLY1305_SHA256,
)
DEFAULT_SUITES_12 = (
    CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
    CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
    CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    CipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
)
DEFAULT_SUITES = DEFAULT_SUITES_13 + DEFAULT_SUITES_12
DEFAULT_GROUPS = (NamedGroup.X25519, NamedGroup.SECP256R1, NamedGroup.SECP384R1)
DEFAULT_SIGNATURE_SCHEMES = (
    SignatureScheme.ED25519,
    SignatureScheme.ECDSA_SECP256R1_SHA256,
    SignatureScheme.ECDSA_SECP384R1_SHA384,
    SignatureScheme.RSA_PSS_RSAE_SHA256,
    SignatureScheme.RSA_PSS_RSAE_SHA384,
    SignatureScheme.RSA_PSS_RSAE_SHA512,
    SignatureScheme.RSA_PSS_PSS_SHA256,
    SignatureScheme.RSA_PSS_PSS_SHA384,
    SignatureScheme.RSA_PSS_PSS_SHA512,
    SignatureScheme.RSA_PKCS1_SHA256,
    SignatureScheme.RSA_PKCS1_SHA384,
    SignatureScheme.RSA_PKCS1_SHA512,
)
# What the engine implements; a Config naming anything else is refused.
SUPPORTED_SUITES_13 = frozenset(DEFAULT_SUITES_13)
SUPPORTED_GROUPS = frozenset(
    (*DEFAULT_GROUPS, NamedGroup.FFDHE2048, NamedGroup.FFDHE3072, NamedGroup.FFDHE4096)
)
SUPPORTED_SCHEMES = frozenset(DEFAULT_SIGNATURE_SCHEMES)
_SHA1_SCHEMES = frozenset({SignatureScheme.RSA_PKCS1_SHA1, SignatureScheme.ECDSA_SHA1})


def default_validator(
    chain: Sequence[Certificate],
    anchors: Sequence[Certificate],
    name: PeerName,
    at: dt.datetime,
    usage: str,
) -> object:
    """tlspy.x509.verify_chain on the chain as the peer sent it (the
    engine passes the Config's anchor_store, a TrustStore)."""
    return verify_chain(chain[0], chain[1:], anchors, name=name, at=at, usage=usage)


def _system_clock() -> float:
    return time.time()


SigningKey = RSAPrivateKey | ECPrivateKey | Ed25519PrivateKey
_EC_CURVES = {"secp256r1": P256, "secp384r1": P384}


def load_key(key: PrivateKey) -> SigningKey:
    """``key`` loaded into nocrypto (checked, expanded, in C memory)."""
    if key.kind == "ed25519":
        return Ed25519PrivateKey.from_seed(key.scalar)
    if key.kind == "ec":
        curve = _EC_CURVES.get(key.curve or "")
        if curve is None:
            raise ValueError(f"unsupported curve {key.curve!r}")
        return ECPrivateKey.from_bytes(curve, key.scalar)
    if key.kind in ("rsa", "rsa-pss"):
        return RSAPrivateKey.from_numbers(*key.rsa[:5])
    raise ValueError(f"unsupported private key kind {key.kind!r}")


@dataclass(frozen=True, slots=True)
class CertifiedKey:
    """A certificate chain (leaf first) and the leaf's private key.

    ``private`` is the key loaded into nocrypto once, here, and used for
    every signature (and TLS 1.2 RSA decryption).  An RSA key keeps its
    blinding pair in C and updates it under a lock per use; that changes no
    output, so a handshake stays a pure function of (state, bytes)."""

    chain: tuple[Certificate, ...]
    key: PrivateKey
    private: SigningKey = field(init=False, repr=False, compare=False)
    # The TLS 1.3 Certificate message of the chain (empty request context,
    # no entry extensions): the same bytes for every handshake, made once.
    certificate13: bytes = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.chain:
            raise ValueError("CertifiedKey.chain must hold at least the leaf")
        object.__setattr__(self, "private", load_key(self.key))
        message = Certificate13(b"", tuple(CertificateEntry(c.to_der()) for c in self.chain))
        object.__setattr__(self, "certificate13", assemble_handshake(message))


@dataclass(frozen=True, slots=True)
class Config:
    """Everything one side of a connection is configured with.

    ``versions``, ``cipher_suites``, ``groups`` and ``signature_schemes`` are
    in preference order (the client offers them in this order, the server
    picks its own most preferred one the client also offers).
    ``certificates``: the chains a server presents (chosen by SNI and the
    client's signature_algorithms), or a client offers when asked.
    ``client_auth`` (server): "none", "optional" or "required"; client
    chains are checked against ``trust_anchors`` with usage "client".  ``trust_anchors`` and ``validator``
    check the peer's chain when ``verify_peer``; ``check_name`` matches the
    server name against the leaf.  ``alpn_protocols``: offered (client) or
    accepted in preference order (server).
    """

    versions: tuple[ProtocolVersion, ...] = DEFAULT_VERSIONS
    cipher_suites: tuple[CipherSuite, ...] = DEFAULT_SUITES
    groups: tuple[NamedGroup, ...] = DEFAULT_GROUPS
    signature_schemes: tuple[SignatureScheme, ...] = DEFAULT_SIGNATURE_SCHEMES
    certificates: tuple[CertifiedKey, ...] = ()
    trust_anchors: tuple[Certificate, ...] = ()
    validator: Validator = default_validator
    verify_peer: bool = True
    check_name: bool = True
    alpn_protocols: tuple[bytes, ...] = ()
    # Client: how many key shares to send in the first ClientHello (the
    # first groups); the rest are reachable through HelloRetryRequest.
    key_shares: int = 1
    # Server: always send a HelloRetryRequest cookie when retrying.
    hrr_cookie: bool = True
    middlebox_compat: bool = True
    client_auth: str = "none"
    # Server: session ticket keys (32 bytes each; the first seals, all
    # open) and how many tickets to send after each handshake.
    ticket_keys: tuple[bytes, ...] = ()
    # RFC 8449: the largest protected record (TLSInnerPlaintext, content
    # type included) this side accepts; None: do not send the extension.
    record_size_limit: int | None = None
    ticket_lifetime: int = 7200
    # Server, TLS 1.2: refuse a ClientHello without extended_master_secret
    # (the secure default).  False follows RFC 7627 5.2 instead: go on with
    # the legacy master secret, and never make such a session resumable.
    # The client always requires it.
    require_ems: bool = True
    # Server, TLS 1.3: NewSessionTickets after a full handshake (with
    # ticket_keys); after a resumed one at most one, replacing the ticket
    # the client spent (OpenSSL's rule, which ssl's num_tickets follows).
    tickets: int = 1
    # Report every derived secret as a KeyLog event (NSS key log labels),
    # for SSLKEYLOGFILE-style debugging.  Off by default.
    key_log: bool = False
    # Server: the TLS 1.2 session cache (tlspy.engine.sessions.SessionCache
    # or any object with get/put); None: no session IDs are issued.
    session_cache: SessionStore | None = None
    # Client: send TLS_FALLBACK_SCSV (RFC 7507), for an application retrying
    # with fewer versions after a failed connection.
    fallback_scsv: bool = False
    rng: Rng = field(default=random_bytes)
    clock: Clock = field(default=_system_clock)
    # ticket_keys loaded once (the first seals, all open).
    ticket_sealers: tuple[TicketKey, ...] = field(init=False, repr=False, compare=False)
    # Worked out once from versions and cipher_suites: the TLS 1.3 and TLS
    # 1.2 suites (in order) and whether TLS 1.3 is enabled.
    suites_13: tuple[CipherSuite, ...] = field(init=False, repr=False, compare=False)
    suites_12: tuple[CipherSuite, ...] = field(init=False, repr=False, compare=False)
    tls13: bool = field(init=False, repr=False, compare=False)
    # trust_anchors indexed by subject once: what the validator is given,
    # so a connection does not index the whole store again.
    anchor_store: TrustStore = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.versions:
            raise ValueError("Config.versions is empty")
        for v in self.versions:
            if v not in (ProtocolVersion.TLS_1_3, ProtocolVersion.TLS_1_2):
                raise ValueError(f"protocol version {v!r} is not supported")
        for c in self.cipher_suites:
            if suite_info(c) is None:
                raise ValueError(f"cipher suite {c!r} is not supported")
        for s in self.signature_schemes:
            if s in _SHA1_SCHEMES:
                raise ValueError(f"{s.name}: SHA-1 signatures are refused")
            if s not in SUPPORTED_SCHEMES:
                raise ValueError(f"signature scheme {s!r} is not supported")
        for g in self.groups:
            if g not in SUPPORTED_GROUPS:
                raise ValueError(f"group {g!r} is not supported")
        if self.client_auth not in ("none", "optional", "required"):
            raise ValueError('client_auth must be "none", "optional" or "required"')
        for k in self.ticket_keys:
            if len(k) != 32:
                raise ValueError("ticket keys must be 32 bytes")
        object.__setattr__(self, "ticket_sealers", tuple(map(TicketKey.load, self.ticket_keys)))
        object.__setattr__(self, "suites_13", tuple(
            s for s in self.cipher_suites if s in SUPPORTED_SUITES_13))
        object.__setattr__(self, "suites_12", tuple(
            s for s in self.cipher_suites if not suite_info(s).tls13))  # type: ignore[union-attr]
        object.__setattr__(self, "tls13", ProtocolVersion.TLS_1_3 in self.versions)
        object.__setattr__(self, "anchor_store", TrustStore(self.trust_anchors))
        if self.record_size_limit is not None and not 64 <= self.record_size_limit <= 16385:
            raise ValueError("record_size_limit must be 64..16385")
        if not 0 < self.ticket_lifetime <= 604800:
            raise ValueError("ticket_lifetime must be 1..604800 seconds")
        if not 0 <= self.tickets <= 16:
            raise ValueError("tickets must be 0..16")
        if not self.groups:
            raise ValueError("Config.groups is empty")
        if not 1 <= self.key_shares <= len(self.groups):
            raise ValueError(f"key_shares must be 1..{len(self.groups)}")
        for p in self.alpn_protocols:
            if not 1 <= len(p) <= 255:
                raise ValueError("ALPN protocol names are 1..255 bytes")

    def now(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.clock(), dt.timezone.utc)


__all__ = [
    "DEFAULT_GROUPS",
    "DEFAULT_SIGNATURE_SCHEMES",
    "DEFAULT_SUITES",
    "CertifiedKey",
    "Clock",
    "Config",
    "Rng",
    "Validator",
    "default_validator",
]
