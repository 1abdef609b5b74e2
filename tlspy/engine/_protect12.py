"""TLS 1.2 record protection behind the interface the engine's record layer
uses for TLS 1.3 (``encrypt(seq, type, content)`` and ``decrypt(seq,
record, limit) -> (type, content)``): in TLS 1.2 the content type travels
in the clear in the record header (RFC 5246 6.2.3)."""

from __future__ import annotations

from tlspy.core.enums import ContentType, ProtocolVersion
from tlspy.core.record import MAX_PLAINTEXT, Record
from tlspy.core.record import RecordProtection12 as _Core


class Protection12:
    """One direction's TLS 1.2 AEAD record protection (immutable)."""

    __slots__ = ("_core",)
    tls12 = True

    _core: _Core

    def __init__(self, core: _Core) -> None:
        object.__setattr__(self, "_core", core)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Protection12 is immutable")

    def encrypt(self, seq: int, content_type: int, content: bytes, padding: int = 0) -> bytes:
        return self._core.encrypt(seq, content_type, ProtocolVersion.TLS_1_2, content)

    def decrypt(
        self, seq: int, record: Record, max_inner: int = MAX_PLAINTEXT + 1
    ) -> tuple[ContentType | int, bytes]:
        return record.content_type, self._core.decrypt(seq, record, min(max_inner - 1,
                                                                         MAX_PLAINTEXT))


__all__ = ["Protection12"]
