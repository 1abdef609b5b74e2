"""RecordProtection13 on nocrypto AEADs (the one-C-call path of
nocrypto.tls_aead) against the same class over pyca/cryptography (the
Python path): identical records, identical results and errors, and RFC
8448's records reproduced byte for byte."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM as OsslGCM
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305 as OsslChaCha
from hypothesis import given
from hypothesis import strategies as st

from nocrypto.chacha import ChaCha20Poly1305
from nocrypto.cipher import AESGCM
from nocrypto.errors import AuthenticationError
from tlspy.core.enums import AlertDescription, ContentType
from tlspy.core.errors import TLSRecordError
from tlspy.core.record import Record, RecordProtection13

V = json.loads((Path(__file__).parents[1] / "vectors" / "rfc8448" / "simple_1rtt.json").read_text())
K = {k: bytes.fromhex(v) for k, v in V["traffic_keys"].items()}
R = {k: bytes.fromhex(v) for k, v in V["records"].items()}


class Oracle:
    """pyca AEAD with nocrypto's interface (keeps RecordProtection13 on its
    Python path)."""

    def __init__(self, aead: Any) -> None:
        self.aead = aead

    def encrypt(self, nonce: bytes, data: Any, aad: bytes | None = None) -> bytes:
        return bytes(self.aead.encrypt(nonce, bytes(data), aad))

    def decrypt(self, nonce: bytes, data: Any, aad: bytes | None = None) -> bytes:
        try:
            return bytes(self.aead.decrypt(nonce, bytes(data), aad))
        except InvalidTag as e:
            raise AuthenticationError("bad tag") from e


def _pair(chacha: bool, key: bytes, iv: bytes) -> tuple[RecordProtection13, RecordProtection13]:
    if chacha:
        return (RecordProtection13(ChaCha20Poly1305(key), iv),
                RecordProtection13(Oracle(OsslChaCha(key)), iv))
    return RecordProtection13(AESGCM(key[:16]), iv), RecordProtection13(Oracle(OsslGCM(key[:16])), iv)


def _outcome(p: RecordProtection13, seq: int, rec: Record, limit: int) -> object:
    try:
        return p.decrypt(seq, rec, limit)
    except TLSRecordError as e:
        return e.alert


def test_fast_path_in_use() -> None:
    fast, slow = _pair(False, bytes(32), bytes(12))
    assert fast.fast is not None and slow.fast is None


@given(chacha=st.booleans(), key=st.binary(min_size=32, max_size=32),
       iv=st.binary(min_size=12, max_size=12), seq=st.integers(0, 2**64 - 1),
       ctype=st.sampled_from([t for t in ContentType if t]), content=st.binary(max_size=2000),
       padding=st.integers(0, 300), flip=st.integers(-1, 3000),
       limit=st.sampled_from([2**14 + 1, 64, 1000]))
def test_same_records_and_results(chacha: bool, key: bytes, iv: bytes, seq: int, ctype: int,
                                  content: bytes, padding: int, flip: int, limit: int) -> None:
    fast, slow = _pair(chacha, key, iv)
    rec = fast.encrypt(seq, ctype, content, padding)
    assert rec == slow.encrypt(seq, ctype, content, padding)
    body = bytearray(rec[5:])
    if 0 <= flip < len(body):
        body[flip] ^= 0x40
    r = Record(ContentType.APPLICATION_DATA, 0x0303, bytes(body))
    got = _outcome(fast, seq, r, limit)
    assert got == _outcome(slow, seq, r, limit)
    if not 0 <= flip < len(body) and len(content) + 1 + padding <= limit:
        assert got == (ctype, content)


def test_all_zero_inner_is_unexpected_message() -> None:
    fast, slow = _pair(False, bytes(32), bytes(12))
    rec = slow.encrypt(3, ContentType.APPLICATION_DATA, b"", 10)
    inner = bytearray(Oracle(OsslGCM(bytes(16))).decrypt((3).to_bytes(12, "big"), rec[5:], rec[:5]))
    assert inner == b"\x17" + bytes(10)
    header = rec[:5]
    zero = header + Oracle(OsslGCM(bytes(16))).encrypt((3).to_bytes(12, "big"), bytes(11), header)
    r = Record(ContentType.APPLICATION_DATA, 0x0303, zero[5:])
    with pytest.raises(TLSRecordError) as e:
        fast.decrypt(3, r)
    assert e.value.alert == AlertDescription.UNEXPECTED_MESSAGE


def test_rfc8448_records_fast_path() -> None:
    for side, seq, ctype, content, name in [
        ("client", 0, ContentType.APPLICATION_DATA, R["application_data_payload"],
         "client_application_data"),
        ("server", 1, ContentType.APPLICATION_DATA, R["application_data_payload"],
         "server_application_data"),
        ("client", 1, ContentType.ALERT, R["alert_payload"], "client_alert"),
    ]:
        p = RecordProtection13(AESGCM(K[f"{side}_application_key"]), K[f"{side}_application_iv"])
        assert p.fast is not None
        assert p.encrypt(seq, ctype, content) == R[name]
        rec = Record(ContentType.APPLICATION_DATA, 0x0303, R[name][5:])
        assert p.decrypt(seq, rec) == (ctype, content)
