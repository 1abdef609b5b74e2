"""SHA-1/SHA-2: NIST CAVP known answers on both paths, and differential
properties against hashlib (a test oracle only)."""

from __future__ import annotations

import hashlib
import itertools
import random
import threading
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

import nocrypto.cpu
import nocrypto.hash as nh
import nocrypto.mac as nm
from tests.nocrypto.cavp import records

NAMES = ["sha1", "sha224", "sha256", "sha384", "sha512"]
CAVP = {
    "sha1": "hashes/SHA1/SHA1",
    "sha224": "hashes/SHA2/SHA224",
    "sha256": "hashes/SHA2/SHA256",
    "sha384": "hashes/SHA2/SHA384",
    "sha512": "hashes/SHA2/SHA512",
}


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("kind", ["ShortMsg", "LongMsg"])
def test_cavp_known_answers(impl: str, name: str, kind: str) -> None:
    vectors = list(records(f"{CAVP[name]}{kind}.rsp"))
    assert len(vectors) >= 64
    for v in vectors:
        msg = bytes.fromhex(v["MSG"])[: int(v["LEN"]) // 8]
        md = bytes.fromhex(v["MD"])
        assert nh.digest(name, msg) == md
        h = nh.new(name)
        half = len(msg) // 3
        h.update(msg[:half])
        h.update(msg[half:])
        assert h.digest() == md


@pytest.mark.parametrize("name", NAMES)
def test_cavp_monte_carlo(impl: str, name: str) -> None:
    """SHAVS Monte Carlo, first 5 checkpoints (5,000 chained hashes)."""
    recs = list(records(f"{CAVP[name]}Monte.rsp"))
    seed = bytes.fromhex(recs[0]["SEED"])
    checkpoints = [bytes.fromhex(r["MD"]) for r in recs[1:6]]
    for expected in checkpoints:
        md = [seed, seed, seed]
        for _ in range(1000):
            md = [md[1], md[2], nh.digest(name, md[0] + md[1] + md[2])]
        seed = md[2]
        assert seed == expected


@pytest.mark.parametrize("name", NAMES)
def test_attributes_match_hashlib(name: str) -> None:
    ours = nh.new(name)
    ref = hashlib.new(name)
    assert ours.name == name
    assert ours.digest_size == ref.digest_size == nh.digest_size(name)
    assert ours.block_size == ref.block_size == nh.block_size(name)
    assert nh.new(name.upper(), b"abc").hexdigest() == hashlib.new(name, b"abc").hexdigest()


def test_unknown_name_lists_known() -> None:
    with pytest.raises(ValueError, match="sha256") as err:
        nh.digest("md5", b"")
    assert "md5" in str(err.value)
    with pytest.raises(ValueError):
        nh.new("sha3_256")


def test_accepts_buffers() -> None:
    data = bytes(range(200))
    want = hashlib.sha256(data).digest()
    assert nh.digest("sha256", bytearray(data)) == want
    assert nh.digest("sha256", memoryview(data)) == want
    h = nh.new("sha256")
    h.update(memoryview(data)[:100])
    h.update(bytearray(data[100:]))
    assert h.digest() == want


def test_sha256_paths_agree_on_long_input(impl: str) -> None:
    data = bytes(i * 7 % 251 for i in range(1 << 17))
    assert nh.digest("sha256", data) == hashlib.sha256(data).digest()
    assert nh.digest("sha224", data) == hashlib.sha224(data).digest()


@pytest.mark.parametrize("portable", [False, True], ids=["hardware", "portable"])
@given(
    name=st.sampled_from(NAMES),
    length=st.integers(min_value=0, max_value=70_000),
    seed=st.integers(min_value=0, max_value=2**32),
    cuts=st.lists(st.integers(min_value=0, max_value=70_000), max_size=6),
)
def test_incremental_matches_hashlib(portable: bool, name: str, length: int, seed: int,
                                     cuts: list[int]) -> None:
    data = random.Random(seed).randbytes(length)
    want = hashlib.new(name, data).digest()
    with nocrypto.cpu.portable(portable):
        assert nh.digest(name, data) == want
        h = nh.new(name)
    points = sorted({min(c, len(data)) for c in cuts} | {0, len(data)})
    for a, b in itertools.pairwise(points):
        h.update(data[a:b])
    assert h.digest() == want
    assert h.digest() == want  # digest() leaves the object usable


@given(
    name=st.sampled_from(NAMES),
    head=st.binary(max_size=300),
    tail_a=st.binary(max_size=300),
    tail_b=st.binary(max_size=300),
)
def test_copy_is_independent(name: str, head: bytes, tail_a: bytes, tail_b: bytes) -> None:
    h = nh.new(name, head)
    c = h.copy()
    h.update(tail_a)
    c.update(tail_b)
    assert h.digest() == hashlib.new(name, head + tail_a).digest()
    assert c.digest() == hashlib.new(name, head + tail_b).digest()


TYPED = [
    ("sha1", "nc_sha1_ctx *", "nc_sha1_init", "nc_sha1_update", "nc_sha1_final", 20),
    ("sha224", "nc_sha256_ctx *", "nc_sha224_init", "nc_sha256_update", "nc_sha256_final", 28),
    ("sha256", "nc_sha256_ctx *", "nc_sha256_init", "nc_sha256_update", "nc_sha256_final", 32),
    ("sha384", "nc_sha512_ctx *", "nc_sha384_init", "nc_sha512_update", "nc_sha512_final", 48),
    ("sha512", "nc_sha512_ctx *", "nc_sha512_init", "nc_sha512_update", "nc_sha512_final", 64),
]


@pytest.mark.parametrize(("name", "ctype", "init", "update", "final", "size"), TYPED,
                         ids=[t[0] for t in TYPED])
def test_typed_c_contexts(impl: str, name: str, ctype: str, init: str, update: str, final: str,
                          size: int) -> None:
    """The typed contexts other C files use (nc_sha256_ctx ...) agree with hashlib."""
    from nocrypto._ffi import ffi, lib

    data = bytes(range(256)) * 5
    ctx = ffi.new(ctype)
    getattr(lib, init)(ctx)
    getattr(lib, update)(ctx, data[:100], 100)
    getattr(lib, update)(ctx, data[100:], len(data) - 100)
    out = ffi.new("uint8_t[64]")
    getattr(lib, final)(ctx, out)
    assert bytes(out[0:size]) == hashlib.new(name, data).digest()
    assert lib.nc_hash_size(nh.algorithm_id(name)) == size


def test_unknown_c_algorithm_is_refused() -> None:
    from nocrypto._ffi import ffi, lib

    ctx = ffi.new("nc_hash_ctx *")
    assert lib.nc_hash_init(ctx, 0) == -1
    assert lib.nc_hash_init(ctx, 6) == -1
    assert lib.nc_hash_size(6) == 0 and lib.nc_hash_block_size(0) == 0
    assert lib.nc_hmac(9, b"k", 1, b"m", 1, ffi.new("uint8_t[64]")) == -1
    assert lib.nc_hmac_init(ffi.new("nc_hmac_ctx *"), 0, b"k", 1) == -1


def test_path_is_recorded_per_context() -> None:
    """A context keeps the path it was created on, whatever the switch says later."""
    detected = nocrypto.cpu.detected()
    with nocrypto.cpu.portable(False):
        h256, h1, h512 = nh.new("sha256"), nh.new("sha1"), nh.new("sha512")
    with nocrypto.cpu.portable(True):
        p256 = nh.new("sha256")
    assert h256._ctx.u.sha256.impl == ({"sha_ni", "sse4_1", "ssse3"} <= detected)
    assert h1._ctx.u.sha1.impl == ({"sha_ni", "sse4_1", "ssse3"} <= detected)
    assert h512._ctx.u.sha512.impl == ("avx2" in detected)
    assert p256._ctx.u.sha256.impl == 0
    data = b"x" * 1000
    with nocrypto.cpu.portable(True):
        h256.update(data)
    p256.update(data)
    assert h256.digest() == p256.digest() == hashlib.sha256(data).digest()


@pytest.mark.parametrize("make", [lambda: nh.new("sha256"), lambda: nm.HMAC("sha256", b"k")],
                         ids=["hash", "hmac"])
def test_concurrent_updates_are_atomic(make: Callable[[], nh.Hash | nm.HMAC]) -> None:
    # C runs without the GIL: unsynchronised updates could tear the context.
    # Long updates (tens of µs in C) so that threads really overlap there.
    obj, chunk, per_thread, threads = make(), bytes(range(256)) * 256 + b"odd", 40, 4
    reference = make()

    def work() -> None:
        for _ in range(per_thread):
            obj.update(chunk)
            obj.copy().digest()

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=60)
    reference.update(chunk * (per_thread * threads))
    assert obj.digest() == reference.digest()
