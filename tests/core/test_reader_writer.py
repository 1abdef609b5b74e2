"""tlspy.core.reader / writer: round trips for every message and extension,
RFC 8448 bytes, strictness, and mutation fuzz (only TLSDecodeError escapes)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.core import strategies as S
from tlspy.core import messages as m
from tlspy.core.enums import (
    AlertDescription,
    AlertLevel,
    CipherSuite,
    ExtensionType,
    HandshakeType,
    KeyUpdateRequest,
    NamedGroup,
    ProtocolVersion,
    PskKeyExchangeMode,
    SignatureScheme,
)
from tlspy.core.errors import TLSDecodeError
from tlspy.core.reader import (
    check_tls13_extensions,
    parse_alert,
    parse_change_cipher_spec,
    parse_handshake,
    parse_handshake_body,
    split_handshake,
)
from tlspy.core.writer import (
    assemble_alert,
    assemble_change_cipher_spec,
    assemble_handshake,
    assemble_message_hash,
    assemble_server_key_exchange_params,
)

VECTORS = json.loads(
    (Path(__file__).parents[1] / "vectors" / "rfc8448" / "simple_1rtt.json").read_text()
)
RFC = {k: bytes.fromhex(v) for k, v in VECTORS["messages"].items()}
TLS13 = ProtocolVersion.TLS_1_3
TLS12 = ProtocolVersion.TLS_1_2
ILLEGAL = AlertDescription.ILLEGAL_PARAMETER


def roundtrip(msg: Any, version: int, kex: m.KeyExchange | None) -> None:
    wire = assemble_handshake(msg)
    back = parse_handshake(wire, version=version, kex=kex)
    assert back == msg
    assert type(back) is type(msg)
    assert assemble_handshake(back) == wire


@pytest.mark.parametrize(
    ("index"), range(len(S.HANDSHAKE)), ids=lambda i: f"{i}-{S.HANDSHAKE[i][1]:x}"
)
def test_roundtrip_every_message(index: int) -> None:
    strategy, version, kex = S.HANDSHAKE[index]

    @given(strategy)
    def check(msg: Any) -> None:
        roundtrip(msg, version, kex)

    check()


@given(st.builds(m.Alert, S.u8, S.u8))
def test_alert_roundtrip(alert: m.Alert) -> None:
    assert parse_alert(assemble_alert(alert)) == alert


def test_alert_codepoints() -> None:
    a = parse_alert(b"\x02\x32")
    assert a.level is AlertLevel.FATAL and a.description is AlertDescription.DECODE_ERROR
    assert parse_alert(b"\x07\xee") == m.Alert(7, 0xEE)
    for bad in (b"", b"\x02", b"\x02\x32\x00"):
        with pytest.raises(TLSDecodeError):
            parse_alert(bad)


def test_change_cipher_spec() -> None:
    assert parse_change_cipher_spec(assemble_change_cipher_spec()) == m.ChangeCipherSpec()
    for bad in (b"", b"\x02", b"\x01\x01"):
        with pytest.raises(TLSDecodeError) as e:
            parse_change_cipher_spec(bad)
        assert e.value.alert is AlertDescription.UNEXPECTED_MESSAGE


# ---------------------------------------------------------------- RFC 8448


def test_rfc8448_client_hello() -> None:
    ch = parse_handshake(RFC["client_hello"], version=TLS13)
    assert isinstance(ch, m.ClientHello)
    assert ch.cipher_suites == (
        CipherSuite.TLS_AES_128_GCM_SHA256,
        CipherSuite.TLS_CHACHA20_POLY1305_SHA256,
        CipherSuite.TLS_AES_256_GCM_SHA384,
    )
    assert ch.random.hex().startswith("cb34ecb1")
    assert m.find_extension(ch.extensions, m.ServerName) == m.ServerName(b"server")
    ks = m.find_extension(ch.extensions, m.KeyShareClientHello)
    assert ks is not None and ks.shares[0].group is NamedGroup.X25519
    assert ks.shares[0].key_exchange.hex() == VECTORS["client_x25519_public"]
    sv = m.find_extension(ch.extensions, m.SupportedVersionsClientHello)
    assert sv == m.SupportedVersionsClientHello((ProtocolVersion.TLS_1_3,))
    sa = m.find_extension(ch.extensions, m.SignatureAlgorithms)
    assert sa is not None and SignatureScheme.RSA_PSS_RSAE_SHA256 in sa.schemes
    assert m.find_extension(ch.extensions, m.PskKeyExchangeModes) == m.PskKeyExchangeModes(
        (PskKeyExchangeMode.PSK_DHE_KE,)
    )
    assert m.find_extension(ch.extensions, m.RecordSizeLimit) == m.RecordSizeLimit(0x4001)
    assert m.find_extension(ch.extensions, m.RenegotiationInfo) == m.RenegotiationInfo(b"")
    assert m.find_extension(ch.extensions, m.SessionTicket) == m.SessionTicket(b"")
    groups = m.find_extension(ch.extensions, m.SupportedGroups)
    assert groups is not None and NamedGroup.FFDHE8192 in groups.groups


@pytest.mark.parametrize("name", sorted(RFC))
def test_rfc8448_messages_roundtrip(name: str) -> None:
    msg = parse_handshake(RFC[name], version=TLS13)
    assert assemble_handshake(msg) == RFC[name]


def test_rfc8448_server_messages() -> None:
    sh = parse_handshake(RFC["server_hello"], version=TLS13)
    assert isinstance(sh, m.ServerHello)
    assert sh.cipher_suite is CipherSuite.TLS_AES_128_GCM_SHA256
    check_tls13_extensions(sh.extensions, m.ExtensionContext.SERVER_HELLO)
    ks = m.find_extension(sh.extensions, m.KeyShareServerHello)
    assert ks is not None and ks.share.key_exchange.hex() == VECTORS["server_x25519_public"]
    cert = parse_handshake(RFC["certificate"], version=TLS13)
    assert isinstance(cert, m.Certificate13) and len(cert.certificate_list) == 1
    assert cert.certificate_list[0].cert_data[:2] == b"\x30\x82"
    cv = parse_handshake(RFC["certificate_verify"], version=TLS13)
    assert isinstance(cv, m.CertificateVerify)
    assert cv.algorithm is SignatureScheme.RSA_PSS_RSAE_SHA256 and len(cv.signature) == 128
    nst = parse_handshake(RFC["new_session_ticket"], version=TLS13)
    assert isinstance(nst, m.NewSessionTicket13)
    assert nst.ticket_lifetime == 30 and nst.ticket_nonce == b"\x00\x00"
    assert nst.extensions == (m.EarlyData(0x400),)
    ee = parse_handshake(RFC["encrypted_extensions"], version=TLS13)
    assert isinstance(ee, m.EncryptedExtensions)
    assert m.find_extension(ee.extensions, m.ServerName) == m.ServerName(None)


# -------------------------------------------------------------- strictness


def _ch_with(exts_wire: bytes) -> bytes:
    body = (
        b"\x03\x03"
        + bytes(32)
        + b"\x00"
        + b"\x00\x02\x13\x01"
        + b"\x01\x00"
        + len(exts_wire).to_bytes(2, "big")
        + exts_wire
    )
    return bytes([1]) + len(body).to_bytes(3, "big") + body


def test_duplicate_extension_rejected() -> None:
    ems = b"\x00\x17\x00\x00"
    parse_handshake(_ch_with(ems), version=TLS13)
    with pytest.raises(TLSDecodeError) as e:
        parse_handshake(_ch_with(ems + ems), version=TLS13)
    assert e.value.alert is ILLEGAL


def test_psk_must_be_last() -> None:
    psk = m.PreSharedKeyClientHello((m.PskIdentity(b"id", 7),), (bytes(32),))
    ch = m.ClientHello(0x0303, bytes(32), b"", (0x1301,), b"\x00", (psk, m.ExtendedMasterSecret()))
    with pytest.raises(TLSDecodeError) as e:
        parse_handshake(assemble_handshake(ch), version=TLS13)
    assert e.value.alert is ILLEGAL
    ok = m.ClientHello(0x0303, bytes(32), b"", (0x1301,), b"\x00", (m.ExtendedMasterSecret(), psk))
    roundtrip(ok, TLS13, None)


def test_psk_binder_count_must_match() -> None:
    psk = m.PreSharedKeyClientHello((m.PskIdentity(b"id", 7),), (bytes(32), bytes(32)))
    ch = m.ClientHello(0x0303, bytes(32), b"", (0x1301,), b"\x00", (psk,))
    with pytest.raises(TLSDecodeError) as e:
        parse_handshake(assemble_handshake(ch), version=TLS13)
    assert e.value.alert is ILLEGAL


def test_psk_binder_too_short() -> None:
    psk = m.PreSharedKeyClientHello((m.PskIdentity(b"id", 7),), (bytes(31),))
    ch = m.ClientHello(0x0303, bytes(32), b"", (0x1301,), b"\x00", (psk,))
    with pytest.raises(TLSDecodeError, match="binder"):
        parse_handshake(assemble_handshake(ch), version=TLS13)


@pytest.mark.parametrize(
    ("ext", "field"),
    [
        (b"\x00\x0a\x00\x02\x00\x00", "named_group_list"),  # empty supported_groups
        (b"\x00\x0a\x00\x03\x00\x01\x00", "named_group_list"),  # odd length
        (b"\x00\x0d\x00\x02\x00\x00", "supported_signature_algorithms"),
        (b"\x00\x10\x00\x02\x00\x00", "protocol_name_list"),  # empty ALPN list
        (b"\x00\x10\x00\x04\x00\x02\x00\x00", "protocol_name"),  # empty protocol name
        (b"\x00\x2b\x00\x01\x00", "versions"),  # empty supported_versions
        (b"\x00\x2d\x00\x01\x00", "ke_modes"),
        (b"\x00\x2c\x00\x02\x00\x00", "cookie"),
        (b"\x00\x00\x00\x02\x00\x00", "server_name_list"),
        (b"\x00\x17\x00\x01\x00", "extended_master_secret"),  # must be empty
        (b"\x00\x33\x00\x06\x00\x04\x00\x1d\x00\x00", "key_exchange"),  # empty share
    ],
)
def test_empty_or_malformed_vectors_rejected(ext: bytes, field: str) -> None:
    with pytest.raises(TLSDecodeError) as e:
        parse_handshake(_ch_with(ext), version=TLS13)
    assert field in e.value.field
    assert e.value.alert is AlertDescription.DECODE_ERROR


def test_record_size_limit_below_64() -> None:
    with pytest.raises(TLSDecodeError) as e:
        parse_handshake(_ch_with(b"\x00\x1c\x00\x02\x00\x3f"), version=TLS13)
    assert e.value.alert is ILLEGAL


def test_duplicate_key_share_group() -> None:
    share = b"\x00\x1d\x00\x01\x07"
    ext = b"\x00\x33\x00\x0c\x00\x0a" + share + share
    with pytest.raises(TLSDecodeError) as e:
        parse_handshake(_ch_with(ext), version=TLS13)
    assert e.value.alert is ILLEGAL


def test_unknown_codepoints_survive() -> None:
    ch = m.ClientHello(
        0x7F7F,
        bytes(32),
        b"",
        (0x0A0A, 0x1301),
        b"\x00",
        (m.SupportedGroups((0x1A1A, 0x001D)), m.RawExtension(0x2A2A, b"grease")),
    )
    back = parse_handshake(assemble_handshake(ch), version=TLS13)
    assert isinstance(back, m.ClientHello)
    assert back.cipher_suites == (0x0A0A, CipherSuite.TLS_AES_128_GCM_SHA256)
    assert type(back.cipher_suites[0]) is int
    assert isinstance(back.cipher_suites[1], CipherSuite)
    assert back.extensions[1] == m.RawExtension(0x2A2A, b"grease")
    assert back.legacy_version == 0x7F7F


def test_tls13_extension_placement() -> None:
    # ALPN is fine in EncryptedExtensions; key_share is not.
    ee = m.EncryptedExtensions((m.ALPN((b"h2",)),))
    roundtrip(ee, TLS13, None)
    bad = bytes([8]) + (8).to_bytes(3, "big") + b"\x00\x06\x00\x33\x00\x02\x00\x1d"
    with pytest.raises(TLSDecodeError) as e:
        parse_handshake(bad, version=TLS13)
    assert e.value.alert is ILLEGAL
    with pytest.raises(TLSDecodeError):
        check_tls13_extensions((m.ExtendedMasterSecret(),), m.ExtensionContext.SERVER_HELLO)


def test_certificate_request13_needs_signature_algorithms() -> None:
    cr = m.CertificateRequest13(b"", (m.SignatureAlgorithmsCert((0x0804,)),))
    with pytest.raises(TLSDecodeError) as e:
        parse_handshake(assemble_handshake(cr), version=TLS13)
    assert e.value.alert is AlertDescription.MISSING_EXTENSION


def test_message_types_by_version() -> None:
    for msg, wrong in (
        (m.ServerHelloDone(), TLS13),
        (m.HelloRequest(), TLS13),
        (m.EndOfEarlyData(), TLS12),
        (m.KeyUpdate(KeyUpdateRequest.UPDATE_NOT_REQUESTED), TLS12),
        (m.EncryptedExtensions(()), TLS12),
    ):
        with pytest.raises(TLSDecodeError) as e:
            parse_handshake(assemble_handshake(msg), version=wrong)
        assert e.value.alert is AlertDescription.UNEXPECTED_MESSAGE
    ske = m.ServerKeyExchangeECDHE(NamedGroup.X25519, b"k", 0x0403, b"s")
    with pytest.raises(TLSDecodeError) as e:
        parse_handshake(assemble_handshake(ske), version=TLS12)
    assert e.value.alert is AlertDescription.UNEXPECTED_MESSAGE
    with pytest.raises(TLSDecodeError):
        parse_handshake_body(99, b"", version=TLS13)


def test_key_update_value() -> None:
    with pytest.raises(TLSDecodeError) as e:
        parse_handshake(b"\x18\x00\x00\x01\x02", version=TLS13)
    assert e.value.alert is ILLEGAL


def test_hello_retry_request_detected() -> None:
    hrr = m.HelloRetryRequest(
        0x0303,
        b"",
        0x1301,
        0,
        (m.SupportedVersionsServerHello(0x0304), m.KeyShareHelloRetryRequest(0x0017)),
    )
    wire = assemble_handshake(hrr)
    assert wire[6:38].hex().startswith("cf21ad74")
    assert parse_handshake(wire, version=TLS13) == hrr


def test_ske_params_bytes() -> None:
    ske = m.ServerKeyExchangeECDHE(NamedGroup.SECP256R1, b"\x04" + bytes(64), 0x0403, b"sig")
    assert assemble_server_key_exchange_params(ske) == b"\x03\x00\x17\x41\x04" + bytes(64)
    dhe = m.ServerKeyExchangeDHE(b"\x17", b"\x02", b"\x05", 0x0804, b"")
    assert assemble_server_key_exchange_params(dhe) == b"\x00\x01\x17\x00\x01\x02\x00\x01\x05"
    ske_bad = assemble_handshake(ske)[:4] + b"\x01" + assemble_handshake(ske)[5:]
    with pytest.raises(TLSDecodeError) as e:
        parse_handshake(ske_bad, version=TLS12, kex=m.KeyExchange.ECDHE)
    assert e.value.alert is ILLEGAL


def test_message_hash() -> None:
    assert assemble_message_hash(b"\xaa" * 32) == b"\xfe\x00\x00\x20" + b"\xaa" * 32


def test_tls12_hello_without_extensions() -> None:
    body = b"\x03\x03" + bytes(32) + b"\x00" + b"\x00\x02\xc0\x2f" + b"\x01\x00"
    ch = parse_handshake(bytes([1]) + len(body).to_bytes(3, "big") + body, version=TLS12)
    assert isinstance(ch, m.ClientHello) and ch.extensions == ()
    body = b"\x03\x03" + bytes(31) + b"\x01" + b"\x00" + b"\xc0\x2f" + b"\x00"
    sh = parse_handshake(bytes([2]) + len(body).to_bytes(3, "big") + body, version=TLS12)
    assert isinstance(sh, m.ServerHello) and sh.extensions == ()


def test_split_handshake_bounds() -> None:
    assert split_handshake(b"\x14\x00\x00\x01\xaa") == (HandshakeType.FINISHED, b"\xaa")
    for bad in (b"", b"\x14\x00\x00", b"\x14\x00\x00\x02\xaa", b"\x14\x00\x00\x00\xaa"):
        with pytest.raises(TLSDecodeError):
            split_handshake(bad)
    with pytest.raises(TLSDecodeError, match="length"):
        split_handshake(b"\x0b\xff\xff\xff")


def test_enum_names() -> None:
    assert ExtensionType.KEY_SHARE == 51
    assert CipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256 == 0xCCA8
    assert AlertDescription.NO_APPLICATION_PROTOCOL == 120


# ----------------------------------------------------------- mutation fuzz


def _parse_any(data: bytes, version: int, kex: m.KeyExchange | None) -> None:
    try:
        msg = parse_handshake(data, version=version, kex=kex)
    except TLSDecodeError as e:
        assert isinstance(e.alert, AlertDescription)
        assert e.field
        return
    # Whatever parses is a value the writer reproduces and the reader accepts.
    assert parse_handshake(assemble_handshake(msg), version=version, kex=kex) == msg


def _mutations(draw: Any, wire: bytes) -> bytes:
    kind = draw(st.sampled_from(["truncate", "flip", "insert", "delete", "length"]))
    if not wire:
        return draw(st.binary(max_size=8))
    i = draw(st.integers(0, len(wire) - 1))
    if kind == "truncate":
        return wire[:i]
    if kind == "flip":
        return wire[:i] + bytes([wire[i] ^ draw(st.integers(1, 255))]) + wire[i + 1 :]
    if kind == "insert":
        return wire[:i] + draw(st.binary(min_size=1, max_size=4)) + wire[i:]
    if kind == "delete":
        return wire[:i] + wire[i + 1 :]
    return wire[:i] + b"\xff" + wire[i + 1 :]


@given(st.data())
def test_mutated_messages_raise_only_decode_error(data: st.DataObject) -> None:
    strategy, version, kex = data.draw(st.sampled_from(S.HANDSHAKE))
    wire = assemble_handshake(data.draw(strategy))
    for _ in range(8):
        mutated = _mutations(data.draw, wire)
        _parse_any(mutated, version, kex)
        wire = mutated if data.draw(st.booleans()) else wire


@given(st.sampled_from(sorted(RFC)), st.data())
def test_mutated_rfc8448_raise_only_decode_error(name: str, data: st.DataObject) -> None:
    wire = RFC[name]
    for _ in range(10):
        _parse_any(_mutations(data.draw, wire), TLS13, None)


def test_every_truncation_of_rfc8448_fails() -> None:
    for name, wire in RFC.items():
        for i in range(len(wire)):
            with pytest.raises(TLSDecodeError):
                parse_handshake(wire[:i], version=TLS13)
        with pytest.raises(TLSDecodeError):
            parse_handshake(wire + b"\x00", version=TLS13)
        assert name


@given(
    st.integers(0, 255),
    st.binary(max_size=64),
    st.sampled_from([TLS12, TLS13]),
    st.sampled_from([None, *m.KeyExchange]),
)
def test_random_bodies_raise_only_decode_error(
    msg_type: int, body: bytes, version: int, kex: m.KeyExchange | None
) -> None:
    try:
        msg = parse_handshake_body(msg_type, body, version=version, kex=kex)
    except TLSDecodeError as e:
        assert isinstance(e.alert, AlertDescription)
        return
    assert msg.msg_type == msg_type
    again = assemble_handshake(msg)
    assert parse_handshake(again, version=version, kex=kex) == msg
