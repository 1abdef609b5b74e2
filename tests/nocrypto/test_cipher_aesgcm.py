"""nocrypto.cipher.AESGCM: NIST CAVP GCM, Wycheproof aes_gcm_test, and
differential/tampering property tests against pyca/cryptography, on both
the AES-NI + PCLMULQDQ path and the portable constant-time path."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM as OracleGCM
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nocrypto
import nocrypto.cpu
from nocrypto._ffi import ffi, lib
from nocrypto.cipher import AESGCM
from tests import wycheproof
from tests.nocrypto.cavp import records

with_impl = settings(suppress_health_check=[*settings().suppress_health_check,
                                            HealthCheck.function_scoped_fixture])


@pytest.fixture(params=["wide", "aesni", "portable"])
def impl(request: pytest.FixtureRequest) -> Iterator[str]:
    """GCM has three loops: 256-bit VAES/VPCLMULQDQ, 128-bit AES-NI +
    PCLMULQDQ, and portable C.  Keys pick theirs when created."""
    lib.nc_gcm_allow_wide(1 if request.param == "wide" else 0)
    try:
        with nocrypto.cpu.portable(request.param == "portable"):
            yield str(request.param)
    finally:
        lib.nc_gcm_allow_wide(1)


def _expected_implementation(impl: str) -> str:
    have = nocrypto.cpu.detected()
    if impl == "portable" or not {"aesni", "pclmulqdq", "ssse3", "sse4_1"} <= have:
        return "portable"
    if impl == "wide" and {"vaes", "vpclmulqdq", "avx2"} <= have:
        return "vaes"
    return "aesni"


@functools.cache
def _cavp(path: str) -> list[dict[str, Any]]:
    return list(records(path))


@pytest.mark.parametrize("size", [128, 192, 256])
def test_cavp_encrypt(impl: str, size: int) -> None:
    n = 0
    keys: dict[str, AESGCM] = {}
    for rec in _cavp(f"ciphers/AES/GCM/gcmEncryptExtIV{size}.rsp"):
        key = rec["KEY"]
        if key not in keys:
            keys[key] = AESGCM(bytes.fromhex(key))
            assert keys[key].implementation == _expected_implementation(impl)
        iv, pt, aad, ct, tag = (bytes.fromhex(rec[k]) for k in ("IV", "PT", "AAD", "CT", "TAG"))
        out = keys[key].encrypt(iv, pt, aad)
        assert out[: len(pt)] == ct
        assert out[len(pt):][: len(tag)] == tag
        n += 1
    assert n == 7875


@pytest.mark.parametrize("size", [128, 192, 256])
def test_cavp_decrypt(impl: str, size: int) -> None:
    n = fails = 0
    for rec in _cavp(f"ciphers/AES/GCM/gcmDecrypt{size}.rsp"):
        aead = AESGCM(bytes.fromhex(rec["KEY"]))
        iv, ct, aad, tag = (bytes.fromhex(rec[k]) for k in ("IV", "CT", "AAD", "TAG"))
        # The tag is recomputed by sealing the plaintext that decrypting gives.
        if len(tag) == 16:
            if rec.get("FAIL"):
                with pytest.raises(nocrypto.AuthenticationError):
                    aead.decrypt(iv, ct + tag, aad)
                fails += 1
            else:
                assert aead.decrypt(iv, ct + tag, aad) == bytes.fromhex(rec["PT"])
        else:
            # Truncated tags: our API has none; check the prefix relation.
            zero_tag = bytes(16)
            keystream_pt = _decrypt_unauthenticated(aead, iv, ct, aad, zero_tag)
            full = aead.encrypt(iv, keystream_pt, aad)
            assert full[: len(ct)] == ct
            if rec.get("FAIL"):
                assert full[len(ct):][: len(tag)] != tag
                fails += 1
            else:
                assert keystream_pt == bytes.fromhex(rec["PT"])
                assert full[len(ct):][: len(tag)] == tag
        n += 1
    assert n == 7875
    assert fails > 0


def _decrypt_unauthenticated(aead: AESGCM, iv: bytes, ct: bytes, aad: bytes, tag: bytes) -> bytes:
    """The GCTR decryption of ct: encrypting ct gives ct XOR keystream."""
    return aead.encrypt(iv, ct, aad)[: len(ct)]


@pytest.mark.parametrize(("group", "case"), wycheproof.cases("aes_gcm_test"))
def test_wycheproof(impl: str, group: dict[str, Any], case: dict[str, str]) -> None:
    key, iv, aad, msg, ct, tag = (bytes.fromhex(case[k])
                                  for k in ("key", "iv", "aad", "msg", "ct", "tag"))
    aead = AESGCM(key)
    if len(iv) == 0:
        assert case["result"] == "invalid"
        with pytest.raises(ValueError, match="nonce"):
            aead.encrypt(iv, msg, aad)
        with pytest.raises(ValueError, match="nonce"):
            aead.decrypt(iv, ct + tag, aad)
        return
    if case["result"] == "valid":
        assert aead.encrypt(iv, msg, aad) == ct + tag
        assert aead.decrypt(iv, ct + tag, aad) == msg
    else:
        with pytest.raises(nocrypto.AuthenticationError):
            aead.decrypt(iv, ct + tag, aad)


def test_sp800_38d_test_case_4(impl: str) -> None:
    """McGrew-Viega GCM spec, test case 4 (AES-128, 60-byte message)."""
    key = bytes.fromhex("feffe9928665731c6d6a8f9467308308")
    iv = bytes.fromhex("cafebabefacedbaddecaf888")
    pt = bytes.fromhex(
        "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
        "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39")
    aad = bytes.fromhex("feedfacedeadbeeffeedfacedeadbeefabaddad2")
    ct = bytes.fromhex(
        "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
        "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091")
    tag = bytes.fromhex("5bc94fbc3221a5db94fae95ae7121a47")
    assert AESGCM(key).encrypt(iv, pt, aad) == ct + tag
    assert AESGCM(key).decrypt(iv, ct + tag, aad) == pt


keys = st.sampled_from([16, 24, 32]).flatmap(lambda n: st.binary(min_size=n, max_size=n))
nonces = st.one_of(st.just(12), st.integers(8, 128)).flatmap(
    lambda n: st.binary(min_size=n, max_size=n))


@with_impl
@given(key=keys, nonce=nonces, aad=st.binary(max_size=300), data=st.data())
def test_differential(impl: str, key: bytes, nonce: bytes, aad: bytes,
                      data: st.DataObject) -> None:
    n = data.draw(st.one_of(st.integers(0, 300), st.integers(0, 70000)))
    msg = bytes((i * 151 + key[1]) & 0xFF for i in range(n))
    expect = OracleGCM(key).encrypt(nonce, msg, aad)
    aead = AESGCM(key)
    assert aead.encrypt(nonce, msg, aad) == expect
    assert aead.decrypt(nonce, expect, aad) == msg
    # in place, through the _into calls
    buf = bytearray(msg) + bytearray(16)
    view = memoryview(buf)
    assert aead.encrypt_into(nonce, view[:n], aad, view) == n + 16
    assert bytes(buf) == expect
    assert aead.decrypt_into(nonce, view, aad, view) == n
    assert bytes(buf[:n]) == msg


@with_impl
@given(key=keys, nonce=nonces, aad=st.binary(max_size=64), n=st.integers(0, 3000),
       data=st.data())
def test_tampering_is_rejected(impl: str, key: bytes, nonce: bytes, aad: bytes, n: int,
                               data: st.DataObject) -> None:
    msg = bytes((i * 7) & 0xFF for i in range(n))
    aead = AESGCM(key)
    sealed = aead.encrypt(nonce, msg, aad)
    what = data.draw(st.sampled_from(["ct", "aad", "nonce", "truncate"]))
    bit = data.draw(st.integers(0, 7))
    ct, a, nn = bytearray(sealed), bytearray(aad), bytearray(nonce)
    if what == "ct":
        ct[data.draw(st.integers(0, len(ct) - 1))] ^= 1 << bit
    elif what == "aad":
        if a:
            a[data.draw(st.integers(0, len(a) - 1))] ^= 1 << bit
        else:
            a = bytearray(b"\x00")
    elif what == "nonce":
        nn[data.draw(st.integers(0, len(nn) - 1))] ^= 1 << bit
    else:
        ct = ct[:-1]
    with pytest.raises(nocrypto.AuthenticationError):
        aead.decrypt(bytes(nn), bytes(ct), bytes(a))
    out = bytearray(b"\xaa" * len(ct))
    with pytest.raises(nocrypto.AuthenticationError):
        aead.decrypt_into(bytes(nn), bytes(ct), bytes(a), out)
    assert out[: max(len(ct) - 16, 0)] == bytes(max(len(ct) - 16, 0))


@with_impl
@given(key=keys, nonce=st.binary(min_size=1, max_size=7), n=st.integers(0, 200))
def test_short_nonces_roundtrip(impl: str, key: bytes, nonce: bytes, n: int) -> None:
    """Nonces under 8 bytes (the oracle refuses them) agree across paths."""
    msg = bytes(range(256))[:n]
    with nocrypto.cpu.portable(True):
        ref = AESGCM(key).encrypt(nonce, msg, b"a")
    aead = AESGCM(key)
    assert aead.encrypt(nonce, msg, b"a") == ref
    assert aead.decrypt(nonce, ref, b"a") == msg


def _gf_mul(x: int, y: int) -> int:
    """GF(2^128) product in GCM's bit order (SP 800-38D, algorithm 1)."""
    z, v = 0, x
    for i in range(127, -1, -1):
        if (y >> i) & 1:
            z ^= v
        v = (v >> 1) ^ (0xE1 << 120) if v & 1 else v >> 1
    return z


