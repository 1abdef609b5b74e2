"""ChaCha20, Poly1305 and the ChaCha20-Poly1305 AEAD (RFC 8439), over C.

``ChaCha20Poly1305`` is the AEAD the record layer uses (re-exported as
``nocrypto.cipher.ChaCha20Poly1305``).  The raw ``chacha20`` and
``poly1305`` functions exist for tests and for protocols that need them
alone.

The C chooses the AVX2 or portable path on each call, so
``nocrypto.cpu.portable()`` takes effect immediately.
"""

from __future__ import annotations

from typing import Any

from nocrypto._ffi import ffi, lib
from nocrypto.errors import AuthenticationError

__all__ = ["ChaCha20Poly1305", "chacha20", "poly1305"]

KEY_SIZE = 32
NONCE_SIZE = 12
TAG_SIZE = 16
# RFC 8439 section 2.8: at most 2^32 - 1 blocks of 64 bytes after block 0.
MAX_PLAINTEXT = (2**32 - 1) * 64

Buffer = bytes | bytearray | memoryview


def _check(name: str, value: Buffer, size: int) -> None:
    if len(value) != size:
        raise ValueError(f"{name} must be {size} bytes, got {len(value)}")


def chacha20(key: Buffer, nonce: Buffer, counter: int, data: Buffer) -> bytes:
    """data XOR the ChaCha20 keystream starting at block ``counter``
    (RFC 8439 section 2.4; the 32-bit counter wraps)."""
    _check("key", key, KEY_SIZE)
    _check("nonce", nonce, NONCE_SIZE)
    if not 0 <= counter < 2**32:
        raise ValueError("counter must be in [0, 2**32)")
    n = len(data)
    out = ffi.new("uint8_t[]", n)
    lib.nc_chacha20(ffi.from_buffer(key), ffi.from_buffer(nonce), counter,
                    ffi.from_buffer(data), out, n)
    return bytes(ffi.buffer(out, n))


def poly1305(key: Buffer, data: Buffer) -> bytes:
    """The 16-byte Poly1305 tag of data under a one-time 32-byte key."""
    _check("key", key, KEY_SIZE)
    tag = ffi.new("uint8_t[16]")
    lib.nc_poly1305(ffi.from_buffer(key), ffi.from_buffer(data), len(data), tag)
    return bytes(ffi.buffer(tag, TAG_SIZE))


