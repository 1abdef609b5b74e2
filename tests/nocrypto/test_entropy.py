"""The entropy sources: lengths, variability, and the round-robin feeder."""

from __future__ import annotations

from collections import Counter

import pytest

import nocrypto.cpu
from nocrypto import entropy

SIZES = (0, 1, 7, 8, 9, 32, 100)


@pytest.mark.parametrize("n", SIZES)
def test_getrandom_length(n: int) -> None:
    assert len(entropy.getrandom(n)) == n


@pytest.mark.parametrize(("name", "feature"), [("rdseed", "rdseed"), ("rdrand", "rdrand")])
def test_cpu_sources_follow_cpuid(name: str, feature: str) -> None:
    read = getattr(entropy, name)
    has = feature in nocrypto.cpu.detected()
    for n in SIZES:
        out = read(n)
        # RDSEED may run dry under load and return short; RDRAND should not.
        assert len(out) == n if has and name == "rdrand" else len(out) <= n
        if not has:
            assert out == b""
    if has:
        a, b = read(64), read(64)
        assert len(a) >= 8 and a != b


def test_cpu_sources_ignore_the_portable_switch() -> None:
    # Entropy is not a "path": forcing portable crypto keeps the sources.
    with nocrypto.cpu.portable():
        assert len(entropy.rdrand(16)) == (16 if "rdrand" in nocrypto.cpu.detected() else 0)


@pytest.mark.parametrize("n", SIZES)
def test_jitter_length(n: int) -> None:
    assert len(entropy.jitter(n)) == n


def test_sources_are_not_constant() -> None:
    for src in entropy.sources():
        a, b = src.read(32), src.read(32)
        assert a != b, src.name
        assert len(set(a)) > 4, src.name


def test_jitter_spreads_over_byte_values() -> None:
    data = entropy.jitter(4096)
    counts = Counter(data)
    # raw timing samples, not uniform, but far from a handful of values
    assert len(counts) > 128
    assert max(counts.values()) < 4096 // 8


def test_sources_listed() -> None:
    names = [s.name for s in entropy.sources()]
    assert names[0] == "getrandom"
    assert ("rdseed" in names) == ("rdseed" in nocrypto.cpu.detected() and bool(entropy.rdseed(8)))
    assert ("rdrand" in names) == ("rdrand" in nocrypto.cpu.detected())
    assert len({s.ident for s in entropy.sources()}) == len(names)


class Sink:
    def __init__(self) -> None:
        self.events: list[tuple[int, int, bytes]] = []

    def add_random_event(self, source: int, pool: int, data: bytes) -> None:
        self.events.append((source, pool, data))


def test_feeder_round_robin_per_source() -> None:
    feeder = entropy.Feeder()
    sink = Sink()
    for _ in range(70):
        feeder.feed(sink)
    by_source: dict[int, list[int]] = {}
    for source, pool, data in sink.events:
        assert 1 <= len(data) <= 32
        by_source.setdefault(source, []).append(pool)
    assert set(by_source) == {s.ident for s in feeder.sources}
    for pools in by_source.values():
        assert pools == [k % 32 for k in range(len(pools))]
    assert by_source[entropy.SOURCE_GETRANDOM] == [k % 32 for k in range(70)]


def test_feeder_skips_a_dry_source() -> None:
    dry = entropy.Source(99, "dry", lambda n: b"")
    wet = entropy.Source(98, "wet", lambda n: b"w" * n)
    feeder = entropy.Feeder([dry, wet])
    sink = Sink()
    assert feeder.feed(sink, 5) == 1
    assert sink.events == [(98, 0, b"wwwww")]
    assert feeder.next_pool(99) == 0 and feeder.next_pool(98) == 1
    with pytest.raises(ValueError):
        feeder.feed(sink, 33)