def _gf_inv(x: int) -> int:
    result, base, e = 1 << 127, x, 2**128 - 2  # 1 << 127 is the field's one
    while e:
        if e & 1:
            result = _gf_mul(result, base)
        base = _gf_mul(base, base)
        e >>= 1
    return result


@pytest.mark.parametrize("low", [0xFFFFFFF0, 0xFFFFFFFF, 0x7FFFFFFF])
def test_counter_wraps_mod_2_32(impl: str, low: int) -> None:
    """inc32 wraps the last 32 bits without carrying: pick a 16-byte nonce
    whose J0 = (N*H ^ L)*H ends in `low`, then compare with the oracle."""
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    key = bytes(range(32))
    enc = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
    h = int.from_bytes(enc.update(bytes(16)), "big")
    hinv = _gf_inv(h)
    assert _gf_mul(h, hinv) == 1 << 127
    j0 = (0x0123456789ABCDEF01234567 << 32) | low
    n = _gf_mul(_gf_mul(j0, hinv) ^ 128, hinv)
    assert _gf_mul(_gf_mul(n, h) ^ 128, h) == j0  # GHASH_H(N || 0^64 || [128]_64)
    nonce = n.to_bytes(16, "big")
    msg = bytes(range(256)) * 19  # 304 blocks: crosses the wrap
    expect = OracleGCM(key).encrypt(nonce, msg, b"hdr")
    assert AESGCM(key).encrypt(nonce, msg, b"hdr") == expect
    assert AESGCM(key).decrypt(nonce, expect, b"hdr") == msg


