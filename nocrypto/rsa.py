"""RSA (RFC 8017): PKCS#1 v1.5 and PSS signatures, OAEP and PKCS#1 v1.5
encryption, the TLS RSA key exchange, and key generation.

Private keys live in C.  ``RSAPrivateKey.from_numbers`` checks the numbers
it is given, converts them once into fixed-length buffers (Montgomery
contexts for n, p and q) and keeps no Python integer of the private key;
every private operation is one constant-time C call (CRT with Garner's
recombination, base blinding, and a check that the result raised to e gives
the input back, so a fault never releases a bad signature).

Blinding: the input is multiplied by r^e and the result by r^-1 for a
random r.  To draw r, C returns only t = r u mod n for a second random u;
Python inverts t (t is independent of every secret) and C recovers
r^-1 = t^-1 u itself.  Between fresh draws (every 32 operations, and after
a fork) the pair is squared, r -> r^2, as OpenSSL's BN_BLINDING does, so the
costly inversion is amortised.  The rng passed to an operation is the one
a fresh draw uses.

Public-key operations (verify, encrypt) are variable time in the public
exponent only; the message being encrypted is handled by the constant-time
multiplication.  Decoding that sees decrypted data (PKCS#1 v1.5 and OAEP
unpadding, the TLS premaster secret) runs in C in constant time.

Key generation (``generate``) runs in C too, constant time in every secret
(candidate building, trial division, Miller-Rabin, the |p - q| check, n,
dp, dq and qinv): Python passes the rng's bytes through and branches only on
each candidate's accept/reject verdict; the primes go from C buffers into
the C key and are never Python integers.

Verification policy (Wycheproof "acceptable" cases): PKCS#1 v1.5
signatures must carry exactly the DER DigestInfo of RFC 8017 §9.2 note 1,
with the NULL parameters; the variant without NULL is rejected.  A
signature must be exactly as long as the modulus (no stripped or extra
leading zero bytes) and smaller than it.

Randomness (blinding, PSS salts, OAEP seeds, PKCS#1 padding, the fallback
premaster secret, key generation) comes from the ``rng`` argument of each
call, a ``Callable[[int], bytes]``, by default ``nocrypto.rng.random_bytes``.

Limits: moduli of 512 to 8192 bits (generation: 1024 to 8192, even);
public exponents odd and >= 3, and below 2^64 for private keys; generation
takes a prime e from 65537 to 2^24 (default 65537).

Errors: ``InvalidKeyError`` (a ValueError) for unusable key numbers,
``DecryptionError`` for a ciphertext that does not decrypt (one message for
every cause), ``RSAFaultError`` when the fault check trips, ``ValueError``
for messages too long for the key and unknown hash names.
"""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Callable
from typing import Any

from nocrypto import hash as _hashmod
from nocrypto import rng as _rngmod
from nocrypto._ffi import ffi, lib
from nocrypto.errors import NocryptoError
from nocrypto.util import compare_digest

Rng = Callable[[int], bytes]

__all__ = [
    "DecryptionError",
    "InvalidKeyError",
    "RSAError",
    "RSAFaultError",
    "RSAPrivateKey",
    "RSAPublicKey",
    "generate",
]

MIN_BITS = 512
MAX_BITS = 8192


class RSAError(NocryptoError):
    """Base class of RSA failures."""


class InvalidKeyError(RSAError, ValueError):
    """Key numbers that do not form a usable RSA key."""


class DecryptionError(RSAError):
    """The ciphertext did not decrypt (wrong padding, length or value)."""


class RSAFaultError(RSAError):
    """The private operation's result did not verify: nothing was released."""


