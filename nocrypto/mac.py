"""HMAC (RFC 2104) over SHA-1/SHA-2, run in C.

    hmac("sha256", key, data) -> bytes
    m = HMAC("sha256", key); m.update(b"..."); m.digest(); m.verify(tag)

verify compares in constant time and raises nocrypto.AuthenticationError.
"""

from __future__ import annotations

import threading
from typing import Any

from nocrypto._ffi import ffi, lib
from nocrypto.errors import AuthenticationError
from nocrypto.hash import Buffer, algorithm_id, spec

__all__ = ["HMAC", "hmac"]


def hmac(alg: str, key: Buffer, data: Buffer) -> bytes:
    """HMAC-alg(key, data) in one C call."""
    a, _, ctype = spec(alg)
    out = ffi.new(ctype)
    k = ffi.from_buffer(key)
    m = ffi.from_buffer(data)
    lib.nc_hmac(a, k, len(k), m, len(m), out)
    result: bytes = ffi.buffer(out)[:]
    return result


class HMAC:
    """An incremental HMAC; the key's pads are absorbed once, in C."""

    __slots__ = ("_ctx", "_lock", "block_size", "digest_size", "name")

    name: str
    digest_size: int
    block_size: int
    _ctx: Any
    # C drops the GIL: one lock per object keeps concurrent updates from
    # corrupting the context (as hashlib does).
    _lock: threading.Lock

    def __init__(self, alg: str, key: Buffer, data: Buffer = b"") -> None:
        a = algorithm_id(alg)
        self.name = "hmac-" + alg.lower()
        self.digest_size = int(lib.nc_hash_size(a))
        self.block_size = int(lib.nc_hash_block_size(a))
        self._ctx = ffi.new("nc_hmac_ctx *")
        self._lock = threading.Lock()
        k = ffi.from_buffer(key)
        lib.nc_hmac_init(self._ctx, a, k, len(k))
        if data:
            self.update(data)

    def update(self, data: Buffer) -> None:
        src = ffi.from_buffer(data)
        with self._lock:
            lib.nc_hmac_update(self._ctx, src, len(src))

    def copy(self) -> HMAC:
        other = HMAC.__new__(HMAC)
        other.name = self.name
        other.digest_size = self.digest_size
        other.block_size = self.block_size
        with self._lock:
            other._ctx = ffi.new("nc_hmac_ctx *", self._ctx[0])
        other._lock = threading.Lock()
        return other

    def digest(self) -> bytes:
        """The tag of everything so far; the object stays usable."""
        with self._lock:
            tmp = ffi.new("nc_hmac_ctx *", self._ctx[0])
        out = ffi.new("uint8_t[]", self.digest_size)
        lib.nc_hmac_final(tmp, out)
        result: bytes = ffi.buffer(out)[:]
        return result

    def hexdigest(self) -> str:
        return self.digest().hex()

    def verify(self, tag: Buffer) -> None:
        """Raise AuthenticationError unless tag is the full tag (constant time)."""
        mine = self.digest()
        t = ffi.from_buffer(tag)
        if len(t) != len(mine) or not lib.nc_ct_memeq(mine, t, len(mine)):
            raise AuthenticationError("HMAC tag does not match")

    def __repr__(self) -> str:
        return f"<nocrypto.mac.HMAC {self.name}>"
