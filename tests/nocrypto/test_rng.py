"""Fortuna: a known-answer model built here from the oracle's AES-CTR and
hashlib's SHA-256, and the accumulator's structure (pool schedule, the
100 ms rule, rekeying, no output before seeding, fork safety)."""

from __future__ import annotations

import hashlib
import os
import threading
from typing import Any

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nocrypto.rng
from nocrypto.rng import Fortuna, GeneratorNotSeededError, random_bytes


def sha256d(data: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()


class Model:
    """Fortuna as the book describes it, with a big-endian counter."""

    def __init__(self) -> None:
        self.key = bytes(32)
        self.counter = 0
        self.pools = [b""] * 32
        self.reseeds = 0

    def reseed(self, seed: bytes) -> None:
        self.key = sha256d(self.key + seed)
        self.counter += 1

    def _blocks(self, k: int) -> bytes:
        nonce = self.counter.to_bytes(16, "big")
        out = Cipher(algorithms.AES(self.key), modes.CTR(nonce)).encryptor().update(bytes(16 * k))
        self.counter += k
        return out

    def generate(self, n: int) -> bytes:
        out = b""
        while True:
            chunk = min(n, 2**20)
            out += self._blocks(-(-chunk // 16))[:chunk]
            self.key = self._blocks(2)
            n -= chunk
            if n == 0:
                return out

    def add_event(self, source: int, pool: int, data: bytes) -> None:
        self.pools[pool] += bytes([source, len(data)]) + data

    def reseed_from_pools(self) -> None:
        self.reseeds += 1
        used = [i for i in range(32) if self.reseeds % 2**i == 0]
        seed = b"".join(sha256d(self.pools[i]) for i in used)
        for i in used:
            self.pools[i] = b""
        self.reseed(seed)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_known_answers_against_an_independent_model(impl: str) -> None:
    clock = Clock()
    ours, model = Fortuna(b"initial seed", clock=clock), Model()
    model.reseed(b"initial seed")
    for n in (0, 1, 15, 16, 17, 32, 100, 4096, 3):
        assert ours.generate(n) == model.generate(n), n
    ours.reseed(b"more")
    model.reseed(b"more")
    assert ours.generate(48) == model.generate(48)
    # events in pool 0 reach 64 bytes (with headers); the next request reseeds
    for i, data in enumerate((b"a" * 32, b"b" * 20, b"c" * 10, b"d" * 5)):
        ours.add_random_event(7, 0, data)
        model.add_event(7, 0, data)
        ours.add_random_event(i, 1 + i, data)
        model.add_event(i, 1 + i, data)
    assert ours.generate(40) == (model.reseed_from_pools(), model.generate(40))[1]
    assert ours.reseed_count == 1
    # the second reseed also takes pool 1
    for data in (b"e" * 32, b"f" * 32):
        ours.add_random_event(9, 0, data)
        model.add_event(9, 0, data)
    clock.now += 0.1
    assert ours.generate(64) == (model.reseed_from_pools(), model.generate(64))[1]
    assert ours.reseed_count == 2


def test_requests_rekey_every_megabyte(impl: str) -> None:
    ours, model = Fortuna(b"big"), Model()
    model.reseed(b"big")
    n = 2**20 + 2**19 + 5
    assert ours.generate(n) == model.generate(n)
    assert ours.generate(16) == model.generate(16)


def test_every_request_moves_to_a_new_key() -> None:
    f = Fortuna(b"k")
    keys = {bytes(f._state.key)}
    for n in (0, 1, 16, 1000):
        f.generate(n)
        keys.add(bytes(f._state.key))
    assert len(keys) == 5
    # so two requests differ from one request of the same total size
    a, b = Fortuna(b"k"), Fortuna(b"k")
    assert a.generate(16) + a.generate(16) != b.generate(32)


def test_no_output_before_seeding() -> None:
    f = Fortuna(clock=Clock())
    assert not f.seeded
    with pytest.raises(GeneratorNotSeededError):
        f.generate(16)
    with pytest.raises(GeneratorNotSeededError):
        f.generate(0)
    f.add_random_event(0, 0, b"x" * 32)  # 34 bytes in pool 0: not enough
    with pytest.raises(GeneratorNotSeededError):
        f.generate(1)
    f.add_random_event(1, 0, b"y" * 28)  # 64 bytes now
    assert len(f.generate(16)) == 16
    assert f.seeded and f.reseed_count == 1


def test_pool_i_feeds_reseed_r_iff_2_to_the_i_divides_r() -> None:
    clock = Clock()
    f = Fortuna(b"s", clock=clock)
    for r in range(1, 70):
        for pool in range(32):
            f.add_random_event(3, pool, b"z" * 32)
        f.add_random_event(3, 0, b"z" * 32)
        clock.now += 0.1
        f.generate(1)
        assert f.reseed_count == r
        sizes = f.pool_sizes()
        used = {i for i in range(32) if sizes[i] == 0}
        assert used == {i for i in range(32) if r % 2**i == 0}, r


def test_reseed_waits_100ms_and_64_bytes() -> None:
    clock = Clock()
    f = Fortuna(b"s", clock=clock)

    def fill0() -> None:
        f.add_random_event(5, 0, b"q" * 32)
        f.add_random_event(5, 0, b"q" * 30)  # 66 bytes

    fill0()
    f.generate(1)
    assert f.reseed_count == 1  # the first reseed need not wait
    fill0()
    for dt in (0.0, 0.05, 0.0999):
        clock.now = 1000.0 + dt
        f.generate(1)
        assert f.reseed_count == 1, dt
    clock.now = 1000.1
    f.generate(1)
    assert f.reseed_count == 2
    # time alone is not enough: pool 0 must hold 64 bytes again
    f.add_random_event(5, 0, b"q" * 32)
    clock.now += 10
    f.generate(1)
    assert f.reseed_count == 2


def test_event_arguments_are_checked() -> None:
    f = Fortuna(b"s")
    for source, pool, data in ((256, 0, b"x"), (-1, 0, b"x"), (0, 32, b"x"), (0, -1, b"x"),
                               (0, 0, b""), (0, 0, bytes(33))):
        with pytest.raises(ValueError):
            f.add_random_event(source, pool, data)
    with pytest.raises(ValueError):
        f.generate(-1)


def test_random_bytes_lengths_and_freshness() -> None:
    outs = [random_bytes(n) for n in (0, 1, 16, 32, 33, 5000)]
    assert [len(o) for o in outs] == [0, 1, 16, 32, 33, 5000]
    many = {random_bytes(16) for _ in range(200)}
    assert len(many) == 200


def test_random_bytes_is_thread_safe() -> None:
    results: list[bytes] = []
    lock = threading.Lock()

    def work() -> None:
        mine = [random_bytes(16) for _ in range(300)]
        with lock:
            results.extend(mine)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(results)) == len(results) == 1200


def _in_child(fn: object) -> bytes:
    """Run fn() in a forked child and return its 32-byte result."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - child
        try:
            os.write(w, fn())  # type: ignore[operator]
        finally:
            os._exit(0)
    os.close(w)
    data = b""
    while chunk := os.read(r, 64):
        data += chunk
    os.close(r)
    os.waitpid(pid, 0)
    return data


def test_fork_child_and_parent_never_share_output() -> None:
    random_bytes(1)  # the default instance exists before the fork
    child = _in_child(lambda: random_bytes(32))
    parent = random_bytes(32)
    assert len(child) == 32 and child != parent
    # The check has teeth: a plain instance, which nothing reseeds after the
    # fork, does repeat itself in the child.
    plain = Fortuna(b"no fork protection")
    assert _in_child(lambda: plain.generate(32)) == plain.generate(32)


def test_default_instance_is_seeded_from_the_sources() -> None:
    random_bytes(1)
    rng = nocrypto.rng._default
    assert rng is not None and rng.seeded
    # the feeder spread the first round of events: every source's pool 0
    assert rng.pool_sizes()[0] > 0 or rng.reseed_count > 0


operations = st.lists(
    st.one_of(
        st.tuples(st.just("generate"), st.integers(0, 3000)),
        st.tuples(st.just("reseed"), st.binary(max_size=80)),
        st.tuples(st.just("event"), st.tuples(st.integers(0, 255), st.one_of(st.just(0), st.just(1), st.integers(0, 31)),
                                              st.binary(min_size=1, max_size=32))),
        st.tuples(st.just("event"), st.tuples(st.integers(0, 255), st.just(0),
                                              st.binary(min_size=30, max_size=32))),
        st.tuples(st.just("wait"), st.sampled_from([0.0, 0.03, 0.0999, 0.1, 0.25, 7.0])),
    ),
    max_size=60,
)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.binary(min_size=1, max_size=64), ops=operations)
def test_any_sequence_matches_the_model(seed: bytes, ops: list[tuple[str, Any]],
                                        impl: str) -> None:
    clock = Clock()
    ours, model = Fortuna(seed, clock=clock), Model()
    model.reseed(seed)
    last: float | None = None
    for op, arg in ops:
        if op == "generate":
            # the model applies the accumulator's rule itself
            pool0 = len(model.pools[0])
            if pool0 >= 64 and (last is None or clock.now - last >= 0.1):
                model.reseed_from_pools()
                last = clock.now
            assert ours.generate(arg) == model.generate(arg)
            assert ours.reseed_count == model.reseeds
        elif op == "reseed":
            ours.reseed(arg)
            model.reseed(arg)
        elif op == "event":
            ours.add_random_event(*arg)
            model.add_event(*arg)
        else:
            clock.now += arg
    assert ours.pool_sizes() == tuple(len(p) for p in model.pools)
