"""TLS 1.2 record protection behind the interface the engine's record layer
uses for TLS 1.3 (``encrypt(seq, type, content)`` and ``decrypt(seq,
record, limit) -> (type, content)``): in TLS 1.2 the content type travels
in the clear in the record header (RFC 5246 6.2.3)."""

from __future__ import annotations

from nocrypto.kdf import hkdf_expand
from tlspy.core.enums import ContentType, ProtocolVersion
from tlspy.core.record import MAX_PLAINTEXT, Record, RecordProtection12
from tlspy.core.record_cbc import RecordProtection12CBC

_Core = RecordProtection12 | RecordProtection12CBC


class Protection12:
    """One direction's TLS 1.2 record protection (immutable).  CBC records
    take their explicit IV from ``iv_key`` and the sequence number (HKDF:
    unpredictable without the key, which comes from the connection's
    secret seed, and never repeated)."""

    __slots__ = ("_core", "_iv_key")
    tls12 = True

    _core: _Core
    _iv_key: bytes

    def __init__(self, core: _Core, iv_key: bytes = b"") -> None:
        if isinstance(core, RecordProtection12CBC) and len(iv_key) != 32:
            raise ValueError("CBC protection needs a 32-byte iv_key")
        object.__setattr__(self, "_core", core)
        object.__setattr__(self, "_iv_key", iv_key)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Protection12 is immutable")

    def encrypt(self, seq: int, content_type: int, content: bytes, padding: int = 0) -> bytes:
        core = self._core
        if isinstance(core, RecordProtection12CBC):
            iv = hkdf_expand("sha256", self._iv_key, b"tlspy cbc iv" + seq.to_bytes(8, "big"), 16)
            return core.encrypt(seq, content_type, ProtocolVersion.TLS_1_2, content, iv)
        return core.encrypt(seq, content_type, ProtocolVersion.TLS_1_2, content)

    def decrypt(
        self, seq: int, record: Record, max_inner: int = MAX_PLAINTEXT + 1
    ) -> tuple[ContentType | int, bytes]:
        return record.content_type, self._core.decrypt(seq, record, min(max_inner - 1,
                                                                         MAX_PLAINTEXT))


__all__ = ["Protection12"]