# DER DigestInfo prefixes, RFC 8017 §9.2 note 1.
_DIGEST_INFO = {
    "sha1": bytes.fromhex("3021300906052b0e03021a05000414"),
    "sha224": bytes.fromhex("302d300d06096086480165030402040500041c"),
    "sha256": bytes.fromhex("3031300d060960864801650304020105000420"),
    "sha384": bytes.fromhex("3041300d060960864801650304020205000430"),
    "sha512": bytes.fromhex("3051300d060960864801650304020305000440"),
}
_HASH_SIZE = {"sha1": 20, "sha224": 28, "sha256": 32, "sha384": 48, "sha512": 64}
_HASH_ID = {"sha1": 1, "sha224": 2, "sha256": 3, "sha384": 4, "sha512": 5}


def _hash_size(name: str) -> int:
    try:
        return _HASH_SIZE[name]
    except KeyError:
        raise ValueError(f"unknown hash {name!r}; expected one of {sorted(_HASH_SIZE)}") from None


def _digest(name: str, data: bytes) -> bytes:
    _hash_size(name)
    return _hashmod.digest(name, data)


def _default_rng(rng: Rng | None) -> Rng:
    return _rngmod.random_bytes if rng is None else rng


def _mgf1(hash_name: str, seed: bytes, length: int) -> bytes:
    out = bytearray()
    counter = 0
    while len(out) < length:
        out += _digest(hash_name, seed + counter.to_bytes(4, "big"))
        counter += 1
    return bytes(out[:length])


def _xor(a: bytes, b: bytes) -> bytes:
    return (int.from_bytes(a, "big") ^ int.from_bytes(b, "big")).to_bytes(len(a), "big")


def _nbytes(x: int) -> int:
    return (x.bit_length() + 7) // 8


def _pkcs1v15_sig_encoding(hash_name: str, digest: bytes, k: int) -> bytes:
    try:
        prefix = _DIGEST_INFO[hash_name]
    except KeyError:
        raise ValueError(f"unknown hash {hash_name!r}; expected one of {sorted(_DIGEST_INFO)}") from None
    if len(digest) != _HASH_SIZE[hash_name]:
        raise ValueError(f"{hash_name} digest must be {_HASH_SIZE[hash_name]} bytes")
    t = prefix + digest
    if k < len(t) + 11:
        raise ValueError("RSA key too short for this digest")
    return b"\x00\x01" + b"\xff" * (k - len(t) - 3) + b"\x00" + t


