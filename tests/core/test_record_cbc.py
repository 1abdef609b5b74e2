"""tlspy.core.record_cbc: TLS 1.2 AES-CBC + HMAC records, MAC-then-encrypt
and encrypt-then-MAC (RFC 7366), against a pyca/cryptography + stdlib hmac
oracle that builds the records independently."""

from __future__ import annotations

import hmac as std_hmac
from hashlib import sha1, sha256, sha384
from typing import Any

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from hypothesis import given
from hypothesis import strategies as st

from tlspy.core.enums import AlertDescription, ContentType
from tlspy.core.errors import TLSRecordError
from tlspy.core.record import Record, parse_records
from tlspy.core.record_cbc import RecordProtection12CBC

HASHES: dict[str, Any] = {"sha1": sha1, "sha256": sha256, "sha384": sha384}
APP = ContentType.APPLICATION_DATA


def cbc(key: bytes, iv: bytes, data: bytes, encrypt: bool) -> bytes:
    c = Cipher(algorithms.AES(key), modes.CBC(iv))
    op = c.encryptor() if encrypt else c.decryptor()
    return op.update(data) + op.finalize()


def oracle_record(
    alg: str,
    key: bytes,
    mac_key: bytes,
    etm: bool,
    seq: int,
    ctype: int,
    data: bytes,
    iv: bytes,
    pad: int,
) -> bytes:
    h = HASHES[alg]
    head = seq.to_bytes(8, "big") + bytes((ctype, 3, 3))
    if etm:
        padded = data + bytes((pad,)) * (pad + 1)
        ct = iv + cbc(key, iv, padded, True)
        mac = std_hmac.new(mac_key, head + len(ct).to_bytes(2, "big") + ct, h).digest()
        frag = ct + mac
    else:
        mac = std_hmac.new(mac_key, head + len(data).to_bytes(2, "big") + data, h).digest()
        plain = data + mac + bytes((pad,)) * (pad + 1)
        frag = iv + cbc(key, iv, plain, True)
    return bytes((ctype, 3, 3)) + len(frag).to_bytes(2, "big") + frag


params = st.tuples(
    st.sampled_from(["sha1", "sha256", "sha384"]),
    st.sampled_from([16, 32]),
    st.booleans(),
)


@given(
    params, st.binary(max_size=100), st.integers(0, 2**64 - 1), st.binary(min_size=16, max_size=16)
)
def test_encrypt_matches_oracle(p: tuple[str, int, bool], data: bytes, seq: int, iv: bytes) -> None:
    alg, klen, etm = p
    key, mac_key = bytes(range(klen)), b"m" * HASHES[alg]().digest_size
    prot = RecordProtection12CBC(key, alg, mac_key, encrypt_then_mac=etm)
    wire = prot.encrypt(seq, APP, 0x0303, data, iv)
    pad = 15 - (len(data) if etm else len(data) + len(mac_key)) % 16
    assert wire == oracle_record(alg, key, mac_key, etm, seq, APP, data, iv, pad)
    (rec,), _ = parse_records(wire)
    assert prot.decrypt(seq, rec) == data


@given(params, st.binary(max_size=60), st.integers(0, 15), st.data())
def test_decrypt_oracle_records_any_padding(
    p: tuple[str, int, bool], data: bytes, extra_blocks: int, d: st.DataObject
) -> None:
    alg, klen, etm = p
    key, mac_key = bytes(range(klen)), b"k" * HASHES[alg]().digest_size
    base = len(data) if etm else len(data) + len(mac_key)
    pad = (15 - base % 16) + 16 * extra_blocks
    if pad > 255:
        return
    wire = oracle_record(alg, key, mac_key, etm, 9, APP, data, bytes(16), pad)
    prot = RecordProtection12CBC(key, alg, mac_key, encrypt_then_mac=etm)
    (rec,), _ = parse_records(wire)
    assert prot.decrypt(9, rec) == data
    # Any change to the fragment, or the wrong sequence number: bad_record_mac.
    frag = bytearray(rec.fragment)
    i = d.draw(st.integers(0, len(frag) - 1))
    frag[i] ^= d.draw(st.integers(1, 255))
    for seq, f in ((9, bytes(frag)), (10, rec.fragment)):
        with pytest.raises(TLSRecordError) as e:
            prot.decrypt(seq, Record(APP, 0x0303, f))
        assert e.value.alert is AlertDescription.BAD_RECORD_MAC


@pytest.mark.parametrize("etm", [False, True])
def test_bad_padding_and_lengths(etm: bool) -> None:
    key, mac_key = bytes(16), bytes(20)
    prot = RecordProtection12CBC(key, "sha1", mac_key, encrypt_then_mac=etm)
    # Padding bytes that disagree with the padding length, MAC correct.
    data = b"x" * 10
    head = (0).to_bytes(8, "big") + bytes((APP, 3, 3))
    if etm:
        padded = data + b"\x05\x05\x05\x05\x04\x05"
        ct = bytes(16) + cbc(key, bytes(16), padded, True)
        frag = ct + std_hmac.new(mac_key, head + len(ct).to_bytes(2, "big") + ct, sha1).digest()
    else:
        mac = std_hmac.new(mac_key, head + len(data).to_bytes(2, "big") + data, sha1).digest()
        plain = data + mac + b"\x01\x00"
        frag = bytes(16) + cbc(key, bytes(16), plain, True)
    with pytest.raises(TLSRecordError) as e:
        prot.decrypt(0, Record(APP, 0x0303, frag))
    assert e.value.alert is AlertDescription.BAD_RECORD_MAC
    for n in (0, 15, 16, 17, 31, 32, 47):
        with pytest.raises(TLSRecordError) as e:
            prot.decrypt(0, Record(APP, 0x0303, bytes(n)))
        assert e.value.alert is AlertDescription.BAD_RECORD_MAC
    with pytest.raises(TLSRecordError) as e:
        prot.decrypt(0, Record(APP, 0x0303, bytes(2**14 + 2049)))
    assert e.value.alert is AlertDescription.RECORD_OVERFLOW
    with pytest.raises(ValueError):
        prot.encrypt(0, APP, 0x0303, b"", bytes(8))
    with pytest.raises(AttributeError):
        prot._etm = True  # type: ignore[misc]
