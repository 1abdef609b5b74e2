"""What each cipher suite means: protocol, key exchange, authentication,
record cipher, key sizes and the hash of its PRF / key schedule."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from tlspy.core.enums import CipherSuite as CS
from tlspy.core.messages import KeyExchange


class Auth(Enum):
    """Certificate key type a TLS 1.2 suite authenticates with (None: any,
    TLS 1.3; RSA key exchange: the RSA certificate itself)."""

    ANY = "any"
    RSA = "RSA"
    ECDSA = "ECDSA"


class BulkCipher(Enum):
    AES_128_GCM = "AES-128-GCM"
    AES_256_GCM = "AES-256-GCM"
    CHACHA20_POLY1305 = "ChaCha20-Poly1305"
    AES_128_CBC = "AES-128-CBC"
    AES_256_CBC = "AES-256-CBC"


@dataclass(frozen=True, slots=True)
class SuiteInfo:
    suite: CS
    tls13: bool
    kex: KeyExchange | None  # None for TLS 1.3
    auth: Auth
    cipher: BulkCipher
    key_length: int
    fixed_iv_length: int  # TLS 1.3 / ChaCha: 12; GCM 1.2: 4 (salt); CBC: 0
    record_iv_length: int  # explicit per-record nonce/IV: GCM 1.2: 8; CBC: 16
    mac: str | None  # CBC suites' HMAC hash ("sha1", "sha256", "sha384")
    mac_key_length: int
    prf_hash: str  # HKDF / PRF / transcript hash

    @property
    def aead(self) -> bool:
        return self.mac is None

    @property
    def hash_length(self) -> int:
        return 48 if self.prf_hash == "sha384" else 32


def _s13(suite: CS, cipher: BulkCipher, key: int, h: str) -> SuiteInfo:
    return SuiteInfo(suite, True, None, Auth.ANY, cipher, key, 12, 0, None, 0, h)


def _aead12(suite: CS, kex: KeyExchange, auth: Auth, cipher: BulkCipher, h: str) -> SuiteInfo:
    key = 32 if cipher in (BulkCipher.AES_256_GCM, BulkCipher.CHACHA20_POLY1305) else 16
    if cipher is BulkCipher.CHACHA20_POLY1305:
        return SuiteInfo(suite, False, kex, auth, cipher, key, 12, 0, None, 0, h)
    return SuiteInfo(suite, False, kex, auth, cipher, key, 4, 8, None, 0, h)


def _cbc12(suite: CS, kex: KeyExchange, auth: Auth, cipher: BulkCipher, mac: str) -> SuiteInfo:
    key = 32 if cipher is BulkCipher.AES_256_CBC else 16
    mac_len = {"sha1": 20, "sha256": 32, "sha384": 48}[mac]
    prf = "sha384" if mac == "sha384" else "sha256"
    return SuiteInfo(suite, False, kex, auth, cipher, key, 0, 16, mac, mac_len, prf)


E, D, R = KeyExchange.ECDHE, KeyExchange.DHE, KeyExchange.RSA
G128, G256, CC = BulkCipher.AES_128_GCM, BulkCipher.AES_256_GCM, BulkCipher.CHACHA20_POLY1305
C128, C256 = BulkCipher.AES_128_CBC, BulkCipher.AES_256_CBC
A_RSA, A_EC = Auth.RSA, Auth.ECDSA

SUITES: dict[int, SuiteInfo] = {
    s.suite: s
    for s in (
        _s13(CS.TLS_AES_128_GCM_SHA256, G128, 16, "sha256"),
        _s13(CS.TLS_AES_256_GCM_SHA384, G256, 32, "sha384"),
        _s13(CS.TLS_CHACHA20_POLY1305_SHA256, CC, 32, "sha256"),
        _aead12(CS.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, E, A_EC, G128, "sha256"),
        _aead12(CS.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, E, A_EC, G256, "sha384"),
        _aead12(CS.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, E, A_RSA, G128, "sha256"),
        _aead12(CS.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, E, A_RSA, G256, "sha384"),
        _aead12(CS.TLS_DHE_RSA_WITH_AES_128_GCM_SHA256, D, A_RSA, G128, "sha256"),
        _aead12(CS.TLS_DHE_RSA_WITH_AES_256_GCM_SHA384, D, A_RSA, G256, "sha384"),
        _aead12(CS.TLS_RSA_WITH_AES_128_GCM_SHA256, R, A_RSA, G128, "sha256"),
        _aead12(CS.TLS_RSA_WITH_AES_256_GCM_SHA384, R, A_RSA, G256, "sha384"),
        _aead12(CS.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, E, A_EC, CC, "sha256"),
        _aead12(CS.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, E, A_RSA, CC, "sha256"),
        _aead12(CS.TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256, D, A_RSA, CC, "sha256"),
        _cbc12(CS.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, E, A_EC, C128, "sha1"),
        _cbc12(CS.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA, E, A_EC, C256, "sha1"),
        _cbc12(CS.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, E, A_RSA, C128, "sha1"),
        _cbc12(CS.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA, E, A_RSA, C256, "sha1"),
        _cbc12(CS.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256, E, A_EC, C128, "sha256"),
        _cbc12(CS.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384, E, A_EC, C256, "sha384"),
        _cbc12(CS.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256, E, A_RSA, C128, "sha256"),
        _cbc12(CS.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384, E, A_RSA, C256, "sha384"),
        _cbc12(CS.TLS_DHE_RSA_WITH_AES_128_CBC_SHA, D, A_RSA, C128, "sha1"),
        _cbc12(CS.TLS_DHE_RSA_WITH_AES_256_CBC_SHA, D, A_RSA, C256, "sha1"),
        _cbc12(CS.TLS_DHE_RSA_WITH_AES_128_CBC_SHA256, D, A_RSA, C128, "sha256"),
        _cbc12(CS.TLS_DHE_RSA_WITH_AES_256_CBC_SHA256, D, A_RSA, C256, "sha256"),
        _cbc12(CS.TLS_RSA_WITH_AES_128_CBC_SHA, R, A_RSA, C128, "sha1"),
        _cbc12(CS.TLS_RSA_WITH_AES_256_CBC_SHA, R, A_RSA, C256, "sha1"),
        _cbc12(CS.TLS_RSA_WITH_AES_128_CBC_SHA256, R, A_RSA, C128, "sha256"),
        _cbc12(CS.TLS_RSA_WITH_AES_256_CBC_SHA256, R, A_RSA, C256, "sha256"),
    )
}


def suite_info(suite: int) -> SuiteInfo | None:
    """What ``suite`` means, or None when tlspy does not implement it."""
    return SUITES.get(suite)


__all__ = ["SUITES", "Auth", "BulkCipher", "SuiteInfo", "suite_info"]