def test_bad_arguments() -> None:
    for n in (0, 8, 15, 17, 33):
        with pytest.raises(ValueError, match="16, 24 or 32"):
            AESGCM(bytes(n))
    aead = AESGCM(bytes(16))
    with pytest.raises(ValueError, match="nonce"):
        aead.encrypt(b"", b"x", None)
    with pytest.raises(ValueError, match="nonce"):
        aead.decrypt(b"", bytes(20), None)
    for short in (b"", bytes(15)):
        with pytest.raises(nocrypto.AuthenticationError):
            aead.decrypt(bytes(12), short, None)
    with pytest.raises(ValueError, match="output buffer"):
        aead.encrypt_into(bytes(12), b"abc", None, bytearray(18))
    with pytest.raises(ValueError, match="output buffer"):
        aead.decrypt_into(bytes(12), bytes(20), None, bytearray(3))
    with pytest.raises(AttributeError):
        aead._key = None  # type: ignore[misc]
    g = ffi.new("nc_gcm_key *")
    assert lib.nc_gcm_init(g, bytes(20), 20) == -1
    assert lib.nc_gcm_init(g, bytes(16), 16) == 0
    out = ffi.new("uint8_t[]", 32)
    assert lib.nc_gcm_seal(g, ffi.NULL, 0, ffi.NULL, 0, ffi.NULL, 0, out) == -1
    assert lib.nc_gcm_open(g, b"x" * 12, 12, ffi.NULL, 0, bytes(15), 15, out) == -1


def test_empty_everything(impl: str) -> None:
    key, nonce = bytes(16), bytes(12)
    assert AESGCM(key).encrypt(nonce, b"", None) == OracleGCM(key).encrypt(nonce, b"", None)
    assert AESGCM(key).decrypt(nonce, OracleGCM(key).encrypt(nonce, b"", b"z"), b"z") == b""


def test_batch_boundaries(impl: str) -> None:
    """Every length around the 128- and 256-byte batch edges, in place too."""
    key, nonce, aad = bytes(range(32)), bytes(range(12)), b"header"
    aead, oracle = AESGCM(key), OracleGCM(key)
    assert aead.implementation == _expected_implementation(impl)
    lengths = sorted({n + d for n in (0, 128, 256, 384, 512, 768, 1024) for d in range(-17, 18)
                      if n + d >= 0})
    for n in lengths:
        msg = bytes((i * 13 + n) & 0xFF for i in range(n))
        expect = oracle.encrypt(nonce, msg, aad)
        assert aead.encrypt(nonce, msg, aad) == expect, n
        buf = bytearray(expect)
        assert aead.decrypt_into(nonce, buf, aad, buf) == n
        assert bytes(buf[:n]) == msg


def test_expanded_key_is_wiped_by_destructor() -> None:
    g = ffi.new("nc_gcm_key *")
    assert lib.nc_gcm_init(g, bytes(range(1, 17)), 16) == 0
    assert any(g.aes.rk[i] for i in range(120))
    lib.nc_gcm_wipe(g)
    assert not any(g.aes.rk[i] for i in range(120)) and not any(g.h[i] for i in range(56))
    k = ffi.new("nc_aes_key *")
    assert lib.nc_aes_init(k, bytes(range(1, 33)), 32) == 0
    lib.nc_aes_wipe(k)
    assert not any(k.rk[i] for i in range(120)) and k.rounds == 0
    aead = AESGCM(bytes(16))
    assert aead.encrypt(bytes(12), b"x") == OracleGCM(bytes(16)).encrypt(bytes(12), b"x", None)
