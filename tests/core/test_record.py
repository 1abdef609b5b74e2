"""tlspy.core.record: framing, handshake reassembly, TLS 1.3 inner plaintext
and record protection (RFC 8448 records), TLS 1.2 AEAD protection.

pyca/cryptography's AEADs serve as the cipher here (test oracle), wrapped
to raise nocrypto.AuthenticationError like nocrypto's own AEADs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305
from hypothesis import given
from hypothesis import strategies as st

from nocrypto.errors import AuthenticationError
from tlspy.core.enums import AlertDescription, ContentType
from tlspy.core.errors import TLSDecodeError, TLSRecordError
from tlspy.core.record import (
    MAX_PLAINTEXT,
    HandshakeBuffer,
    Record,
    RecordProtection12,
    RecordProtection13,
    assemble_record,
    decode_inner_plaintext,
    encode_inner_plaintext,
    fragment_records,
    parse_records,
    split_fragments,
)

V = json.loads((Path(__file__).parents[1] / "vectors" / "rfc8448" / "simple_1rtt.json").read_text())
K = {k: bytes.fromhex(v) for k, v in V["traffic_keys"].items()}
R = {k: bytes.fromhex(v) for k, v in V["records"].items()}
M = {k: bytes.fromhex(v) for k, v in V["messages"].items()}
HS, APP, ALERT = ContentType.HANDSHAKE, ContentType.APPLICATION_DATA, ContentType.ALERT


class Oracle:
    """pyca AEAD with nocrypto's interface and error type."""

    def __init__(self, aead: Any) -> None:
        self.aead = aead

    def encrypt(self, nonce: bytes, data: Any, aad: bytes | None = None) -> bytes:
        return bytes(self.aead.encrypt(nonce, bytes(data), aad))

    def decrypt(self, nonce: bytes, data: Any, aad: bytes | None = None) -> bytes:
        try:
            return bytes(self.aead.decrypt(nonce, bytes(data), aad))
        except InvalidTag as e:
            raise AuthenticationError("bad tag") from e


def prot13(side: str, phase: str) -> RecordProtection13:
    return RecordProtection13(Oracle(AESGCM(K[f"{side}_{phase}_key"])), K[f"{side}_{phase}_iv"])


SERVER_HS_MESSAGES = [
    M[n] for n in ("encrypted_extensions", "certificate", "certificate_verify", "server_finished")
]
SERVER_HS_PAYLOAD = b"".join(SERVER_HS_MESSAGES)
# (protection, seq, content type, content, expected record)
RFC8448_RECORDS = [
    ("server", "handshake", 0, HS, SERVER_HS_PAYLOAD, "server_handshake"),
    ("client", "handshake", 0, HS, M["client_finished"], "client_finished"),
    ("server", "application", 0, HS, M["new_session_ticket"], "server_new_session_ticket"),
    ("client", "application", 0, APP, R["application_data_payload"], "client_application_data"),
    ("server", "application", 1, APP, R["application_data_payload"], "server_application_data"),
    ("client", "application", 1, ALERT, R["alert_payload"], "client_alert"),
    ("server", "application", 2, ALERT, R["alert_payload"], "server_alert"),
]


@pytest.mark.parametrize("case", RFC8448_RECORDS, ids=lambda c: c[5])
def test_rfc8448_record_protection(case: tuple[Any, ...]) -> None:
    side, phase, seq, ctype, content, name = case
    p = prot13(side, phase)
    assert p.encrypt(seq, ctype, content) == R[name]
    (rec,), rest = parse_records(R[name])
    assert rest == b""
    assert p.decrypt(seq, rec) == (ctype, content)
    with pytest.raises(TLSRecordError) as e:
        p.decrypt(seq + 1, rec)
    assert e.value.alert is AlertDescription.BAD_RECORD_MAC


def test_rfc8448_plaintext_records() -> None:
    (ch,), rest = parse_records(R["client_hello"] + b"\x16\x03")
    assert ch == Record(HS, 0x0301, M["client_hello"]) and rest == b"\x16\x03"
    assert assemble_record(HS, 0x0301, M["client_hello"]) == R["client_hello"]
    assert fragment_records(HS, 0x0303, M["server_hello"]) == R["server_hello"]
    buf, msgs = HandshakeBuffer().feed(SERVER_HS_PAYLOAD)
    assert buf.empty
    assert msgs == tuple(
        M[n]
        for n in ("encrypted_extensions", "certificate", "certificate_verify", "server_finished")
    )


