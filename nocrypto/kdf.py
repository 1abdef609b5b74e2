"""Key derivation: HKDF (RFC 5869), TLS 1.3's HKDF-Expand-Label (RFC 8446
section 7.1) and the TLS 1.2 PRF (RFC 5246 section 5), each one C call;
and TLS 1.3 key schedule steps that fuse several of them into one C call
(a whole stage with the secrets drawn from it, the Finished MAC, a traffic
key and IV, a step of the running transcript hash).

Algorithms are hash names as in nocrypto.hash ("sha256", "sha384", ...).
"""

from __future__ import annotations

from typing import Any

from nocrypto._ffi import ffi, lib
from nocrypto.hash import Buffer, algorithm_id, spec

__all__ = [
    "hkdf", "hkdf_expand", "hkdf_expand_label", "hkdf_extract", "tls12_prf",
    "tls13_finished", "tls13_key_iv", "tls13_stage", "tls13_transcript",
]


def _spec(alg: str, length: int) -> tuple[int, int]:
    """(C algorithm id, HashLen), checking an output length against HKDF's
    255 * HashLen."""
    a, hl, _ = spec(alg)
    if not 0 <= length <= 255 * hl:
        raise ValueError(f"HKDF output length must be 0..{255 * hl} (255 * HashLen), got {length}")
    return a, hl


def hkdf_extract(alg: str, salt: Buffer | None, ikm: Buffer) -> bytes:
    """PRK = HMAC-Hash(salt, IKM); no salt means HashLen zero bytes."""
    a, _, ctype = spec(alg)
    out = ffi.new(ctype)
    s = ffi.from_buffer(salt if salt is not None else b"")
    k = ffi.from_buffer(ikm)
    lib.nc_hkdf_extract(a, s, len(s), k, len(k), out)
    result: bytes = ffi.buffer(out)[:]
    return result


def hkdf_expand(alg: str, prk: Buffer, info: Buffer, length: int) -> bytes:
    """OKM = T(1) || T(2) || ... truncated to length (at most 255 * HashLen)."""
    a, _ = _spec(alg, length)
    out = ffi.new("uint8_t[]", max(length, 1))
    p = ffi.from_buffer(prk)
    i = ffi.from_buffer(info)
    lib.nc_hkdf_expand(a, p, len(p), i, len(i), out, length)
    result: bytes = ffi.buffer(out, length)[:]
    return result


def hkdf(alg: str, ikm: Buffer, salt: Buffer | None, info: Buffer, length: int) -> bytes:
    """HKDF-Expand(HKDF-Extract(salt, ikm), info, length)."""
    a, _ = _spec(alg, length)
    out = ffi.new("uint8_t[]", max(length, 1))
    s = ffi.from_buffer(salt if salt is not None else b"")
    k = ffi.from_buffer(ikm)
    i = ffi.from_buffer(info)
    lib.nc_hkdf(a, s, len(s), k, len(k), i, len(i), out, length)
    result: bytes = ffi.buffer(out, length)[:]
    return result


def hkdf_expand_label(alg: str, secret: Buffer, label: Buffer, context: Buffer,
                      length: int) -> bytes:
    """TLS 1.3 HKDF-Expand-Label(secret, label, context, length); the
    "tls13 " prefix is added here, so pass e.g. b"key"."""
    a, _ = _spec(alg, length)
    if len(label) > 249:
        raise ValueError(f"label is at most 249 bytes (255 with 'tls13 '), got {len(label)}")
    if len(context) > 255:
        raise ValueError(f"context is at most 255 bytes, got {len(context)}")
    out = ffi.new("uint8_t[]", max(length, 1))
    s = ffi.from_buffer(secret)
    c = ffi.from_buffer(context)
    lib.nc_hkdf_expand_label(a, s, len(s), ffi.from_buffer(label), len(label), c, len(c), out,
                             length)
    result: bytes = ffi.buffer(out, length)[:]
    return result


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


