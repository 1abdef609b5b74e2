"""TLS 1.3 record protection in one C call per record (RFC 8446 5.2-5.4).

``TLS13AEAD(alg, key, iv)`` holds one direction's expanded key and static
IV (immutable; the key is wiped when collected).  ``seal`` writes a whole
record (header, encrypted content || type || padding, tag) into one
buffer; ``open`` decrypts a whole record (header included), checks the tag
in constant time and strips the padding with a constant-time scan, giving
the inner content type and the content.  The nonce (iv XOR sequence
number) and the additional data (the header) are formed in C.

``open`` returns content type 0 (and no content) for an inner plaintext
that is all zeros: RFC 8446 5.4 makes that an unexpected_message, which is
the caller's to report.  A bad tag raises
:class:`nocrypto.AuthenticationError` and releases no plaintext.
"""

from __future__ import annotations

from typing import Any

from nocrypto._ffi import ffi, lib
from nocrypto.chacha import ChaCha20Poly1305
from nocrypto.cipher import AESGCM
from nocrypto.errors import AuthenticationError
from nocrypto.hash import algorithm_id

__all__ = ["ALGORITHMS", "TLS13AEAD"]

Buffer = bytes | bytearray | memoryview

ALGORITHMS = {
    "aes-gcm": lib.NC_TLS_AEAD_AES_GCM,
    "chacha20-poly1305": lib.NC_TLS_AEAD_CHACHA20_POLY1305,
}
MAX_CIPHERTEXT = (1 << 14) + 256
# Output buffers: written by C before they are read, so not cleared.  They
# are char arrays (which C takes as uint8_t *) so that the one copy out is
# ``ffi.unpack(buf, n)``, straight to bytes (no buffer object between).
# (Writing into a bytes object through ffi.from_buffer would save that
# copy, but only on CPython's memory layout: elsewhere it can silently
# write into a copy.)
_scratch = ffi.new_allocator(should_clear_after_alloc=False)
_BYTES = ffi.typeof("char[]")
_unpack = ffi.unpack
# The data path's two C calls as module globals (a cached global load, not
# an attribute lookup on the library object per record).
_seal_aligned = lib.nc_tls13_seal_aligned
_open_app_records = lib.nc_tls13_open_app_records
_SEQ_MAX = (1 << 64) - 1


def _check_seq(seq: int) -> None:
    if seq < 0 or seq > _SEQ_MAX:
        raise ValueError(f"sequence number {seq} outside 0..2^64-1")


