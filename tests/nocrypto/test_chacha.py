"""ChaCha20, Poly1305 and the RFC 8439 AEAD: known answers and differential tests.

Known answers: RFC 8439 sections 2.3.2, 2.4.2, 2.5.2, 2.6.2 and 2.8.2 (typed
in below), Appendix A.1-A.5 (via the cryptography_vectors package, which
carries them in NIST form as rfc7539.txt, together with BoringSSL's and
OpenSSL's AEAD vectors), and Wycheproof.  Differential tests run against
pyca/cryptography (OpenSSL), on both the AVX2 and the portable path.
"""

from __future__ import annotations

import random
import struct
from pathlib import Path
from typing import Any

import cryptography_vectors
import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305 as OracleAEAD
from cryptography.hazmat.primitives.poly1305 import Poly1305
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nocrypto
import nocrypto.cpu
from nocrypto.chacha import ChaCha20Poly1305, chacha20, poly1305
from tests.wycheproof import cases

VECTORS = Path(cryptography_vectors.__file__).parent
SUNSCREEN = (b"Ladies and Gentlemen of the class of '99: If I could offer you only one "
             b"tip for the future, sunscreen would be it.")
KEY_00_1F = bytes(range(32))

# hypothesis with the function-scoped `impl` fixture: the fixture only flips
# the global path switch, which is the same for every example.
both_paths = settings(suppress_health_check=[
    HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large])


def h(text: str) -> bytes:
    return bytes.fromhex(text.replace(":", "").replace(" ", "").replace("\n", ""))


def nist_records(path: Path) -> list[dict[str, str]]:
    """Blank-line separated `NAME = value` records (cryptography_vectors' form)."""
    records: list[dict[str, str]] = []
    current: dict[str, str] = {}
    for raw in [*path.read_text().splitlines(), ""]:
        line = raw.strip()
        if not line or line.startswith("#"):
            if current:
                records.append(current)
                current = {}
            continue
        name, _, value = line.partition("=")
        current[name.strip().upper()] = value.strip()
    return [r for r in records if len(r) > 1]


def field(value: str) -> bytes:
    if value.startswith('"'):
        return value.strip('"').encode()
    return bytes.fromhex(value)


# ---------------------------------------------------------------- RFC 8439 text


def test_rfc8439_2_3_2_block_function(impl: str) -> None:
    nonce = h("000000090000004a00000000")
    expected = h("""10 f1 e7 e4 d1 3b 59 15 50 0f dd 1f a3 20 71 c4
                    c7 d1 f4 c7 33 c0 68 03 04 22 aa 9a c3 d4 6c 4e
                    d2 82 64 46 07 9f aa 09 14 c2 d7 05 d9 8b 02 a2
                    b5 12 9c d1 de 16 4e b9 cb d0 83 e8 a2 50 3c 4e""")
    assert chacha20(KEY_00_1F, nonce, 1, bytes(64)) == expected


def test_rfc8439_2_4_2_encryption(impl: str) -> None:
    nonce = h("000000000000004a00000000")
    expected = h("""6e 2e 35 9a 25 68 f9 80 41 ba 07 28 dd 0d 69 81
                    e9 7e 7a ec 1d 43 60 c2 0a 27 af cc fd 9f ae 0b
                    f9 1b 65 c5 52 47 33 ab 8f 59 3d ab cd 62 b3 57
                    16 39 d6 24 e6 51 52 ab 8f 53 0c 35 9f 08 61 d8
                    07 ca 0d bf 50 0d 6a 61 56 a3 8e 08 8a 22 b6 5e
                    52 bc 51 4d 16 cc f8 06 81 8c e9 1a b7 79 37 36
                    5a f9 0b bf 74 a3 5b e6 b4 0b 8e ed f2 78 5e 42
                    87 4d""")
    assert chacha20(KEY_00_1F, nonce, 1, SUNSCREEN) == expected
    assert chacha20(KEY_00_1F, nonce, 1, expected) == SUNSCREEN