class RSAPublicKey:
    """An RSA public key (n, e); immutable."""

    __slots__ = ("_e", "_ebytes", "_k", "_mont", "_n")

    _n: int
    _e: int
    _k: int
    _ebytes: bytes
    _mont: Any

    def __init__(self, n: int, e: int) -> None:
        if n <= 0 or n % 2 == 0:
            raise InvalidKeyError("RSA modulus must be odd and positive")
        if not MIN_BITS <= n.bit_length() <= MAX_BITS:
            raise InvalidKeyError(f"RSA modulus must have {MIN_BITS} to {MAX_BITS} bits")
        if e < 3 or e % 2 == 0 or e >= n:
            raise InvalidKeyError("RSA public exponent must be odd, >= 3 and < n")
        mont = ffi.new("nc_bn_mont *")
        nb = n.to_bytes(_nbytes(n), "big")
        if lib.nc_mont_init(mont, nb, len(nb)) != 0:  # pragma: no cover - checked above
            raise InvalidKeyError("RSA modulus rejected")
        object.__setattr__(self, "_n", n)
        object.__setattr__(self, "_e", e)
        object.__setattr__(self, "_k", len(nb))
        object.__setattr__(self, "_ebytes", e.to_bytes(_nbytes(e), "big"))
        object.__setattr__(self, "_mont", mont)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("RSA keys are immutable")

    @property
    def n(self) -> int:
        return self._n

    @property
    def e(self) -> int:
        return self._e

    @property
    def size_bits(self) -> int:
        return self._n.bit_length()

    @property
    def size_bytes(self) -> int:
        return self._k

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RSAPublicKey) and (self._n, self._e) == (other._n, other._e)

    def __hash__(self) -> int:
        return hash((self._n, self._e))

    def __repr__(self) -> str:
        return f"RSAPublicKey(bits={self.size_bits}, e={self._e})"

    # -- the primitive -------------------------------------------------------

    def _public_op(self, x: bytes) -> bytes:
        """x^e mod n for a k-byte big-endian x < n (checked by the caller)."""
        scratch = ffi.new("uint64_t[]", lib.nc_bn_scratch_limbs(self._mont.n))
        out = ffi.new("uint8_t[]", self._k)
        lib.nc_bn_modexp_pub(self._mont, out, x, len(x), self._ebytes, len(self._ebytes), scratch)
        return bytes(ffi.buffer(out))

    def _verify_prim(self, sig: bytes) -> bytes | None:
        if len(sig) != self._k or int.from_bytes(sig, "big") >= self._n:
            return None
        return self._public_op(sig)

    # -- signatures ----------------------------------------------------------

    def verify_pkcs1v15_digest(self, hash_name: str, digest: bytes, sig: bytes) -> bool:
        """RSASSA-PKCS1-v1_5 verification over a precomputed digest."""
        expected = _pkcs1v15_sig_encoding(hash_name, digest, self._k)
        em = self._verify_prim(sig)
        return em is not None and compare_digest(em, expected)

    def verify_pkcs1v15(self, hash_name: str, msg: bytes, sig: bytes) -> bool:
        return self.verify_pkcs1v15_digest(hash_name, _digest(hash_name, msg), sig)

    def verify_pss_digest(self, hash_name: str, digest: bytes, sig: bytes,
                          salt_length: int | None = None, mgf_hash: str | None = None) -> bool:
        """RSASSA-PSS verification (RFC 8017 §9.1.2) over a precomputed digest.

        salt_length None accepts any salt length; mgf_hash defaults to
        hash_name."""
        hlen = _hash_size(hash_name)
        mgf = mgf_hash or hash_name
        _hash_size(mgf)
        if len(digest) != hlen:
            raise ValueError(f"{hash_name} digest must be {hlen} bytes")
        em_full = self._verify_prim(sig)
        if em_full is None:
            return False
        em_bits = self.size_bits - 1
        em_len = (em_bits + 7) // 8
        if em_len < self._k:
            if em_full[0] != 0:
                return False
            em = em_full[1:]
        else:
            em = em_full
        if em_len < hlen + 2 or em[-1] != 0xBC:
            return False
        masked_db, h = em[: em_len - hlen - 1], em[em_len - hlen - 1: -1]
        top_bits = 8 * em_len - em_bits
        if masked_db[0] & ~(0xFF >> top_bits) & 0xFF:
            return False
        db = bytearray(_xor(masked_db, _mgf1(mgf, h, len(masked_db))))
        db[0] &= 0xFF >> top_bits
        # DB = PS (zeros) || 0x01 || salt
        sep = next((i for i, b in enumerate(db) if b != 0), len(db))
        if sep == len(db) or db[sep] != 1:
            return False
        salt = bytes(db[sep + 1:])
        if salt_length is not None and len(salt) != salt_length:
            return False
        h2 = _digest(hash_name, bytes(8) + digest + salt)
        return compare_digest(h, h2)

    def verify_pss(self, hash_name: str, msg: bytes, sig: bytes,
                   salt_length: int | None = None, mgf_hash: str | None = None) -> bool:
        return self.verify_pss_digest(hash_name, _digest(hash_name, msg), sig, salt_length,
                                      mgf_hash)

    # -- encryption ----------------------------------------------------------

    def encrypt_pkcs1v15(self, msg: bytes, rng: Rng | None = None) -> bytes:
        """RSAES-PKCS1-v1_5 encryption (RFC 8017 §7.2.1)."""
        rand = _default_rng(rng)
        k = self._k
        if len(msg) > k - 11:
            raise ValueError(f"message too long: at most {k - 11} bytes for this key")
        need = k - len(msg) - 3
        ps = bytearray()
        while len(ps) < need:
            ps += bytes(b for b in rand(need) if b != 0)
        em = b"\x00\x02" + bytes(ps[:need]) + b"\x00" + msg
        return self._public_op(em)

    def encrypt_oaep(self, msg: bytes, hash_name: str = "sha256", mgf_hash: str | None = None,
                     label: bytes = b"", rng: Rng | None = None) -> bytes:
        """RSAES-OAEP encryption (RFC 8017 §7.1.1)."""
        rand = _default_rng(rng)
        hlen = _hash_size(hash_name)
        mgf = mgf_hash or hash_name
        _hash_size(mgf)
        k = self._k
        if k < 2 * hlen + 2:
            raise ValueError(f"key too short for OAEP with {hash_name}")
        if len(msg) > k - 2 * hlen - 2:
            raise ValueError(f"message too long: at most {k - 2 * hlen - 2} bytes for this key")
        db = _digest(hash_name, label) + bytes(k - len(msg) - 2 * hlen - 2) + b"\x01" + msg
        seed = rand(hlen)
        masked_db = _xor(db, _mgf1(mgf, seed, k - hlen - 1))
        masked_seed = _xor(seed, _mgf1(mgf, masked_db, hlen))
        return self._public_op(b"\x00" + masked_seed + masked_db)


