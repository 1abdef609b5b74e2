"""Entropy sources for the Fortuna accumulator (nocrypto.rng).

Sources, each with a one-byte id that goes into every event it makes:

- ``getrandom``: the kernel's generator (getrandom(2) through os.getrandom;
  os.urandom where that is missing).  Always present.
- ``rdseed`` / ``rdrand``: the CPU's generators, in C (entropy_hw.c), used
  only when CPUID lists them; the carry flag is checked and retries are
  bounded, so a source may return fewer bytes than asked, even none.
- ``jitter``: time-stamp-counter deltas around bursts of memory work, in C;
  raw samples whose entropy lies in their unpredictable low bits.

A :class:`Feeder` spreads each source's events over the 32 pools in turn
(round robin per source), as the book's accumulator asks.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from nocrypto._ffi import ffi, lib

__all__ = [
    "SOURCE_GETRANDOM",
    "SOURCE_JITTER",
    "SOURCE_RDRAND",
    "SOURCE_RDSEED",
    "Feeder",
    "Source",
    "getrandom",
    "jitter",
    "rdrand",
    "rdseed",
    "seed_material",
    "sources",
]

SOURCE_GETRANDOM = 0
SOURCE_RDSEED = 1
SOURCE_RDRAND = 2
SOURCE_JITTER = 3

POOLS = 32
EVENT_SIZE = 32  # the largest event the accumulator takes
_JITTER_SCRATCH = 1 << 16  # 64 KiB: larger than L1, so touches vary in cost


def getrandom(n: int) -> bytes:
    """n bytes from the kernel (blocks only until the kernel is seeded)."""
    if n < 0:
        raise ValueError("n must be >= 0")
    get = getattr(os, "getrandom", None)
    if get is None:  # pragma: no cover - non-Linux
        return os.urandom(n)
    out = b""
    while len(out) < n:
        out += get(n - len(out))
    return out


def _c_source(fill: Callable[..., int], n: int, *extra: object) -> bytes:
    if n < 0:
        raise ValueError("n must be >= 0")
    buf = ffi.new("uint8_t[]", max(n, 1))
    got = int(fill(buf, n, *extra))
    out = bytes(ffi.buffer(buf, got))
    ffi.memmove(buf, bytes(max(n, 1)), max(n, 1))
    return out


def rdseed(n: int) -> bytes:
    """Up to n bytes from RDSEED; b"" when the CPU has none."""
    return _c_source(lib.nc_entropy_rdseed, n)


def rdrand(n: int) -> bytes:
    """Up to n bytes from RDRAND; b"" when the CPU has none."""
    return _c_source(lib.nc_entropy_rdrand, n)


def jitter(n: int) -> bytes:
    """n bytes of raw cycle-counter jitter (b"" off x86-64)."""
    scratch = ffi.new("uint8_t[]", _JITTER_SCRATCH)
    return _c_source(lib.nc_entropy_jitter, n, scratch, _JITTER_SCRATCH)


@dataclass(frozen=True)
class Source:
    ident: int
    name: str
    read: Callable[[int], bytes]


def sources() -> list[Source]:
    """The sources this machine offers, getrandom first."""
    found = [Source(SOURCE_GETRANDOM, "getrandom", getrandom)]
    if rdseed(8):
        found.append(Source(SOURCE_RDSEED, "rdseed", rdseed))
    if rdrand(8):
        found.append(Source(SOURCE_RDRAND, "rdrand", rdrand))
    if jitter(1):
        found.append(Source(SOURCE_JITTER, "jitter", jitter))
    return found


def seed_material(n: int = 32) -> bytes:
    """An initial seed: n bytes from every source, concatenated."""
    return b"".join(src.read(n) for src in sources())


class EventSink(Protocol):
    def add_random_event(self, source: int, pool: int, data: bytes) -> None: ...


class Feeder:
    """Feeds an accumulator from the sources, each source cycling through
    the pools on its own (its k-th event goes to pool k mod 32)."""

    __slots__ = ("_next", "_sources")

    def __init__(self, chosen: list[Source] | None = None) -> None:
        self._sources = sources() if chosen is None else list(chosen)
        self._next = dict.fromkeys((s.ident for s in self._sources), 0)

    @property
    def sources(self) -> list[Source]:
        return list(self._sources)

    def next_pool(self, ident: int) -> int:
        return self._next[ident]

    def feed(self, sink: EventSink, size: int = EVENT_SIZE) -> int:
        """One event of up to size bytes from each source; returns how many
        events were delivered (a CPU source may come back empty)."""
        if not 1 <= size <= EVENT_SIZE:
            raise ValueError(f"event size must be 1..{EVENT_SIZE}")
        delivered = 0
        for src in self._sources:
            data = src.read(size)
            if not data:
                continue
            pool = self._next[src.ident]
            sink.add_random_event(src.ident, pool, data)
            self._next[src.ident] = (pool + 1) % POOLS
            delivered += 1
        return delivered