def test_rfc8439_2_5_2_poly1305() -> None:
    key = h("85:d6:be:78:57:55:6d:33:7f:44:52:fe:42:d5:06:a8:"
            "01:03:80:8a:fb:0d:b2:fd:4a:bf:f6:af:41:49:f5:1b")
    tag = poly1305(key, b"Cryptographic Forum Research Group")
    assert tag == h("a8:06:1d:c1:30:51:36:c6:c2:2b:8b:af:0c:01:27:a9")


def test_rfc8439_2_6_2_one_time_key(impl: str) -> None:
    key = bytes(range(0x80, 0xA0))
    nonce = h("000000000001020304050607")
    otk = chacha20(key, nonce, 0, bytes(32))
    assert otk == h("""8a d5 a0 8b 90 5f 81 cc 81 50 40 27 4a b2 94 71
                       a8 33 b6 37 e3 fd 0d a5 08 db b8 e2 fd d1 a6 46""")


# ------------------------------------------------- RFC appendices, other suites


@pytest.mark.parametrize("rec", nist_records(VECTORS / "ciphers/ChaCha20/rfc7539.txt"),
                         ids=lambda r: f"A.2-{r['COUNT']}")
def test_rfc8439_a2_chacha20(rec: dict[str, str], impl: str) -> None:
    out = chacha20(field(rec["KEY"]), field(rec["NONCE"]),
                   int(rec["INITIAL_BLOCK_COUNTER"]), field(rec["PLAINTEXT"]))
    assert out == field(rec["CIPHERTEXT"])


@pytest.mark.parametrize("rec", nist_records(VECTORS / "poly1305/rfc7539.txt"),
                         ids=lambda r: f"A.3-{r['COUNT']}")
def test_rfc8439_a3_poly1305(rec: dict[str, str]) -> None:
    assert poly1305(field(rec["KEY"]), field(rec["MSG"])) == field(rec["TAG"])


def _aead_records() -> list[Any]:
    out = []
    d = VECTORS / "ciphers/ChaCha20Poly1305"
    for rec in nist_records(d / "boringssl.txt"):
        out.append(pytest.param(rec["KEY"], rec["NONCE"], rec["AD"], rec["IN"],
                                (rec["CT"], rec["TAG"]), True, id=f"boringssl-{rec['COUNT']}"))
    for rec in nist_records(d / "openssl.txt"):
        ok = rec.get("RESULT") != "CIPHERFINAL_ERROR"
        out.append(pytest.param(rec["KEY"], rec["IV"], rec["AAD"], rec["PLAINTEXT"],
                                (rec["CIPHERTEXT"], rec["TAG"]), ok, id=f"openssl-{rec['COUNT']}"))
    return out


@pytest.mark.parametrize(("key", "nonce", "aad", "pt", "ct", "ok"), _aead_records())
def test_aead_known_answers(key: str, nonce: str, aad: str, pt: str, ct: tuple[str, str],
                            ok: bool,
                            impl: str) -> None:
    # boringssl.txt starts with RFC 8439 section 2.8.2, openssl.txt with A.5.
    aead = ChaCha20Poly1305(field(key))
    n, a, p, c = field(nonce), field(aad), field(pt), field(ct[0]) + field(ct[1])
    if ok:
        assert aead.encrypt(n, p, a) == c
        assert aead.decrypt(n, c, a) == p
    else:
        with pytest.raises(nocrypto.AuthenticationError):
            aead.decrypt(n, c, a)


@pytest.mark.parametrize(("group", "test"), cases("chacha20_poly1305_test"))
def test_wycheproof(group: dict[str, Any], test: dict[str, Any], impl: str) -> None:
    key, iv = bytes.fromhex(test["key"]), bytes.fromhex(test["iv"])
    aad, msg = bytes.fromhex(test["aad"]), bytes.fromhex(test["msg"])
    ct_tag = bytes.fromhex(test["ct"]) + bytes.fromhex(test["tag"])
    if len(key) != 32 or len(iv) != 12:
        with pytest.raises(ValueError, match=r"32|12"):
            ChaCha20Poly1305(key).decrypt(iv, ct_tag, aad)
        assert test["result"] == "invalid"
        return
    aead = ChaCha20Poly1305(key)
    if test["result"] == "valid":
        assert aead.encrypt(iv, msg, aad) == ct_tag
        assert aead.decrypt(iv, ct_tag, aad) == msg
    else:
        with pytest.raises(nocrypto.AuthenticationError):
            aead.decrypt(iv, ct_tag, aad)


