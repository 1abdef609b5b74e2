"""Block ciphers and AEADs: AES (ECB blocks, CTR, CBC) and AES-GCM.

Key objects expand their key once in C, choosing AES-NI/PCLMULQDQ or the
portable constant-time C at creation (``nocrypto.cpu``), and are immutable.
Every method makes one C call per buffer.
"""

from __future__ import annotations

from typing import Any

from nocrypto._ffi import ffi, lib

__all__ = ["AES"]

_AES_KEY_SIZES = (16, 24, 32)

Buffer = bytes | bytearray | memoryview


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
        object.__setattr__(self, "_key", k)

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
        out = ffi.new("uint8_t[]", n)
        fn = lib.nc_aes_encrypt_blocks if encrypt else lib.nc_aes_decrypt_blocks
        fn(self._key, ffi.from_buffer(data), out, n // 16)
        return bytes(ffi.buffer(out, n))

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
        ctr = ffi.new("uint8_t[16]", bytes(counter))
        out = ffi.new("uint8_t[]", n)
        lib.nc_aes_ctr(self._key, ctr, ffi.from_buffer(data), out, n)
        return bytes(ffi.buffer(out, n))

    def _cbc(self, iv: Buffer, data: Buffer, encrypt: bool) -> bytes:
        _check_block16("iv", iv)
        n = len(data)
        if n % 16:
            raise ValueError(f"CBC data must be a multiple of 16 bytes, got {n}")
        ivb = ffi.new("uint8_t[16]", bytes(iv))
        out = ffi.new("uint8_t[]", n)
        fn = lib.nc_aes_cbc_encrypt if encrypt else lib.nc_aes_cbc_decrypt
        fn(self._key, ivb, ffi.from_buffer(data), out, n)
        return bytes(ffi.buffer(out, n))

    def cbc_encrypt(self, iv: Buffer, data: Buffer) -> bytes:
        return self._cbc(iv, data, True)

    def cbc_decrypt(self, iv: Buffer, data: Buffer) -> bytes:
        return self._cbc(iv, data, False)
