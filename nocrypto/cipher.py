"""Block ciphers and AEADs: AES (ECB blocks, CTR, CBC), AES-GCM, and
ChaCha20-Poly1305 (implemented in nocrypto.chacha, re-exported here so all
AEADs share one import).

Key objects expand their key once in C, choosing AES-NI/PCLMULQDQ (or
VAES/VPCLMULQDQ for GCM) or the portable constant-time C at creation
(``nocrypto.cpu``), are immutable, and wipe the expanded key when
collected.  Every method makes one C call per buffer.
"""

from __future__ import annotations

from typing import Any

from nocrypto._ffi import ffi, lib
from nocrypto.chacha import ChaCha20Poly1305
from nocrypto.errors import AuthenticationError

__all__ = ["AES", "AESGCM", "ChaCha20Poly1305"]

_AES_KEY_SIZES = (16, 24, 32)

Buffer = bytes | bytearray | memoryview


# Outputs are written in full by C before Python sees them: skip zero-filling.
# They are char arrays (which C takes as uint8_t *) because ffi.unpack turns
# those into bytes in one step, without the buffer object ffi.buffer makes.
_alloc = ffi.new_allocator(should_clear_after_alloc=False)
_CHARS = ffi.typeof("char[]")
_unpack = ffi.unpack


def _ptr(b: Buffer) -> Any:
    """A pointer for C: bytes pass as they are (no copy), others by buffer."""
    return b if type(b) is bytes else ffi.from_buffer(b)


def _check_key(key: Buffer) -> None:
    if len(key) not in _AES_KEY_SIZES:
        raise ValueError(f"AES key must be 16, 24 or 32 bytes, got {len(key)}")


def _check_block16(name: str, value: Buffer) -> None:
    if len(value) != 16:
        raise ValueError(f"{name} must be 16 bytes, got {len(value)}")


