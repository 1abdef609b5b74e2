"""Record protection objects from negotiated parameters: the AEAD for a
suite's bulk cipher, TLS 1.3 protection from a traffic secret, TLS 1.2
protection (AEAD or CBC) from the key block."""

from __future__ import annotations

from nocrypto.cipher import AESGCM, ChaCha20Poly1305
from nocrypto.tls_aead import TLS13AEAD
from tlspy.core.keyschedule import KeyBlock12
from tlspy.core.record import AEAD, RecordProtection12, RecordProtection13
from tlspy.core.record_cbc import RecordProtection12CBC
from tlspy.core.suites import BulkCipher, SuiteInfo

Protection12 = RecordProtection12 | RecordProtection12CBC


def new_aead(cipher: BulkCipher, key: bytes) -> AEAD:
    """The expanded-key AEAD object for ``cipher``."""
    if cipher in (BulkCipher.AES_128_GCM, BulkCipher.AES_256_GCM):
        return AESGCM(key)
    if cipher is BulkCipher.CHACHA20_POLY1305:
        return ChaCha20Poly1305(key)
    raise ValueError(f"{cipher.value} is not an AEAD")


def protection13(info: SuiteInfo, traffic_secret: bytes) -> RecordProtection13:
    """TLS 1.3 record protection for one direction's traffic secret (the
    key and iv are derived and expanded in C, one call)."""
    alg = "chacha20-poly1305" if info.cipher is BulkCipher.CHACHA20_POLY1305 else "aes-gcm"
    return RecordProtection13(
        TLS13AEAD.from_secret(alg, info.prf_hash, traffic_secret, info.key_length))


def protection12(
    info: SuiteInfo, block: KeyBlock12, *, client_write: bool, encrypt_then_mac: bool = False
) -> Protection12:
    """TLS 1.2 record protection with the client's (``client_write``) or the
    server's write keys from the key block."""
    key = block.client_key if client_write else block.server_key
    iv = block.client_iv if client_write else block.server_iv
    if info.aead:
        return RecordProtection12(new_aead(info.cipher, key), iv)
    assert info.mac is not None
    mac_key = block.client_mac_key if client_write else block.server_mac_key
    return RecordProtection12CBC(key, info.mac, mac_key, encrypt_then_mac=encrypt_then_mac)


__all__ = ["Protection12", "new_aead", "protection12", "protection13"]