@given(st.binary(max_size=300), st.integers(0, 40), st.integers(0, 2**64 - 1))
def test_tls13_padding_roundtrip(content: bytes, padding: int, seq: int) -> None:
    p = prot13("client", "application")
    wire = p.encrypt(seq, APP, content, padding)
    assert len(wire) == 5 + len(content) + 1 + padding + 16
    (rec,), _ = parse_records(wire)
    assert p.decrypt(seq, rec) == (APP, content)


@given(st.data())
def test_tls13_tampering_is_bad_record_mac(data: st.DataObject) -> None:
    p = prot13("server", "application")
    wire = bytearray(p.encrypt(5, APP, data.draw(st.binary(min_size=1, max_size=64))))
    i = data.draw(st.integers(2, len(wire) - 1))  # keep type and version major
    if i in (3, 4):
        return
    wire[i] ^= data.draw(st.integers(1, 255))
    (rec,), _ = parse_records(bytes(wire))
    with pytest.raises(TLSRecordError) as e:
        p.decrypt(5, rec)
    assert e.value.alert is AlertDescription.BAD_RECORD_MAC


def test_tls13_all_zero_inner_plaintext() -> None:
    aead = Oracle(AESGCM(K["client_application_key"]))
    p = prot13("client", "application")
    header = bytes.fromhex("1703030014")
    sealed = aead.encrypt(p.nonce(0), bytes(4), header)
    with pytest.raises(TLSRecordError) as e:
        p.decrypt(0, Record(APP, 0x0303, sealed))
    assert e.value.alert is AlertDescription.UNEXPECTED_MESSAGE


def test_tls13_size_limits() -> None:
    p = prot13("client", "application")
    wire = p.encrypt(0, APP, bytes(MAX_PLAINTEXT))
    (rec,), _ = parse_records(wire)
    assert p.decrypt(0, rec) == (APP, bytes(MAX_PLAINTEXT))
    with pytest.raises(ValueError):
        p.encrypt(0, APP, bytes(MAX_PLAINTEXT + 1))
    # A peer that sends 2^14 + 2 inner bytes: record_overflow.
    aead = Oracle(AESGCM(K["client_application_key"]))
    n = MAX_PLAINTEXT + 2
    header = bytes((23, 3, 3)) + (n + 16).to_bytes(2, "big")
    sealed = aead.encrypt(p.nonce(0), bytes(MAX_PLAINTEXT) + b"\x17\x00", header)
    with pytest.raises(TLSRecordError) as e:
        p.decrypt(0, Record(APP, 0x0303, sealed))
    assert e.value.alert is AlertDescription.RECORD_OVERFLOW
    # record_size_limit (RFC 8449): this side announced 1000.
    wire = p.encrypt(1, APP, bytes(1200))
    (rec,), _ = parse_records(wire)
    with pytest.raises(TLSRecordError) as e:
        p.decrypt(1, rec, max_inner=1000)
    assert e.value.alert is AlertDescription.RECORD_OVERFLOW
    with pytest.raises(TLSRecordError) as e:
        p.decrypt(1, Record(HS, 0x0303, rec.fragment))
    assert e.value.alert is AlertDescription.UNEXPECTED_MESSAGE
    with pytest.raises(TLSRecordError) as e:
        p.decrypt(1, Record(APP, 0x0303, bytes(16)))
    assert e.value.alert is AlertDescription.BAD_RECORD_MAC


def test_tls13_nonce() -> None:
    p = RecordProtection13(Oracle(AESGCM(bytes(16))), bytes.fromhex("000102030405060708090a0b"))
    assert p.nonce(0).hex() == "000102030405060708090a0b"
    assert p.nonce(0x0102).hex() == "000102030405060708090b09"
    with pytest.raises(ValueError):
        p.nonce(2**64)
    with pytest.raises(AttributeError):
        p._iv = b""  # type: ignore[misc]


# ------------------------------------------------------------- TLS 1.2


