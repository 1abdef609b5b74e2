"""tlspy.core.messages: a message's find (the lookup by class the engine
uses) agrees with find_extension's scan; to_enums agrees with to_enum; the
reader's one-test checks (whole-vector bodies, extension headers, handshake
framing) accept and refuse exactly what the cursor does."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.core import strategies as S
from tlspy.core import messages as m
from tlspy.core.enums import CipherSuite, NamedGroup, ProtocolVersion, to_enum, to_enums
from tlspy.core.errors import TLSDecodeError
from tlspy.core.reader import (
    MAX_HANDSHAKE_LENGTH,
    Reader,
    _whole,
    parse_extensions,
    split_handshake,
)
from tlspy.core.writer import assemble_extensions, assemble_handshake

EXTENSION_CLASSES = (
    m.ServerName, m.ALPN, m.SupportedGroups, m.SignatureAlgorithms, m.KeyShareClientHello,
    m.SupportedVersionsClientHello, m.PskKeyExchangeModes, m.PreSharedKeyClientHello,
    m.Cookie, m.EarlyData, m.ExtendedMasterSecret, m.RecordSizeLimit, m.RawExtension,
)


@given(st.lists(st.sampled_from([
    m.ServerName(b"a.test"), m.ALPN((b"h2",)), m.Cookie(b"c"), m.ExtendedMasterSecret(),
    m.RawExtension(0x2A2A, b"x"), m.RawExtension(0x3A3A, b"y"), m.EarlyData(None),
    m.SupportedGroups((NamedGroup.X25519,)),
]), max_size=8))
def test_find_agrees_with_the_scan(extensions: list[m.Extension]) -> None:
    exts = tuple(extensions)
    for msg in (
        m.ClientHello(0x0303, bytes(32), b"", (0x1301,), b"\x00", exts),
        m.ServerHello(0x0303, bytes(32), b"", 0x1301, 0, exts),
        m.EncryptedExtensions(exts),
        m.CertificateEntry(b"cert", exts),
        m.CertificateRequest13(b"", exts),
        m.NewSessionTicket13(1, 2, b"", b"t", exts),
        m.HelloRetryRequest(0x0303, b"", 0x1301, 0, exts),
    ):
        for cls in EXTENSION_CLASSES:
            assert msg.find(cls) is m.find_extension(exts, cls)


def test_find_follows_replace_and_is_not_part_of_the_value() -> None:
    ch = m.ClientHello(0x0303, bytes(32), b"", (0x1301,), b"\x00", (m.Cookie(b"a"),))
    again = dataclasses.replace(ch, extensions=(m.ALPN((b"h2",)),))
    assert again.find(m.Cookie) is None
    assert again.find(m.ALPN) == m.ALPN((b"h2",))
    same = m.ClientHello(0x0303, bytes(32), b"", (0x1301,), b"\x00", (m.Cookie(b"a"),))
    assert same == ch and hash(same) == hash(ch)
    assert "_by_class" not in repr(ch)
    with pytest.raises(dataclasses.FrozenInstanceError):
        ch._by_class = {}  # type: ignore[misc]


def test_extension_type_is_a_class_attribute() -> None:
    assert m.KeyShareClientHello.extension_type == 51
    assert m.ExtendedMasterSecret().extension_type == 23
    assert m.RawExtension(0x2A2A, b"").extension_type == 0x2A2A


@given(st.lists(st.integers(0, 0xFFFF), max_size=40))
def test_to_enums_is_to_enum_of_each(values: list[int]) -> None:
    for cls in (CipherSuite, NamedGroup, ProtocolVersion):
        got = to_enums(cls, values)
        want = tuple(to_enum(cls, v) for v in values)
        assert got == want
        assert [type(x) for x in got] == [type(x) for x in want]


def _cursor_only(data: bytes, width: int, lo: int, hi: int, unit: int) -> bytes | str:
    try:
        return Reader(data, "x").only(width, lo, hi, "f", unit)
    except TLSDecodeError as e:
        return e.field


@given(st.binary(max_size=12), st.sampled_from([1, 2, 3]), st.integers(0, 4),
       st.integers(0, 12), st.sampled_from([1, 2]))
def test_whole_vector_check_is_the_cursors(data: bytes, width: int, lo: int, span: int,
                                           unit: int) -> None:
    want = _cursor_only(data, width, lo, lo + span, unit)
    try:
        got: bytes | str = _whole(data, "x", width, lo, lo + span, "f", unit)
    except TLSDecodeError as e:
        got = e.field
    assert got == want


@given(st.data())
def test_extension_headers_cut_anywhere_are_decode_errors(data: st.DataObject) -> None:
    exts = data.draw(S.client_hello_extensions())
    block = assemble_extensions(exts)
    cut = data.draw(st.integers(2, max(2, len(block) - 1)))
    short = (cut - 2).to_bytes(2, "big") + block[2:cut]
    try:
        got = parse_extensions(Reader(short, "t"), m.ExtensionContext.CLIENT_HELLO)
    except TLSDecodeError as e:
        assert e.field.startswith("t.extensions")
    else:
        assert assemble_extensions(got) == short


@given(st.binary(max_size=10))
def test_split_handshake_check_is_the_cursors(data: bytes) -> None:
    r = Reader(data, "Handshake")
    try:
        want: object = (r.u8("msg_type"), r.vector(3, 0, MAX_HANDSHAKE_LENGTH, "length"))
        r.done()
    except TLSDecodeError:
        want = TLSDecodeError
    try:
        got: object = split_handshake(data)
    except TLSDecodeError:
        got = TLSDecodeError
    assert got == want


@pytest.mark.parametrize("msg", [
    m.EncryptedExtensions((m.ALPN((bytes(256),)),)),  # a protocol name over 255 bytes
    m.EncryptedExtensions((m.RawExtension(0x2A2A, bytes(0x10000)),)),  # extension body
    m.Certificate12((bytes(0x1000000),)),  # a certificate over 2^24 - 1 bytes
    m.Finished(bytes(0x1000000)),  # a handshake body over 2^24 - 1 bytes
])
def test_writer_refuses_what_a_length_cannot_hold(msg: m.HandshakeMessage) -> None:
    with pytest.raises(ValueError, match=r"(do|does) not fit"):
        assemble_handshake(msg)
