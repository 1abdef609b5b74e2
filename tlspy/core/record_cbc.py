"""TLS 1.2 CBC record protection (RFC 5246 6.2.3.2) for the AES-CBC suites
with HMAC-SHA1/SHA256/SHA384: MAC-then-encrypt with nocrypto's
constant-time record check (the Lucky Thirteen countermeasure), or
encrypt-then-MAC (RFC 7366); one C call per record either way.

The explicit per-record IV is an argument: randomness belongs to the engine
(``config.rng``).  Every failure to open a record, whatever its cause, is
the same ``bad_record_mac`` error.
"""

from __future__ import annotations

from nocrypto.errors import AuthenticationError
from nocrypto.tls_cbc import AESCBCRecord, mac_prefix
from tlspy.core.enums import AlertDescription
from tlspy.core.errors import TLSRecordError
from tlspy.core.record import MAX_CIPHERTEXT_12, MAX_PLAINTEXT, Record, record_header

BLOCK = 16
_BAD = AlertDescription.BAD_RECORD_MAC
_OVERFLOW = AlertDescription.RECORD_OVERFLOW


class RecordProtection12CBC:
    """One direction's AES-CBC + HMAC record protection."""

    __slots__ = ("_cbc",)

    _cbc: AESCBCRecord

    def __init__(self, key: bytes, mac_alg: str, mac_key: bytes, *, encrypt_then_mac: bool) -> None:
        cbc = AESCBCRecord(key, mac_alg, mac_key, encrypt_then_mac=encrypt_then_mac)
        object.__setattr__(self, "_cbc", cbc)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("RecordProtection12CBC is immutable")

    @property
    def encrypt_then_mac(self) -> bool:
        return self._cbc.encrypt_then_mac

    def encrypt(
        self, seq: int, content_type: int, version: int, content: bytes, iv: bytes
    ) -> bytes:
        """One protected record; ``iv`` is 16 fresh random bytes."""
        if len(iv) != BLOCK:
            raise ValueError(f"iv must be {BLOCK} bytes, got {len(iv)}")
        if len(content) > MAX_PLAINTEXT:
            raise ValueError(f"plaintext of {len(content)} bytes exceeds 2^14")
        fragment = self._cbc.seal(mac_prefix(seq, content_type, version), iv, content)
        return record_header(content_type, version, len(fragment)) + fragment

    def decrypt(self, seq: int, record: Record, max_plaintext: int = MAX_PLAINTEXT) -> bytes:
        """The plaintext of a protected record; more than ``max_plaintext``
        bytes is ``record_overflow``."""
        fragment = record.fragment
        if len(fragment) > MAX_CIPHERTEXT_12:
            raise TLSRecordError(f"ciphertext of {len(fragment)} bytes", _OVERFLOW)
        prefix = mac_prefix(seq, record.content_type, record.version)
        try:
            data = self._cbc.open(prefix, fragment)
        except (AuthenticationError, ValueError) as e:
            raise TLSRecordError("record authentication failed", _BAD) from e
        if len(data) > max_plaintext:
            raise TLSRecordError(f"plaintext of {len(data)} bytes", _OVERFLOW)
        return data


__all__ = ["RecordProtection12CBC"]
