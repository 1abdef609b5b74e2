"""Finite-field Diffie-Hellman: the RFC 7919 groups and caller-given (p, g).

    group = dh.FFDHE2048                  # or dh.group("ffdhe3072"), DHGroup(p, g)
    key = group.generate_private(rng)     # rng: Callable[[int], bytes]
    key.public_value()                    # bytes, len(p) long, big-endian
    secret = key.exchange(peer_value)     # bytes, len(p) long, big-endian

The private exponent lives in a C buffer and every exponentiation with it
runs in the bignum core's constant-time fixed-window exponentiation.

The shared secret comes back as a fixed-length big-endian string as long as
p, leading zeros kept.  TLS 1.3 (RFC 8446 §7.4.1) uses it as it is; TLS 1.2
(RFC 5246 §8.1.2) strips the leading zero bytes: that is the caller's step.

Peer values (bytes of any length up to len(p), or an int) must satisfy
1 < y < p - 1 (RFC 7919 §5.1), and a shared secret of 1 is refused too;
otherwise ``InvalidPublicValueError``.  The RFC 7919 groups are safe primes,
so no further subgroup check is needed there.

Private exponents: for the RFC 7919 groups, random exponents of 256, 320,
384, 448 and 512 bits (ffdhe2048 ... ffdhe8192), above the minimum lengths
of RFC 7919 §5.2; for other groups (whose subgroup order is unknown), as
many bits as p has, minus one.  The top bit of the exponent is set, so it is
never 0 or 1.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from nocrypto import rng as _rngmod
from nocrypto._ffi import ffi, lib
from nocrypto.errors import NocryptoError

Rng = Callable[[int], bytes]

__all__ = [
    "FFDHE2048",
    "FFDHE3072",
    "FFDHE4096",
    "FFDHE6144",
    "FFDHE8192",
    "DHError",
    "DHGroup",
    "DHPrivateKey",
    "InvalidGroupError",
    "InvalidPublicValueError",
    "group",
]


class DHError(NocryptoError, ValueError):
    """Base class of Diffie-Hellman failures."""


class InvalidGroupError(DHError):
    """(p, g) is not a usable group: p even or out of size, g out of range."""


class InvalidPublicValueError(DHError):
    """The peer's public value is outside 1 < y < p - 1 (or gives 1)."""


def _default_rng(rng: Rng | None) -> Rng:
    return _rngmod.random_bytes if rng is None else rng


def _e_scaled(bits: int) -> int:
    """floor(e 2^bits), Euler's number, from the series sum 1/k!."""
    scale = 1 << (bits + 64)
    total, term, k = 0, scale, 0
    while term:
        total += term
        k += 1
        term //= k
    return total >> 64


# RFC 7919 Appendix A: p = 2^b - 2^{b-64} + {[2^{b-130} e] + X} 2^64 - 1, g = 2.
_FFDHE_X = {2048: 560316, 3072: 2625351, 4096: 5736041, 6144: 15705020, 8192: 10965728}
_FFDHE_EXPONENT_BITS = {2048: 256, 3072: 320, 4096: 384, 6144: 448, 8192: 512}


_E_8062 = _e_scaled(8192 - 130)


def _ffdhe_prime(bits: int) -> int:
    e_bits = _E_8062 >> (8192 - bits)  # floor(e 2^(bits - 130))
    return (1 << bits) - (1 << (bits - 64)) + ((e_bits + _FFDHE_X[bits]) << 64) - 1


