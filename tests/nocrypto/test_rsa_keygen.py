"""RSA key generation in constant-time C (rsa_keygen.c) and the DH private
range check (dh.c): each C helper against a Python model on random and edge
inputs, and generated keys against pyca/cryptography."""

from __future__ import annotations

import random
from functools import cache

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric import rsa as crsa
from hypothesis import given
from hypothesis import strategies as st

from nocrypto import dh, rsa
from nocrypto._ffi import ffi, lib

SMALL_PRIMES = [p for p in range(3, 2000) if all(p % d for d in range(2, int(p**0.5) + 1))]
E_VALUES = [65537, 65539, 16777213]  # primes; the last is the largest below 2^24


def nbytes(bits: int) -> int:
    return (bits + 7) // 8


def model_is_prime(n: int, rounds: int = 30) -> bool:
    """A plain Miller-Rabin in Python, for choosing test values."""
    if n < 2:
        return False
    for p in [2, *SMALL_PRIMES[:20]]:
        if n % p == 0:
            return n == p
    d, s = n - 1, 0
    while d % 2 == 0:
        d //= 2
        s += 1
    rnd = random.Random(n)
    for _ in range(rounds):
        x = pow(rnd.randrange(2, n - 1), d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = x * x % n
            if x == n - 1:
                break
        else:
            return False
    return True


def c_candidate(rnd: bytes, bits: int, e: int = 65537) -> tuple[int, int]:
    out = ffi.new("uint8_t[]", nbytes(bits))
    verdict = lib.nc_rsa_candidate(out, rnd, len(rnd), bits, e)
    return verdict, int.from_bytes(ffi.buffer(out)[:], "big")


def c_mr_round(w: int, base: bytes) -> int:
    wl = nbytes(w.bit_length())
    mont = ffi.new("nc_bn_mont *")
    assert lib.nc_rsa_mr_init(mont, w.to_bytes(wl, "big"), wl) == 0
    scratch = ffi.new("uint64_t[]", lib.nc_rsa_keygen_scratch_limbs(wl))
    result: int = lib.nc_rsa_mr_round(mont, base, len(base), scratch)
    return result


def model_mr_round(w: int, base: bytes) -> int:
    """FIPS 186-5 B.3.1 for one base, with the documented conventions: the
    base is base mod w, 0/1/w-1 replaced by 2; 2^64 | w - 1 rejects."""
    b = int.from_bytes(base, "big") % w
    if b in (0, 1, w - 1):
        b = 2
    m, a = w - 1, 0
    while m % 2 == 0:
        m //= 2
        a += 1
    if a >= 64:
        return 0
    z = pow(b, m, w)
    if z in (1, w - 1):
        return 1
    for _ in range(a - 1):
        z = z * z % w
        if z == w - 1:
            return 1
    return 0


@cache
def sample_primes(bits: int, count: int, e: int = 65537) -> list[int]:
    rnd = random.Random(bits * 7 + e)
    out: list[int] = []
    while len(out) < count:
        x = rnd.getrandbits(bits) | (3 << (bits - 2)) | 1
        if (x - 1) % e and model_is_prime(x):
            out.append(x)
    return out


# -- candidates and trial division -------------------------------------------

@given(st.integers(72, 1200), st.randoms(use_true_random=False), st.sampled_from(E_VALUES))
def test_candidate_matches_model(bits: int, r: random.Random, e: int) -> None:
    rnd = r.randbytes(nbytes(bits))
    verdict, x = c_candidate(rnd, bits, e)
    want = (int.from_bytes(rnd, "big") & ((1 << bits) - 1)) | (3 << (bits - 2)) | 1
    assert x == want and x.bit_length() == bits
    assert verdict == int(all(x % p for p in SMALL_PRIMES) and x % e != 1)


@pytest.mark.parametrize("bits", [512, 1024, 1031])
def test_candidate_rejects_every_small_factor(bits: int) -> None:
    rnd = random.Random(bits)
    for p in SMALL_PRIMES:
        x = rnd.getrandbits(bits) | (3 << (bits - 2)) | 1
        x -= x % p
        if x % 2 == 0:
            x += p
        verdict, out = c_candidate(x.to_bytes(nbytes(bits), "big"), bits)
        assert out == x and verdict == 0, p


def test_candidate_rejects_one_mod_e() -> None:
    for e in E_VALUES:
        p = sample_primes(512, 1)[0]
        x = p - (p % e) + 1  # still 512 bits with the top bits set
        if x % 2 == 0:
            x -= e
        while not all(x % s for s in SMALL_PRIMES):  # only the e test may reject it
            x += 2 * e
        assert x % e == 1 and x % 2 == 1 and x >> 510 == 3
        assert c_candidate(x.to_bytes(64, "big"), 512, e)[0] == 0
        assert c_candidate(p.to_bytes(64, "big"), 512, e)[0] == int(p % e != 1)


def test_candidate_bad_arguments() -> None:
    out = ffi.new("uint8_t[]", 64)
    rnd = bytes(64)
    assert lib.nc_rsa_candidate(out, rnd, 64, 71, 65537) == -1
    assert lib.nc_rsa_candidate(out, rnd, 63, 512, 65537) == -1
    assert lib.nc_rsa_candidate(out, rnd, 64, 512, 1 << 24) == -1
    assert lib.nc_rsa_candidate(out, rnd, 64, 512, 65536) == -1


# -- Miller-Rabin --------------------------------------------------------------

@given(st.integers(72, 700), st.randoms(use_true_random=False))
def test_mr_round_matches_model_random(bits: int, r: random.Random) -> None:
    w = r.getrandbits(bits) | (1 << (bits - 1)) | 1
    base = r.randbytes(nbytes(bits) + 8)
    assert c_mr_round(w, base) == model_mr_round(w, base)


@pytest.mark.parametrize("a", [1, 2, 7, 40, 63])
def test_mr_round_primes_with_many_twos(impl: str, a: int) -> None:
    rnd = random.Random(a)
    while True:
        w = ((rnd.getrandbits(300) | (1 << 299)) << a) + 1
        if model_is_prime(w):
            break
    for _ in range(4):
        base = rnd.randbytes(nbytes(w.bit_length()) + 8)
        assert c_mr_round(w, base) == 1


def test_mr_round_rejects_two_to_the_64() -> None:
    rnd = random.Random(64)
    while True:
        w = ((rnd.getrandbits(300) | (1 << 299)) << 64) + 1
        if model_is_prime(w):
            break
    assert c_mr_round(w, rnd.randbytes(48)) == 0


def test_mr_round_composites_and_pseudoprimes() -> None:
    rnd = random.Random(3)
    # a Carmichael number (6k+1)(12k+1)(18k+1), and products of two primes
    k = 1 << 30
    while not all(model_is_prime(f) for f in (6 * k + 1, 12 * k + 1, 18 * k + 1)):
        k += 1
    carmichael = (6 * k + 1) * (12 * k + 1) * (18 * k + 1)
    p, q = sample_primes(256, 2)
    for w in (carmichael, p * q):
        bases = [rnd.randbytes(nbytes(w.bit_length()) + 8) for _ in range(8)]
        got = [c_mr_round(w, b) for b in bases]
        assert got == [model_mr_round(w, b) for b in bases]
        assert 0 in got
    # trivial bases (0, 1, w - 1 after reduction) are replaced by 2
    for w in (carmichael, p * q, *sample_primes(512, 2)):
        for trivial in (0, 1, w - 1, w, w + 1, 2 * w - 1):
            base = trivial.to_bytes(2 * nbytes(w.bit_length()), "big")
            assert c_mr_round(w, base) == model_mr_round(w, base)


def test_mr_round_bad_length() -> None:
    w = sample_primes(512, 1)[0]
    assert c_mr_round(w, bytes(129)) == -1
    mont = ffi.new("nc_bn_mont *")
    assert lib.nc_rsa_mr_init(mont, bytes(8), 8) == -1


# -- |p - q| ------------------------------------------------------------------

def c_far(p: int, q: int, bits: int) -> int:
    n = nbytes(bits)
    result: int = lib.nc_rsa_primes_far(p.to_bytes(n, "big"), q.to_bytes(n, "big"), n, bits)
    return result


@given(st.integers(100, 1100), st.randoms(use_true_random=False), st.integers(0, 130))
def test_primes_far_matches_model(bits: int, r: random.Random, shift: int) -> None:
    p = r.getrandbits(bits) | (1 << (bits - 1))
    q = p ^ r.getrandbits(max(1, bits - shift))
    q |= 1 << (bits - 1)
    assert c_far(p, q, bits) == int(abs(p - q) > 1 << (bits - 100))


def test_primes_far_edges() -> None:
    bits = 512
    p = (3 << 510) + 12345
    for delta, want in ((0, 0), (1, 0), (1 << 412, 0), ((1 << 412) + 1, 1), (1 << 413, 1)):
        assert c_far(p, p + delta, bits) == want
        assert c_far(p + delta, p, bits) == want
    assert lib.nc_rsa_primes_far(bytes(13), bytes(13), 13, 99) == -1
    assert lib.nc_rsa_primes_far(bytes(64), bytes(64), 63, 512) == -1


# -- key assembly ----------------------------------------------------------------

@pytest.mark.parametrize(("bits", "e"), [(512, 65537), (513, 65539), (1024, 16777213),
                                         (1536, 65537)])
def test_finish_matches_model(bits: int, e: int) -> None:
    primes = sample_primes(bits, 3, e)
    n_ = nbytes(bits)
    for p, q in ((primes[0], primes[1]), (primes[1], primes[2]), (primes[2], primes[0])):
        bufs = [ffi.new("uint8_t[]", k) for k in (2 * n_, 2 * n_, n_, n_, n_)]
        scratch = ffi.new("uint64_t[]", lib.nc_rsa_keygen_scratch_limbs(n_))
        assert lib.nc_rsa_keygen_finish(*bufs, p.to_bytes(n_, "big"), q.to_bytes(n_, "big"), n_,
                                        e, scratch) == 0
        n, d, dp, dq, qinv = (int.from_bytes(ffi.buffer(b)[:], "big") for b in bufs)
        assert n == p * q
        assert d == pow(e, -1, (p - 1) * (q - 1))
        assert dp == pow(e, -1, p - 1) and dq == pow(e, -1, q - 1)
        assert qinv == pow(q, -1, p)


def c_finish(p: int, q: int, n_: int, e: int = 65537) -> tuple[int, ...]:
    bufs = [ffi.new("uint8_t[]", k) for k in (2 * n_, 2 * n_, n_, n_, n_)]
    scratch = ffi.new("uint64_t[]", lib.nc_rsa_keygen_scratch_limbs(n_))
    assert lib.nc_rsa_keygen_finish(*bufs, p.to_bytes(n_, "big"), q.to_bytes(n_, "big"), n_, e,
                                    scratch) == 0
    return tuple(int.from_bytes(ffi.buffer(b)[:], "big") for b in bufs)


@pytest.mark.parametrize("bits", [1024, 4096])
def test_finish_any_odd_numbers_both_paths(impl: str, bits: int) -> None:
    """The closed-form inverses hold for any odd p, q with gcd(p - 1, e) = 1,
    and qinv is by definition q^(p - 2) mod p: checked up to 8192-bit n."""
    rnd = random.Random(bits)
    e = 65537
    for _ in range(3):
        p, q = (rnd.getrandbits(bits) | (3 << (bits - 2)) | 1 for _ in range(2))
        if (p - 1) % e == 0 or (q - 1) % e == 0:
            continue
        n, d, dp, dq, qinv = c_finish(p, q, bits // 8, e)
        assert n == p * q and d == pow(e, -1, (p - 1) * (q - 1))
        assert dp == pow(e, -1, p - 1) and dq == pow(e, -1, q - 1)
        assert qinv == pow(q, p - 2, p)


@pytest.mark.parametrize("residue", [2, 3, 65536])
def test_finish_extreme_residues(residue: int) -> None:
    """p = residue mod e: p - 1 mod e = 1 gives k = e - 1 (the largest
    multiplier), the others exercise the Fermat inverse."""
    e = 65537
    rnd = random.Random(residue)
    while True:
        p = ((rnd.getrandbits(512) | (3 << 510)) // e) * e + residue
        if p % 2 and p >> 510 == 3 and model_is_prime(p):
            break
    q = sample_primes(512, 1)[0]
    n, d, dp, dq, qinv = c_finish(p, q, 64, e)
    assert n == p * q and d == pow(e, -1, (p - 1) * (q - 1))
    assert dp == pow(e, -1, p - 1) and dq == pow(e, -1, q - 1) and qinv == pow(q, -1, p)


def test_finish_bad_arguments() -> None:
    bufs = [ffi.new("uint8_t[]", 1100) for _ in range(5)]
    scratch = ffi.new("uint64_t[]", lib.nc_rsa_keygen_scratch_limbs(600))
    assert lib.nc_rsa_keygen_finish(*bufs, bytes(513), bytes(513), 513, 65537, scratch) == -1
    assert lib.nc_rsa_keygen_finish(*bufs, bytes(64), bytes(64), 64, 65536, scratch) == -1


# -- generate() -------------------------------------------------------------------

def oracle(key: rsa.RSAPrivateKey) -> crsa.RSAPrivateKey:
    n, e, d, p, q, dp, dq, qinv = key.private_numbers()
    return crsa.RSAPrivateNumbers(p, q, d, dp, dq, qinv,
                                  crsa.RSAPublicNumbers(e, n)).private_key()


@pytest.mark.parametrize("bits", [1024, 2048, 3072])
def test_generated_keys_work_with_oracle(bits: int) -> None:
    rng = random.Random(bits + 1).randbytes
    key = rsa.generate(bits, rng=rng)
    n, e, d, p, q, dp, dq, qinv = key.private_numbers()
    assert n.bit_length() == bits == key.size_bits and e == 65537 and p * q == n
    assert p >> (bits // 2 - 2) == 3 and q >> (bits // 2 - 2) == 3
    assert abs(p - q) > 1 << (bits // 2 - 100)
    assert d > 1 << (bits // 2)
    assert dp == pow(e, -1, p - 1) and dq == pow(e, -1, q - 1) and qinv * q % p == 1
    assert model_is_prime(p, 10) and model_is_prime(q, 10)
    okey = oracle(key)
    sha = hashes.SHA256()
    msg = b"keygen %d" % bits
    sig = key.sign_pkcs1v15("sha256", msg, rng=rng)
    okey.public_key().verify(sig, msg, padding.PKCS1v15(), sha)
    osig = okey.sign(msg, padding.PSS(padding.MGF1(sha), 32), sha)
    assert key.public_key().verify_pss("sha256", msg, osig)
    oaep = padding.OAEP(padding.MGF1(sha), sha, None)
    assert key.decrypt_oaep(okey.public_key().encrypt(msg, oaep), rng=rng) == msg
    assert okey.decrypt(key.public_key().encrypt_oaep(msg, rng=rng), oaep) == msg


def test_generate_is_reproducible(impl: str) -> None:
    a = rsa.generate(1024, rng=random.Random(9).randbytes)
    b = rsa.generate(1024, rng=random.Random(9).randbytes)
    c = rsa.generate(1024, rng=random.Random(10).randbytes)
    assert a.private_numbers() == b.private_numbers()
    assert a.public_key().n != c.public_key().n


def test_generate_odd_half_size_and_other_e() -> None:
    key = rsa.generate(1026, rng=random.Random(11).randbytes, e=65539)
    n, e, _, p, q, *_ = key.private_numbers()
    assert n.bit_length() == 1026 and e == 65539 and p.bit_length() == q.bit_length() == 513
    assert oracle(key).private_numbers().public_numbers.n == n


def test_generate_rejects_bad_exponents() -> None:
    for e in (3, 65535, 65541, 1 << 24, (1 << 24) + 1, 1 << 32 | 1):
        with pytest.raises(ValueError):
            rsa.generate(1024, rng=random.Random(1).randbytes, e=e)


def test_generate_short_rng() -> None:
    with pytest.raises(ValueError):
        rsa.generate(1024, rng=lambda n: bytes(n - 1))


# -- DH private range check -----------------------------------------------------

def c_dh_check(x: bytes, p: int) -> int:
    pb = p.to_bytes(nbytes(p.bit_length()), "big")
    result: int = lib.nc_dh_check_private(x, len(x), pb, len(pb))
    return result


@given(st.integers(0, (1 << 2048) - 1), st.integers(1, 256))
def test_dh_check_matches_model(x: int, xlen: int) -> None:
    p = dh.FFDHE2048.p
    x &= (1 << (8 * xlen)) - 1
    assert c_dh_check(x.to_bytes(xlen, "big"), p) == int(1 < x < p - 1)


def test_dh_check_edges() -> None:
    p = dh.FFDHE2048.p
    for x, want in ((0, 0), (1, 0), (2, 1), (p - 2, 1), (p - 1, 0), (p, 0), (2**2048 - 1, 0)):
        assert c_dh_check(x.to_bytes(256, "big"), p) == want
    assert c_dh_check(bytes(257), p) == -1
    assert lib.nc_dh_check_private(b"", 0, b"", 0) == -1
    for x in (b"", b"\x01", b"\x00\x01"):
        with pytest.raises(dh.DHError):
            dh.FFDHE2048.private_from_bytes(x)
    assert dh.FFDHE2048.private_from_bytes(b"\x02") is not None