@given(st.binary(max_size=200), st.integers(0, 2**64 - 1), st.sampled_from([16, 32]))
def test_tls12_gcm_record_layout(content: bytes, seq: int, key_len: int) -> None:
    key, salt = bytes(range(key_len)), b"\xa0\xa1\xa2\xa3"
    p = RecordProtection12(Oracle(AESGCM(key)), salt)
    wire = p.encrypt(seq, APP, 0x0303, content)
    s = seq.to_bytes(8, "big")
    aad = s + bytes((23, 3, 3)) + len(content).to_bytes(2, "big")
    sealed = AESGCM(key).encrypt(salt + s, content, aad)
    assert wire == bytes((23, 3, 3)) + (8 + len(sealed)).to_bytes(2, "big") + s + sealed
    (rec,), _ = parse_records(wire)
    assert p.decrypt(seq, rec) == content
    with pytest.raises(TLSRecordError):
        p.decrypt(seq ^ 1, rec)


@given(st.binary(max_size=200), st.integers(0, 2**64 - 1))
def test_tls12_chacha_record_layout(content: bytes, seq: int) -> None:
    key, iv = bytes(range(32)), bytes(range(100, 112))
    p = RecordProtection12(Oracle(ChaCha20Poly1305(key)), iv)
    wire = p.encrypt(seq, HS, 0x0303, content)
    s = seq.to_bytes(8, "big")
    nonce = (int.from_bytes(iv, "big") ^ seq).to_bytes(12, "big")
    aad = s + bytes((22, 3, 3)) + len(content).to_bytes(2, "big")
    sealed = ChaCha20Poly1305(key).encrypt(nonce, content, aad)
    assert wire == bytes((22, 3, 3)) + len(sealed).to_bytes(2, "big") + sealed
    (rec,), _ = parse_records(wire)
    assert p.decrypt(seq, rec) == content


def test_tls12_short_and_tampered() -> None:
    p = RecordProtection12(Oracle(AESGCM(bytes(16))), bytes(4))
    for frag in (b"", bytes(23)):
        with pytest.raises(TLSRecordError) as e:
            p.decrypt(0, Record(APP, 0x0303, frag))
        assert e.value.alert is AlertDescription.BAD_RECORD_MAC
    wire = p.encrypt(0, APP, 0x0303, b"hello")
    (rec,), _ = parse_records(wire)
    with pytest.raises(TLSRecordError):
        p.decrypt(0, Record(ALERT, 0x0303, rec.fragment))  # type is authenticated
    with pytest.raises(ValueError):
        RecordProtection12(Oracle(AESGCM(bytes(16))), bytes(8))


# -------------------------------------------------------------- framing


@given(
    st.lists(st.tuples(st.sampled_from([20, 21, 22, 23]), st.binary(max_size=100)), max_size=6),
    st.lists(st.integers(0, 700), max_size=5),
)
def test_parse_records_incremental(records: list[tuple[int, bytes]], cuts: list[int]) -> None:
    wire = b"".join(assemble_record(t, 0x0303, f) for t, f in records)
    got: list[Record] = []
    pending = b""
    prev = 0
    for c in [*sorted(min(c, len(wire)) for c in cuts), len(wire)]:
        recs, pending = parse_records(pending + wire[prev:c])
        got.extend(recs)
        prev = c
    assert pending == b""
    assert [(r.content_type, r.fragment) for r in got] == records


@pytest.mark.parametrize(
    ("wire", "alert"),
    [
        (b"\x18\x03\x03\x00\x00", AlertDescription.UNEXPECTED_MESSAGE),  # heartbeat
        (b"\x00\x03\x03\x00\x00", AlertDescription.UNEXPECTED_MESSAGE),
        (b"\x80\x2e\x01\x03\x01", AlertDescription.UNEXPECTED_MESSAGE),  # SSLv2 hello
        (b"\x16\x02\x00\x00\x00", AlertDescription.UNEXPECTED_MESSAGE),
        (b"\x17\x03\x03\x48\x01", AlertDescription.RECORD_OVERFLOW),  # 2^14 + 2049
    ],
)
def test_parse_records_rejects(wire: bytes, alert: AlertDescription) -> None:
    with pytest.raises(TLSRecordError) as e:
        parse_records(wire)
    assert e.value.alert is alert