class AES:
    """Raw AES under one key: single blocks, CTR and CBC (no padding).

    ``ctr`` uses the whole 16-byte block as a 128-bit big-endian counter
    (NIST SP 800-38A); ``cbc_*`` need a multiple of 16 bytes.
    """

    __slots__ = ("_key",)
    _key: Any

    def __init__(self, key: Buffer) -> None:
        _check_key(key)
        k = ffi.new("nc_aes_key *")
        lib.nc_aes_init(k, ffi.from_buffer(key), len(key))
        object.__setattr__(self, "_key", ffi.gc(k, lib.nc_aes_wipe))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("AES objects are immutable")

    @property
    def hardware(self) -> bool:
        """True when this key runs on AES-NI, False on portable C."""
        return bool(self._key.path == lib.NC_AES_PATH_NI)

    def _blocks(self, data: Buffer, encrypt: bool) -> bytes:
        n = len(data)
        if n % 16:
            raise ValueError(f"data must be a multiple of 16 bytes, got {n}")
        out = _alloc(_CHARS, n or 1)
        fn = lib.nc_aes_encrypt_blocks if encrypt else lib.nc_aes_decrypt_blocks
        fn(self._key, _ptr(data), out, n // 16)
        return _unpack(out, n)  # type: ignore[no-any-return]

    def encrypt_block(self, block: Buffer) -> bytes:
        _check_block16("block", block)
        return self._blocks(block, True)

    def decrypt_block(self, block: Buffer) -> bytes:
        _check_block16("block", block)
        return self._blocks(block, False)

    def encrypt_blocks(self, data: Buffer) -> bytes:
        """ECB over a multiple of 16 bytes."""
        return self._blocks(data, True)

    def decrypt_blocks(self, data: Buffer) -> bytes:
        return self._blocks(data, False)

    def ctr(self, counter: Buffer, data: Buffer) -> bytes:
        """CTR keystream XOR data, starting at the 16-byte counter block."""
        _check_block16("counter", counter)
        n = len(data)
        out = _alloc(_CHARS, n + 16)  # the counter block works in the tail
        ffi.memmove(out + n, counter, 16)
        lib.nc_aes_ctr(self._key, out + n, _ptr(data), out, n)
        return _unpack(out, n)  # type: ignore[no-any-return]

    def _cbc(self, iv: Buffer, data: Buffer, encrypt: bool) -> bytes:
        _check_block16("iv", iv)
        n = len(data)
        if n % 16:
            raise ValueError(f"CBC data must be a multiple of 16 bytes, got {n}")
        out = _alloc(_CHARS, n + 16)  # the chaining block works in the tail
        ffi.memmove(out + n, iv, 16)
        fn = lib.nc_aes_cbc_encrypt if encrypt else lib.nc_aes_cbc_decrypt
        fn(self._key, out + n, _ptr(data), out, n)
        return _unpack(out, n)  # type: ignore[no-any-return]

    def cbc_encrypt(self, iv: Buffer, data: Buffer) -> bytes:
        return self._cbc(iv, data, True)

    def cbc_decrypt(self, iv: Buffer, data: Buffer) -> bytes:
        return self._cbc(iv, data, False)


_GCM_MAX = (1 << 36) - 32  # SP 800-38D: at most 2^39 - 256 bits of plaintext


class AESGCM:
    """AES-GCM (NIST SP 800-38D) with 16-byte tags.

    ``encrypt(nonce, data, aad)`` returns ciphertext || tag;
    ``decrypt(nonce, ct_and_tag, aad)`` returns the plaintext or raises
    :class:`nocrypto.AuthenticationError` (no plaintext is released).  The
    nonce may have any length >= 1 (12 bytes is the fast path); ``aad`` may
    be None.  Input shorter than a tag also raises AuthenticationError, as
    it cannot be a valid message.  ``encrypt_into``/``decrypt_into`` write
    into a caller's buffer (which may be the input itself) and return the
    number of bytes written.
    """

    __slots__ = ("_key",)
    _key: Any

    def __init__(self, key: Buffer) -> None:
        _check_key(key)
        g = ffi.new("nc_gcm_key *")
        lib.nc_gcm_init(g, ffi.from_buffer(key), len(key))
        object.__setattr__(self, "_key", ffi.gc(g, lib.nc_gcm_wipe))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("AESGCM objects are immutable")

    @property
    def implementation(self) -> str:
        """"vaes" (256-bit VAES/VPCLMULQDQ loop), "aesni" (AES-NI with
        PCLMULQDQ) or "portable" (constant-time C)."""
        g = self._key
        if g.aes.path != lib.NC_AES_PATH_NI or g.ghash_path == lib.NC_GHASH_PATH_CT:
            return "portable"
        return "vaes" if g.ghash_path == lib.NC_GHASH_PATH_VPCLMUL else "aesni"

    @property
    def hardware(self) -> bool:
        """True when this key runs on AES-NI with carry-less multiply GHASH."""
        return self.implementation != "portable"

    @staticmethod
    def _bad_nonce() -> ValueError:
        return ValueError("AES-GCM nonce must be at least 1 byte (12 is usual)")

    @staticmethod
    def _too_long() -> ValueError:
        return ValueError(f"AES-GCM message must be at most {_GCM_MAX} bytes")

    def encrypt_into(self, nonce: Buffer, data: Buffer, aad: Buffer | None,
                     out: bytearray | memoryview) -> int:
        """Seal into out[:len(data) + 16]; returns len(data) + 16."""
        n = len(data)
        if not len(nonce):
            raise self._bad_nonce()
        if n > _GCM_MAX:
            raise self._too_long()
        if len(out) < n + 16:
            raise ValueError(f"output buffer must hold {n + 16} bytes, has {len(out)}")
        a = b"" if aad is None else aad
        lib.nc_gcm_seal(self._key, _ptr(nonce), len(nonce), _ptr(a), len(a), _ptr(data), n,
                        ffi.from_buffer(out, require_writable=True))
        return n + 16

    def decrypt_into(self, nonce: Buffer, data: Buffer, aad: Buffer | None,
                     out: bytearray | memoryview) -> int:
        """Open data (ciphertext || tag) into out[:len(data) - 16]; returns
        that length.  On a bad tag raises AuthenticationError and leaves
        that part of out zeroed."""
        n = len(data)
        if not len(nonce):
            raise self._bad_nonce()
        if n < 16:
            raise AuthenticationError("AES-GCM input shorter than its 16-byte tag")
        if n - 16 > _GCM_MAX:
            raise self._too_long()
        if len(out) < n - 16:
            raise ValueError(f"output buffer must hold {n - 16} bytes, has {len(out)}")
        a = b"" if aad is None else aad
        rc = lib.nc_gcm_open(self._key, _ptr(nonce), len(nonce), _ptr(a), len(a), _ptr(data), n,
                             ffi.from_buffer(out, require_writable=True))
        if rc:
            raise AuthenticationError("AES-GCM tag mismatch")
        return n - 16

    def encrypt(self, nonce: Buffer, data: Buffer, aad: Buffer | None = None) -> bytes:
        n = len(data)
        if not len(nonce):
            raise self._bad_nonce()
        if n > _GCM_MAX:
            raise self._too_long()
        if aad is None:
            aad = b""
        out = _alloc(_CHARS, n + 16)
        lib.nc_gcm_seal(self._key,
                        nonce if type(nonce) is bytes else ffi.from_buffer(nonce), len(nonce),
                        aad if type(aad) is bytes else ffi.from_buffer(aad), len(aad),
                        data if type(data) is bytes else ffi.from_buffer(data), n, out)
        return _unpack(out, n + 16)  # type: ignore[no-any-return]

    def decrypt(self, nonce: Buffer, data: Buffer, aad: Buffer | None = None) -> bytes:
        n = len(data)
        if not len(nonce):
            raise self._bad_nonce()
        if n < 16:
            raise AuthenticationError("AES-GCM input shorter than its 16-byte tag")
        if n - 16 > _GCM_MAX:
            raise self._too_long()
        if aad is None:
            aad = b""
        out = _alloc(_CHARS, n - 16 or 1)
        rc = lib.nc_gcm_open(self._key,
                             nonce if type(nonce) is bytes else ffi.from_buffer(nonce), len(nonce),
                             aad if type(aad) is bytes else ffi.from_buffer(aad), len(aad),
                             data if type(data) is bytes else ffi.from_buffer(data), n, out)
        if rc:
            raise AuthenticationError("AES-GCM tag mismatch")
        return _unpack(out, n - 16)  # type: ignore[no-any-return]
