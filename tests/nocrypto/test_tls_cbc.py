"""The TLS CBC record check (Lucky Thirteen countermeasure) and its sealing
side: every well-formed record verifies, every corruption (padding byte,
padding length, MAC, data, length) fails with the same error and no other
exception; the MAC is checked against the stdlib hmac oracle."""

from __future__ import annotations

import hmac as std_hmac
import random

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from hypothesis import given
from hypothesis import strategies as st

import nocrypto.cpu
from nocrypto import AuthenticationError, tls_cbc

ALGS = ["sha1", "sha256", "sha384"]
SIZES = {"sha1": 20, "sha224": 28, "sha256": 32, "sha384": 48, "sha512": 64}


def oracle_record(alg: str, key: bytes, prefix: bytes, data: bytes, pad: int) -> bytes:
    mac = std_hmac.new(key, prefix + len(data).to_bytes(2, "big") + data, alg).digest()
    return data + mac + bytes([pad]) * (pad + 1)


def _rejects(alg: str, key: bytes, prefix: bytes, rec: bytes) -> None:
    with pytest.raises(AuthenticationError, match="bad record MAC"):
        tls_cbc.verify(alg, key, prefix, rec)


@pytest.mark.parametrize("portable", [False, True], ids=["hardware", "portable"])
@given(
    alg=st.sampled_from(["sha1", "sha224", "sha256", "sha384", "sha512"]),
    key=st.binary(max_size=200),
    prefix=st.binary(min_size=11, max_size=11),
    length=st.integers(min_value=0, max_value=17_000),
    pad=st.integers(min_value=0, max_value=255),
    seed=st.integers(min_value=0, max_value=2**32),
    where=st.integers(min_value=0),
    bit=st.integers(min_value=0, max_value=7),
)
def test_valid_records_verify_and_corruptions_fail(
    portable: bool, alg: str, key: bytes, prefix: bytes, length: int, pad: int, seed: int,
    where: int, bit: int,
) -> None:
    data = random.Random(seed).randbytes(length)
    rec = oracle_record(alg, key, prefix, data, pad)
    hl = SIZES[alg]
    with nocrypto.cpu.portable(portable):
        assert tls_cbc.verify(alg, key, prefix, rec) == data
        # any single flipped bit anywhere in the record
        i = where % len(rec)
        bad = bytearray(rec)
        bad[i] ^= 1 << bit
        _rejects(alg, key, prefix, bytes(bad))
        # a bad padding byte anywhere in the padding
        if pad > 0:
            bad = bytearray(rec)
            bad[len(rec) - 2 - where % pad] ^= 0x55
            _rejects(alg, key, prefix, bytes(bad))
        # a wrong MAC byte, a wrong key, a wrong sequence number
        bad = bytearray(rec)
        bad[length + where % hl] ^= 0x80
        _rejects(alg, key, prefix, bytes(bad))
        _rejects(alg, key + b"x", prefix, rec)
        _rejects(alg, key, bytes([prefix[0] ^ 1]) + prefix[1:], rec)
        # truncated records
        _rejects(alg, key, prefix, rec[:-1])
        _rejects(alg, key, prefix, rec[1:])


@pytest.mark.parametrize("alg", ALGS)
def test_every_padding_length(impl: str, alg: str) -> None:
    key, prefix = b"k" * 32, tls_cbc.mac_prefix(7, 23, 0x0303)
    for pad in range(256):
        data = bytes(range(pad % 50))
        rec = oracle_record(alg, key, prefix, data, pad)
        assert tls_cbc.verify(alg, key, prefix, rec) == data
        # claim one more byte of padding than there is
        bad = bytearray(rec)
        if pad < 255:
            bad[-1] = pad + 1
            _rejects(alg, key, prefix, bytes(bad))