class _Blinding:
    """A key's blinding pair (r^e, r^-1 mod n), kept in C memory.

    Each private operation takes a copy of the pair and then squares it
    (r -> r^2: two modular squarings), so consecutive operations use
    different factors without an inversion each time; every REFRESH uses,
    and after a fork, the pair is drawn afresh from the rng (as OpenSSL's
    BN_BLINDING does).  A lock keeps threads from sharing a pair."""

    REFRESH = 32
    __slots__ = ("_lock", "_pid", "_state", "_uses")

    def __init__(self, limbs: int) -> None:
        self._lock = threading.Lock()
        self._state = ffi.new("uint64_t[]", limbs)
        self._uses = 0
        self._pid = -1

    def next(self, key: RSAPrivateKey, rand: Rng, out: Any, scratch: Any) -> None:
        with self._lock:
            pid = os.getpid()
            if self._uses % self.REFRESH == 0 or pid != self._pid:
                key._fresh_blinding(rand, self._state, scratch)
                self._pid = pid
                self._uses = 0
            else:
                lib.nc_rsa_blind_update(key._key, self._state, scratch)
            self._uses += 1
            ffi.memmove(out, self._state, ffi.sizeof(out))


class RSAPrivateKey:
    """An RSA private key held in C; immutable.  Make one with
    ``from_numbers`` or ``generate``."""

    __slots__ = ("_blinding", "_key", "_pub")

    _key: Any
    _pub: RSAPublicKey
    _blinding: _Blinding

    def __init__(self) -> None:
        raise TypeError("use RSAPrivateKey.from_numbers(...) or rsa.generate(...)")

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("RSA keys are immutable")

    @classmethod
    def from_numbers(cls, n: int, e: int, d: int, p: int, q: int, dp: int | None = None,
                     dq: int | None = None, qinv: int | None = None) -> RSAPrivateKey:
        """Checks and loads a private key.  dp, dq, qinv are computed when
        not given and checked when given."""
        pub = RSAPublicKey(n, e)
        if e >= 1 << 64:
            raise InvalidKeyError("RSA private keys need a public exponent below 2^64")
        if p < 3 or q < 3 or p * q != n or p == q:
            raise InvalidKeyError("RSA primes do not multiply to the modulus")
        if not 0 < d < n:
            raise InvalidKeyError("RSA private exponent out of range")
        # e d = 1 modulo p - 1 and q - 1 (hence modulo lcm(p - 1, q - 1)).
        if (e * d) % (p - 1) != 1 or (e * d) % (q - 1) != 1:
            raise InvalidKeyError("RSA private exponent does not match e")
        if dp is None:
            dp = d % (p - 1)
        if dq is None:
            dq = d % (q - 1)
        if qinv is None:
            qinv = pow(q, -1, p)
        if dp != d % (p - 1) or dq != d % (q - 1) or (qinv * q) % p != 1 or not 0 < qinv < p:
            raise InvalidKeyError("RSA CRT parameters do not match the key")
        plen, qlen = _nbytes(p), _nbytes(q)
        key = ffi.new("nc_rsa_key *")
        rc = lib.nc_rsa_key_init(
            key, n.to_bytes(pub.size_bytes, "big"), pub.size_bytes, e,
            p.to_bytes(plen, "big"), plen, q.to_bytes(qlen, "big"), qlen,
            dp.to_bytes(plen, "big"), dq.to_bytes(qlen, "big"), qinv.to_bytes(plen, "big"))
        if rc != 0:  # pragma: no cover - lengths checked above
            raise InvalidKeyError("RSA key rejected by the C core")
        self = object.__new__(cls)
        object.__setattr__(self, "_key", key)
        object.__setattr__(self, "_pub", pub)
        object.__setattr__(self, "_blinding", _Blinding(2 * key.n.n))
        return self

    @classmethod
    def _from_buffers(cls, n: int, e: int, p: Any, q: Any, plen: int, dp: Any, dq: Any,
                      qinv: Any) -> RSAPrivateKey:
        """Loads a key generated in C from its buffers (p, q, dp, dq, qinv of
        plen bytes each, consistent by construction) without making Python
        integers of them."""
        pub = RSAPublicKey(n, e)
        key = ffi.new("nc_rsa_key *")
        if lib.nc_rsa_key_init(key, n.to_bytes(pub.size_bytes, "big"), pub.size_bytes, e,
                               p, plen, q, plen, dp, dq, qinv) != 0:
            raise InvalidKeyError("RSA key rejected by the C core")  # pragma: no cover
        self = object.__new__(cls)
        object.__setattr__(self, "_key", key)
        object.__setattr__(self, "_pub", pub)
        object.__setattr__(self, "_blinding", _Blinding(2 * key.n.n))
        return self

    def public_key(self) -> RSAPublicKey:
        return self._pub

    @property
    def size_bits(self) -> int:
        return self._pub.size_bits

    @property
    def size_bytes(self) -> int:
        return self._pub.size_bytes

    def __repr__(self) -> str:
        return f"RSAPrivateKey(bits={self.size_bits}, e={self._pub.e})"

    def private_numbers(self) -> tuple[int, int, int, int, int, int, int, int]:
        """(n, e, d, p, q, dp, dq, qinv), read back from C: for writing the
        key out (PKCS#1/PKCS#8 belong to tlspy.x509).  Makes Python integers
        of the private key: call it only to export."""
        k = self._key
        p = int.from_bytes(ffi.buffer(k.p.m, 8 * k.p.n)[:], "little")
        q = int.from_bytes(ffi.buffer(k.q.m, 8 * k.q.n)[:], "little")
        dp = int.from_bytes(ffi.buffer(k.dp, k.p.nbytes)[:], "big")
        dq = int.from_bytes(ffi.buffer(k.dq, k.q.nbytes)[:], "big")
        qinv = int.from_bytes(ffi.buffer(k.qinv, 8 * k.p.n)[:], "little")
        n, e = self._pub.n, self._pub.e
        d = pow(e, -1, (p - 1) * (q - 1) // math.gcd(p - 1, q - 1))
        return n, e, d, p, q, dp, dq, qinv

    # -- the primitive -------------------------------------------------------

    def _blind(self, rand: Rng) -> tuple[Any, Any]:
        """Scratch for one private operation and a blinding pair for it."""
        key = self._key
        scratch = ffi.new("uint64_t[]", lib.nc_rsa_scratch_limbs(key))
        state = ffi.new("uint64_t[]", 2 * key.n.n)
        self._blinding.next(self, rand, state, scratch)
        return scratch, state

    def _fresh_blinding(self, rand: Rng, state: Any, scratch: Any) -> None:
        """A new pair (r^e, r^-1) from fresh randomness, into state."""
        key = self._key
        k = self._pub.size_bytes
        n = self._pub.n
        t = ffi.new("uint8_t[]", k)
        for _ in range(16):
            r, u = rand(k + 16), rand(k + 16)
            if len(r) != k + 16 or len(u) != k + 16:
                raise ValueError("rng returned the wrong number of bytes")
            lib.nc_rsa_blind_start(key, t, r, u, k + 16, state, scratch)
            tv = int.from_bytes(ffi.buffer(t), "big")
            if tv > 1 and math.gcd(tv, n) == 1:
                lib.nc_rsa_blind_finish(key, state, pow(tv, -1, n).to_bytes(k, "big"), scratch)
                return
        raise RSAError("could not draw a blinding value: is the rng broken?")

    def _private_op(self, x: bytes, rand: Rng) -> bytes:
        scratch, state = self._blind(rand)
        out = ffi.new("uint8_t[]", self._pub.size_bytes)
        if lib.nc_rsa_private(self._key, out, x, state, scratch) != 0:
            raise RSAFaultError("RSA private operation failed its consistency check")
        return bytes(ffi.buffer(out))

    def _ciphertext(self, ct: bytes) -> bytes:
        if len(ct) != self._pub.size_bytes or int.from_bytes(ct, "big") >= self._pub.n:
            raise DecryptionError("decryption failed")
        return ct

    # -- signatures ----------------------------------------------------------

    def sign_pkcs1v15_digest(self, hash_name: str, digest: bytes, rng: Rng | None = None) -> bytes:
        em = _pkcs1v15_sig_encoding(hash_name, digest, self._pub.size_bytes)
        return self._private_op(em, _default_rng(rng))

    def sign_pkcs1v15(self, hash_name: str, msg: bytes, rng: Rng | None = None) -> bytes:
        """RSASSA-PKCS1-v1_5 signature (RFC 8017 §8.2.1)."""
        return self.sign_pkcs1v15_digest(hash_name, _digest(hash_name, msg), rng)

    def sign_pss_digest(self, hash_name: str, digest: bytes, salt_length: int | None = None,
                        mgf_hash: str | None = None, rng: Rng | None = None) -> bytes:
        """RSASSA-PSS signature (RFC 8017 §9.1.1) over a precomputed digest.
        salt_length defaults to the digest length (what TLS 1.3 requires)."""
        rand = _default_rng(rng)
        hlen = _hash_size(hash_name)
        mgf = mgf_hash or hash_name
        _hash_size(mgf)
        if len(digest) != hlen:
            raise ValueError(f"{hash_name} digest must be {hlen} bytes")
        slen = hlen if salt_length is None else salt_length
        em_bits = self.size_bits - 1
        em_len = (em_bits + 7) // 8
        if slen < 0 or em_len < hlen + slen + 2:
            raise ValueError("salt too long for this key and hash")
        salt = rand(slen) if slen else b""
        h = _digest(hash_name, bytes(8) + digest + salt)
        db = bytes(em_len - slen - hlen - 2) + b"\x01" + salt
        masked = bytearray(_xor(db, _mgf1(mgf, h, len(db))))
        masked[0] &= 0xFF >> (8 * em_len - em_bits)
        em = bytes(masked) + h + b"\xbc"
        em = bytes(self._pub.size_bytes - em_len) + em
        return self._private_op(em, rand)

    def sign_pss(self, hash_name: str, msg: bytes, salt_length: int | None = None,
                 mgf_hash: str | None = None, rng: Rng | None = None) -> bytes:
        return self.sign_pss_digest(hash_name, _digest(hash_name, msg), salt_length, mgf_hash,
                                    rng)

    # -- decryption ----------------------------------------------------------

    def decrypt_pkcs1v15(self, ct: bytes, rng: Rng | None = None) -> bytes:
        """RSAES-PKCS1-v1_5 decryption (RFC 8017 §7.2.2).  Raises
        DecryptionError on any failure.  For the TLS key exchange use
        tls_premaster_decrypt, which never signals failure."""
        ct = self._ciphertext(ct)
        scratch, state = self._blind(_default_rng(rng))
        em = ffi.new("uint8_t[]", self._pub.size_bytes)
        mlen = lib.nc_rsa_decrypt_pkcs1(self._key, em, ct, state, scratch)
        if mlen < 0:
            raise DecryptionError("decryption failed")
        return bytes(ffi.buffer(em)[self._pub.size_bytes - mlen:])

    def decrypt_oaep(self, ct: bytes, hash_name: str = "sha256", mgf_hash: str | None = None,
                     label: bytes = b"", rng: Rng | None = None) -> bytes:
        """RSAES-OAEP decryption (RFC 8017 §7.1.2); DecryptionError on any
        failure, one message for every cause."""
        hlen = _hash_size(hash_name)
        mgf = mgf_hash or hash_name
        _hash_size(mgf)
        k = self._pub.size_bytes
        if k < 2 * hlen + 2:
            raise ValueError(f"key too short for OAEP with {hash_name}")
        ct = self._ciphertext(ct)
        lhash = _digest(hash_name, label)
        scratch, state = self._blind(_default_rng(rng))
        em = ffi.new("uint8_t[]", k)
        mlen = lib.nc_rsa_decrypt_oaep(self._key, em, ct, state, _HASH_ID[hash_name],
                                       _HASH_ID[mgf], lhash, scratch)
        if mlen < 0:
            raise DecryptionError("decryption failed")
        return bytes(ffi.buffer(em)[k - mlen:])

    def tls_premaster_decrypt(self, ct: bytes, client_version: int,
                              rng: Rng | None = None) -> bytes:
        """The TLS 1.0-1.2 RSA key exchange (RFC 5246 §7.4.7.1): always 48
        bytes, never an error.  The premaster secret from ct when it is a
        well-padded 48-byte block starting with client_version (e.g. 0x0303),
        otherwise 48 random bytes drawn before decrypting.  Every input takes
        the same path through one C call; a ciphertext of the wrong length or
        >= n is replaced by zeros (which fails the padding check) and forced
        to fail."""
        rand = _default_rng(rng)
        k = self._pub.size_bytes
        fallback = rand(48)
        if len(fallback) != 48:
            raise ValueError("rng returned the wrong number of bytes")
        bad = len(ct) != k or int.from_bytes(ct, "big") >= self._pub.n
        block = bytes(k) if bad else ct
        scratch, state = self._blind(rand)
        out = ffi.new("uint8_t[]", 48)
        lib.nc_rsa_tls_premaster(self._key, out, block, state, fallback, client_version & 0xFFFF,
                                 1 if bad else 0, scratch)
        return bytes(ffi.buffer(out))


# -- key generation ---------------------------------------------------------
#
# Every step that sees a prime runs in C in constant time (rsa_keygen.c):
# Python draws random bytes into C buffers, and reads back only the
# accept/reject verdict of each candidate and, at the end, the public n.
# The primes, d mod (p - 1), d mod (q - 1) and q^-1 mod p go straight from
# C buffers into the C key; none of them is ever a Python integer.

_E_LIMIT = 1 << 24


def _mr_rounds(prime_bits: int) -> int:
    """Miller-Rabin rounds for RSA primes, FIPS 186-5 Table B.1 (error
    probability 2^-112 for 1024-bit primes and 2^-128/2^-144 above); 512-bit
    primes (1024-bit keys, test use only) take FIPS 186-4's seven."""
    if prime_bits >= 1536:
        return 4
    if prime_bits >= 1024:
        return 5
    return 7


def _is_small_prime(e: int) -> bool:
    return e > 2 and all(e % f for f in range(2, math.isqrt(e) + 1))


def _rand_exact(rand: Rng, n: int) -> bytes:
    out = rand(n)
    if len(out) != n:
        raise ValueError("rng returned the wrong number of bytes")
    return out


def _gen_prime(bits: int, e: int, rand: Rng, out: Any, avoid: Any = None) -> None:
    """A probable prime of exactly `bits` bits (top two bits set) with
    gcd(p - 1, e) = 1 into the C buffer out; when avoid (another prime's
    buffer) is given, also |p - avoid| > 2^(bits - 100)."""
    nb = (bits + 7) // 8
    rounds = _mr_rounds(bits)
    mont = ffi.new("nc_bn_mont *")
    scratch = ffi.new("uint64_t[]", lib.nc_rsa_keygen_scratch_limbs(nb))
    try:
        while True:
            if lib.nc_rsa_candidate(out, _rand_exact(rand, nb), nb, bits, e) != 1:
                continue
            if avoid is not None and lib.nc_rsa_primes_far(out, avoid, nb, bits) != 1:
                continue
            lib.nc_rsa_mr_init(mont, out, nb)
            if all(lib.nc_rsa_mr_round(mont, _rand_exact(rand, nb + 8), nb + 8, scratch) == 1
                   for _ in range(rounds)):
                return
    finally:
        ffi.memmove(mont, bytes(ffi.sizeof("nc_bn_mont")), ffi.sizeof("nc_bn_mont"))


def generate(bits: int = 2048, rng: Rng | None = None, e: int = 65537) -> RSAPrivateKey:
    """A new RSA key of exactly `bits` bits (1024 to 8192, even), public
    exponent e, primes per FIPS 186-5 A.1.3 / B.3.1 from the rng.

    e must be a prime from 65537 up to 2^24 (65537 is the default and the
    only value in common use): gcd(p - 1, e) = 1 is then a remainder test
    and e's inverses have a closed form, both constant time in C.

    The primes are searched, tested and assembled into the key in C,
    constant time in every secret (see rsa_keygen.c); Python sees only the
    verdict on each candidate and the public modulus.  d is taken modulo
    (p - 1)(q - 1), so d > 2^(bits/2) as FIPS 186-5 asks; the key keeps
    only dp, dq and qinv.  A pairwise-consistency signature closes."""
    rand = _default_rng(rng)
    if bits % 2 or not 1024 <= bits <= MAX_BITS:
        raise ValueError("RSA key size must be an even number of bits from 1024 to 8192")
    if not 65537 <= e < _E_LIMIT or not _is_small_prime(e):
        raise ValueError("public exponent must be a prime from 65537 to 2^24")
    half = bits // 2
    nb = (half + 7) // 8
    p = ffi.new("uint8_t[]", nb)
    q = ffi.new("uint8_t[]", nb)
    dp = ffi.new("uint8_t[]", nb)
    dq = ffi.new("uint8_t[]", nb)
    qinv = ffi.new("uint8_t[]", nb)
    nbuf = ffi.new("uint8_t[]", 2 * nb)
    dbuf = ffi.new("uint8_t[]", 2 * nb)
    secrets = (p, q, dp, dq, qinv, dbuf)
    try:
        _gen_prime(half, e, rand, p)
        _gen_prime(half, e, rand, q, avoid=p)
        scratch = ffi.new("uint64_t[]", lib.nc_rsa_keygen_scratch_limbs(nb))
        if lib.nc_rsa_keygen_finish(nbuf, dbuf, dp, dq, qinv, p, q, nb, e, scratch) != 0:
            raise RSAError("RSA key assembly rejected its arguments")  # pragma: no cover
        n = int.from_bytes(ffi.buffer(nbuf)[:], "big")
        key = RSAPrivateKey._from_buffers(n, e, p, q, nb, dp, dq, qinv)
    finally:
        for buf in secrets:
            ffi.memmove(buf, bytes(len(buf)), len(buf))
    # pairwise consistency (FIPS 186-5 / SP 800-56B 6.4.1.1): the fault check
    # inside the private operation compares x^(d e) with x
    key._private_op(bytes(1) + _rand_exact(rand, key.size_bytes - 1), rand)
    return key
