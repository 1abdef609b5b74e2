"""TLS 1.0-1.2 CBC records: the constant-time MAC-then-encrypt check (the
Lucky Thirteen countermeasure, RFC 5246 section 6.2.3.2) and its sealing
counterpart, and the encrypt-then-MAC pieces of RFC 7366.

The MAC is HMAC with the suite's hash ("sha1", "sha256", "sha384");
``prefix`` is seq_num(8) || type(1) || version(2) (see ``mac_prefix``).
A record that fails any check raises nocrypto.AuthenticationError with the
same message whatever was wrong, after the same amount of work.
"""

from __future__ import annotations

from nocrypto._ffi import ffi, lib
from nocrypto.errors import AuthenticationError
from nocrypto.hash import Buffer, algorithm_id
from nocrypto.mac import HMAC

__all__ = ["etm_mac", "etm_verify", "mac_and_pad", "mac_prefix", "unpad", "verify"]

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