def test_record_overflow_limits() -> None:
    ok = b"\x17\x03\x03\x41\x00" + bytes(0x4100)  # 2^14 + 256
    assert len(parse_records(ok, max_length=2**14 + 256)[0]) == 1
    with pytest.raises(TLSRecordError):
        parse_records(b"\x17\x03\x03\x41\x01", max_length=2**14 + 256)
    with pytest.raises(TLSRecordError):
        parse_records(b"\x16\x03\x03\x40\x01", max_length=2**14)


@given(
    st.lists(st.binary(max_size=300), min_size=1, max_size=5),
    st.integers(1, 50),
)
def test_handshake_reassembly(bodies: list[bytes], chunk: int) -> None:
    msgs = [bytes([20]) + len(b).to_bytes(3, "big") + b for b in bodies]
    stream = b"".join(msgs)
    buf = HandshakeBuffer()
    out: list[bytes] = []
    for frag in split_fragments(stream, chunk):
        buf, got = buf.feed(frag)
        out.extend(got)
    assert out == msgs and buf.empty


def test_handshake_buffer_errors() -> None:
    with pytest.raises(TLSRecordError) as e:
        HandshakeBuffer().feed(b"")
    assert e.value.alert is AlertDescription.UNEXPECTED_MESSAGE
    with pytest.raises(TLSDecodeError):
        HandshakeBuffer(max_length=100).feed(b"\x0b\x00\x00\x65")
    buf, msgs = HandshakeBuffer().feed(b"\x14\x00\x00\x03ab")
    assert msgs == () and not buf.empty and buf.pending == b"\x14\x00\x00\x03ab"
    buf2, msgs = buf.feed(b"c\x14")
    assert msgs == (b"\x14\x00\x00\x03abc",) and buf2.pending == b"\x14"
    assert buf.pending == b"\x14\x00\x00\x03ab"  # the old value is unchanged


def test_fragmentation() -> None:
    data = bytes(range(256)) * 200  # 51200 bytes
    wire = fragment_records(APP, 0x0303, data)
    recs, rest = parse_records(wire)
    assert rest == b"" and [len(r.fragment) for r in recs] == [16384, 16384, 16384, 2048]
    assert b"".join(r.fragment for r in recs) == data
    recs, _ = parse_records(fragment_records(HS, 0x0303, data[:1000], max_fragment=300))
    assert [len(r.fragment) for r in recs] == [300, 300, 300, 100]
    assert fragment_records(APP, 0x0303, b"") == b""
    with pytest.raises(ValueError):
        fragment_records(APP, 0x0303, data, max_fragment=2**14 + 1)


@given(st.sampled_from([21, 22, 23]), st.binary(max_size=50), st.integers(0, 30))
def test_inner_plaintext(ctype: int, content: bytes, padding: int) -> None:
    inner = encode_inner_plaintext(ctype, content, padding)
    assert decode_inner_plaintext(inner) == (ctype, content)


def test_inner_plaintext_all_zero() -> None:
    for inner in (b"", b"\x00", bytes(100)):
        with pytest.raises(TLSRecordError) as e:
            decode_inner_plaintext(inner)
        assert e.value.alert is AlertDescription.UNEXPECTED_MESSAGE


# ----------------------------------------------------------------- fuzz


@given(st.binary(max_size=200), st.integers(0, 20000))
def test_parse_records_random_bytes(data: bytes, max_length: int) -> None:
    try:
        records, rest = parse_records(data, max_length)
    except TLSRecordError as e:
        assert e.alert in (AlertDescription.UNEXPECTED_MESSAGE, AlertDescription.RECORD_OVERFLOW)
        return
    assert b"".join(r.header() + r.fragment for r in records) + rest == data
    assert len(rest) < 5 or int.from_bytes(rest[3:5], "big") > len(rest) - 5


@given(st.lists(st.binary(max_size=40), max_size=6))
def test_handshake_buffer_random_fragments(fragments: list[bytes]) -> None:
    buf = HandshakeBuffer(max_length=300)
    seen = b""
    out: list[bytes] = []
    try:
        for frag in fragments:
            buf, msgs = buf.feed(frag)
            seen += frag
            out.extend(msgs)
    except (TLSRecordError, TLSDecodeError):
        return
    assert b"".join(out) + buf.pending == seen


@given(st.binary(max_size=120), st.integers(0, 3))
def test_tls13_decrypt_random_fragments(fragment: bytes, seq: int) -> None:
    p = prot13("client", "handshake")
    with pytest.raises(TLSRecordError):
        p.decrypt(seq, Record(APP, 0x0303, fragment))


