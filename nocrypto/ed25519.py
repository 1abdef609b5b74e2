"""Ed25519 signatures (RFC 8032, section 5.1)::

    pub = public_key(seed32)           # 32 bytes
    sig = sign(seed32, message)        # 64 bytes, deterministic
    verify(pub, message, sig)          # -> bool

    key = Ed25519PrivateKey.generate() # or .from_seed(seed32); keeps the
    key.sign(message)                  # expanded key in a C buffer

Signing runs in C in constant time (fixed-base comb with masked table
reads).  Verification rules (variable time, public inputs):

- S must be canonical: S < L, else the signature is rejected
  (no malleability: RFC 8032 5.1.7 step 1).
- A must decode: y < p (a non-canonical y is rejected), and the x = 0 with
  the sign bit set encoding is rejected.  Small-order A are not rejected.
- R is never decoded: the cofactorless equation [S]B = R + [k]A is checked
  as encode([S]B - [k]A) == R byte for byte, so a non-canonical R cannot
  match.
- A signature that is not 64 bytes is simply invalid (False).  A public
  key that is not 32 bytes, or a seed that is not 32 bytes, raises
  ValueError.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nocrypto import rng as _rng
from nocrypto._ffi import ffi, lib

__all__ = ["Ed25519PrivateKey", "public_key", "sign", "verify"]

lib.nc_ed25519_init()


def _check32(name: str, value: bytes) -> bytes:
    if len(value) != 32:
        raise ValueError(f"Ed25519 {name} must be 32 bytes, got {len(value)}")
    return bytes(value)


class Ed25519PrivateKey:
    """An Ed25519 private key, expanded once (RFC 8032 5.1.5) in C memory."""

    __slots__ = ("_key",)

    _key: Any

    def __init__(self, key: Any) -> None:
        # Internal: use from_seed() or generate().
        object.__setattr__(self, "_key", key)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Ed25519PrivateKey is immutable")

    @classmethod
    def from_seed(cls, seed: bytes) -> Ed25519PrivateKey:
        key = ffi.new("nc_ed25519_key *")
        lib.nc_ed25519_expand(key, _check32("seed", seed))
        return cls(key)

    @classmethod
    def generate(cls, rng: Callable[[int], bytes] | None = None) -> Ed25519PrivateKey:
        """A key from 32 bytes of rng (default: nocrypto.rng.random_bytes)."""
        draw = rng if rng is not None else _rng.random_bytes
        return cls.from_seed(draw(32))

    def public_key(self) -> bytes:
        return bytes(self._key.pub)

    def sign(self, message: bytes) -> bytes:
        sig = ffi.new("uint8_t[64]")
        src = ffi.from_buffer(message)
        lib.nc_ed25519_sign(sig, self._key, src, len(src))
        return bytes(sig)

    def __repr__(self) -> str:
        return f"<Ed25519PrivateKey {self.public_key().hex()}>"


def public_key(seed: bytes) -> bytes:
    """The 32-byte public key of a 32-byte seed."""
    return Ed25519PrivateKey.from_seed(seed).public_key()


def sign(seed: bytes, message: bytes) -> bytes:
    """The 64-byte signature of message under the key of seed."""
    return Ed25519PrivateKey.from_seed(seed).sign(message)


def verify(public: bytes, message: bytes, signature: bytes) -> bool:
    """True when signature is valid for message under the public key (see the
    module docstring for the exact rules)."""
    pub = _check32("public key", public)
    if len(signature) != 64:
        return False
    src = ffi.from_buffer(message)
    return bool(lib.nc_ed25519_verify(pub, src, len(src), bytes(signature)))
