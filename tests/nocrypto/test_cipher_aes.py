"""nocrypto.cipher.AES: NIST CAVP (ECB, CBC), RFC 3686 (CTR), Wycheproof
CBC, and differential tests against pyca/cryptography, on both the AES-NI
and the portable bitsliced path."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nocrypto._ffi import ffi, lib
from nocrypto.cipher import AES
from tests import wycheproof
from tests.nocrypto.cavp import records

# The impl fixture only switches the path for the whole test; it holds no
# per-example state, so hypothesis may reuse it across examples.
with_impl = settings(suppress_health_check=[*settings().suppress_health_check,
                                            HealthCheck.function_scoped_fixture])

KINDS = ["GFSbox", "KeySbox", "MMT", "VarKey", "VarTxt"]
SIZES = [128, 192, 256]


def _files(mode: str) -> list[str]:
    return [f"ciphers/AES/{mode}/{mode}{kind}{size}.rsp" for kind in KINDS for size in SIZES]


def _check_path(aes: AES, impl: str) -> None:
    assert aes.hardware == (impl == "hardware" and "aesni" in _detected())


def _detected() -> frozenset[str]:
    import nocrypto.cpu

    return nocrypto.cpu.detected()


@pytest.mark.parametrize("path", _files("ECB"))
def test_cavp_ecb(impl: str, path: str) -> None:
    n = 0
    for rec in records(path):
        aes = AES(bytes.fromhex(rec["KEY"]))
        _check_path(aes, impl)
        pt, ct = bytes.fromhex(rec["PLAINTEXT"]), bytes.fromhex(rec["CIPHERTEXT"])
        if rec["_section"] == "ENCRYPT":
            assert aes.encrypt_blocks(pt) == ct
        else:
            assert aes.decrypt_blocks(ct) == pt
        if len(pt) == 16:
            assert aes.encrypt_block(pt) == ct
            assert aes.decrypt_block(ct) == pt
        n += 1
    assert n > 0


@pytest.mark.parametrize("path", _files("CBC"))
def test_cavp_cbc(impl: str, path: str) -> None:
    n = 0
    for rec in records(path):
        aes = AES(bytes.fromhex(rec["KEY"]))
        _check_path(aes, impl)
        iv = bytes.fromhex(rec["IV"])
        pt, ct = bytes.fromhex(rec["PLAINTEXT"]), bytes.fromhex(rec["CIPHERTEXT"])
        if rec["_section"] == "ENCRYPT":
            assert aes.cbc_encrypt(iv, pt) == ct
        else:
            assert aes.cbc_decrypt(iv, ct) == pt
        n += 1
    assert n > 0


@pytest.mark.parametrize("size", SIZES)
def test_rfc3686_ctr(impl: str, size: int) -> None:
    n = 0
    for rec in records(f"ciphers/AES/CTR/aes-{size}-ctr.txt"):
        aes = AES(bytes.fromhex(rec["KEY"]))
        _check_path(aes, impl)
        iv = bytes.fromhex(rec["IV"])
        pt, ct = bytes.fromhex(rec["PLAINTEXT"]), bytes.fromhex(rec["CIPHERTEXT"])
        assert aes.ctr(iv, pt) == ct
        assert aes.ctr(iv, ct) == pt
        n += 1
    assert n > 0


def test_fips197_appendix_c(impl: str) -> None:
    pt = bytes.fromhex("00112233445566778899aabbccddeeff")
    expect = {
        16: "69c4e0d86a7b0430d8cdb78070b4c55a",
        24: "dda97ca4864cdfe06eaf70a0ec0d7191",
        32: "8ea2b7ca516745bfeafc49904b496089",
    }
    for n, ct in expect.items():
        aes = AES(bytes(range(n)))
        assert aes.encrypt_block(pt).hex() == ct
        assert aes.decrypt_block(bytes.fromhex(ct)) == pt


@pytest.mark.parametrize(("group", "case"), wycheproof.cases("aes_cbc_pkcs5_test"))
def test_wycheproof_cbc(impl: str, group: dict[str, object], case: dict[str, str]) -> None:
    aes = AES(bytes.fromhex(case["key"]))
    iv, msg, ct = (bytes.fromhex(case[k]) for k in ("iv", "msg", "ct"))
    if case["result"] == "valid":
        padder = padding.PKCS7(128).padder()
        assert aes.cbc_encrypt(iv, padder.update(msg) + padder.finalize()) == ct
    if len(ct) % 16:
        with pytest.raises(ValueError):
            aes.cbc_decrypt(iv, ct)
        assert case["result"] == "invalid"
        return
    padded = aes.cbc_decrypt(iv, ct)
    unpadder = padding.PKCS7(128).unpadder()
    try:
        got: bytes | None = unpadder.update(padded) + unpadder.finalize()
    except ValueError:
        got = None
    if case["result"] == "valid":
        assert got == msg
    else:
        assert got is None


def _oracle(key: bytes, mode: modes.Mode) -> Cipher[modes.Mode]:
    return Cipher(algorithms.AES(key), mode)


keys = st.sampled_from([16, 24, 32]).flatmap(lambda n: st.binary(min_size=n, max_size=n))


@with_impl
@given(key=keys, iv=st.binary(min_size=16, max_size=16), data=st.data())
def test_differential_all_modes(impl: str, key: bytes, iv: bytes, data: st.DataObject) -> None:
    n = data.draw(st.integers(0, 70000))
    msg = bytes((i * 131 + key[0]) & 0xFF for i in range(n))
    aes = AES(key)
    assert aes.ctr(iv, msg) == _oracle(key, modes.CTR(iv)).encryptor().update(msg)
    blocks = msg[: n - n % 16]
    ecb = _oracle(key, modes.ECB()).encryptor().update(blocks)
    assert aes.encrypt_blocks(blocks) == ecb
    assert aes.decrypt_blocks(ecb) == blocks
    cbc = _oracle(key, modes.CBC(iv)).encryptor().update(blocks)
    assert aes.cbc_encrypt(iv, blocks) == cbc
    assert aes.cbc_decrypt(iv, cbc) == blocks


@with_impl
@given(key=keys, low=st.integers(0, 40), n=st.integers(0, 600))
def test_ctr_counter_carries(impl: str, key: bytes, low: int, n: int) -> None:
    """Counters near 2^64 and 2^128 carry across the whole 128 bits."""
    for top in (0, 2**64 - 1, 2**128 - 2**64):
        start = (top + 2**64 - low) % 2**128
        iv = start.to_bytes(16, "big")
        msg = bytes(n)
        expect = _oracle(key, modes.CTR(iv)).encryptor().update(msg)
        assert AES(key).ctr(iv, msg) == expect


@with_impl
@given(key=keys, iv=st.binary(min_size=16, max_size=16), nblocks=st.integers(0, 40),
       extra=st.integers(0, 15))
def test_c_api_in_place_and_chaining(impl: str, key: bytes, iv: bytes, nblocks: int,
                                     extra: int) -> None:
    """The C calls work in place and update the IV/counter for chaining."""
    k = ffi.new("nc_aes_key *")
    assert lib.nc_aes_init(k, key, len(key)) == 0
    n = 16 * nblocks
    msg = bytes((i * 7 + 3) & 0xFF for i in range(n + extra))

    buf = ffi.new("uint8_t[]", msg[:n])
    ivb = ffi.new("uint8_t[16]", iv)
    half = 16 * (nblocks // 2)
    lib.nc_aes_cbc_encrypt(k, ivb, buf, buf, half)
    lib.nc_aes_cbc_encrypt(k, ivb, buf + half, buf + half, n - half)
    cbc = _oracle(key, modes.CBC(iv)).encryptor().update(msg[:n])
    assert ffi.buffer(buf, n)[:] == cbc
    assert bytes(ivb) == (cbc[-16:] if n else iv)

    ivb = ffi.new("uint8_t[16]", iv)
    lib.nc_aes_cbc_decrypt(k, ivb, buf, buf, half)
    lib.nc_aes_cbc_decrypt(k, ivb, buf + half, buf + half, n - half)
    assert ffi.buffer(buf, n)[:] == msg[:n]
    assert bytes(ivb) == (cbc[-16:] if n else iv)

    buf = ffi.new("uint8_t[]", msg)
    ctr = ffi.new("uint8_t[16]", iv)
    lib.nc_aes_ctr(k, ctr, buf, buf, half)
    lib.nc_aes_ctr(k, ctr, buf + half, buf + half, len(msg) - half)
    assert ffi.buffer(buf, len(msg))[:] == _oracle(key, modes.CTR(iv)).encryptor().update(msg)
    used = (len(msg) - half + 15) // 16 + half // 16
    assert bytes(ctr) == ((int.from_bytes(iv, "big") + used) % 2**128).to_bytes(16, "big")


def test_bad_sizes() -> None:
    for n in (0, 15, 17, 31, 33, 64):
        with pytest.raises(ValueError, match="16, 24 or 32"):
            AES(bytes(n))
    k = ffi.new("nc_aes_key *")
    assert lib.nc_aes_init(k, bytes(20), 20) == -1
    aes = AES(bytes(16))
    with pytest.raises(ValueError, match="16 bytes"):
        aes.encrypt_block(bytes(15))
    with pytest.raises(ValueError, match="multiple of 16"):
        aes.cbc_encrypt(bytes(16), bytes(17))
    with pytest.raises(ValueError, match="16 bytes"):
        aes.ctr(bytes(12), b"x")
    with pytest.raises(AttributeError):
        aes._key = None  # type: ignore[misc]


@pytest.mark.parametrize("n", [69999, 70000])
def test_large_buffers(impl: str, n: int) -> None:
    key, iv = bytes(range(32)), bytes(range(16, 32))
    msg = bytes((i * 29 + 1) & 0xFF for i in range(n))
    aes = AES(key)
    assert aes.ctr(iv, msg) == _oracle(key, modes.CTR(iv)).encryptor().update(msg)
    m = n - n % 16
    cbc = _oracle(key, modes.CBC(iv)).encryptor().update(msg[:m])
    assert aes.cbc_encrypt(iv, msg[:m]) == cbc
    assert aes.cbc_decrypt(iv, cbc) == msg[:m]


def test_all_aeads_share_one_import() -> None:
    # The stable entry point named in DESIGN.md.
    import nocrypto.chacha
    import nocrypto.cipher

    assert nocrypto.cipher.ChaCha20Poly1305 is nocrypto.chacha.ChaCha20Poly1305
    aead = nocrypto.cipher.ChaCha20Poly1305(bytes(32))
    assert aead.decrypt(bytes(12), aead.encrypt(bytes(12), b"x", b""), b"") == b"x"
