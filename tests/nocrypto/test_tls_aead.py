"""nocrypto.tls_aead: TLS 1.3 record seal/open in one C call, checked
against pyca/cryptography's AEADs (nonce = iv XOR seq, header as AD,
content || type || zeros), against RFC 8448's protected records, and for
tampering, padding stripping and the all-zero inner plaintext; on the
hardware and the portable paths (impl fixture)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM as OsslGCM
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305 as OsslChaCha
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nocrypto.cpu
from nocrypto import AuthenticationError
from nocrypto._ffi import ffi, lib
from nocrypto.chacha import ChaCha20Poly1305
from nocrypto.cipher import AESGCM
from nocrypto.tls_aead import MAX_CIPHERTEXT, TLS13AEAD

ALGS = {"aes-gcm": (OsslGCM, (16, 32)), "chacha20-poly1305": (OsslChaCha, (32,))}
V = json.loads((Path(__file__).parents[1] / "vectors" / "rfc8448" / "simple_1rtt.json").read_text())
K = {k: bytes.fromhex(v) for k, v in V["traffic_keys"].items()}
R = {k: bytes.fromhex(v) for k, v in V["records"].items()}
S = {k: bytes.fromhex(v) for k, v in V["secrets"].items()}

with_impl = settings(suppress_health_check=[*settings().suppress_health_check,
                                            HealthCheck.function_scoped_fixture])


@pytest.fixture(params=["wide", "aesni", "portable"])
def impl(request: pytest.FixtureRequest) -> Iterator[str]:
    """The three AES-GCM loops (VAES, AES-NI, portable C) and ChaCha20's
    vector and portable code; keys pick their path when created."""
    lib.nc_gcm_allow_wide(1 if request.param == "wide" else 0)
    try:
        with nocrypto.cpu.portable(request.param == "portable"):
            yield str(request.param)
    finally:
        lib.nc_gcm_allow_wide(1)


params = st.fixed_dictionaries({
    "alg": st.sampled_from(sorted(ALGS)),
    "k256": st.booleans(),
    "key": st.binary(min_size=32, max_size=32),
    "iv": st.binary(min_size=12, max_size=12),
    "seq": st.one_of(st.integers(0, 2**64 - 1), st.sampled_from([0, 1, 2**64 - 1])),
    "ctype": st.integers(1, 255),
    "length": st.one_of(st.integers(0, 300), st.integers(0, 16384)),
    "padding": st.integers(0, 255),
})


def _make(p: dict[str, object]) -> tuple[TLS13AEAD, object, bytes, bytes]:
    alg = str(p["alg"])
    oracle_cls, sizes = ALGS[alg]
    key = bytes(p["key"])[: sizes[0] if p["k256"] is False and alg == "aes-gcm" else 32]  # type: ignore[arg-type]
    iv = bytes(p["iv"])  # type: ignore[arg-type]
    return TLS13AEAD(alg, key, iv), oracle_cls(key), key, iv


def _nonce(iv: bytes, seq: int) -> bytes:
    return (int.from_bytes(iv, "big") ^ seq).to_bytes(12, "big")


@with_impl
@given(p=params, data=st.data())
def test_seal_matches_pyca_and_opens(impl: str, p: dict[str, object], data: st.DataObject) -> None:
    ours, oracle, _, iv = _make(p)
    seq, ctype, padding = int(p["seq"]), int(p["ctype"]), int(p["padding"])  # type: ignore[call-overload]
    length = min(int(p["length"]), 16384 + 255 - padding)  # type: ignore[call-overload]
    content = data.draw(st.binary(min_size=length, max_size=length))
    rec = ours.seal(seq, ctype, content, padding)
    body = len(content) + 1 + padding + 16
    assert rec[:5] == bytes((23, 3, 3, body >> 8, body & 0xFF))
    inner = oracle.decrypt(_nonce(iv, seq), rec[5:], rec[:5])  # type: ignore[attr-defined]
    assert inner == content + bytes((ctype,)) + bytes(padding)
    assert ours.open(seq, rec) == (ctype, content)
    assert ours.open_fragment(seq, rec[:5], rec[5:]) == (ctype, content)
    # seal_into, with the content already in place at offset 5
    buf = bytearray(len(rec))
    buf[5 : 5 + len(content)] = content
    assert ours.seal_into(seq, ctype, memoryview(buf)[5 : 5 + len(content)], buf, padding) == len(rec)
    assert bytes(buf) == rec
    # open in place (out is the record's own body)
    t, n = ours.open_into(seq, buf, memoryview(buf)[5:])
    assert (t, bytes(buf[5 : 5 + n])) == (ctype, content)


@with_impl
@given(p=params, data=st.data())
def test_tampering_fails_with_zeroed_output(impl: str, p: dict[str, object],
                                            data: st.DataObject) -> None:
    ours, _, _, _ = _make(p)
    seq, ctype = int(p["seq"]), int(p["ctype"])  # type: ignore[call-overload]
    content = data.draw(st.binary(max_size=2000))
    rec = bytearray(ours.seal(seq, ctype, content, int(p["padding"])))  # type: ignore[call-overload]
    where = data.draw(st.integers(0, len(rec) - 1))
    bit = data.draw(st.integers(0, 7))
    if where in (3, 4):  # the length field: a malformed record, refused as such
        rec[where] ^= 1 << bit
        with pytest.raises((ValueError, AuthenticationError)):
            ours.open(seq, rec)
        return
    rec[where] ^= 1 << bit
    out = bytearray(b"\xaa" * (len(rec) - 21))
    with pytest.raises(AuthenticationError):
        ours.open_into(seq, rec, out)
    assert out == bytes(len(out))
    rec[where] ^= 1 << bit
    other = (seq + 1) % 2**64
    with pytest.raises(AuthenticationError):
        ours.open(other, bytes(rec))


@with_impl
@given(p=params)
def test_all_zero_inner_plaintext(impl: str, p: dict[str, object]) -> None:
    ours, oracle, _, iv = _make(p)
    seq = int(p["seq"])  # type: ignore[call-overload]
    n = 1 + int(p["padding"])  # type: ignore[call-overload]
    body = n + 16
    header = bytes((23, 3, 3, body >> 8, body & 0xFF))
    rec = header + oracle.encrypt(_nonce(iv, seq), bytes(n), header)  # type: ignore[attr-defined]
    assert ours.open(seq, rec) == (0, b"")
    out = bytearray(b"\x55" * n)
    assert ours.open_into(seq, rec, out) == (0, 0)
    assert out == bytes(n)


@with_impl
@given(p=params, data=st.data())
def test_records_of_a_payload(impl: str, p: dict[str, object], data: st.DataObject) -> None:
    ours, oracle, _, iv = _make(p)
    seq = min(int(p["seq"]), 2**64 - 3002)  # type: ignore[call-overload]
    payload = data.draw(st.binary(max_size=3000))
    step = data.draw(st.integers(1, 1200))
    wire = ours.seal_records(seq, 23, payload, step)
    count = max(1, -(-len(payload) // step))
    assert len(wire) == len(payload) + 22 * count
    pos, got = 0, b""
    for i in range(count):
        length = int.from_bytes(wire[pos + 3 : pos + 5], "big")
        rec = wire[pos : pos + 5 + length]
        inner = oracle.decrypt(_nonce(iv, seq + i), rec[5:], rec[:5])  # type: ignore[attr-defined]
        assert inner[-1] == 23
        got += inner[:-1]
        pos += 5 + length
    assert pos == len(wire) and got == payload
    # opening stops before a non-application-data record, and a partial one
    extra = ours.seal(seq + count, 22, b"hs")
    done, used, content = ours.open_application_data(seq, wire + extra + b"\x17\x03", 2**14 + 1)
    assert (done, used, content) == (count, len(wire), payload)
    assert ours.open_application_data(seq + 1, wire, 2**14 + 1)[0] == 0


def test_rfc8448_records(impl: str) -> None:
    for side, seq, ctype, content, name in [
        ("client", 0, 23, R["application_data_payload"], "client_application_data"),
        ("server", 1, 23, R["application_data_payload"], "server_application_data"),
        ("client", 1, 21, R["alert_payload"], "client_alert"),
    ]:
        a = TLS13AEAD("aes-gcm", K[f"{side}_application_key"], K[f"{side}_application_iv"])
        assert a.seal(seq, ctype, content) == R[name]
        assert a.open(seq, R[name]) == (ctype, content)
        b = TLS13AEAD.from_aead(AESGCM(K[f"{side}_application_key"]), K[f"{side}_application_iv"])
        assert b.seal(seq, ctype, content) == R[name]


@pytest.mark.parametrize(("alg", "hash_name", "key_length"), [
    ("aes-gcm", "sha256", 16), ("aes-gcm", "sha384", 32), ("chacha20-poly1305", "sha256", 32)])
def test_from_secret_is_the_key_and_iv_of_the_secret(impl: str, alg: str, hash_name: str,
                                                      key_length: int) -> None:
    from nocrypto.kdf import tls13_key_iv

    secret = bytes(range(48 if hash_name == "sha384" else 32))
    key, iv = tls13_key_iv(hash_name, secret, key_length)
    a = TLS13AEAD.from_secret(alg, hash_name, secret, key_length)
    b = TLS13AEAD(alg, key, iv)
    assert a.algorithm == alg
    assert a.seal(5, 23, b"x" * 300, 3) == b.seal(5, 23, b"x" * 300, 3)
    assert a.open(5, b.seal(5, 22, b"hs")) == (22, b"hs")


def test_from_secret_rfc8448(impl: str) -> None:
    for side in ("client", "server"):
        a = TLS13AEAD.from_secret("aes-gcm", "sha256",
                                  S[f"{side}_application_traffic_secret_0"], 16)
        b = TLS13AEAD("aes-gcm", K[f"{side}_application_key"], K[f"{side}_application_iv"])
        assert a.seal(0, 23, b"data") == b.seal(0, 23, b"data")


def test_from_secret_refuses_bad_parameters() -> None:
    with pytest.raises(ValueError, match="algorithm"):
        TLS13AEAD.from_secret("aes-cbc", "sha256", bytes(32), 16)
    for alg, n in (("aes-gcm", 24), ("aes-gcm", 0), ("chacha20-poly1305", 16)):
        with pytest.raises(ValueError, match="key length"):
            TLS13AEAD.from_secret(alg, "sha256", bytes(32), n)
    with pytest.raises(ValueError):
        TLS13AEAD.from_secret("aes-gcm", "md5", bytes(32), 16)


def test_from_chacha_matches_direct(impl: str) -> None:
    key, iv = bytes(range(32)), bytes(range(12))
    a = TLS13AEAD.from_aead(ChaCha20Poly1305(key), iv)
    b = TLS13AEAD("chacha20-poly1305", key, iv)
    assert a.algorithm == "chacha20-poly1305"
    assert a.seal(7, 23, b"x" * 100, 5) == b.seal(7, 23, b"x" * 100, 5)


def test_hardware_flag_follows_path(impl: str) -> None:
    a = TLS13AEAD("aes-gcm", bytes(16), bytes(12))
    b = TLS13AEAD.from_aead(AESGCM(bytes(16)), bytes(12))
    assert a.hardware == b.hardware == AESGCM(bytes(16)).hardware
    if impl == "portable":
        assert not a.hardware


def test_argument_checks() -> None:
    with pytest.raises(ValueError, match="16 or 32"):
        TLS13AEAD("aes-gcm", bytes(24), bytes(12))
    with pytest.raises(ValueError, match="32"):
        TLS13AEAD("chacha20-poly1305", bytes(16), bytes(12))
    with pytest.raises(ValueError, match="12 bytes"):
        TLS13AEAD("aes-gcm", bytes(16), bytes(8))
    with pytest.raises(ValueError, match="algorithm"):
        TLS13AEAD("aes-cbc", bytes(16), bytes(12))
    a = TLS13AEAD("aes-gcm", bytes(16), bytes(12))
    with pytest.raises(ValueError, match="sequence"):
        a.seal(2**64, 23, b"")
    with pytest.raises(ValueError, match="too long"):
        a.seal(0, 23, bytes(16384), 256)
    with pytest.raises(ValueError, match="content type"):
        a.seal(0, 0, b"")
    with pytest.raises(ValueError, match="output buffer"):
        a.seal_into(0, 23, b"abc", bytearray(24))
    with pytest.raises(ValueError, match="whole"):
        a.open(0, a.seal(0, 23, b"abc")[:-1])
    with pytest.raises(ValueError, match="sequence"):
        a.seal_records(2**64 - 1, 23, b"ab", 1)
    with pytest.raises(AttributeError):
        a.algorithm = "x"  # type: ignore[misc]
    assert "hidden" in repr(a)


@with_impl
@given(p=params, data=st.data())
def test_open_application_data_one_record_and_limit(impl: str, p: dict[str, object],
                                                    data: st.DataObject) -> None:
    ours, _, _, _ = _make(p)
    seq = int(p["seq"])  # type: ignore[call-overload]
    content = data.draw(st.binary(max_size=2000))
    padding = data.draw(st.integers(0, 40))
    rec = ours.seal(seq, 23, content, padding)
    inner = len(content) + 1 + padding
    assert ours.open_application_data(seq, rec, inner) == (1, len(rec), content)
    assert ours.open_application_data(seq, rec, inner - 1) == (0, 0, b"")
    other = ours.seal(seq, 21, content, padding)  # not application data: left alone
    assert ours.open_application_data(seq, other, 2**14 + 1) == (0, 0, b"")
    bad = bytearray(rec)
    bad[-1] ^= 1
    assert ours.open_application_data(seq, bytes(bad), 2**14 + 1) == (0, 0, b"")


def test_padding_scan_every_block_boundary(impl: str) -> None:
    """The content type found after any padding, wherever the 64-byte scan
    blocks fall: every content length 0..200 with paddings around the
    block size."""
    a = TLS13AEAD("aes-gcm", bytes(range(16)), bytes(12))
    for clen in range(0, 201):
        content = bytes((i % 255) + 1 for i in range(clen))  # no zero bytes
        for padding in (0, 1, 62, 63, 64, 65, 127, 128, 300):
            rec = a.seal(clen, 21, content, padding)
            assert a.open(clen, rec) == (21, content), (clen, padding)
    # zero bytes inside the content are content, not padding
    content = b"\x00" * 70 + b"\x01" + b"\x00" * 70
    assert a.open(3, a.seal(3, 23, content, 100)) == (23, content)


@with_impl
@given(key=st.binary(min_size=16, max_size=16), nonce=st.binary(min_size=12, max_size=12),
       aad=st.binary(max_size=20), in1=st.binary(max_size=1200), in2=st.binary(max_size=300))
def test_gcm_seal_split_is_seal_of_the_join(impl: str, key: bytes, nonce: bytes, aad: bytes,
                                            in1: bytes, in2: bytes) -> None:
    """nc_gcm_seal_split (the record seal's no-copy path): the same bytes as
    sealing in1 || in2, whatever the split against the 128-byte batches."""
    g = AESGCM(key)
    n = len(in1) + len(in2)
    out = ffi.new("uint8_t[]", n + 16)
    buf2 = ffi.new("uint8_t[]", max(len(in2), 1))
    ffi.memmove(buf2, in2, len(in2))
    assert lib.nc_gcm_seal_split(g._key, nonce, 12, aad, len(aad), in1, len(in1), buf2,
                                 len(in2), out) == 0
    assert ffi.buffer(out, n + 16)[:] == OsslGCM(key).encrypt(nonce, in1 + in2, aad)


@pytest.mark.parametrize("alg", sorted(ALGS))
def test_seal_around_keystream_block_boundaries(impl: str, alg: str) -> None:
    """Content lengths either side of 64-byte multiples with small and
    large padding (ChaCha20 seals whole blocks straight from the content
    and the last partial block after placing it), from bytes and from a
    memoryview, against pyca/cryptography."""
    key, iv = bytes(range(32)), bytes(range(100, 112))
    ours, oracle = TLS13AEAD(alg, key, iv), ALGS[alg][0](key)
    for length in (63, 64, 65, 127, 128, 129, 1000, 16383, 16384):
        for padding in (0, 1, 63, 200):
            if length + 1 + padding > 16384 + 256 - 16:
                continue
            content = bytes((i * 7 + length) & 0xFF for i in range(length))
            rec = ours.seal(length, 23, content, padding)
            inner = content + b"\x17" + bytes(padding)
            want = oracle.encrypt(_nonce(iv, length), inner, rec[:5])  # type: ignore[attr-defined]
            assert rec[5:] == want, (length, padding)
            assert ours.seal(length, 23, memoryview(bytearray(content)), padding) == rec
            assert ours.open(length, rec) == (23, content)


def _scan_reference(inner: bytes) -> tuple[int, bytes]:
    """RFC 8446 5.4 in plain Python: the last non-zero byte is the type."""
    kept = inner.rstrip(b"\x00")
    return (kept[-1], kept[:-1]) if kept else (0, b"")


MAX_INNER = MAX_CIPHERTEXT - 16
_edges = st.integers(1, MAX_INNER // 64).flatmap(
    lambda k: st.integers(64 * k - 3, 64 * k + 2))  # around the 64- and 256-byte scan blocks


@with_impl
@given(alg=st.sampled_from(sorted(ALGS)), seq=st.integers(0, 2**64 - 1),
       n=st.one_of(st.integers(1, 700), _edges, st.integers(MAX_INNER - 300, MAX_INNER)),
       data=st.data())
def test_padding_scan_matches_reference(impl: str, alg: str, seq: int, n: int,
                                        data: st.DataObject) -> None:
    """Any inner plaintext (zeros inside the content, a type byte anywhere
    or none, padding up to the record limit) opens to what a plain
    backwards scan finds."""
    n = min(n, MAX_INNER)
    key, iv = bytes(range(32)), bytes(range(12))
    oracle = ALGS[alg][0](key)
    kind = data.draw(st.sampled_from(["zeros", "type", "dense"]))
    if kind == "zeros":  # all-zero inner plaintext: no type at all
        inner = bytes(n)
    else:
        where = data.draw(st.one_of(st.integers(0, n - 1), _edges.filter(lambda e: e < n),
                                    st.just(n - 1)))
        if kind == "type":  # one non-zero byte, zeros before and after
            inner = bytes(where) + bytes((data.draw(st.integers(1, 255)),)) + bytes(n - where - 1)
        else:  # content with zeros in it, then the type, then padding
            head = data.draw(st.binary(min_size=min(where, 64), max_size=min(where, 64)))
            inner = (bytes(where - len(head)) + head + bytes((data.draw(st.integers(1, 255)),))
                     + bytes(n - where - 1))
    body = n + 16
    header = bytes((23, 3, 3, body >> 8, body & 0xFF))
    rec = header + oracle.encrypt(_nonce(iv, seq), inner, header)  # type: ignore[attr-defined]
    ours = TLS13AEAD(alg, key, iv)
    assert ours.open(seq, rec) == _scan_reference(inner)
    bad = bytearray(rec)
    bad[-1] ^= 1
    out = bytearray(b"\xaa" * n)
    with pytest.raises(AuthenticationError):
        ours.open_into(seq, bad, out)
    assert out == bytes(n)


def test_padding_scan_type_at_every_block_edge(impl: str) -> None:
    """A lone type byte at every position next to a 64-byte block edge of
    the largest inner plaintext, zeros on both sides of it."""
    for alg in sorted(ALGS):
        a = TLS13AEAD(alg, bytes(32), bytes(12))
        for where in range(MAX_INNER):
            if where % 64 in (0, 1, 62, 63):
                rec = a.seal(where, 23, bytes(where), MAX_INNER - where - 1)
                assert a.open(where, rec) == (23, bytes(where)), (alg, where)


@pytest.mark.parametrize("alg", sorted(ALGS))
def test_seal_aligned_places_the_body_on_32_bytes(impl: str, alg: str) -> None:
    """nc_tls13_seal_aligned writes the record seal_into writes, at the
    offset (returned) that puts its body on a 32-byte boundary, from every
    start address; it refuses content types outside 1..255 and a buffer
    without the 31 spare bytes."""
    a = TLS13AEAD(alg, bytes(range(32)), bytes(12))
    for length in (0, 1, 100, 1000):
        content = bytes(range(256)) * 4
        content = content[:length]
        expect = a.seal(9, 23, content, 3)
        buf = ffi.new("uint8_t[]", len(expect) + 31 + 32)
        for start in range(32):
            k = lib.nc_tls13_seal_aligned(a._ctx, 9, 23, content, length, 3, buf + start,
                                          len(expect) + 31)
            assert 0 <= k < 32
            assert int(ffi.cast("uintptr_t", buf + start + k + 5)) % 32 == 0
            assert ffi.buffer(buf + start + k, len(expect))[:] == expect
        for bad_type in (0, 256):
            assert lib.nc_tls13_seal_aligned(a._ctx, 9, bad_type, content, length, 3, buf,
                                             len(expect) + 31) == -1
        assert lib.nc_tls13_seal_aligned(a._ctx, 9, 23, content, length, 3, buf,
                                         len(expect) + 30) == -1
