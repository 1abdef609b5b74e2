"""tlspy.core.writer's TLS 1.3 server flight written straight from values:
the same bytes as assemble_handshake of the equivalent message values, and
read back by the reader."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tlspy.core import writer
from tlspy.core.enums import CipherSuite, NamedGroup, ProtocolVersion, SignatureScheme
from tlspy.core.messages import (
    ALPN,
    CertificateVerify,
    EncryptedExtensions,
    Extension,
    Finished,
    KeyShareEntry,
    KeyShareServerHello,
    NewSessionTicket13,
    PreSharedKeyServerHello,
    RecordSizeLimit,
    ServerHello,
    ServerName,
    SupportedVersionsServerHello,
)
from tlspy.core.reader import parse_handshake
from tlspy.core.writer import assemble_handshake

TLS13 = ProtocolVersion.TLS_1_3


@given(st.binary(min_size=32, max_size=32), st.binary(max_size=32),
       st.sampled_from(list(CipherSuite)), st.sampled_from(list(NamedGroup)),
       st.binary(min_size=1, max_size=600), st.booleans())
def test_server_hello(random: bytes, sid: bytes, suite: int, group: int, public: bytes,
                      psk: bool) -> None:
    exts: tuple[Extension, ...] = (SupportedVersionsServerHello(TLS13),
                                   KeyShareServerHello(KeyShareEntry(group, public)))
    if psk:
        exts += (PreSharedKeyServerHello(0),)
    value = ServerHello(ProtocolVersion.TLS_1_2, random, sid, suite, 0, exts)
    raw = writer.server_hello13(random, sid, suite, group, public, psk)
    assert raw == assemble_handshake(value)
    assert parse_handshake(raw, version=TLS13) == value


@given(st.booleans(), st.none() | st.binary(min_size=1, max_size=255),
       st.none() | st.integers(64, 0xFFFF))
def test_encrypted_extensions(name: bool, alpn: bytes | None, limit: int | None) -> None:
    exts: list[Extension] = []
    if name:
        exts.append(ServerName(None))
    if alpn is not None:
        exts.append(ALPN((alpn,)))
    if limit is not None:
        exts.append(RecordSizeLimit(limit))
    value = EncryptedExtensions(tuple(exts))
    raw = writer.encrypted_extensions(name, alpn, limit)
    assert raw == assemble_handshake(value)
    assert parse_handshake(raw, version=TLS13) == value


@given(st.sampled_from(list(SignatureScheme)), st.binary(max_size=600),
       st.binary(min_size=32, max_size=64))
def test_certificate_verify_and_finished(scheme: int, sig: bytes, verify_data: bytes) -> None:
    assert writer.certificate_verify(scheme, sig) == assemble_handshake(
        CertificateVerify(scheme, sig))
    assert writer.finished(verify_data) == assemble_handshake(Finished(verify_data))


@given(st.integers(0, 2**32 - 1), st.integers(0, 2**32 - 1), st.binary(max_size=255),
       st.binary(min_size=1, max_size=300))
def test_new_session_ticket(lifetime: int, age_add: int, nonce: bytes, ticket: bytes) -> None:
    value = NewSessionTicket13(lifetime, age_add, nonce, ticket)
    raw = writer.new_session_ticket13(lifetime, age_add, nonce, ticket)
    assert raw == assemble_handshake(value)
    assert parse_handshake(raw, version=TLS13) == value