# ------------------------------------------------------------- differential


def _data(seed: int, n: int) -> bytes:
    return random.Random(seed).randbytes(n)


@both_paths
@given(key=st.binary(min_size=32, max_size=32), nonce=st.binary(min_size=12, max_size=12),
       aad=st.binary(max_size=300), n=st.integers(0, 70_000), seed=st.integers(0, 2**32))
def test_aead_matches_openssl(key: bytes, nonce: bytes, aad: bytes, n: int, seed: int,
                              impl: str) -> None:
    data = _data(seed, n)
    ours = ChaCha20Poly1305(key).encrypt(nonce, data, aad)
    assert ours == OracleAEAD(key).encrypt(nonce, data, aad)
    assert ChaCha20Poly1305(key).decrypt(nonce, ours, aad) == data


# Where the code changes strategy: one block (scalar), the short AEAD path
# (<= 192), SSSE3 (<= 256), AVX2 batches of 512 with their tails, and the
# AVX2 Poly1305 (from 32 blocks, in groups of four).
BOUNDARIES = [0, 1, 15, 16, 17, 63, 64, 65, 191, 192, 193, 255, 256, 257, 319, 320, 321,
              383, 384, 511, 512, 513, 767, 768, 769, 895, 896, 1023, 1024, 1025, 1279, 1280,
              4096, 16383, 16384, 16385]


@pytest.mark.parametrize("n", BOUNDARIES)
def test_aead_at_strategy_boundaries(n: int, impl: str) -> None:
    key, nonce, data = _data(n, 32), _data(n + 1, 12), _data(n + 2, n)
    for aad in (b"", b"a", _data(n + 3, 16), _data(n + 4, 17)):
        sealed = ChaCha20Poly1305(key).encrypt(nonce, data, aad)
        assert sealed == OracleAEAD(key).encrypt(nonce, data, aad)
        assert ChaCha20Poly1305(key).decrypt(nonce, sealed, aad) == data
    assert poly1305(key, data) == Poly1305.generate_tag(key, data)


def test_every_length_to_1100_matches_openssl(impl: str) -> None:
    # Every message length across the scalar, SSSE3 and AVX2 ChaCha20 paths
    # and the AVX2 Poly1305 threshold and its four-block groups, with the
    # aad length moving the message's Poly1305 block alignment too.
    key, nonce, data = _data(7, 32), _data(8, 12), _data(9, 1_100)
    ours, oracle = ChaCha20Poly1305(key), OracleAEAD(key)
    for n in range(1_101):
        aad = data[:n % 37]
        sealed = ours.encrypt(nonce, data[:n], aad)
        assert sealed == oracle.encrypt(nonce, data[:n], aad), n
        assert ours.decrypt(nonce, sealed, aad) == data[:n]
        assert poly1305(key, data[:n]) == Poly1305.generate_tag(key, data[:n]), n


@both_paths
@given(key=st.binary(min_size=32, max_size=32), nonce=st.binary(min_size=12, max_size=12),
       aad=st.binary(max_size=80),
       n=st.one_of(st.integers(0, 1_100),
                   st.sampled_from([4_095, 4_096, 4_097, 16_383, 16_384, 16_385, 16_401,
                                    65_549])),
       seed=st.integers(0, 2**32))
def test_aead_small_and_record_lengths_match_openssl(key: bytes, nonce: bytes, aad: bytes,
                                                     n: int, seed: int, impl: str) -> None:
    data = _data(seed, n)
    ours = ChaCha20Poly1305(key).encrypt(nonce, data, aad)
    assert ours == OracleAEAD(key).encrypt(nonce, data, aad)
    assert ChaCha20Poly1305(key).decrypt(nonce, ours, aad) == data
    assert poly1305(key, aad + data) == Poly1305.generate_tag(key, aad + data)


@both_paths
@given(key=st.binary(min_size=32, max_size=32), nonce=st.binary(min_size=12, max_size=12),
       aad=st.binary(max_size=64), n=st.integers(0, 5_000), seed=st.integers(0, 2**32),
       where=st.sampled_from(["ct", "aad", "nonce"]), bit=st.integers(0, 2**20))
