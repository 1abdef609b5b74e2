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

from typing import NamedTuple, Protocol

from nocrypto.chacha import ChaCha20Poly1305
from nocrypto.cipher import AESGCM
from nocrypto.errors import AuthenticationError
from nocrypto.tls_aead import TLS13AEAD
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

_CONTENT_TYPES: dict[int, ContentType] = {
    int(t): t
    for t in (
        ContentType.CHANGE_CIPHER_SPEC,
        ContentType.ALERT,
        ContentType.HANDSHAKE,
        ContentType.APPLICATION_DATA,
    )
}
_TYPE_BYTE = [bytes((t,)) for t in range(256)]
_INNER_TYPES: dict[int, ContentType | int] = {int(t): t for t in ContentType}
_APP_HEADER = b"\x17\x03\x03"
_OVERFLOW = AlertDescription.RECORD_OVERFLOW
_BAD_MAC = AlertDescription.BAD_RECORD_MAC
_UNEXPECTED = AlertDescription.UNEXPECTED_MESSAGE


class AEAD(Protocol):
    """An AEAD with an expanded key (nocrypto.cipher.AESGCM,
    nocrypto.chacha.ChaCha20Poly1305): ``encrypt`` returns
    ciphertext || tag, ``decrypt`` the plaintext or raises
    nocrypto.AuthenticationError.  One C call each."""

    def encrypt(self, nonce: bytes, data: Buffer, aad: bytes | None = None) -> bytes: ...

    def decrypt(self, nonce: bytes, data: Buffer, aad: bytes | None = None) -> bytes: ...


# ------------------------------------------------------------------ framing


class Record(NamedTuple):
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
        content_type = _CONTENT_TYPES.get(data[pos])
        if content_type is None:
            raise TLSRecordError(f"record at {pos}: unknown content type {data[pos]}", _UNEXPECTED)
        if data[pos + 1] != 3:
            raise TLSRecordError(f"record at {pos}: version major {data[pos + 1]}", _UNEXPECTED)
        length = (data[pos + 3] << 8) | data[pos + 4]
        if length > max_length:
            raise TLSRecordError(f"record at {pos}: length {length} > {max_length}", _OVERFLOW)
        if end - pos - HEADER_LENGTH < length:
            break
        version = (data[pos + 1] << 8) | data[pos + 2]
        start = pos + HEADER_LENGTH
        records.append(Record(content_type, version, data[start : start + length]))
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