class ChaCha20Poly1305:
    """The RFC 8439 AEAD with a 32-byte key and 12-byte nonces.

    ``encrypt`` returns ciphertext || 16-byte tag; ``decrypt`` raises
    ``nocrypto.AuthenticationError`` and releases nothing when the tag is
    wrong.  The key is copied into C memory once (and wiped there when the
    object goes); the object is immutable.
    """

    __slots__ = ("_key",)
    _key: Any

    def __init__(self, key: Buffer) -> None:
        if not isinstance(key, (bytes, bytearray, memoryview)):
            raise TypeError("key must be a bytes-like object")
        _check("key", key, KEY_SIZE)
        raw = ffi.new("uint8_t[32]", bytes(key))
        object.__setattr__(self, "_key", ffi.gc(raw, lib.nc_chacha20poly1305_wipe_key))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("ChaCha20Poly1305 objects are immutable")

    def __repr__(self) -> str:
        return "ChaCha20Poly1305(<key hidden>)"

    # Each method checks and calls C inline (one Python frame per call).
    # encrypt and decrypt first pass their arguments as they are, which cffi
    # takes without a copy when they are bytes (the common case), and on the
    # TypeError other buffers raise, again through ffi.from_buffer.
    def encrypt(self, nonce: Buffer, data: Buffer, aad: Buffer | None = None) -> bytes:
        """Ciphertext || tag of data, authenticating aad as well."""
        n = len(data)
        if len(nonce) != NONCE_SIZE:
            _check("nonce", nonce, NONCE_SIZE)
        if n > MAX_PLAINTEXT:
            raise ValueError(f"data is limited to {MAX_PLAINTEXT} bytes")
        if aad is None:
            aad = b""
        out = _alloc(_CHARS, n + TAG_SIZE)
        try:
            _seal(self._key, nonce, aad, len(aad), data, n, out)
        except TypeError:  # C takes bytes as they are, other buffers by from_buffer
            _seal(self._key, _from(nonce), _from(aad), len(aad), _from(data), n, out)
        return _unpack(out, n + TAG_SIZE)  # type: ignore[no-any-return]

    def decrypt(self, nonce: Buffer, data: Buffer, aad: Buffer | None = None) -> bytes:
        """The plaintext of ciphertext || tag; AuthenticationError if forged."""
        n = len(data) - TAG_SIZE
        if len(nonce) != NONCE_SIZE:
            _check("nonce", nonce, NONCE_SIZE)
        if n < 0:
            raise AuthenticationError("ciphertext shorter than the 16-byte tag")
        if aad is None:
            aad = b""
        out = _alloc(_CHARS, n or 1)
        try:
            bad = _open(self._key, nonce, aad, len(aad), data, n + TAG_SIZE, out)
        except TypeError:  # as in encrypt
            bad = _open(self._key, _from(nonce), _from(aad), len(aad), _from(data),
                        n + TAG_SIZE, out)
        if bad:
            raise AuthenticationError("ChaCha20-Poly1305 tag mismatch")
        return _unpack(out, n)  # type: ignore[no-any-return]

    def encrypt_into(self, nonce: Buffer, data: Buffer, aad: Buffer | None,
                     out: bytearray | memoryview) -> int:
        """Write ciphertext || tag into out (at least len(data) + 16 bytes,
        may be the same memory as data); returns the bytes written."""
        n = len(data)
        if len(nonce) != NONCE_SIZE:
            _check("nonce", nonce, NONCE_SIZE)
        if n > MAX_PLAINTEXT:
            raise ValueError(f"data is limited to {MAX_PLAINTEXT} bytes")
        if len(out) < n + TAG_SIZE:
            raise ValueError(f"out must hold at least {n + TAG_SIZE} bytes, has {len(out)}")
        if aad is None:
            aad = b""
        _seal(self._key, _from(nonce), _from(aad), len(aad), _from(data), n,
              _from(out, require_writable=True))
        return n + TAG_SIZE

    def decrypt_into(self, nonce: Buffer, data: Buffer, aad: Buffer | None,
                     out: bytearray | memoryview) -> int:
        """Write the plaintext of ciphertext || tag into out (at least
        len(data) - 16 bytes, may alias data); returns its length.  On a bad
        tag raises AuthenticationError and out's plaintext span is zeroed."""
        n = len(data) - TAG_SIZE
        if len(nonce) != NONCE_SIZE:
            _check("nonce", nonce, NONCE_SIZE)
        if n < 0:
            raise AuthenticationError("ciphertext shorter than the 16-byte tag")
        if len(out) < n:
            raise ValueError(f"out must hold at least {n} bytes, has {len(out)}")
        if aad is None:
            aad = b""
        if _open(self._key, _from(nonce), _from(aad), len(aad), _from(data), n + TAG_SIZE,
                 _from(out, require_writable=True)):
            raise AuthenticationError("ChaCha20-Poly1305 tag mismatch")
        return n


# Hot-path helpers, bound once.  Output buffers need no zeroing: C fills them.
# They are char arrays (which C takes as uint8_t *) because ffi.unpack turns
# those into bytes in one step.
_alloc = ffi.new_allocator(should_clear_after_alloc=False)
_CHARS = ffi.typeof("char[]")
_unpack = ffi.unpack
_from = ffi.from_buffer
_seal = lib.nc_chacha20poly1305_seal
_open = lib.nc_chacha20poly1305_open