def test_record_size_limit_helpers() -> None:
    from tlspy.core.record import plaintext_limit

    assert plaintext_limit(None, tls13=True) == MAX_PLAINTEXT
    assert plaintext_limit(2**14 + 1, tls13=True) == MAX_PLAINTEXT
    assert plaintext_limit(2**14 + 1, tls13=False) == MAX_PLAINTEXT
    assert plaintext_limit(64, tls13=True) == 63
    assert plaintext_limit(64, tls13=False) == 64
    with pytest.raises(ValueError):
        plaintext_limit(63, tls13=False)
    p = RecordProtection12(Oracle(AESGCM(bytes(16))), bytes(4))
    (rec,), _ = parse_records(p.encrypt(0, APP, 0x0303, bytes(100)))
    assert p.decrypt(0, rec, max_plaintext=100) == bytes(100)
    with pytest.raises(TLSRecordError) as e:
        p.decrypt(0, rec, max_plaintext=99)
    assert e.value.alert is AlertDescription.RECORD_OVERFLOW


@given(st.data())
def test_mutated_server_flight_pipeline(data: st.DataObject) -> None:
    # RFC 8448's server flight through the whole read path (records,
    # decryption, reassembly, parsing) with a mutation anywhere: only
    # tlspy.core errors come out.
    from tlspy.core.errors import TLSError
    from tlspy.core.reader import parse_handshake

    wire = bytearray(R["server_hello"] + R["server_handshake"])
    for _ in range(data.draw(st.integers(1, 3))):
        i = data.draw(st.integers(0, len(wire) - 1))
        wire[i] ^= data.draw(st.integers(1, 255))
    cut = data.draw(st.integers(0, len(wire)))
    p = prot13("server", "handshake")
    buf = HandshakeBuffer()
    try:
        records, rest = parse_records(bytes(wire[:cut]))
        more, rest = parse_records(rest + bytes(wire[cut:]))
        seq = 0
        for rec in records + more:
            if rec.content_type == ContentType.APPLICATION_DATA:
                ctype, content = p.decrypt(seq, rec)
                seq += 1
            else:
                ctype, content = rec.content_type, rec.fragment
            if ctype == ContentType.HANDSHAKE:
                buf, msgs = buf.feed(content)
                for msg in msgs:
                    parse_handshake(msg, version=0x0304)
    except TLSError as e:
        assert isinstance(e.alert, AlertDescription)


def test_handshake_buffer_one_byte_fragments() -> None:
    body = bytes(range(256)) * 80  # 20480 bytes
    msg = b"\x0b" + len(body).to_bytes(3, "big") + body
    buf = HandshakeBuffer()
    for i in range(len(msg) - 1):
        buf, got = buf.feed(msg[i : i + 1])
        assert got == ()
        assert len(buf._chunks) <= 16
    buf, got = buf.feed(msg[-1:])
    assert got == (msg,) and buf.empty
    # A header announcing too much is refused once its 4 bytes are in.
    buf = HandshakeBuffer(max_length=1000)
    for b in (b"\x0b", b"\x00", b"\x03"):
        buf, _ = buf.feed(b)
    with pytest.raises(TLSDecodeError):
        buf.feed(b"\xe9")


@given(st.lists(st.integers(0, 900), max_size=8))
def test_rfc8448_stream_cut_anywhere(cuts: list[int]) -> None:
    # The server's first flight, cut at arbitrary points, yields the same
    # handshake messages as when read whole.
    wire = R["server_hello"] + R["server_handshake"]
    p = prot13("server", "handshake")
    pending, buf, seq = b"", HandshakeBuffer(), 0
    msgs: list[bytes] = []
    prev = 0
    for c in [*sorted(min(c, len(wire)) for c in cuts), len(wire)]:
        records, pending = parse_records(pending + wire[prev:c])
        prev = c
        for rec in records:
            if rec.content_type == ContentType.APPLICATION_DATA:
                ctype, content = p.decrypt(seq, rec)
                seq += 1
            else:
                ctype, content = rec.content_type, rec.fragment
            assert ctype == HS
            buf, got = buf.feed(content)
            msgs.extend(got)
    assert pending == b"" and buf.empty
    assert msgs == [M["server_hello"], *SERVER_HS_MESSAGES]
