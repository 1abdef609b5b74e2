"""TLS 1.0-1.2 CBC records: the constant-time MAC-then-encrypt check (the
Lucky Thirteen countermeasure, RFC 5246 section 6.2.3.2) and its sealing
counterpart, and the encrypt-then-MAC pieces of RFC 7366.

The MAC is HMAC with the suite's hash ("sha1", "sha256", "sha384");
``prefix`` is seq_num(8) || type(1) || version(2) (see ``mac_prefix``).
A record that fails any check raises nocrypto.AuthenticationError with the
same message whatever was wrong, after the same amount of work.
"""

from __future__ import annotations

from typing import Any

from nocrypto._ffi import ffi, lib
from nocrypto.errors import AuthenticationError
from nocrypto.hash import Buffer, algorithm_id, spec
from nocrypto.mac import HMAC

__all__ = [
    "AESCBCRecord", "etm_mac", "etm_verify", "mac_and_pad", "mac_prefix", "unpad", "verify",
]

_BAD = "bad record MAC"


def mac_prefix(seq: int, content_type: int, version: int) -> bytes:
    """seq_num(8) || type(1) || version(2), the MAC's pseudo-header without
    the length field."""
    if not 0 <= seq < 1 << 64:
        raise ValueError(f"sequence number must fit 64 bits, got {seq}")
    if not 0 <= content_type < 256 or not 0 <= version < 1 << 16:
        raise ValueError("content type is one byte and version two bytes")
    return seq.to_bytes(8, "big") + bytes([content_type]) + version.to_bytes(2, "big")


def _prefix(prefix: Buffer) -> Buffer:
    if len(prefix) != 11:
        raise ValueError(f"prefix must be 11 bytes (seq 8, type 1, version 2), got {len(prefix)}")
    return prefix


def verify(alg: str, mac_key: Buffer, prefix: Buffer, record: Buffer) -> bytes:
    """The data of a decrypted MAC-then-encrypt fragment
    (data || mac || padding || padding_length, explicit IV removed), after
    checking padding and MAC in constant time; AuthenticationError if
    either is wrong."""
    a = algorithm_id(alg)
    rec = ffi.from_buffer(record)
    k = ffi.from_buffer(mac_key)
    out_len = ffi.new("size_t *")
    ok = lib.nc_tls_cbc_verify(a, k, len(k), ffi.from_buffer(_prefix(prefix)), rec, len(rec),
                               out_len)
    if ok != 1:
        raise AuthenticationError(_BAD)
    return bytes(ffi.buffer(rec, out_len[0]))


def mac_and_pad(alg: str, mac_key: Buffer, prefix: Buffer, data: Buffer,
                block_size: int = 16, pad_extra: int = 0) -> bytes:
    """data || HMAC(prefix || len || data) || padding || padding_length, a
    multiple of block_size long, ready for CBC encryption; pad_extra adds
    whole blocks of padding (the padding length must stay <= 255)."""
    a = algorithm_id(alg)
    n = len(data)
    if n > 0xFFFF:
        raise ValueError(f"data is at most 65535 bytes, got {n}")
    if not 1 <= block_size <= 256 or pad_extra < 0:
        raise ValueError("block_size must be 1..256 and pad_extra non-negative")
    buf = ffi.new("uint8_t[]", n + int(lib.nc_hash_size(a)) + 256)
    ffi.memmove(buf, data, n)
    k = ffi.from_buffer(mac_key)
    total = lib.nc_tls_cbc_mac_and_pad(a, k, len(k), ffi.from_buffer(_prefix(prefix)), buf, n,
                                       block_size, pad_extra)
    if total == 0:
        raise ValueError(f"padding longer than 255 bytes (pad_extra={pad_extra})")
    return bytes(ffi.buffer(buf, total))


def unpad(record: Buffer) -> bytes:
    """Strip a TLS CBC padding in constant time (for encrypt-then-MAC, where
    the MAC is already checked); AuthenticationError if it is malformed."""
    rec = ffi.from_buffer(record)
    out_len = ffi.new("size_t *")
    if lib.nc_tls_cbc_unpad(rec, len(rec), out_len) != 1:
        raise AuthenticationError(_BAD)
    return bytes(ffi.buffer(rec, out_len[0]))


def _etm_header(prefix: Buffer, ct: Buffer) -> bytes:
    if len(ct) > 0xFFFF:
        raise ValueError(f"ciphertext is at most 65535 bytes, got {len(ct)}")
    return bytes(_prefix(prefix)) + len(ct).to_bytes(2, "big")


