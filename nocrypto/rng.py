"""Fortuna (Ferguson, Schneier, Kohno, "Cryptography Engineering", ch. 9).

``Fortuna`` is one generator with its accumulator.  The generator is
AES-256 in counter mode under a key K; every request is followed by two
more blocks that replace K, and a request is served in pieces of at most
2^20 bytes.  The accumulator has 32 SHA-256 pools; reseed number r draws on
pool i when 2^i divides r, and happens when a request finds pool 0 holding
at least 64 bytes and at least 100 ms gone since the previous one.  New
key: K' = SHA-256d(K || SHA-256d(P_0) || ...), SHA-256d(m) =
SHA-256(SHA-256(m)); the 128-bit counter is big-endian (so the output is
plain AES-256-CTR from counter 1).  Key, counter and pools live in C
(fortuna.c); this class only decides when to reseed.

A generator made without a seed refuses to produce output
(``GeneratorNotSeededError``) until ``reseed`` or a pool reseed gives it one.

``random_bytes(n)`` serves the process from one default instance, seeded
from every entropy source (nocrypto.entropy) on first use, fed further
events as it is used, and reseeded in the child after ``os.fork`` so that
parent and child never share output.  Every method is thread-safe.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from typing import Any

from nocrypto import entropy
from nocrypto._ffi import ffi, lib
from nocrypto.errors import NocryptoError

__all__ = ["Fortuna", "GeneratorNotSeededError", "random_bytes"]

POOLS = 32
MIN_POOL_SIZE = 64  # bytes in pool 0 before a reseed (source and length bytes count)
RESEED_INTERVAL = 0.1  # seconds between reseeds
MAX_EVENT = 32


class GeneratorNotSeededError(NocryptoError):
    """The generator has not been seeded yet, so it has nothing to give."""


class Fortuna:
    """A Fortuna generator and accumulator.

    ``clock`` (seconds, monotonic) is only for tests of the 100 ms rule.
    """

    __slots__ = ("_clock", "_last_reseed", "_lock", "_reseeds", "_state")

    def __init__(self, seed: bytes | None = None, *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        raw = ffi.new("nc_fortuna *")
        lib.nc_fortuna_init(raw)
        # wipe the key, counter and pools when the object goes away
        self._state: Any = ffi.gc(raw, lib.nc_fortuna_wipe)
        self._clock = clock
        self._lock = threading.Lock()
        self._reseeds = 0
        self._last_reseed: float | None = None
        if seed is not None:
            self.reseed(seed)

    # -- the generator

    def reseed(self, seed: bytes) -> None:
        """Mix seed material straight into the generator key."""
        with self._lock:
            lib.nc_fortuna_reseed(self._state, ffi.from_buffer(seed), len(seed))

    def generate(self, n: int) -> bytes:
        """n pseudo-random bytes (reseeding from the pools first if due)."""
        if n < 0:
            raise ValueError("n must be >= 0")
        out = ffi.new("uint8_t[]", max(n, 1))
        with self._lock:
            self._maybe_reseed()
            if lib.nc_fortuna_generate(self._state, out, n) != 0:
                raise GeneratorNotSeededError(
                    "Fortuna generator not seeded yet: reseed() it or feed its pools")
        return bytes(ffi.buffer(out, n))

    # -- the accumulator

    def add_random_event(self, source: int, pool: int, data: bytes) -> None:
        """Append an event (1 to 32 bytes) from source (0-255) to pool (0-31)."""
        if not 0 <= source <= 255:
            raise ValueError("source must be 0..255")
        if not 0 <= pool < POOLS:
            raise ValueError(f"pool must be 0..{POOLS - 1}")
        if not 1 <= len(data) <= MAX_EVENT:
            raise ValueError(f"event data must be 1..{MAX_EVENT} bytes")
        with self._lock:
            lib.nc_fortuna_add_event(self._state, source, pool, ffi.from_buffer(data),
                                     len(data))

    def _maybe_reseed(self) -> None:
        if self._state.pool_bytes[0] < MIN_POOL_SIZE:
            return
        now = self._clock()
        if self._last_reseed is not None and now - self._last_reseed < RESEED_INTERVAL:
            return
        self._reseeds += 1
        lib.nc_fortuna_reseed_from_pools(self._state, self._reseeds)
        self._last_reseed = now

    # -- introspection (public facts only: no key material)

    @property
    def seeded(self) -> bool:
        return bool(self._state.seeded)

    @property
    def reseed_count(self) -> int:
        """How many reseeds from the pools have happened."""
        return self._reseeds

    def pool_sizes(self) -> tuple[int, ...]:
        """Bytes waiting in each pool (including 2 bytes of header per event)."""
        with self._lock:
            return tuple(int(x) for x in self._state.pool_bytes)

    def _after_fork_in_child(self, seed: bytes) -> None:
        self._lock = threading.Lock()
        lib.nc_fortuna_reseed(self._state, ffi.from_buffer(seed), len(seed))


# -- the process-wide generator

_default: Fortuna | None = None
_feeder: entropy.Feeder | None = None
_last_feed = 0.0
_init_lock = threading.Lock()


def _default_instance() -> Fortuna:
    global _default, _feeder, _last_feed
    with _init_lock:
        if _default is None:
            feeder = entropy.Feeder()
            rng = Fortuna(entropy.seed_material())
            feeder.feed(rng)
            _feeder, _last_feed = feeder, time.monotonic()
            _default = rng
        return _default


def random_bytes(n: int) -> bytes:
    """n bytes from the process-wide Fortuna generator."""
    global _last_feed
    rng = _default if _default is not None else _default_instance()
    feeder = _feeder
    if feeder is not None:
        now = time.monotonic()
        # at most one round of events per reseed interval keeps this cheap
        if now - _last_feed >= RESEED_INTERVAL:
            _last_feed = now
            feeder.feed(rng)
    return rng.generate(n)


def _before_fork() -> None:
    if _default is not None:
        _default._lock.acquire()


def _after_fork_parent() -> None:
    if _default is not None:
        _default._lock.release()


def _after_fork_child() -> None:
    global _init_lock
    _init_lock = threading.Lock()
    if _default is not None:
        # Fresh kernel randomness, the new pid and the time: the child's key
        # departs from the parent's before either produces another byte.
        seed = (entropy.getrandom(32) + os.getpid().to_bytes(8, "little")
                + time.monotonic_ns().to_bytes(8, "little"))
        _default._after_fork_in_child(seed)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(before=_before_fork, after_in_parent=_after_fork_parent,
                        after_in_child=_after_fork_child)
