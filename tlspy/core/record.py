"""The TLS record layer (RFC 8446 section 5, RFC 5246 section 6, RFC 8449).

Framing: records parsed incrementally from a byte stream (the bytes after
the last whole record are handed back), handshake messages reassembled
across records (and several per record), and data cut into records for
sending.

Protection: immutable objects holding an expanded AEAD key and the static
IV; the sequence number is an argument (it lives in the engine state).
``RecordProtection13`` is TLS 1.3 (inner plaintext with content type and
padding, nonce = iv XOR seq, additional data = record header);
``RecordProtection12`` is TLS 1.2 AEAD (AES-GCM with an explicit 8-byte
nonce, ChaCha20-Poly1305 with the RFC 7905 nonce).  Each seals or opens one
record in one AEAD call.

Failures raise :class:`tlspy.core.errors.TLSRecordError` (or
``TLSDecodeError`` for malformed handshake framing) carrying the alert.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from nocrypto.errors import AuthenticationError
from tlspy.core.enums import AlertDescription, ContentType, to_enum
from tlspy.core.errors import TLSDecodeError, TLSRecordError
from tlspy.core.reader import MAX_HANDSHAKE_LENGTH

Buffer = bytes | bytearray | memoryview

MAX_PLAINTEXT = 1 << 14
MAX_INNER_PLAINTEXT_13 = MAX_PLAINTEXT + 1  # content + content type byte
MAX_CIPHERTEXT_13 = MAX_PLAINTEXT + 256
MAX_CIPHERTEXT_12 = MAX_PLAINTEXT + 2048
HEADER_LENGTH = 5
TAG_LENGTH = 16

_KNOWN_TYPES = frozenset(
    {
        ContentType.CHANGE_CIPHER_SPEC,
        ContentType.ALERT,
        ContentType.HANDSHAKE,
        ContentType.APPLICATION_DATA,
    }
)
_OVERFLOW = AlertDescription.RECORD_OVERFLOW
_BAD_MAC = AlertDescription.BAD_RECORD_MAC
_UNEXPECTED = AlertDescription.UNEXPECTED_MESSAGE


class AEAD(Protocol):
    """An AEAD with an expanded key (nocrypto.cipher.AESGCM,
    nocrypto.chacha.ChaCha20Poly1305): ``encrypt_into`` writes
    ciphertext || tag into ``out`` (which may alias ``data``),
    ``decrypt_into`` the plaintext, raising nocrypto.AuthenticationError on
    a bad tag.  Both return the bytes written."""

    def encrypt_into(
        self, nonce: bytes, data: Buffer, aad: bytes | None, out: bytearray | memoryview
    ) -> int: ...

    def decrypt_into(
        self, nonce: bytes, data: Buffer, aad: bytes | None, out: bytearray | memoryview
    ) -> int: ...


# ------------------------------------------------------------------ framing


@dataclass(frozen=True, slots=True)
class Record:
    """One TLSPlaintext / TLSCiphertext record as read off the wire."""

    content_type: ContentType | int
    version: int
    fragment: bytes

    def header(self) -> bytes:
        return record_header(self.content_type, self.version, len(self.fragment))


def record_header(content_type: int, version: int, length: int) -> bytes:
    return bytes((content_type, version >> 8, version & 0xFF, length >> 8, length & 0xFF))


def parse_records(
    data: bytes, max_length: int = MAX_CIPHERTEXT_12
) -> tuple[tuple[Record, ...], bytes]:
    """All whole records at the start of ``data`` and the bytes left over.

    A record longer than ``max_length`` is ``record_overflow``; a content
    type outside change_cipher_spec/alert/handshake/application_data, or a
    version whose major byte is not 3, is ``unexpected_message`` (RFC 8446
    5: an unexpected record type).  The check runs as soon as a header is
    complete, so a hostile length is refused before its body arrives.
    """
    records: list[Record] = []
    pos, end = 0, len(data)
    while end - pos >= HEADER_LENGTH:
        content_type = data[pos]
        if content_type not in _KNOWN_TYPES:
            raise TLSRecordError(
                f"record at {pos}: unknown content type {content_type}", _UNEXPECTED
            )
        if data[pos + 1] != 3:
            raise TLSRecordError(f"record at {pos}: version major {data[pos + 1]}", _UNEXPECTED)
        length = (data[pos + 3] << 8) | data[pos + 4]
        if length > max_length:
            raise TLSRecordError(f"record at {pos}: length {length} > {max_length}", _OVERFLOW)
        if end - pos - HEADER_LENGTH < length:
            break
        version = (data[pos + 1] << 8) | data[pos + 2]
        start = pos + HEADER_LENGTH
        records.append(Record(ContentType(content_type), version, data[start : start + length]))
        pos = start + length
    return tuple(records), data[pos:]


def assemble_record(content_type: int, version: int, fragment: bytes) -> bytes:
    return record_header(content_type, version, len(fragment)) + fragment


def fragment_records(
    content_type: int, version: int, data: bytes, max_fragment: int = MAX_PLAINTEXT
) -> bytes:
    """``data`` cut into plaintext records of at most ``max_fragment`` bytes
    (concatenated, ready to send).  Empty data gives no records."""
    if max_fragment < 1 or max_fragment > MAX_PLAINTEXT:
        raise ValueError(f"max_fragment must be 1..{MAX_PLAINTEXT}, got {max_fragment}")
    return b"".join(
        assemble_record(content_type, version, data[i : i + max_fragment])
        for i in range(0, len(data), max_fragment)
    )


def plaintext_limit(record_size_limit: int | None, *, tls13: bool) -> int:
    """The most content one record may carry towards a peer that announced
    ``record_size_limit`` (RFC 8449 4: in TLS 1.3 the limit counts the inner
    content type byte, and padding, so content gets one byte less)."""
    if record_size_limit is None:
        return MAX_PLAINTEXT
    if record_size_limit < 64:
        raise ValueError(f"record_size_limit {record_size_limit} below 64")
    return min(record_size_limit - 1 if tls13 else record_size_limit, MAX_PLAINTEXT)


def split_fragments(data: bytes, max_fragment: int = MAX_PLAINTEXT) -> list[bytes]:
    """``data`` as a list of chunks of at most ``max_fragment`` bytes."""
    if max_fragment < 1:
        raise ValueError(f"max_fragment must be positive, got {max_fragment}")
    return [data[i : i + max_fragment] for i in range(0, len(data), max_fragment)]


@dataclass(frozen=True, slots=True)
class HandshakeBuffer:
    """Reassembles handshake messages from handshake record fragments.

    ``feed`` returns the next buffer and every complete message (framed:
    type, uint24 length, body; the exact bytes the transcript hashes).
    ``pending`` is what is left of an incomplete message: RFC 8446 5.1 says
    a message must not span a key change, so the engine checks it is empty
    there.
    """

    pending: bytes = b""
    max_length: int = MAX_HANDSHAKE_LENGTH

    def feed(self, fragment: bytes) -> tuple[HandshakeBuffer, tuple[bytes, ...]]:
        if not fragment:
            raise TLSRecordError("zero-length handshake fragment", _UNEXPECTED)
        data = self.pending + fragment if self.pending else fragment
        messages: list[bytes] = []
        pos, end = 0, len(data)
        while end - pos >= 4:
            length = int.from_bytes(data[pos + 1 : pos + 4], "big")
            if length > self.max_length:
                raise TLSDecodeError(
                    "Handshake.length", f"{length} exceeds the limit {self.max_length}"
                )
            if end - pos - 4 < length:
                break
            messages.append(data[pos : pos + 4 + length])
            pos += 4 + length
        return HandshakeBuffer(data[pos:], self.max_length), tuple(messages)

    @property
    def empty(self) -> bool:
        return not self.pending


# --------------------------------------------------------- TLS 1.3 inner


def encode_inner_plaintext(content_type: int, content: bytes, padding: int = 0) -> bytes:
    """TLSInnerPlaintext: content, content type, ``padding`` zero bytes."""
    return content + bytes((content_type,)) + bytes(padding)


def decode_inner_plaintext(inner: bytes) -> tuple[ContentType | int, bytes]:
    """(content type, content) of a TLSInnerPlaintext; all zeros (no content
    type) is ``unexpected_message`` (RFC 8446 5.4)."""
    end = len(inner)
    if end and inner[end - 1] == 0:
        end = len(inner.rstrip(b"\x00"))
    if end == 0:
        raise TLSRecordError("inner plaintext has no non-zero content type", _UNEXPECTED)
    return to_enum(ContentType, inner[end - 1]), inner[: end - 1]


def _seq_bytes(seq: int) -> bytes:
    if seq < 0 or seq >> 64:
        raise ValueError(f"sequence number {seq} outside 0..2^64-1")
    return seq.to_bytes(8, "big")


class RecordProtection13:
    """TLS 1.3 record protection for one traffic key (RFC 8446 5.2, 5.3)."""

    __slots__ = ("_aead", "_iv", "_iv_int")

    _aead: AEAD
    _iv: bytes
    _iv_int: int

    def __init__(self, aead: AEAD, iv: bytes) -> None:
        if len(iv) != 12:
            raise ValueError(f"iv must be 12 bytes, got {len(iv)}")
        object.__setattr__(self, "_aead", aead)
        object.__setattr__(self, "_iv", bytes(iv))
        object.__setattr__(self, "_iv_int", int.from_bytes(iv, "big"))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("RecordProtection13 is immutable")

    def nonce(self, seq: int) -> bytes:
        """The per-record nonce: iv XOR the 64-bit sequence number."""
        _seq_bytes(seq)
        return (self._iv_int ^ seq).to_bytes(12, "big")

    def encrypt(self, seq: int, content_type: int, content: bytes, padding: int = 0) -> bytes:
        """One protected record (header included) carrying ``content``,
        sealed in place in one AEAD call."""
        n = len(content)
        inner = n + 1 + padding
        if inner > MAX_INNER_PLAINTEXT_13:
            raise ValueError(f"inner plaintext of {inner} bytes exceeds 2^14 + 1")
        header = record_header(ContentType.APPLICATION_DATA, 0x0303, inner + TAG_LENGTH)
        buf = bytearray(HEADER_LENGTH + inner + TAG_LENGTH)
        buf[:HEADER_LENGTH] = header
        buf[HEADER_LENGTH : HEADER_LENGTH + n] = content
        buf[HEADER_LENGTH + n] = content_type
        view = memoryview(buf)
        self._aead.encrypt_into(
            self.nonce(seq),
            view[HEADER_LENGTH : HEADER_LENGTH + inner],
            header,
            view[HEADER_LENGTH:],
        )
        view.release()
        return bytes(buf)

    def decrypt(
        self, seq: int, record: Record, max_inner: int = MAX_INNER_PLAINTEXT_13
    ) -> tuple[ContentType | int, bytes]:
        """(content type, content) of a protected record.

        ``max_inner`` is the largest TLSInnerPlaintext accepted (2^14 + 1, or
        the record_size_limit this side announced, RFC 8449 4).
        """
        if record.content_type != ContentType.APPLICATION_DATA:
            raise TLSRecordError(
                f"protected record with outer type {record.content_type}", _UNEXPECTED
            )
        fragment = record.fragment
        if len(fragment) > MAX_CIPHERTEXT_13 or len(fragment) > max_inner + 256:
            raise TLSRecordError(f"ciphertext of {len(fragment)} bytes", _OVERFLOW)
        if len(fragment) <= TAG_LENGTH:
            raise TLSRecordError("ciphertext shorter than the tag", _BAD_MAC)
        inner = bytearray(len(fragment) - TAG_LENGTH)
        try:
            self._aead.decrypt_into(self.nonce(seq), fragment, record.header(), inner)
        except (AuthenticationError, ValueError) as e:
            raise TLSRecordError("record authentication failed", _BAD_MAC) from e
        if len(inner) > max_inner:
            raise TLSRecordError(f"inner plaintext of {len(inner)} bytes", _OVERFLOW)
        end = len(inner)
        if inner[end - 1] == 0:
            end = len(inner.rstrip(b"\x00"))
            if end == 0:
                raise TLSRecordError("inner plaintext has no non-zero content type", _UNEXPECTED)
        content_type = inner[end - 1]
        del inner[end - 1 :]
        return to_enum(ContentType, content_type), bytes(inner)


class RecordProtection12:
    """TLS 1.2 AEAD record protection for one direction's key.

    ``fixed_iv`` of 4 bytes: AES-GCM (RFC 5288), nonce = salt || explicit,
    with the sequence number as the 8-byte explicit nonce sent in front of
    the ciphertext.  ``fixed_iv`` of 12 bytes: ChaCha20-Poly1305 (RFC 7905),
    nonce = iv XOR seq, nothing explicit.  Additional data = seq, type,
    version and plaintext length (RFC 5246 6.2.3.3).
    """

    __slots__ = ("_aead", "_explicit", "_iv", "_iv_int")

    _aead: AEAD
    _iv: bytes
    _iv_int: int
    _explicit: bool

    def __init__(self, aead: AEAD, fixed_iv: bytes) -> None:
        if len(fixed_iv) not in (4, 12):
            raise ValueError(
                f"fixed_iv must be 4 (GCM) or 12 (ChaCha20) bytes, got {len(fixed_iv)}"
            )
        object.__setattr__(self, "_aead", aead)
        object.__setattr__(self, "_iv", bytes(fixed_iv))
        object.__setattr__(self, "_iv_int", int.from_bytes(fixed_iv, "big"))
        object.__setattr__(self, "_explicit", len(fixed_iv) == 4)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("RecordProtection12 is immutable")

    def _nonce(self, seq: bytes, explicit: bytes) -> bytes:
        if self._explicit:
            return self._iv + explicit
        return (self._iv_int ^ int.from_bytes(seq, "big")).to_bytes(12, "big")

    def encrypt(self, seq: int, content_type: int, version: int, content: bytes) -> bytes:
        """One protected record (header included)."""
        if len(content) > MAX_PLAINTEXT:
            raise ValueError(f"plaintext of {len(content)} bytes exceeds 2^14")
        s = _seq_bytes(seq)
        n = len(content)
        aad = s + record_header(content_type, version, n)
        start = HEADER_LENGTH + (8 if self._explicit else 0)
        buf = bytearray(start + n + TAG_LENGTH)
        buf[:HEADER_LENGTH] = record_header(content_type, version, len(buf) - HEADER_LENGTH)
        if self._explicit:
            buf[HEADER_LENGTH:start] = s
        view = memoryview(buf)
        self._aead.encrypt_into(self._nonce(s, s), content, aad, view[start:])
        view.release()
        return bytes(buf)

    def decrypt(self, seq: int, record: Record, max_plaintext: int = MAX_PLAINTEXT) -> bytes:
        """The plaintext of a protected record; more than ``max_plaintext``
        bytes (2^14, or the record_size_limit this side announced) is
        ``record_overflow``."""
        fragment = record.fragment
        if len(fragment) > MAX_CIPHERTEXT_12:
            raise TLSRecordError(f"ciphertext of {len(fragment)} bytes", _OVERFLOW)
        s = _seq_bytes(seq)
        if self._explicit:
            if len(fragment) < 8 + TAG_LENGTH:
                raise TLSRecordError("record shorter than nonce and tag", _BAD_MAC)
            explicit, sealed = fragment[:8], memoryview(fragment)[8:]
        else:
            if len(fragment) < TAG_LENGTH:
                raise TLSRecordError("record shorter than the tag", _BAD_MAC)
            explicit, sealed = b"", memoryview(fragment)
        length = len(sealed) - TAG_LENGTH
        if length > max_plaintext:
            raise TLSRecordError(f"plaintext of {length} bytes", _OVERFLOW)
        aad = s + record_header(record.content_type, record.version, length)
        out = bytearray(length)
        try:
            self._aead.decrypt_into(self._nonce(s, explicit), sealed, aad, out)
        except (AuthenticationError, ValueError) as e:
            raise TLSRecordError("record authentication failed", _BAD_MAC) from e
        return bytes(out)


__all__ = [
    "AEAD",
    "HEADER_LENGTH",
    "MAX_CIPHERTEXT_12",
    "MAX_CIPHERTEXT_13",
    "MAX_INNER_PLAINTEXT_13",
    "MAX_PLAINTEXT",
    "TAG_LENGTH",
    "HandshakeBuffer",
    "Record",
    "RecordProtection12",
    "RecordProtection13",
    "assemble_record",
    "decode_inner_plaintext",
    "encode_inner_plaintext",
    "fragment_records",
    "parse_records",
    "plaintext_limit",
    "record_header",
    "split_fragments",
]