class HandshakeBuffer:
    """Reassembles handshake messages from handshake record fragments.

    ``feed`` returns the next buffer and every complete message (framed:
    type, uint24 length, body; the exact bytes the transcript hashes).
    ``pending`` is what is left of an incomplete message: RFC 8446 5.1 says
    a message must not span a key change, so the engine checks ``empty``
    there.  A message whose header announces more than ``max_length`` bytes
    is refused as soon as the header is in.

    Immutable.  An incomplete message is kept as a few chunks that are
    joined when the message completes, so a peer sending one-byte records
    costs O(n log n) copying, not quadratic.
    """

    __slots__ = ("_chunks", "_size", "max_length")

    _chunks: tuple[bytes, ...]
    _size: int
    max_length: int

    def __init__(
        self,
        pending: bytes = b"",
        max_length: int = MAX_HANDSHAKE_LENGTH,
        *,
        _chunks: tuple[bytes, ...] | None = None,
    ) -> None:
        chunks = _chunks if _chunks is not None else ((pending,) if pending else ())
        object.__setattr__(self, "_chunks", chunks)
        object.__setattr__(self, "_size", sum(len(c) for c in chunks))
        object.__setattr__(self, "max_length", max_length)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("HandshakeBuffer is immutable")

    def __repr__(self) -> str:
        return f"HandshakeBuffer(pending={self._size} bytes, max_length={self.max_length})"

    @property
    def pending(self) -> bytes:
        return b"".join(self._chunks)

    @property
    def empty(self) -> bool:
        return not self._size

    def _need(self, head: bytes) -> int:
        length = int.from_bytes(head[1:4], "big")
        if length > self.max_length:
            raise TLSDecodeError(
                "Handshake.length", f"{length} exceeds the limit {self.max_length}"
            )
        return 4 + length

    def feed(self, fragment: bytes) -> tuple[HandshakeBuffer, tuple[bytes, ...]]:
        if not fragment:
            raise TLSRecordError("zero-length handshake fragment", _UNEXPECTED)
        chunks = self._chunks
        if chunks:
            size = self._size + len(fragment)
            head = chunks[0]
            complete = size >= 4 if len(head) < 4 else size >= self._need(head)
            if not complete:
                # Still incomplete: keep the fragment, merging neighbours of
                # similar size (a binary counter: O(log n) chunks, O(n log n)
                # copying however small the fragments).
                merged = [*chunks, fragment]
                while len(merged) >= 2 and len(merged[-1]) >= len(merged[-2]):
                    last = merged.pop()
                    merged[-1] += last
                return HandshakeBuffer(max_length=self.max_length, _chunks=tuple(merged)), ()
            data = b"".join((*chunks, fragment))
        else:
            data = fragment
        messages: list[bytes] = []
        pos, end = 0, len(data)
        while end - pos >= 4:
            need = self._need(data[pos : pos + 4])
            if end - pos < need:
                break
            messages.append(data[pos : pos + need])
            pos += need
        rest = data[pos:] if pos else data
        return HandshakeBuffer(max_length=self.max_length, _chunks=(rest,) if rest else ()), tuple(
            messages
        )


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
    """TLS 1.3 record protection for one traffic key (RFC 8446 5.2, 5.3).

    With a nocrypto AEAD (AESGCM, ChaCha20Poly1305) each record is sealed
    or opened by one C call that also builds the nonce, the header and the
    inner plaintext (``fast``, a :class:`nocrypto.tls_aead.TLS13AEAD` on
    the same expanded key); any other AEAD goes through ``encrypt`` /
    ``decrypt`` in Python.  The engine passes a TLS13AEAD made from the
    traffic secret (its key and iv never leave C) and no ``iv``.
    """

    __slots__ = ("_aead", "_iv_int", "fast")

    _aead: AEAD | None  # only for AEADs outside nocrypto (``fast`` is None)
    _iv_int: int | None  # None: the iv is only inside ``fast``
    fast: TLS13AEAD | None

    def __init__(self, aead: AEAD | TLS13AEAD, iv: bytes | None = None) -> None:
        slow: AEAD | None = None
        if isinstance(aead, TLS13AEAD):
            fast: TLS13AEAD | None = aead
        elif iv is None or len(iv) != 12:
            raise ValueError(f"iv must be 12 bytes, got {None if iv is None else len(iv)}")
        elif isinstance(aead, (AESGCM, ChaCha20Poly1305)):
            fast = TLS13AEAD.from_aead(aead, iv)
        else:
            fast, slow = None, aead
        object.__setattr__(self, "_aead", slow)
        object.__setattr__(self, "_iv_int", None if iv is None else int.from_bytes(iv, "big"))
        object.__setattr__(self, "fast", fast)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("RecordProtection13 is immutable")

    def _slow(self) -> AEAD:
        assert self._aead is not None  # set whenever ``fast`` is None
        return self._aead

    def nonce(self, seq: int) -> bytes:
        """The per-record nonce: iv XOR the 64-bit sequence number (when
        the iv was given)."""
        if self._iv_int is None:
            raise ValueError("the iv is inside the TLS13AEAD this was made from")
        if seq < 0 or seq >> 64:
            raise ValueError(f"sequence number {seq} outside 0..2^64-1")
        return (self._iv_int ^ seq).to_bytes(12, "big")

    def encrypt(self, seq: int, content_type: int, content: bytes, padding: int = 0) -> bytes:
        """One protected record (header included) carrying ``content``: one
        AEAD call over content || type || padding."""
        inner = len(content) + 1 + padding
        if inner > MAX_INNER_PLAINTEXT_13:
            raise ValueError(f"inner plaintext of {inner} bytes exceeds 2^14 + 1")
        if seq < 0 or seq >> 64:
            raise ValueError(f"sequence number {seq} outside 0..2^64-1")
        if self.fast is not None:
            return self.fast.seal(seq, content_type, content, padding)
        header = _APP_HEADER + (inner + TAG_LENGTH).to_bytes(2, "big")
        tail = _TYPE_BYTE[content_type] if not padding else bytes((content_type,)) + bytes(padding)
        return header + self._slow().encrypt(self.nonce(seq), content + tail, header)

    def decrypt(
        self, seq: int, record: Record, max_inner: int = MAX_INNER_PLAINTEXT_13
    ) -> tuple[ContentType | int, bytes]:
        """(content type, content) of a protected record.

        ``max_inner`` is the largest TLSInnerPlaintext accepted (2^14 + 1, or
        the record_size_limit this side announced, RFC 8449 4).
        """
        outer, version, fragment = record
        if outer != 23:
            raise TLSRecordError(f"protected record with outer type {outer}", _UNEXPECTED)
        n = len(fragment)
        if n > MAX_CIPHERTEXT_13 or n > max_inner + 256:
            raise TLSRecordError(f"ciphertext of {n} bytes", _OVERFLOW)
        if n <= TAG_LENGTH:
            raise TLSRecordError("ciphertext shorter than the tag", _BAD_MAC)
        if seq < 0 or seq >> 64:
            raise ValueError(f"sequence number {seq} outside 0..2^64-1")
        header = bytes((23, version >> 8, version & 0xFF, n >> 8, n & 0xFF))
        if n - TAG_LENGTH > max_inner:
            raise TLSRecordError(f"inner plaintext of {n - TAG_LENGTH} bytes", _OVERFLOW)
        if self.fast is not None:
            try:
                t, content = self.fast.open_fragment(seq, header, fragment)
            except (AuthenticationError, ValueError) as e:
                raise TLSRecordError("record authentication failed", _BAD_MAC) from e
            if t == 0:
                raise TLSRecordError("inner plaintext has no non-zero content type", _UNEXPECTED)
            return _INNER_TYPES.get(t, t), content
        try:
            inner = self._slow().decrypt(self.nonce(seq), fragment, header)
        except (AuthenticationError, ValueError) as e:
            raise TLSRecordError("record authentication failed", _BAD_MAC) from e
        if len(inner) > max_inner:
            raise TLSRecordError(f"inner plaintext of {len(inner)} bytes", _OVERFLOW)
        end = len(inner)
        if inner[end - 1] == 0:
            end = len(inner.rstrip(b"\x00"))
            if end == 0:
                raise TLSRecordError("inner plaintext has no non-zero content type", _UNEXPECTED)
        t = inner[end - 1]
        return _INNER_TYPES.get(t, t), inner[: end - 1]


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
        aad = s + record_header(content_type, version, len(content))
        sealed = self._aead.encrypt(self._nonce(s, s), content, aad)
        if self._explicit:
            return record_header(content_type, version, 8 + len(sealed)) + s + sealed
        return record_header(content_type, version, len(sealed)) + sealed

    def decrypt(self, seq: int, record: Record, max_plaintext: int = MAX_PLAINTEXT) -> bytes:
        """The plaintext of a protected record; more than ``max_plaintext``
        bytes (2^14, or the record_size_limit this side announced) is
        ``record_overflow``."""
        fragment = record.fragment
        if len(fragment) > MAX_CIPHERTEXT_12:
            raise TLSRecordError(f"ciphertext of {len(fragment)} bytes", _OVERFLOW)
        s = _seq_bytes(seq)
        sealed: Buffer
        if self._explicit:
            if len(fragment) < 8 + TAG_LENGTH:
                raise TLSRecordError("record shorter than nonce and tag", _BAD_MAC)
            explicit, sealed = fragment[:8], memoryview(fragment)[8:]
        else:
            if len(fragment) < TAG_LENGTH:
                raise TLSRecordError("record shorter than the tag", _BAD_MAC)
            explicit, sealed = b"", fragment
        length = len(sealed) - TAG_LENGTH
        if length > max_plaintext:
            raise TLSRecordError(f"plaintext of {length} bytes", _OVERFLOW)
        aad = s + record_header(record.content_type, record.version, length)
        try:
            return self._aead.decrypt(self._nonce(s, explicit), sealed, aad)
        except (AuthenticationError, ValueError) as e:
            raise TLSRecordError("record authentication failed", _BAD_MAC) from e


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
