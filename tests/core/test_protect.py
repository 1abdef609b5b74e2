"""tlspy.core.protect: record protection built from negotiated parameters
with nocrypto's own AEADs: RFC 8448's records byte for
byte, and TLS 1.2 AEAD and CBC protection for every suite in both
directions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tlspy.core import keyschedule as ks
from tlspy.core.enums import AlertDescription, CipherSuite, ContentType
from tlspy.core.errors import TLSRecordError
from tlspy.core.protect import new_aead, protection12, protection13
from tlspy.core.record import RecordProtection12, parse_records
from tlspy.core.record_cbc import RecordProtection12CBC
from tlspy.core.suites import SUITES, BulkCipher, SuiteInfo

V = json.loads((Path(__file__).parents[1] / "vectors" / "rfc8448" / "simple_1rtt.json").read_text())
S = {k: bytes.fromhex(v) for k, v in V["secrets"].items()}
R = {k: bytes.fromhex(v) for k, v in V["records"].items()}
M = {k: bytes.fromhex(v) for k, v in V["messages"].items()}
APP, HS = ContentType.APPLICATION_DATA, ContentType.HANDSHAKE
AES128 = SUITES[CipherSuite.TLS_AES_128_GCM_SHA256]


def test_rfc8448_records_with_nocrypto() -> None:
    server_hs = protection13(AES128, S["server_handshake_traffic_secret"])
    payload = b"".join(
        M[n]
        for n in ("encrypted_extensions", "certificate", "certificate_verify", "server_finished")
    )
    assert server_hs.encrypt(0, HS, payload) == R["server_handshake"]
    client_hs = protection13(AES128, S["client_handshake_traffic_secret"])
    assert client_hs.encrypt(0, HS, M["client_finished"]) == R["client_finished"]
    server_ap = protection13(AES128, S["server_application_traffic_secret_0"])
    client_ap = protection13(AES128, S["client_application_traffic_secret_0"])
    assert server_ap.encrypt(1, APP, R["application_data_payload"]) == R["server_application_data"]
    for prot, seq, name, ctype, content in (
        (server_hs, 0, "server_handshake", HS, payload),
        (server_ap, 0, "server_new_session_ticket", HS, M["new_session_ticket"]),
        (client_ap, 0, "client_application_data", APP, R["application_data_payload"]),
        (client_ap, 1, "client_alert", ContentType.ALERT, R["alert_payload"]),
        (server_ap, 2, "server_alert", ContentType.ALERT, R["alert_payload"]),
    ):
        (rec,), _ = parse_records(R[name])
        assert prot.decrypt(seq, rec) == (ctype, content)
        with pytest.raises(TLSRecordError) as e:
            prot.decrypt(seq + 1, rec)
        assert e.value.alert is AlertDescription.BAD_RECORD_MAC


@pytest.mark.parametrize(
    "suite", [s for s in SUITES.values() if s.tls13], ids=lambda s: s.suite.name
)
@given(content=st.binary(max_size=300), padding=st.integers(0, 20))
def test_tls13_suites_roundtrip(suite: SuiteInfo, content: bytes, padding: int) -> None:
    secret = bytes(range(suite.hash_length))
    a, b = protection13(suite, secret), protection13(suite, secret)
    (rec,), _ = parse_records(a.encrypt(3, APP, content, padding))
    assert b.decrypt(3, rec) == (APP, content)


TLS12 = [s for s in SUITES.values() if not s.tls13]


@pytest.mark.parametrize("suite", TLS12, ids=lambda s: s.suite.name)
def test_tls12_suites_both_directions(suite: SuiteInfo) -> None:
    block = ks.key_block12(suite, bytes(range(48)), b"c" * 32, b"s" * 32)
    for etm in (False, True) if not suite.aead else (False,):
        c_w = protection12(suite, block, client_write=True, encrypt_then_mac=etm)
        s_r = protection12(suite, block, client_write=True, encrypt_then_mac=etm)
        s_w = protection12(suite, block, client_write=False, encrypt_then_mac=etm)
        for seq, data in ((0, b""), (1, b"hello"), (2, bytes(2**14))):
            if isinstance(c_w, RecordProtection12CBC):
                assert isinstance(s_r, RecordProtection12CBC)
                wire = c_w.encrypt(seq, APP, 0x0303, data, bytes(range(16)))
                (rec,), _ = parse_records(wire)
                assert s_r.decrypt(seq, rec) == data
                other = s_w.encrypt(seq, APP, 0x0303, data, bytes(range(16)))
            else:
                assert isinstance(c_w, RecordProtection12) and isinstance(s_r, RecordProtection12)
                wire = c_w.encrypt(seq, APP, 0x0303, data)
                (rec,), _ = parse_records(wire)
                assert s_r.decrypt(seq, rec) == data
                assert isinstance(s_w, RecordProtection12)
                other = s_w.encrypt(seq, APP, 0x0303, data)
            assert other != wire  # the two directions use different keys
            (orec,), _ = parse_records(other)
            with pytest.raises(TLSRecordError):
                s_r.decrypt(seq, orec)  # type: ignore[arg-type]


def test_new_aead_kinds() -> None:
    assert new_aead(BulkCipher.AES_256_GCM, bytes(32)) is not None
    with pytest.raises(ValueError):
        new_aead(BulkCipher.AES_128_CBC, bytes(16))


def _oracle_expand_label(h: object, secret: bytes, label: bytes, n: int) -> bytes:
    from cryptography.hazmat.primitives.kdf.hkdf import HKDFExpand

    full = b"tls13 " + label
    info = n.to_bytes(2, "big") + bytes([len(full)]) + full + b"\x00"
    return HKDFExpand(h, n, info).derive(secret)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "suite", [s for s in SUITES.values() if s.tls13], ids=lambda s: s.suite.name
)
@given(
    content=st.binary(max_size=200),
    padding=st.integers(0, 10),
    seq=st.integers(0, 2**64 - 1),
    secret=st.binary(min_size=48, max_size=48),
)
def test_tls13_differential(
    suite: SuiteInfo, content: bytes, padding: int, seq: int, secret: bytes
) -> None:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305

    secret = secret[: suite.hash_length]
    h = hashes.SHA384() if suite.prf_hash == "sha384" else hashes.SHA256()
    key = _oracle_expand_label(h, secret, b"key", suite.key_length)
    iv = _oracle_expand_label(h, secret, b"iv", 12)
    aead = ChaCha20Poly1305(key) if suite.cipher is BulkCipher.CHACHA20_POLY1305 else AESGCM(key)
    nonce = (int.from_bytes(iv, "big") ^ seq).to_bytes(12, "big")
    inner = content + bytes([APP]) + bytes(padding)
    header = b"\x17\x03\x03" + (len(inner) + 16).to_bytes(2, "big")
    want = header + aead.encrypt(nonce, inner, header)
    assert protection13(suite, secret).encrypt(seq, APP, content, padding) == want