@pytest.mark.parametrize("alg", ["sha1", "sha256", "sha384", "sha512"])
@pytest.mark.parametrize("total", [300, 333, 1024, 1100])
def test_every_data_length_in_the_window(impl: str, alg: str, total: int) -> None:
    """A fixed record length with every padding length 0..255: the secret
    data length takes every value of the window, across block boundaries."""
    key, prefix = b"key" * 11, tls_cbc.mac_prefix(3, 23, 0x0303)
    hl = SIZES[alg]
    for pad in range(min(256, total - hl)):
        data = bytes((i * 7 + pad) & 0xFF for i in range(total - hl - 1 - pad))
        rec = oracle_record(alg, key, prefix, data, pad)
        assert len(rec) == total
        assert tls_cbc.verify(alg, key, prefix, rec) == data
        bad = bytearray(rec)
        bad[len(data) + hl - 1] ^= 0x10  # last MAC byte
        _rejects(alg, key, prefix, bytes(bad))


@pytest.mark.parametrize("alg", ALGS)
def test_short_and_degenerate_records(alg: str) -> None:
    key, prefix = b"key", bytes(11)
    hl = SIZES[alg]
    for n in range(hl + 2):
        _rejects(alg, key, prefix, bytes(n))
        _rejects(alg, key, prefix, bytes([255]) * n)
    # padding length larger than the record
    _rejects(alg, key, prefix, bytes(hl) + bytes([200]))
    # MAC of the empty data with no padding is the smallest valid record
    rec = oracle_record(alg, key, prefix, b"", 0)
    assert len(rec) == hl + 1
    assert tls_cbc.verify(alg, key, prefix, rec) == b""


@pytest.mark.parametrize("alg", ALGS)
@given(data=st.binary(max_size=3000), extra=st.integers(min_value=0, max_value=8),
       block=st.sampled_from([8, 16]))
def test_mac_and_pad_round_trip(alg: str, data: bytes, extra: int, block: int) -> None:
    key, prefix = b"mac key", tls_cbc.mac_prefix(2**64 - 1, 23, 0x0303)
    hl = SIZES[alg]
    base = (block - (len(data) + hl + 1) % block) % block
    if base + extra * block > 255:
        with pytest.raises(ValueError):
            tls_cbc.mac_and_pad(alg, key, prefix, data, block, extra)
        return
    rec = tls_cbc.mac_and_pad(alg, key, prefix, data, block, extra)
    assert len(rec) % block == 0
    assert rec == oracle_record(alg, key, prefix, data, base + extra * block)
    assert tls_cbc.verify(alg, key, prefix, rec) == data
    assert tls_cbc.unpad(rec) == data + rec[len(data):len(data) + hl]


def test_unpad() -> None:
    assert tls_cbc.unpad(b"abc\x00") == b"abc"
    assert tls_cbc.unpad(b"ab\x01\x01") == b"ab"
    assert tls_cbc.unpad(b"\x03\x03\x03\x03") == b""
    for bad in (b"", b"\x01", b"ab\x02\x01", b"a\x02\x01\x02", b"\x04\x04\x04\x04"):
        with pytest.raises(AuthenticationError):
            tls_cbc.unpad(bad)


@pytest.mark.parametrize("alg", ALGS)
@given(ct=st.binary(max_size=2000), key=st.binary(max_size=64))
def test_encrypt_then_mac(alg: str, ct: bytes, key: bytes) -> None:
    prefix = tls_cbc.mac_prefix(5, 23, 0x0303)
    tag = tls_cbc.etm_mac(alg, key, prefix, ct)
    want = std_hmac.new(key, prefix + len(ct).to_bytes(2, "big") + ct, alg).digest()
    assert tag == want
    tls_cbc.etm_verify(alg, key, prefix, ct, tag)
    for bad in (tag[:-1], bytes([tag[0] ^ 1]) + tag[1:]):
        with pytest.raises(AuthenticationError):
            tls_cbc.etm_verify(alg, key, prefix, ct, bad)
    with pytest.raises(AuthenticationError):
        tls_cbc.etm_verify(alg, key, prefix, ct + b"\0", tag)


def test_argument_checks() -> None:
    with pytest.raises(ValueError, match="11 bytes"):
        tls_cbc.verify("sha256", b"k", b"short", bytes(64))
    with pytest.raises(ValueError, match="sha256"):
        tls_cbc.verify("md5", b"k", bytes(11), bytes(64))
    with pytest.raises(ValueError):
        tls_cbc.mac_prefix(2**64, 23, 0x0303)
    assert tls_cbc.mac_prefix(1, 22, 0x0303) == bytes(7) + b"\x01\x16\x03\x03"