class TLS13AEAD:
    """One direction's TLS 1.3 record protection key: ``alg`` is "aes-gcm"
    (16- or 32-byte key) or "chacha20-poly1305" (32-byte key); ``iv`` is 12
    bytes.  The AES-GCM path (AES-NI/PCLMULQDQ or portable) is chosen when
    the object is made."""

    __slots__ = ("_ctx", "algorithm")

    _ctx: Any
    algorithm: str

    def __init__(self, alg: str, key: Buffer, iv: Buffer) -> None:
        code = ALGORITHMS.get(alg)
        if code is None:
            raise ValueError(f"algorithm must be one of {sorted(ALGORITHMS)}, got {alg!r}")
        sizes = (16, 32) if alg == "aes-gcm" else (32,)
        if len(key) not in sizes:
            want = " or ".join(map(str, sizes))
            raise ValueError(f"{alg} key must be {want} bytes, got {len(key)}")
        if len(iv) != 12:
            raise ValueError(f"iv must be 12 bytes, got {len(iv)}")
        ctx = ffi.new("nc_tls_aead *")
        if lib.nc_tls_aead_init(ctx, code, ffi.from_buffer(key), len(key), ffi.from_buffer(iv)):
            raise ValueError("bad TLS AEAD parameters")  # pragma: no cover - checked above
        self._adopt(ctx, alg)

    def _adopt(self, ctx: Any, alg: str) -> None:
        """Take ``ctx`` (wiped when collected) as this object's key."""
        object.__setattr__(self, "_ctx", ffi.gc(ctx, lib.nc_tls_aead_wipe))
        object.__setattr__(self, "algorithm", alg)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("TLS13AEAD objects are immutable")

    def __repr__(self) -> str:
        return f"TLS13AEAD({self.algorithm!r}, <key hidden>)"

    @classmethod
    def from_aead(cls, aead: AESGCM | ChaCha20Poly1305, iv: Buffer) -> TLS13AEAD:
        """The same key as an existing AEAD object (its expanded key is
        copied, keeping the implementation it chose) with static ``iv``."""
        if len(iv) != 12:
            raise ValueError(f"iv must be 12 bytes, got {len(iv)}")
        ctx = ffi.new("nc_tls_aead *")
        if isinstance(aead, AESGCM):
            lib.nc_tls_aead_from_gcm(ctx, aead._key, ffi.from_buffer(iv))
            alg = "aes-gcm"
        elif isinstance(aead, ChaCha20Poly1305):
            lib.nc_tls_aead_from_chacha(ctx, aead._key, ffi.from_buffer(iv))
            alg = "chacha20-poly1305"
        else:
            raise TypeError(f"not a nocrypto AEAD: {type(aead).__name__}")
        self = object.__new__(cls)
        self._adopt(ctx, alg)
        return self

    @classmethod
    def from_secret(cls, alg: str, hash_name: str, secret: Buffer, key_length: int) -> TLS13AEAD:
        """The record key of a TLS 1.3 traffic secret (RFC 8446 7.3): key
        and iv are derived in C by HKDF-Expand-Label under ``hash_name``
        and never reach Python."""
        code = ALGORITHMS.get(alg)
        if code is None:
            raise ValueError(f"algorithm must be one of {sorted(ALGORITHMS)}, got {alg!r}")
        ctx = ffi.new("nc_tls_aead *")
        secret_c = ffi.from_buffer(secret)
        if lib.nc_tls_aead_from_secret(ctx, code, algorithm_id(hash_name), secret_c,
                                       len(secret_c), key_length):
            raise ValueError(f"bad {alg} key length {key_length} or hash {hash_name!r}")
        self = object.__new__(cls)
        self._adopt(ctx, alg)
        return self

    @property
    def hardware(self) -> bool:
        """For AES-GCM: whether the key runs on AES-NI + PCLMULQDQ."""
        g = self._ctx.gcm
        return bool(g.aes.path == lib.NC_AES_PATH_NI and g.ghash_path != lib.NC_GHASH_PATH_CT)

    @staticmethod
    def record_length(content_length: int, padding: int = 0) -> int:
        """The size of the record ``seal`` makes."""
        return 5 + content_length + 1 + padding + 16

    def seal_into(self, seq: int, content_type: int, content: Buffer, out: bytearray | memoryview,
                  padding: int = 0) -> int:
        """Write the protected record into ``out`` (which may hold the
        content already at offset 5); returns the record's length."""
        self._check_seal(seq, content_type, len(content), padding)
        n = lib.nc_tls13_seal(self._ctx, seq, content_type, ffi.from_buffer(content),
                              len(content), padding, ffi.from_buffer(out, require_writable=True),
                              len(out))
        if n < 0:
            raise ValueError(f"output buffer of {len(out)} bytes, need "
                             f"{self.record_length(len(content), padding)}")
        return int(n)

    @staticmethod
    def _check_seal(seq: int, content_type: int, length: int, padding: int) -> None:
        _check_seq(seq)
        if not 0 < content_type < 256:
            raise ValueError(f"content type {content_type} outside 1..255")
        if padding < 0 or length + 1 + padding + 16 > MAX_CIPHERTEXT:
            raise ValueError(f"inner plaintext of {length + 1 + padding} bytes too long")

    def seal(self, seq: int, content_type: int, content: Buffer, padding: int = 0) -> bytes:
        """The protected record, header included: one C call, one copy out.
        C places the record in the buffer where its body is 32-byte
        aligned (aligned vector stores) and says where."""
        length = len(content)
        n = length + 22 + padding
        if not 0 < content_type < 256 or padding < 0 or n - 5 > MAX_CIPHERTEXT:
            self._check_seal(seq, content_type, length, padding)
        out = _scratch(_BYTES, n + 31)
        try:
            k = _seal_aligned(self._ctx, seq, content_type, content
                              if type(content) is bytes else ffi.from_buffer(content),
                              length, padding, out, n + 31)
        except OverflowError:
            _check_seq(seq)
            raise
        return _unpack(out + k, n)  # type: ignore[no-any-return]

    def seal_records(self, seq: int, content_type: int, payload: Buffer, step: int) -> bytes:
        """``payload`` cut into records of at most ``step`` bytes (one empty
        record for an empty payload) with sequence numbers from ``seq``,
        sealed into one new bytes object by one C call, no copies of the
        payload beyond C placing it.  The caller's next sequence number is
        ``seq + max(1, ceil(len(payload) / step))``."""
        n = len(payload)
        if step < 1:
            raise ValueError(f"step must be positive, got {step}")
        count = max(1, -(-n // step))
        _check_seq(seq)
        _check_seq(seq + count - 1)
        self._check_seal(seq, content_type, min(n, step), 0)
        total = n + 22 * count
        out = _scratch(_BYTES, total)
        if lib.nc_tls13_seal_records(self._ctx, seq, content_type, ffi.from_buffer(payload), n,
                                     step, out, total) != total:
            raise ValueError("bad record parameters")  # pragma: no cover - checked above
        return _unpack(out, total)  # type: ignore[no-any-return]

    def open_into(self, seq: int, record: Buffer, out: bytearray | memoryview) -> tuple[int, int]:
        """Decrypt a whole record (header included) into ``out`` (at least
        len(record) - 21 bytes): (content type, content length); type 0
        means an all-zero inner plaintext.  Raises AuthenticationError on a
        bad tag (``out`` is then zeroed) and ValueError on a malformed
        record or too small ``out``."""
        _check_seq(seq)
        n = len(record)
        if n < 22 or n - 5 > MAX_CIPHERTEXT or ((record[3] << 8) | record[4]) != n - 5:
            raise ValueError(f"not a whole TLS 1.3 protected record ({n} bytes)")
        if len(out) < n - 21:
            raise ValueError(f"output buffer of {len(out)} bytes, need {n - 21}")
        rp = ffi.from_buffer(record)
        clen = ffi.new("size_t *")
        t = lib.nc_tls13_open(self._ctx, seq, rp, rp + 5, n - 5,
                              ffi.from_buffer(out, require_writable=True), len(out), clen)
        if t < 0:
            raise AuthenticationError("record authentication failed")
        return t, int(clen[0])

    def open(self, seq: int, record: Buffer) -> tuple[int, bytes]:
        """(content type, content) of a whole record; see ``open_into``."""
        out = bytearray(max(len(record) - 21, 0))
        t, clen = self.open_into(seq, record, out)
        return t, bytes(memoryview(out)[:clen])

    def open_fragment(self, seq: int, header: Buffer, fragment: Buffer) -> tuple[int, bytes]:
        """(content type, content) of a record given as its 5-byte header
        and its body; errors as ``open_into``."""
        _check_seq(seq)
        n = len(fragment)
        if (len(header) != 5 or n < 17 or n > MAX_CIPHERTEXT
                or ((header[3] << 8) | header[4]) != n):
            raise ValueError(f"not a TLS 1.3 protected record body ({n} bytes)")
        out = _scratch(_BYTES, n - 16)
        clen = ffi.new("size_t *")
        t = lib.nc_tls13_open(self._ctx, seq, ffi.from_buffer(header), ffi.from_buffer(fragment),
                              n, out, n - 16, clen)
        if t < 0:
            raise AuthenticationError("record authentication failed")
        return t, _unpack(out, clen[0])

    def open_application_data(self, seq: int, data: Buffer, max_inner: int) -> tuple[int, int, bytes]:
        """Open the whole protected records at the start of ``data`` while
        each is application data (outer and inner type 23) with an inner
        plaintext of at most ``max_inner`` bytes; stop before anything
        else (another type, a partial record, a bad tag: the caller's
        general path reports it).  Returns (records opened, bytes of
        ``data`` used, their contents concatenated): one C call for all
        the records, one copy out."""
        n = len(data)
        if n < 22:
            _check_seq(seq)
            return 0, 0, b""
        out = _scratch(_BYTES, n)
        try:
            r = _open_app_records(self._ctx, seq, data if type(data) is bytes
                                  else ffi.from_buffer(data), n,
                                  max_inner if max_inner > 0 else 0, out, n)
        except OverflowError:
            _check_seq(seq)
            raise
        done = r.records
        if not done:
            return 0, 0, b""
        return done, r.used, _unpack(out, r.written)