# ------------------------------------------------- TLS 1.3 key schedule steps


def _bytes(b: Buffer) -> bytes:
    """``b`` as bytes, which cffi passes to C as they are (the engine's
    values already are: no call for them)."""
    return b if type(b) is bytes else bytes(b)


def tls13_stage(alg: str, prev: Buffer | None, ikm: Buffer | None, transcript_hash: Buffer,
                labels: tuple[bytes, ...] = ()) -> tuple[bytes, ...]:
    """One stage of the TLS 1.3 key schedule (RFC 8446 7.1) in one C call:
    ``(next, Derive-Secret(next, label, transcript_hash) for each label)``
    where next = HKDF-Extract(Derive-Secret(prev, "derived", ""), ikm).
    ``prev`` None: no salt (the early secret); ``ikm`` None: HashLen zeros.
    Labels without the "tls13 " prefix, each at most 249 bytes."""
    a, hl, _ = spec(alg)
    packed = b"".join([bytes((len(label),)) + label for label in labels])
    out = ffi.new("uint8_t[]", hl * (1 + len(labels)))
    p = b"" if prev is None else prev if type(prev) is bytes else bytes(prev)
    k = bytes(hl) if ikm is None else ikm if type(ikm) is bytes else bytes(ikm)
    th = transcript_hash if type(transcript_hash) is bytes else bytes(transcript_hash)
    if lib.nc_tls13_stage(a, p, len(p), k, len(k), th, len(th), packed, len(packed), out,
                          out + hl):
        raise ValueError("labels are at most 249 bytes and the transcript hash 255")
    raw: bytes = ffi.buffer(out)[:]
    return tuple([raw[i : i + hl] for i in range(0, len(raw), hl)])


def tls13_finished(alg: str, base_key: Buffer, transcript_hash: Buffer) -> bytes:
    """HMAC(HKDF-Expand-Label(base_key, "finished", "", HashLen),
    transcript_hash): Finished.verify_data (RFC 8446 4.4.4) and the PSK
    binder (4.2.11.2)."""
    a, _, ctype = spec(alg)
    out = ffi.new(ctype)
    base, th = _bytes(base_key), _bytes(transcript_hash)
    lib.nc_tls13_finished(a, base, len(base), th, len(th), out)
    result: bytes = ffi.buffer(out)[:]
    return result


def tls13_key_iv(alg: str, secret: Buffer, key_length: int,
                 iv_length: int = 12) -> tuple[bytes, bytes]:
    """(HKDF-Expand-Label(secret, "key", "", key_length), the same for "iv"):
    a traffic secret's record key and IV (RFC 8446 7.3)."""
    a, hl, _ = spec(alg)
    if not 0 < key_length <= 255 * hl or not 0 < iv_length <= 255 * hl:
        raise ValueError(f"key and iv lengths must be 1..{255 * hl}")
    out = ffi.new("uint8_t[]", key_length + iv_length)
    sec = _bytes(secret)
    lib.nc_tls13_key_iv(a, sec, len(sec), out, key_length, out + key_length, iv_length)
    raw: bytes = ffi.buffer(out)[:]
    return raw[:key_length], raw[key_length:]


def tls13_transcript(alg: str, ctx: Any, data: Buffer) -> tuple[Any, bytes]:
    """A running transcript hash (RFC 8446 4.4.1) in one C call: (a new
    context: ``ctx``, or a fresh one of ``alg`` when None, with ``data``
    added; its digest).  ``ctx`` is only read, so a context may be shared
    by immutable values that never write to it."""
    a, _, ctype = spec(alg)
    out = ffi.new("nc_hash_ctx *")
    digest = ffi.new(ctype)
    if type(data) is not bytes:
        data = bytes(data)
    if lib.nc_tls13_transcript(a, ffi.NULL if ctx is None else ctx, data, len(data), out, digest):
        raise ValueError("the transcript context is of another hash")
    result: bytes = ffi.buffer(digest)[:]
    return out, result
