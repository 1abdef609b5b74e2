"""Elliptic-curve Diffie-Hellman and ECDSA: X25519 (RFC 7748), P-256 and P-384.

X25519::

    shared = x25519(my_scalar32, peer_u32)     # RFC 7748 section 5
    public = x25519_base(my_scalar32)
    if x25519_is_zero(shared): ...             # low-order peer value (TLS aborts)

    key = X25519PrivateKey.generate()          # scalar kept in a C buffer
    key.public_key(); key.exchange(peer_u32)   # exchange() refuses an all-zero secret

x25519() runs RFC 7748's Montgomery ladder; x25519_base() multiplies the
Ed25519 base point on the Edwards form of the curve with a fixed-base comb
(Ed25519's table) and maps the point to its u-coordinate (RFC 7748 4.1).
Both run on four 64-bit limbs with MULX (and ADCX/ADOX where the CPU has
them), or in portable radix-2^51 C.

P-256 / P-384 (SEC 1 v2, FIPS 186-5)::

    key = ECPrivateKey.generate(P256)          # rng defaults to nocrypto.rng
    pub = key.public_key()
    pub.to_bytes(compressed=False)             # SEC 1 2.3.3 encoding
    peer = ECPublicKey.from_bytes(P256, data)  # uncompressed or compressed; validated
    secret = key.exchange(peer)                # X coordinate, size bytes
    sig = key.sign(message, "sha256")          # r||s, 2*size bytes (RFC 6979 nonce)
    pub.verify(sig, message, "sha256")         # -> bool
    key.sign_digest(digest, "sha256", extra=fresh_random)   # hedged nonce

ECDSA signatures are fixed-length r||s bytes (DER is tlspy.x509's
business); :func:`encode_rs` and :func:`decode_rs` convert to and from the
integers.  The nonce is RFC 6979's deterministic one, computed with HMAC over
the named hash; ``extra`` bytes, when given, are mixed in as RFC 6979 3.6
additional data (a hedged nonce: still safe if the randomness is bad).
Verification accepts only 1 <= r, s < n and returns False for anything
malformed.

Private scalars are kept in C buffers; every operation on them runs in C in
constant time: d*G and the nonce's k*G through a fixed-base comb with signed
digits (P-256: 43 windows of 6 bits; P-384: 77 of 5) read by masked scans,
inversions (affine conversion, k^-1) by Bernstein-Yang safegcd with a fixed
step count, and sign() hashes the message in the same C call.  P-256 field arithmetic has a MULX/ADX assembly path, chosen
per operation when the CPU has BMI2 and ADX (``NOCRYPTO_PORTABLE=1`` or
``nocrypto.cpu.portable()`` forces the portable C).  Errors: a wrong length, an encoding that is not a point of
the curve (off the curve, coordinates >= p, the identity, an unknown prefix)
or a scalar outside [1, n) raises :class:`ECError` (a ``ValueError`` and a
``NocryptoError``) and never crashes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nocrypto import hash as _hash
from nocrypto import rng as _rng
from nocrypto._ffi import ffi, lib
from nocrypto.errors import NocryptoError

__all__ = [
    "HASHES",
    "P256",
    "P384",
    "Curve",
    "ECError",
    "ECPrivateKey",
    "ECPublicKey",
    "X25519PrivateKey",
    "decode_rs",
    "encode_rs",
    "x25519",
    "x25519_base",
    "x25519_is_zero",
]

Rng = Callable[[int], bytes]

# The hash names ECDSA's RFC 6979 nonce (HMAC) and sign()/verify() accept.
HASHES: dict[str, int] = {
    "sha1": int(lib.NC_SHA1),
    "sha224": int(lib.NC_SHA224),
    "sha256": int(lib.NC_SHA256),
    "sha384": int(lib.NC_SHA384),
    "sha512": int(lib.NC_SHA512),
}


def _hash_id(name: str) -> int:
    try:
        return HASHES[name.lower()]
    except (KeyError, AttributeError):
        raise ValueError(f"unknown hash {name!r}; known: {', '.join(HASHES)}") from None


def _digest(name: str, message: bytes) -> bytes:
    _hash_id(name)
    return _hash.digest(name.lower(), message)


# x25519_base reads Ed25519's fixed-base table: build it now, under the
# import lock, rather than on a first call that two threads might share.
lib.nc_ed25519_init()


class ECError(NocryptoError, ValueError):
    """An invalid key, point, scalar or encoding."""


def _bytes32(name: str, value: bytes) -> bytes:
    if len(value) != 32:
        raise ECError(f"{name} must be 32 bytes, got {len(value)}")
    return bytes(value)


def x25519(scalar: bytes, u: bytes) -> bytes:
    """X25519(scalar, u) of RFC 7748: the scalar is clamped, bit 255 of u is
    ignored.  The all-zero result of a low-order u is returned as is: check
    it with :func:`x25519_is_zero` where the protocol demands."""
    out = ffi.new("uint8_t[32]")
    lib.nc_x25519(out, _bytes32("scalar", scalar), _bytes32("u", u))
    # one copy; bytes(out) would convert element by element (~0.8 us)
    shared: bytes = ffi.buffer(out)[:]
    return shared


def x25519_base(scalar: bytes) -> bytes:
    """The X25519 public key of a 32-byte private scalar: X25519(scalar, 9)."""
    out = ffi.new("uint8_t[32]")
    lib.nc_x25519_base(out, _bytes32("scalar", scalar))
    public: bytes = ffi.buffer(out)[:]
    return public


def x25519_is_zero(value: bytes) -> bool:
    """True when value is all zero bytes; time independent of the contents."""
    return bool(lib.nc_x25519_is_zero(value, len(value)))


class X25519PrivateKey:
    """An X25519 private scalar (32 bytes, clamped when used) in a C buffer."""

    __slots__ = ("_k", "_pub")

    _k: Any
    _pub: bytes

    def __init__(self, k: Any) -> None:
        # Internal: use generate() or from_bytes().
        pub = ffi.new("uint8_t[32]")
        lib.nc_x25519_base(pub, k)
        object.__setattr__(self, "_k", k)
        object.__setattr__(self, "_pub", ffi.buffer(pub)[:])

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("X25519PrivateKey is immutable")

    @classmethod
    def from_bytes(cls, scalar: bytes) -> X25519PrivateKey:
        k = ffi.new("uint8_t[32]")
        ffi.memmove(k, _bytes32("scalar", scalar), 32)
        return cls(k)

    @classmethod
    def generate(cls, rng: Rng | None = None) -> X25519PrivateKey:
        """A key from 32 bytes of rng (default: nocrypto.rng.random_bytes)."""
        draw = rng if rng is not None else _default_rng()
        return cls.from_bytes(draw(32))

    def public_key(self) -> bytes:
        return self._pub

    def private_bytes(self) -> bytes:
        return bytes(ffi.buffer(self._k))

    def exchange(self, peer: bytes) -> bytes:
        """X25519(k, peer); raises ECError when the result is all zero (a
        low-order peer value: RFC 7748 section 6.1, RFC 8446 section 7.4.2)."""
        out = ffi.new("uint8_t[32]")
        if not lib.nc_x25519(out, self._k, _bytes32("peer public key", peer)):
            raise ECError("X25519: the peer public key has small order (all-zero secret)")
        shared: bytes = ffi.buffer(out)[:]
        return shared

    def __repr__(self) -> str:
        return f"<X25519PrivateKey {self._pub.hex()}>"


class Curve:
    """A named prime curve; use the module constants P256 and P384."""

    __slots__ = ("_id", "name", "size")

    def __init__(self, name: str, ident: int, size: int) -> None:
        self.name = name
        self._id = ident
        self.size = size

    def __repr__(self) -> str:
        return f"<Curve {self.name}>"


lib.nc_ec_init()
P256 = Curve("secp256r1", lib.NC_EC_P256, 32)
P384 = Curve("secp384r1", lib.NC_EC_P384, 48)


def _default_rng() -> Rng:
    return _rng.random_bytes


class ECPublicKey:
    """A validated point (not the identity) of P-256 or P-384."""

    __slots__ = ("_xy", "curve")

    curve: Curve
    _xy: bytes

    def __init__(self, curve: Curve, xy: bytes) -> None:
        # Internal: xy is X||Y already checked to be on the curve.
        object.__setattr__(self, "curve", curve)
        object.__setattr__(self, "_xy", xy)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("ECPublicKey is immutable")

    @classmethod
    def from_bytes(cls, curve: Curve, data: bytes) -> ECPublicKey:
        """Decodes a SEC 1 (2.3.4) point: 04||X||Y or 02/03||X; checks it."""
        size = curve.size
        data = bytes(data)
        if len(data) == 1 + 2 * size and data[0] == 4:
            xy = data[1:]
            if not lib.nc_ec_point_check(curve._id, xy):
                raise ECError(f"{curve.name}: point is not on the curve or has a coordinate >= p")
            return cls(curve, xy)
        if len(data) == 1 + size and data[0] in (2, 3):
            out = ffi.new("uint8_t[]", 2 * size)
            if not lib.nc_ec_decompress(curve._id, out, data[1:], data[0] & 1):
                raise ECError(f"{curve.name}: compressed point has no point on the curve")
            return cls(curve, bytes(out))
        if data == b"\x00":
            raise ECError(f"{curve.name}: the point at infinity is not a valid public key")
        raise ECError(
            f"{curve.name}: a point is 04||X||Y ({1 + 2 * size} bytes) or 02/03||X "
            f"({1 + size} bytes), got {len(data)} bytes"
            + (f" starting {data[0]:#04x}" if data else "")
        )

    @classmethod
    def from_xy(cls, curve: Curve, x: int, y: int) -> ECPublicKey:
        size = curve.size
        if not (0 <= x < 1 << (8 * size) and 0 <= y < 1 << (8 * size)):
            raise ECError(f"{curve.name}: coordinate out of range")
        return cls.from_bytes(curve, b"\x04" + x.to_bytes(size, "big") + y.to_bytes(size, "big"))

    def to_bytes(self, compressed: bool = False) -> bytes:
        """SEC 1 2.3.3 encoding."""
        size = self.curve.size
        if compressed:
            return bytes([2 | (self._xy[-1] & 1)]) + self._xy[:size]
        return b"\x04" + self._xy

    @property
    def x(self) -> int:
        return int.from_bytes(self._xy[: self.curve.size], "big")

    @property
    def y(self) -> int:
        return int.from_bytes(self._xy[self.curve.size :], "big")

    def verify_digest(self, signature: bytes, digest: bytes) -> bool:
        """True when signature (r||s) is valid for digest (FIPS 186-5 6.4.2)."""
        size = self.curve.size
        if len(signature) != 2 * size or not digest:
            return False
        return bool(lib.nc_ecdsa_verify(self.curve._id, self._xy, digest, len(digest),
                                        bytes(signature)))

    def verify(self, signature: bytes, message: bytes, hash: str) -> bool:
        """True when signature (r||s) is valid for message hashed with hash."""
        return self.verify_digest(signature, _digest(hash, message))

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, ECPublicKey)
            and other.curve is self.curve
            and other._xy == self._xy
        )

    def __hash__(self) -> int:
        return hash((self.curve.name, self._xy))

    def __repr__(self) -> str:
        return f"<ECPublicKey {self.curve.name} {self.to_bytes(True).hex()}>"


class ECPrivateKey:
    """A private scalar d in [1, n), held in a C buffer, with its public key."""

    __slots__ = ("_d", "_pub", "curve")

    curve: Curve
    _d: Any
    _pub: ECPublicKey

    def __init__(self, curve: Curve, d: Any, pub: ECPublicKey) -> None:
        # Internal: use generate() or from_bytes().
        object.__setattr__(self, "curve", curve)
        object.__setattr__(self, "_d", d)
        object.__setattr__(self, "_pub", pub)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("ECPrivateKey is immutable")

    @classmethod
    def from_bytes(cls, curve: Curve, scalar: bytes) -> ECPrivateKey:
        """From the big-endian scalar (exactly curve.size bytes, 1 <= d < n)."""
        size = curve.size
        if len(scalar) != size:
            raise ECError(f"{curve.name}: private scalar must be {size} bytes, got {len(scalar)}")
        d = ffi.new("uint8_t[]", size)
        ffi.memmove(d, scalar, size)
        xy = ffi.new("uint8_t[]", 2 * size)
        if not lib.nc_ec_public(curve._id, xy, d):
            raise ECError(f"{curve.name}: private scalar must be in [1, n)")
        return cls(curve, d, ECPublicKey(curve, bytes(xy)))

    @classmethod
    def generate(cls, curve: Curve, rng: Rng | None = None) -> ECPrivateKey:
        """A fresh key: rng(size) drawn until the value is in [1, n)
        (rejection sampling, FIPS 186-5 A.2.2)."""
        draw = rng if rng is not None else _default_rng()
        size = curve.size
        d = ffi.new("uint8_t[]", size)
        for _ in range(64):
            candidate = draw(size)
            if len(candidate) != size:
                raise ECError(f"rng returned {len(candidate)} bytes, wanted {size}")
            ffi.memmove(d, candidate, size)
            if lib.nc_ec_scalar_check(curve._id, d):
                xy = ffi.new("uint8_t[]", 2 * size)
                lib.nc_ec_public(curve._id, xy, d)
                return cls(curve, d, ECPublicKey(curve, bytes(xy)))
        raise NocryptoError("rng produced no scalar in [1, n) in 64 draws")

    def public_key(self) -> ECPublicKey:
        return self._pub

    def private_bytes(self) -> bytes:
        """The scalar d as curve.size big-endian bytes (for serialisation)."""
        return bytes(ffi.buffer(self._d))

    def exchange(self, peer: ECPublicKey) -> bytes:
        """ECDH (SEC 1 3.3.1): the X coordinate of d*Q, curve.size bytes."""
        if peer.curve is not self.curve:
            raise ECError(f"peer key is on {peer.curve.name}, not {self.curve.name}")
        out = ffi.new("uint8_t[]", self.curve.size)
        if not lib.nc_ec_ecdh(self.curve._id, out, self._d, peer._xy):
            raise ECError(f"{self.curve.name}: ECDH failed on an invalid point")
        result: bytes = ffi.buffer(out)[:]  # one copy, not per element
        return result

    def sign_digest(self, digest: bytes, hash: str, *, extra: bytes | None = None) -> bytes:
        """r||s over a message digest made with hash (which also keys the
        RFC 6979 nonce generator); extra is optional additional nonce input."""
        alg = _hash_id(hash)
        if not digest:
            raise ValueError("digest must not be empty")
        size = self.curve.size
        rs = ffi.new("uint8_t[]", 2 * size)
        add = bytes(extra) if extra else b""
        if not lib.nc_ecdsa_sign(self.curve._id, rs, self._d, bytes(digest), len(digest), alg,
                                 add, len(add)):
            raise NocryptoError("ECDSA signing failed")  # pragma: no cover - key is valid
        result: bytes = ffi.buffer(rs)[:]  # one copy, not per element
        return result

    def sign(self, message: _hash.Buffer, hash: str, *, extra: bytes | None = None) -> bytes:
        """r||s over message hashed with hash (deterministic unless extra):
        hashing and signing are one C call."""
        alg = _hash_id(hash)
        rs = ffi.new("uint8_t[]", 2 * self.curve.size)
        msg = ffi.from_buffer(message)
        add = bytes(extra) if extra else b""
        if not lib.nc_ecdsa_sign_message(self.curve._id, rs, self._d, msg, len(msg), alg,
                                         add, len(add)):
            raise NocryptoError("ECDSA signing failed")  # pragma: no cover - key is valid
        result: bytes = ffi.buffer(rs)[:]  # one copy, not per element
        return result

    def __repr__(self) -> str:
        return f"<ECPrivateKey {self.curve.name}>"


def encode_rs(curve: Curve, r: int, s: int) -> bytes:
    """The fixed-length r||s form of a signature (each curve.size bytes)."""
    limit = 1 << (8 * curve.size)
    if not (0 <= r < limit and 0 <= s < limit):
        raise ECError(f"{curve.name}: r and s must fit in {curve.size} bytes")
    return r.to_bytes(curve.size, "big") + s.to_bytes(curve.size, "big")


def decode_rs(curve: Curve, signature: bytes) -> tuple[int, int]:
    """(r, s) from the fixed-length r||s form."""
    if len(signature) != 2 * curve.size:
        raise ECError(f"{curve.name}: signature must be {2 * curve.size} bytes")
    return (int.from_bytes(signature[: curve.size], "big"),
            int.from_bytes(signature[curve.size :], "big"))