class DHGroup:
    """A group (p, g); p odd, 512 to 8192 bits; 1 < g < p - 1.  Immutable."""

    __slots__ = ("_g", "_k", "_mont", "_name", "_p", "_xbits")

    _p: int
    _g: int
    _k: int
    _xbits: int
    _name: str | None
    _mont: Any

    def __init__(self, p: int, g: int, *, name: str | None = None,
                 exponent_bits: int | None = None) -> None:
        if p <= 0 or p % 2 == 0 or not 512 <= p.bit_length() <= 8192:
            raise InvalidGroupError("DH prime must be odd and have 512 to 8192 bits")
        if not 1 < g < p - 1:
            raise InvalidGroupError("DH generator must satisfy 1 < g < p - 1")
        xbits = p.bit_length() - 1 if exponent_bits is None else exponent_bits
        if not 160 <= xbits < p.bit_length():
            raise InvalidGroupError("DH exponent length must be >= 160 bits and below p's")
        k = (p.bit_length() + 7) // 8
        mont = ffi.new("nc_bn_mont *")
        if lib.nc_mont_init(mont, p.to_bytes(k, "big"), k) != 0:  # pragma: no cover
            raise InvalidGroupError("DH prime rejected")
        for attr, value in (("_p", p), ("_g", g), ("_k", k), ("_xbits", xbits), ("_name", name),
                            ("_mont", mont)):
            object.__setattr__(self, attr, value)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("DH groups are immutable")

    @property
    def p(self) -> int:
        return self._p

    @property
    def g(self) -> int:
        return self._g

    @property
    def name(self) -> str | None:
        return self._name

    @property
    def size_bytes(self) -> int:
        return self._k

    @property
    def exponent_bits(self) -> int:
        return self._xbits

    def __repr__(self) -> str:
        return f"DHGroup({self._name or f'{self._p.bit_length()} bits'}, g={self._g})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DHGroup) and (self._p, self._g) == (other._p, other._g)

    def __hash__(self) -> int:
        return hash((self._p, self._g))

    def _modexp(self, base: bytes, exp: Any, elen: int) -> bytes:
        scratch = ffi.new("uint64_t[]", lib.nc_bn_scratch_limbs(self._mont.n))
        out = ffi.new("uint8_t[]", self._k)
        lib.nc_bn_modexp(self._mont, out, base, len(base), exp, elen, scratch)
        return bytes(ffi.buffer(out))

    def generate_private(self, rng: Rng | None = None) -> DHPrivateKey:
        """A fresh private key with an exponent of exponent_bits bits."""
        rand = _default_rng(rng)
        nbytes = (self._xbits + 7) // 8
        raw = rand(nbytes)
        if len(raw) != nbytes:
            raise ValueError("rng returned the wrong number of bytes")
        x = ffi.new("uint8_t[]", raw)
        top = (self._xbits - 1) % 8
        x[0] = (x[0] & ((2 << top) - 1)) | (1 << top)
        return DHPrivateKey(self, x, nbytes)

    def private_from_bytes(self, x: bytes) -> DHPrivateKey:
        """A private key from a big-endian exponent 1 < x < p - 1 (e.g. a
        stored key, or a test vector).  The range check is one
        constant-time C comparison: only its verdict is seen here, x never
        becomes a Python integer."""
        if len(x) > self._k:
            raise DHError("DH private exponent must satisfy 1 < x < p - 1")
        buf = ffi.new("uint8_t[]", x)
        if lib.nc_dh_check_private(buf, len(x), self._p.to_bytes(self._k, "big"), self._k) != 1:
            raise DHError("DH private exponent must satisfy 1 < x < p - 1")
        return DHPrivateKey(self, buf, len(x))

    def check_public(self, y: bytes | int) -> bytes:
        """y as len(p) big-endian bytes when 1 < y < p - 1, else
        InvalidPublicValueError."""
        if isinstance(y, int):
            v = y
        else:
            if len(y) > self._k:
                raise InvalidPublicValueError(f"DH public value longer than {self._k} bytes")
            v = int.from_bytes(y, "big")
        if not 1 < v < self._p - 1:
            raise InvalidPublicValueError("DH public value must satisfy 1 < y < p - 1")
        return v.to_bytes(self._k, "big")


class DHPrivateKey:
    """A private exponent for one group; the exponent stays in C memory."""

    __slots__ = ("_group", "_pub", "_x", "_xlen")

    _group: DHGroup
    _x: Any
    _xlen: int
    _pub: bytes

    def __init__(self, grp: DHGroup, x: Any, xlen: int) -> None:
        object.__setattr__(self, "_group", grp)
        object.__setattr__(self, "_x", x)
        object.__setattr__(self, "_xlen", xlen)
        g = grp.g.to_bytes(grp.size_bytes, "big")
        object.__setattr__(self, "_pub", grp._modexp(g, x, xlen))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("DH keys are immutable")

    @property
    def group(self) -> DHGroup:
        return self._group

    def public_value(self) -> bytes:
        """g^x mod p, len(p) bytes big-endian."""
        return self._pub

    def exchange(self, peer: bytes | int) -> bytes:
        """The shared secret peer^x mod p, len(p) bytes big-endian with the
        leading zeros kept (TLS 1.2 strips them; that is the caller's)."""
        y = self._group.check_public(peer)
        z = self._group._modexp(y, self._x, self._xlen)
        if int.from_bytes(z, "big") == 1:
            raise InvalidPublicValueError("DH public value gives a shared secret of 1")
        return z


@cache
def _ffdhe(bits: int) -> DHGroup:
    return DHGroup(_ffdhe_prime(bits), 2, name=f"ffdhe{bits}",
                   exponent_bits=_FFDHE_EXPONENT_BITS[bits])


def group(name: str) -> DHGroup:
    """One of "ffdhe2048", "ffdhe3072", "ffdhe4096", "ffdhe6144", "ffdhe8192"."""
    for bits in _FFDHE_X:
        if name.lower() == f"ffdhe{bits}":
            return _ffdhe(bits)
    raise ValueError(f"unknown DH group {name!r}; expected ffdhe2048 ... ffdhe8192")


FFDHE2048 = group("ffdhe2048")
FFDHE3072 = group("ffdhe3072")
FFDHE4096 = group("ffdhe4096")
FFDHE6144 = group("ffdhe6144")
FFDHE8192 = group("ffdhe8192")