def etm_mac(alg: str, mac_key: Buffer, prefix: Buffer, ct: Buffer) -> bytes:
    """RFC 7366: HMAC(prefix || length || IV || ciphertext), ct = IV || ciphertext."""
    m = HMAC(alg, mac_key, _etm_header(prefix, ct))
    m.update(ct)
    return m.digest()


def etm_verify(alg: str, mac_key: Buffer, prefix: Buffer, ct: Buffer, tag: Buffer) -> None:
    """Check an RFC 7366 record MAC in constant time; AuthenticationError if wrong."""
    a = algorithm_id(alg)
    _etm_header(prefix, ct)
    if len(tag) != int(lib.nc_hash_size(a)):
        raise AuthenticationError(_BAD)
    k = ffi.from_buffer(mac_key)
    c = ffi.from_buffer(ct)
    if lib.nc_tls_etm_mac_check(a, k, len(k), ffi.from_buffer(_prefix(prefix)), c, len(c),
                                ffi.from_buffer(tag)) != 1:
        raise AuthenticationError(_BAD)


class AESCBCRecord:
    """One direction of a TLS AES-CBC suite (AES-128/256 with HMAC-SHA1/
    SHA256/SHA384): the AES key is expanded once, in C, and every record is
    one C call.  Records are in wire form after the header:
    IV || ciphertext (|| tag with encrypt_then_mac, RFC 7366).  With
    MAC-then-encrypt, open() is the constant-time Lucky Thirteen-safe check.
    """

    __slots__ = ("_aes", "_alg", "_hl", "_mac_key", "encrypt_then_mac")

    _aes: Any
    _alg: int
    _hl: int
    _mac_key: bytes
    encrypt_then_mac: bool

    def __init__(self, key: Buffer, mac_alg: str, mac_key: Buffer, *,
                 encrypt_then_mac: bool = False) -> None:
        if len(key) not in (16, 24, 32):
            raise ValueError(f"AES key must be 16, 24 or 32 bytes, got {len(key)}")
        alg, hl, _ = spec(mac_alg)
        aes = ffi.new("nc_aes_key *")
        lib.nc_aes_init(aes, ffi.from_buffer(key), len(key))
        object.__setattr__(self, "_aes", aes)
        object.__setattr__(self, "_alg", alg)
        object.__setattr__(self, "_hl", hl)
        object.__setattr__(self, "_mac_key", bytes(mac_key))
        object.__setattr__(self, "encrypt_then_mac", encrypt_then_mac)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("AESCBCRecord objects are immutable")

    def open(self, prefix: Buffer, fragment: Buffer) -> bytes:
        """The data of one record fragment; AuthenticationError if the MAC
        or the padding is wrong (the same error, after the same work)."""
        p = ffi.from_buffer(_prefix(prefix))
        n = len(fragment) - 16
        if n <= 0:
            raise AuthenticationError(_BAD)
        view = memoryview(fragment)
        iv = ffi.from_buffer(view[:16])
        buf = ffi.new("uint8_t[]", n)
        ffi.memmove(buf, view[16:], n)
        out_len = ffi.new("size_t *")
        fn = lib.nc_tls_etm_open if self.encrypt_then_mac else lib.nc_tls_cbc_open
        ok = fn(self._aes, iv, buf, n, self._alg, self._mac_key, len(self._mac_key), p, out_len)
        if ok != 1:
            raise AuthenticationError(_BAD)
        result: bytes = ffi.buffer(buf, out_len[0])[:]
        return result

    def seal(self, prefix: Buffer, iv: Buffer, data: Buffer, pad_extra: int = 0) -> bytes:
        """IV || ciphertext (|| tag): data MACed, padded (pad_extra more
        blocks of padding, for length hiding) and encrypted under iv."""
        p = ffi.from_buffer(_prefix(prefix))
        if len(iv) != 16:
            raise ValueError(f"iv must be 16 bytes, got {len(iv)}")
        n = len(data)
        if n > 0xFFFF:
            raise ValueError(f"data is at most 65535 bytes, got {n}")
        if pad_extra < 0:
            raise ValueError(f"pad_extra must be non-negative, got {pad_extra}")
        cap = 16 + n + self._hl + 256
        buf = ffi.new("uint8_t[]", cap)
        ffi.memmove(buf, iv, 16)
        ffi.memmove(buf + 16, data, n)
        fn = lib.nc_tls_etm_seal if self.encrypt_then_mac else lib.nc_tls_cbc_seal
        total = fn(self._aes, ffi.from_buffer(iv), buf + 16, n, cap - 16, self._alg,
                   self._mac_key, len(self._mac_key), p, pad_extra)
        if total == 0:
            raise ValueError(f"padding longer than 255 bytes (pad_extra={pad_extra})")
        result: bytes = ffi.buffer(buf, 16 + total)[:]
        return result