def test_aead_rejects_tampering(key: bytes, nonce: bytes, aad: bytes, n: int, seed: int,
                                where: str, bit: int, impl: str) -> None:
    data = _data(seed, n)
    aead = ChaCha20Poly1305(key)
    sealed = bytearray(aead.encrypt(nonce, data, aad))
    a, nn = bytearray(aad), bytearray(nonce)
    target = {"ct": sealed, "aad": a, "nonce": nn}[where]
    if not target:
        target = sealed  # empty aad: tamper with the tag instead
    i = bit % (8 * len(target))
    target[i // 8] ^= 1 << (i % 8)
    with pytest.raises(nocrypto.AuthenticationError):
        aead.decrypt(bytes(nn), bytes(sealed), bytes(a))
    # and the oracle agrees that this is a forgery
    from cryptography.exceptions import InvalidTag
    with pytest.raises(InvalidTag):
        OracleAEAD(key).decrypt(bytes(nn), bytes(sealed), bytes(a))


@both_paths
@given(key=st.binary(min_size=32, max_size=32), nonce=st.binary(min_size=12, max_size=12),
       counter=st.integers(0, 2**32 - 2_000), n=st.integers(0, 70_000),
       seed=st.integers(0, 2**32))
def test_chacha20_matches_openssl(key: bytes, nonce: bytes, counter: int, n: int, seed: int,
                                  impl: str) -> None:
    data = _data(seed, n)
    enc = Cipher(algorithms.ChaCha20(key, struct.pack("<I", counter) + nonce), None).encryptor()
    assert chacha20(key, nonce, counter, data) == enc.update(data)


@both_paths
@given(key=st.binary(min_size=32, max_size=32), n=st.integers(0, 20_000),
       seed=st.integers(0, 2**32))
def test_poly1305_matches_openssl(key: bytes, n: int, seed: int, impl: str) -> None:
    data = _data(seed, n)
    assert poly1305(key, data) == Poly1305.generate_tag(key, data)


def test_poly1305_extreme_values(impl: str) -> None:
    # All-ones r and s, all-ones messages: the largest intermediate values,
    # on the scalar code and (from 512 bytes) the AVX2 lanes.
    for key in (b"\xff" * 32, b"\xff" * 16 + bytes(16), bytes(16) + b"\xff" * 16):
        for n in (0, 1, 15, 16, 17, 31, 32, 33, 64, 255, 256, 511, 512, 576, 767, 768, 1000,
                  4096, 4111):
            msg = b"\xff" * n
            assert poly1305(key, msg) == Poly1305.generate_tag(key, msg)


def test_paths_agree_on_every_length_and_counter_wrap() -> None:
    key, nonce = _data(1, 32), _data(2, 12)
    data = _data(3, 1_500)
    for counter in (0, 7, 2**32 - 20, 2**32 - 1):
        for n in [*range(0, 1_100, 37), 192, 193, 256, 257, 511, 512, 513, 1_500]:
            with nocrypto.cpu.portable(True):
                slow = chacha20(key, nonce, counter, data[:n])
            with nocrypto.cpu.portable(False):
                fast = chacha20(key, nonce, counter, data[:n])
            assert fast == slow, (counter, n)
    # The 32-bit counter wraps to 0 (RFC 8439 defines no carry into the nonce).
    last = chacha20(key, nonce, 2**32 - 1, bytes(128))
    assert last[64:] == chacha20(key, nonce, 0, bytes(64))


# ------------------------------------------------------------- API behaviour


@pytest.mark.parametrize("n", [0, 1, 64, 100, 192, 193, 300, 3_000])
def test_into_variants_work_in_place(n: int, impl: str) -> None:
    # 192 bytes and less take the short (one four-block call) path.
    aead_key = _data(4, 32)
    aead = ChaCha20Poly1305(aead_key)
    nonce, aad, msg = _data(5, 12), b"header", _data(6, n)
    buf = bytearray(msg) + bytearray(16)
    assert aead.encrypt_into(nonce, memoryview(buf)[:len(msg)], aad, buf) == len(msg) + 16
    assert bytes(buf) == OracleAEAD(aead_key).encrypt(nonce, msg, aad)
    assert aead.decrypt_into(nonce, buf, aad, buf) == len(msg)
    assert bytes(buf[:len(msg)]) == msg
    # A forgery raises and leaves zeros where the plaintext would have gone.
    sealed = bytearray(OracleAEAD(aead_key).encrypt(nonce, msg, aad))
    sealed[-1] ^= 1
    out = bytearray(b"\xaa" * len(msg))
    with pytest.raises(nocrypto.AuthenticationError):
        aead.decrypt_into(nonce, sealed, aad, out)
    assert out == bytearray(len(msg))


def test_into_checks_the_output_size() -> None:
    aead = ChaCha20Poly1305(bytes(32))
    with pytest.raises(ValueError, match="116"):
        aead.encrypt_into(bytes(12), bytes(100), None, bytearray(115))
    with pytest.raises(ValueError, match="100"):
        aead.decrypt_into(bytes(12), bytes(116), None, bytearray(99))


def test_sizes_are_checked_and_named() -> None:
    for bad in (0, 16, 31, 33):
        with pytest.raises(ValueError, match="32 bytes"):
            ChaCha20Poly1305(bytes(bad))
        with pytest.raises(ValueError, match="32 bytes"):
            poly1305(bytes(bad), b"")
        with pytest.raises(ValueError, match="32 bytes"):
            chacha20(bytes(bad), bytes(12), 0, b"")
    aead = ChaCha20Poly1305(bytes(32))
    for bad in (0, 8, 11, 13, 24):
        with pytest.raises(ValueError, match="12 bytes"):
            aead.encrypt(bytes(bad), b"x")
        with pytest.raises(ValueError, match="12 bytes"):
            aead.decrypt(bytes(bad), bytes(17))
        with pytest.raises(ValueError, match="12 bytes"):
            chacha20(bytes(32), bytes(bad), 0, b"")
    with pytest.raises(ValueError, match="counter"):
        chacha20(bytes(32), bytes(12), 2**32, b"")


@pytest.mark.parametrize("kind", [bytearray, memoryview])
def test_encrypt_and_decrypt_take_any_buffer(kind: Any) -> None:
    # bytes go to C as they are; other buffers take the from_buffer retry,
    # for every argument alone and all together.
    key, nonce, aad, msg = _data(10, 32), _data(11, 12), _data(12, 20), _data(13, 300)
    aead, oracle = ChaCha20Poly1305(key), OracleAEAD(key)
    sealed = oracle.encrypt(nonce, msg, aad)
    for which in ("nonce", "data", "aad", "all"):
        def conv(name: str, value: bytes, which: str = which) -> Any:
            return kind(bytearray(value)) if which in (name, "all") else value
        assert aead.encrypt(conv("nonce", nonce), conv("data", msg), conv("aad", aad)) == sealed
        assert aead.decrypt(conv("nonce", nonce), conv("data", sealed), conv("aad", aad)) == msg
        forged = bytearray(sealed)
        forged[0] ^= 1
        with pytest.raises(nocrypto.AuthenticationError):
            aead.decrypt(conv("nonce", nonce), conv("data", bytes(forged)), conv("aad", aad))


def test_short_ciphertext_and_empty_message() -> None:
    aead = ChaCha20Poly1305(bytes(32))
    for n in range(16):
        with pytest.raises(nocrypto.AuthenticationError):
            aead.decrypt(bytes(12), bytes(n))
    sealed = aead.encrypt(bytes(12), b"", None)
    assert len(sealed) == 16
    assert aead.decrypt(bytes(12), sealed) == b""
    assert aead.decrypt(bytes(12), sealed, b"") == b""


def test_key_object_is_immutable_and_hides_the_key() -> None:
    key = _data(7, 32)
    aead = ChaCha20Poly1305(key)
    with pytest.raises(AttributeError):
        aead._key = None
    with pytest.raises(AttributeError):
        aead.other = 1  # type: ignore[attr-defined]
    assert key.hex() not in repr(aead)
    # the key was copied: changing the caller's buffer changes nothing
    buf = bytearray(key)
    aead2 = ChaCha20Poly1305(buf)
    buf[:] = bytes(32)
    assert aead2.encrypt(bytes(12), b"abc") == aead.encrypt(bytes(12), b"abc")
