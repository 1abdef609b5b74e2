"""SHA-1 and SHA-2 hashing (FIPS 180-4), hashlib-shaped.

    digest("sha256", data) -> bytes
    h = new("sha384"); h.update(b"..."); h.copy(); h.digest(); h.hexdigest()

Hashing runs in C (nocrypto/csrc/sha*.c).  SHA-1 and SHA-224/256 use
SHA-NI, SHA-384/512 an AVX2 message schedule, when the CPU has them and the
portable path is not forced (nocrypto.cpu); the path is chosen when a hash
object is created and kept for its life.
"""

from __future__ import annotations

import threading
from typing import Any

from nocrypto._ffi import ffi, lib

Buffer = bytes | bytearray | memoryview

ALGORITHMS: dict[str, int] = {
    "sha1": int(lib.NC_SHA1),
    "sha224": int(lib.NC_SHA224),
    "sha256": int(lib.NC_SHA256),
    "sha384": int(lib.NC_SHA384),
    "sha512": int(lib.NC_SHA512),
}

__all__ = [
    "ALGORITHMS", "Hash", "algorithm_id", "block_size", "digest", "digest_size", "new", "spec",
]

# name -> (C id, digest size, output ctype): the per-call lookups, done once.
_SPEC: dict[str, tuple[int, int, str]] = {}
for _name, _alg in ALGORITHMS.items():
    _size = int(lib.nc_hash_size(_alg))
    _SPEC[_name] = (_alg, _size, f"uint8_t[{_size}]")


def algorithm_id(name: str) -> int:
    """The C algorithm id (NC_SHA256 ...) for a name; ValueError if unknown."""
    return spec(name)[0]


def spec(name: str) -> tuple[int, int, str]:
    """(C algorithm id, digest size, output ctype) for a hash name
    (case-insensitive); ValueError listing the known names if unknown."""
    try:
        return _SPEC[name]
    except KeyError:
        pass
    try:
        return _SPEC[name.lower()]
    except (KeyError, AttributeError):
        known = ", ".join(ALGORITHMS)
        raise ValueError(f"unknown hash algorithm {name!r}; known: {known}") from None


def digest_size(name: str) -> int:
    return int(lib.nc_hash_size(algorithm_id(name)))


def block_size(name: str) -> int:
    return int(lib.nc_hash_block_size(algorithm_id(name)))


def digest(name: str, data: Buffer) -> bytes:
    """The digest of data under the named hash, in one C call."""
    alg, _, ctype = spec(name)
    out = ffi.new(ctype)
    src = ffi.from_buffer(data)
    lib.nc_hash(alg, src, len(src), out)
    result: bytes = ffi.buffer(out)[:]
    return result


class Hash:
    """An incremental hash; construct with new(name, data)."""

    __slots__ = ("_alg", "_ctx", "_lock", "block_size", "digest_size", "name")

    name: str
    digest_size: int
    block_size: int
    _alg: int
    _ctx: Any
    # C drops the GIL: one lock per object keeps concurrent updates from
    # corrupting the context (as hashlib does).
    _lock: threading.Lock

    def __init__(self, name: str, data: Buffer = b"") -> None:
        alg = algorithm_id(name)
        self._alg = alg
        self.name = name.lower()
        self.digest_size = int(lib.nc_hash_size(alg))
        self.block_size = int(lib.nc_hash_block_size(alg))
        self._ctx = ffi.new("nc_hash_ctx *")
        self._lock = threading.Lock()
        lib.nc_hash_init(self._ctx, alg)
        if data:
            self.update(data)

    def update(self, data: Buffer) -> None:
        src = ffi.from_buffer(data)
        with self._lock:
            lib.nc_hash_update(self._ctx, src, len(src))

    def copy(self) -> Hash:
        other = Hash.__new__(Hash)
        other._alg = self._alg
        other.name = self.name
        other.digest_size = self.digest_size
        other.block_size = self.block_size
        with self._lock:
            other._ctx = ffi.new("nc_hash_ctx *", self._ctx[0])
        other._lock = threading.Lock()
        return other

    def digest(self) -> bytes:
        """The digest of everything so far; the object stays usable."""
        with self._lock:
            tmp = ffi.new("nc_hash_ctx *", self._ctx[0])
        out = ffi.new("uint8_t[]", self.digest_size)
        lib.nc_hash_final(tmp, out)
        result: bytes = ffi.buffer(out)[:]
        return result

    def hexdigest(self) -> str:
        return self.digest().hex()

    def __repr__(self) -> str:
        return f"<nocrypto.hash.Hash {self.name}>"


def new(name: str, data: Buffer = b"") -> Hash:
    """A new incremental hash object (hashlib-like)."""
    return Hash(name, data)
