"""Key derivation: HKDF (RFC 5869), TLS 1.3's HKDF-Expand-Label (RFC 8446
section 7.1) and the TLS 1.2 PRF (RFC 5246 section 5), each one C call.

Algorithms are hash names as in nocrypto.hash ("sha256", "sha384", ...).
"""

from __future__ import annotations

from nocrypto._ffi import ffi, lib
from nocrypto.hash import Buffer, algorithm_id

__all__ = ["hkdf", "hkdf_expand", "hkdf_expand_label", "hkdf_extract", "tls12_prf"]


def _limit(a: int, length: int) -> None:
    size = int(lib.nc_hash_size(a))
    if length < 0 or length > 255 * size:
        raise ValueError(f"HKDF output length must be 0..{255 * size} (255 * HashLen), got {length}")


def hkdf_extract(alg: str, salt: Buffer | None, ikm: Buffer) -> bytes:
    """PRK = HMAC-Hash(salt, IKM); no salt means HashLen zero bytes."""
    a = algorithm_id(alg)
    size = int(lib.nc_hash_size(a))
    out = ffi.new("uint8_t[]", size)
    s = ffi.from_buffer(salt if salt is not None else b"")
    k = ffi.from_buffer(ikm)
    lib.nc_hkdf_extract(a, s, len(s), k, len(k), out)
    return bytes(ffi.buffer(out, size))


def hkdf_expand(alg: str, prk: Buffer, info: Buffer, length: int) -> bytes:
    """OKM = T(1) || T(2) || ... truncated to length (at most 255 * HashLen)."""
    a = algorithm_id(alg)
    _limit(a, length)
    out = ffi.new("uint8_t[]", max(length, 1))
    p = ffi.from_buffer(prk)
    i = ffi.from_buffer(info)
    lib.nc_hkdf_expand(a, p, len(p), i, len(i), out, length)
    return bytes(ffi.buffer(out, length))


def hkdf(alg: str, ikm: Buffer, salt: Buffer | None, info: Buffer, length: int) -> bytes:
    """HKDF-Expand(HKDF-Extract(salt, ikm), info, length)."""
    a = algorithm_id(alg)
    _limit(a, length)
    out = ffi.new("uint8_t[]", max(length, 1))
    s = ffi.from_buffer(salt if salt is not None else b"")
    k = ffi.from_buffer(ikm)
    i = ffi.from_buffer(info)
    lib.nc_hkdf(a, s, len(s), k, len(k), i, len(i), out, length)
    return bytes(ffi.buffer(out, length))


def hkdf_expand_label(alg: str, secret: Buffer, label: Buffer, context: Buffer,
                      length: int) -> bytes:
    """TLS 1.3 HKDF-Expand-Label(secret, label, context, length); the
    "tls13 " prefix is added here, so pass e.g. b"key"."""
    a = algorithm_id(alg)
    _limit(a, length)
    if len(label) > 249:
        raise ValueError(f"label is at most 249 bytes (255 with 'tls13 '), got {len(label)}")
    if len(context) > 255:
        raise ValueError(f"context is at most 255 bytes, got {len(context)}")
    out = ffi.new("uint8_t[]", max(length, 1))
    s = ffi.from_buffer(secret)
    lab = ffi.from_buffer(label)
    c = ffi.from_buffer(context)
    lib.nc_hkdf_expand_label(a, s, len(s), lab, len(lab), c, len(c), out, length)
    return bytes(ffi.buffer(out, length))


def tls12_prf(alg: str, secret: Buffer, label: Buffer, seed: Buffer, length: int) -> bytes:
    """PRF(secret, label, seed) = P_<alg>(secret, label || seed), length bytes."""
    a = algorithm_id(alg)
    if length < 0:
        raise ValueError(f"length must be non-negative, got {length}")
    out = ffi.new("uint8_t[]", max(length, 1))
    s = ffi.from_buffer(secret)
    lab = ffi.from_buffer(label)
    sd = ffi.from_buffer(seed)
    lib.nc_tls12_prf(a, s, len(s), lab, len(lab), sd, len(sd), out, length)
    return bytes(ffi.buffer(out, length))
