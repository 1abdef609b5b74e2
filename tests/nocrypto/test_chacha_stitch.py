"""The one-pass ChaCha20-Poly1305 (chacha20poly1305_avx2.c): the AVX2
eight-block keystream with the scalar Poly1305 steps between its rounds,
512 bytes per batch, the tail after the last whole batch through the
separate functions with the Poly1305 state carried over.

Lengths sit around every batch edge (opening stitches from one whole batch
on, sealing from four, and the TLS split seal from the 64-byte boundary of
its content), aad lengths move the Poly1305 alignment, and both paths run
(`impl`): every result is checked against pyca/cryptography.
"""

from __future__ import annotations

import random

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305 as OracleAEAD
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nocrypto
from nocrypto.chacha import ChaCha20Poly1305
from nocrypto.tls_aead import TLS13AEAD

both_paths = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])

# 0..6 whole batches, each -17..+17 bytes around the edge
EDGES = sorted({512 * k + d for k in range(7) for d in (-17, -16, -15, -1, 0, 1, 15, 16, 17)
                if 512 * k + d >= 0} | {2_047, 2_048, 16_383, 16_384})


def _data(seed: int, n: int) -> bytes:
    return random.Random(seed).randbytes(n)


@both_paths
@given(n=st.sampled_from(EDGES), aad_len=st.integers(0, 40), seed=st.integers(0, 2**32),
       in_place=st.booleans())
def test_seal_and_open_at_batch_edges(n: int, aad_len: int, seed: int, in_place: bool,
                                      impl: str) -> None:
    key, nonce, aad, data = _data(seed, 32), _data(seed + 1, 12), _data(seed + 2, aad_len), \
        _data(seed + 3, n)
    want = OracleAEAD(key).encrypt(nonce, data, aad)
    ours = ChaCha20Poly1305(key)
    if in_place:
        buf = bytearray(data + bytes(16))
        assert ours.encrypt_into(nonce, memoryview(buf)[:n], aad, buf) == n + 16
        assert buf == want
        assert ours.decrypt_into(nonce, buf, aad, buf) == n
        assert buf[:n] == data
    else:
        out = bytearray(n + 16)
        assert ours.encrypt_into(nonce, data, aad, out) == n + 16
        assert out == want
        back = bytearray(n)
        assert ours.decrypt_into(nonce, bytes(out), aad, back) == n
        assert back == data
    assert ours.encrypt(nonce, data, aad) == want
    assert ours.decrypt(nonce, want, aad) == data


@both_paths
@given(n=st.sampled_from(EDGES), aad_len=st.integers(0, 40), seed=st.integers(0, 2**32),
       where=st.sampled_from(["ciphertext", "tag", "aad"]), bit=st.integers(0, 2**20),
       in_place=st.booleans())
def test_a_flipped_bit_is_rejected_and_the_output_cleared(n: int, aad_len: int, seed: int,
                                                          where: str, bit: int,
                                                          in_place: bool, impl: str) -> None:
    key, nonce, data = _data(seed, 32), _data(seed + 1, 12), _data(seed + 3, n)
    aad = bytearray(_data(seed + 2, aad_len))
    sealed = bytearray(ChaCha20Poly1305(key).encrypt(nonce, data, bytes(aad)))
    if where == "aad" and not aad:
        where = "tag"
    if where == "ciphertext" and n == 0:
        where = "tag"
    span = {"ciphertext": (sealed, 0, n), "tag": (sealed, n, n + 16),
            "aad": (aad, 0, aad_len)}[where]
    target, lo, hi = span
    i = 8 * lo + bit % (8 * (hi - lo))
    target[i // 8] ^= 1 << (i % 8)
    tampered = bytes(sealed)
    out = sealed if in_place else bytearray(b"\xaa" * n)
    with pytest.raises(nocrypto.AuthenticationError):
        ChaCha20Poly1305(key).decrypt_into(nonce, sealed, bytes(aad), out)
    assert out[:n] == bytes(n)
    with pytest.raises(InvalidTag):
        OracleAEAD(key).decrypt(nonce, tampered, bytes(aad))


def _nonce(iv: bytes, seq: int) -> bytes:
    return (int.from_bytes(iv, "big") ^ seq).to_bytes(12, "big")


# Content lengths whose whole 64-byte blocks end near batch edges, and
# paddings that put the type byte on either side of them.
TLS_LENGTHS = [63, 64, 511, 512, 513, 575, 576, 1023, 1024, 1025, 1087, 1535, 1536, 1600,
               2047, 2048, 2049, 2111, 2560, 2623, 3072, 16_000, 16_383]
PADDINGS = [0, 1, 15, 16, 17, 63, 64, 255]


@pytest.mark.parametrize("length", TLS_LENGTHS)
def test_tls13_records_with_padding(length: int, impl: str) -> None:
    key, iv = _data(length, 32), _data(length + 1, 12)
    ours, oracle = TLS13AEAD("chacha20-poly1305", key, iv), OracleAEAD(key)
    content = _data(length + 2, length)
    for seq, padding in enumerate(PADDINGS):
        if length + 1 + padding + 16 > 16_384 + 256:
            continue
        ctype = 1 + (seq * 37 + length) % 255
        rec = ours.seal(seq, ctype, content, padding)
        inner = content + bytes([ctype]) + bytes(padding)
        assert rec[5:] == oracle.encrypt(_nonce(iv, seq), inner, rec[:5]), (length, padding)
        assert ours.open(seq, rec) == (ctype, content)
        # sealed in place (content already at offset 5), opened in place
        # and into the buffer's start (out 5 bytes below the body)
        buf = bytearray(5) + bytearray(content) + bytearray(1 + padding + 16)
        assert ours.seal_into(seq, ctype, memoryview(buf)[5:5 + length], buf, padding) == len(rec)
        assert buf == rec
        for offset in (5, 0):
            work = bytearray(rec)
            assert ours.open_into(seq, work, memoryview(work)[offset:]) == (ctype, length)
            assert work[offset:offset + length] == content
        # and a forgery anywhere is refused with the output cleared
        for i in (5, 5 + length // 2, len(rec) - 17, len(rec) - 1):
            bad = bytearray(rec)
            bad[i] ^= 0x01
            out = bytearray(b"\xaa" * (len(rec) - 21))
            with pytest.raises(nocrypto.AuthenticationError):
                ours.open_into(seq, bad, out)
            assert out == bytes(len(out))