def _aes_cbc(key: bytes, iv: bytes, data: bytes, encrypt: bool) -> bytes:
    c = Cipher(algorithms.AES(key), modes.CBC(iv))
    op = c.encryptor() if encrypt else c.decryptor()
    return op.update(data) + op.finalize()


@pytest.mark.parametrize("portable", [False, True], ids=["hardware", "portable"])
@pytest.mark.parametrize("etm", [False, True], ids=["mac-then-encrypt", "encrypt-then-mac"])
@given(
    alg=st.sampled_from(ALGS),
    key=st.sampled_from([bytes(range(16)), bytes(range(32))]),
    iv=st.binary(min_size=16, max_size=16),
    data=st.binary(max_size=3000),
    extra=st.integers(min_value=0, max_value=3),
    seq=st.integers(min_value=0, max_value=2**64 - 1),
    where=st.integers(min_value=0),
)
def test_aes_cbc_records_match_oracle(portable: bool, etm: bool, alg: str, key: bytes,
                                      iv: bytes, data: bytes, extra: int, seq: int,
                                      where: int) -> None:
    mac_key = b"m" * SIZES[alg]
    prefix = tls_cbc.mac_prefix(seq, 23, 0x0303)
    with nocrypto.cpu.portable(portable):
        rec = tls_cbc.AESCBCRecord(key, alg, mac_key, encrypt_then_mac=etm)
    wire = rec.seal(prefix, iv, data, extra)
    assert wire[:16] == iv
    if etm:
        hl = SIZES[alg]
        ct, tag = wire[16:-hl], wire[-hl:]
        plain = _aes_cbc(key, iv, ct, False)
        assert tls_cbc.unpad(plain) == data
        assert (len(plain) - len(data) - 1) // 16 == extra
        head = prefix + (16 + len(ct)).to_bytes(2, "big")
        assert tag == std_hmac.new(mac_key, head + iv + ct, alg).digest()
    else:
        plain = _aes_cbc(key, iv, wire[16:], False)
        assert tls_cbc.verify(alg, mac_key, prefix, plain) == data
    assert rec.open(prefix, wire) == data
    # an oracle-built record opens too (mac-then-encrypt)
    if not etm:
        pad = (16 - (len(data) + SIZES[alg] + 1) % 16) % 16
        oracle = iv + _aes_cbc(key, iv, oracle_record(alg, mac_key, prefix, data, pad), True)
        assert rec.open(prefix, oracle) == data
    # any flipped byte, a truncation, the wrong sequence number: one error
    bad = bytearray(wire)
    bad[where % len(bad)] ^= 0x01
    for broken in (bytes(bad), wire[:-16], wire[:16], wire[:15]):
        with pytest.raises(AuthenticationError, match="bad record MAC"):
            rec.open(prefix, broken)
    with pytest.raises(AuthenticationError):
        rec.open(tls_cbc.mac_prefix(seq ^ 1, 23, 0x0303), wire)


def test_aes_cbc_record_arguments() -> None:
    with pytest.raises(ValueError, match="16, 24 or 32"):
        tls_cbc.AESCBCRecord(b"short", "sha256", b"k")
    rec = tls_cbc.AESCBCRecord(bytes(16), "sha1", b"k")
    with pytest.raises(ValueError, match="iv must be 16"):
        rec.seal(bytes(11), b"iv", b"data")
    with pytest.raises(ValueError):
        rec.seal(bytes(11), bytes(16), b"data", pad_extra=16)
    with pytest.raises(ValueError):
        rec.seal(bytes(11), bytes(16), b"data", pad_extra=-1)
    with pytest.raises(AttributeError):
        rec.encrypt_then_mac = True  # type: ignore[misc]
    assert len(rec.seal(bytes(11), bytes(16), b"", pad_extra=14)) == 16 + 16 * 16
