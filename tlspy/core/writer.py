"""Typed message values to bytes: the inverse of ``tlspy.core.reader``.

``assemble_x`` gives the wire encoding of a value; the handshake framing
(type and uint24 length) is added by :func:`assemble_handshake`.  Values are
trusted (they come from the engine), so only a vector too long for its
length prefix raises (ValueError): semantic bounds are the engine's job.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from tlspy.core.enums import HRR_RANDOM, ECCurveType, HandshakeType, NameType
from tlspy.core.messages import (
    ALPN,
    Alert,
    Certificate12,
    Certificate13,
    CertificateRequest12,
    CertificateRequest13,
    CertificateStatus,
    CertificateVerify,
    ClientHello,
    ClientKeyExchangeDHE,
    ClientKeyExchangeECDHE,
    ClientKeyExchangeRSA,
    Cookie,
    EarlyData,
    ECPointFormats,
    EncryptedExtensions,
    EncryptThenMac,
    EndOfEarlyData,
    ExtendedMasterSecret,
    Extension,
    Finished,
    HandshakeMessage,
    HelloRequest,
    HelloRetryRequest,
    KeyShareClientHello,
    KeyShareEntry,
    KeyShareHelloRetryRequest,
    KeyShareServerHello,
    KeyUpdate,
    NewSessionTicket12,
    NewSessionTicket13,
    PreSharedKeyClientHello,
    PreSharedKeyServerHello,
    PskKeyExchangeModes,
    RawExtension,
    RecordSizeLimit,
    RenegotiationInfo,
    ServerHello,
    ServerHelloDone,
    ServerKeyExchangeDHE,
    ServerKeyExchangeECDHE,
    ServerName,
    SessionTicket,
    SignatureAlgorithms,
    SignatureAlgorithmsCert,
    StatusRequest,
    StatusRequestAck,
    SupportedGroups,
    SupportedVersionsClientHello,
    SupportedVersionsServerHello,
)


def u8(v: int) -> bytes:
    return bytes((v,))


def u16(v: int) -> bytes:
    return v.to_bytes(2, "big")


def u24(v: int) -> bytes:
    return v.to_bytes(3, "big")


def u32(v: int) -> bytes:
    return v.to_bytes(4, "big")


def vector(width: int, data: bytes) -> bytes:
    """``data`` with a ``width``-byte big-endian length prefix."""
    try:
        return len(data).to_bytes(width, "big") + data
    except OverflowError:
        raise ValueError(f"{len(data)} bytes do not fit a {width}-byte length") from None


def _u16s(values: Sequence[int]) -> bytes:
    return struct.pack(f">{len(values)}H", *values)


def _vecs(width: int, items: Iterable[bytes]) -> bytes:
    """Each of ``items`` as a vector (as :func:`vector`), concatenated."""
    try:
        return b"".join([len(i).to_bytes(width, "big") + i for i in items])
    except OverflowError:
        raise ValueError(f"an item does not fit a {width}-byte length") from None


# ---------------------------------------------------------------- extensions


def _server_name(e: ServerName) -> bytes:
    if e.host_name is None:
        return b""
    return vector(2, u8(NameType.HOST_NAME) + vector(2, e.host_name))


def _key_share_entry(e: KeyShareEntry) -> bytes:
    return u16(e.group) + vector(2, e.key_exchange)


def _psk_ch(e: PreSharedKeyClientHello) -> bytes:
    ids = b"".join([vector(2, i.identity) + u32(i.obfuscated_ticket_age) for i in e.identities])
    return vector(2, ids) + vector(2, _vecs(1, e.binders))


def _status_request(e: StatusRequest) -> bytes:
    return (
        u8(e.status_type) + vector(2, _vecs(2, e.responder_ids)) + vector(2, e.request_extensions)
    )


def _early_data(e: EarlyData) -> bytes:
    return b"" if e.max_early_data_size is None else u32(e.max_early_data_size)


_EXTENSION_WRITERS: dict[type, Callable[[Any], bytes]] = {
    ServerName: _server_name,
    ALPN: lambda e: vector(2, _vecs(1, e.protocols)),
    SupportedGroups: lambda e: vector(2, _u16s(e.groups)),
    ECPointFormats: lambda e: vector(1, bytes(e.formats)),
    SignatureAlgorithms: lambda e: vector(2, _u16s(e.schemes)),
    SignatureAlgorithmsCert: lambda e: vector(2, _u16s(e.schemes)),
    KeyShareClientHello: lambda e: vector(2, b"".join([_key_share_entry(s) for s in e.shares])),
    KeyShareServerHello: lambda e: _key_share_entry(e.share),
    KeyShareHelloRetryRequest: lambda e: u16(e.selected_group),
    SupportedVersionsClientHello: lambda e: vector(1, _u16s(e.versions)),
    SupportedVersionsServerHello: lambda e: u16(e.selected_version),
    PskKeyExchangeModes: lambda e: vector(1, bytes(e.modes)),
    PreSharedKeyClientHello: _psk_ch,
    PreSharedKeyServerHello: lambda e: u16(e.selected_identity),
    Cookie: lambda e: vector(2, e.cookie),
    EarlyData: _early_data,
    ExtendedMasterSecret: lambda e: b"",
    EncryptThenMac: lambda e: b"",
    RenegotiationInfo: lambda e: vector(1, e.renegotiated_connection),
    SessionTicket: lambda e: e.ticket,
    RecordSizeLimit: lambda e: u16(e.limit),
    StatusRequest: _status_request,
    StatusRequestAck: lambda e: b"",
    CertificateStatus: lambda e: u8(e.status_type) + vector(3, e.response),
    RawExtension: lambda e: e.data,
}


def assemble_extension(ext: Extension) -> bytes:
    """One extension: type, length and body."""
    return u16(ext.extension_type) + vector(2, _EXTENSION_WRITERS[type(ext)](ext))


def assemble_extensions(extensions: Sequence[Extension]) -> bytes:
    """An extension block with its uint16 length."""
    if not extensions:
        return b"\x00\x00"
    parts = []
    for ext in extensions:
        body = _EXTENSION_WRITERS[type(ext)](ext)
        n = len(body)
        if n > 0xFFFF:
            raise ValueError(f"{n} bytes do not fit a 2-byte length")
        parts.append((ext.extension_type << 16 | n).to_bytes(4, "big"))
        parts.append(body)
    return vector(2, b"".join(parts))


# ------------------------------------------------------- handshake messages


def assemble_client_hello(m: ClientHello) -> bytes:
    return b"".join(
        (
            u16(m.legacy_version),
            m.random,
            vector(1, m.legacy_session_id),
            vector(2, _u16s(m.cipher_suites)),
            vector(1, m.legacy_compression_methods),
            assemble_extensions(m.extensions),
        )
    )


def _server_hello(m: ServerHello | HelloRetryRequest, random: bytes) -> bytes:
    return b"".join(
        (
            u16(m.legacy_version),
            random,
            vector(1, m.legacy_session_id_echo),
            (m.cipher_suite << 8 | m.legacy_compression_method).to_bytes(3, "big"),
            assemble_extensions(m.extensions),
        )
    )


def assemble_server_hello(m: ServerHello) -> bytes:
    return _server_hello(m, m.random)


def assemble_hello_retry_request(m: HelloRetryRequest) -> bytes:
    return _server_hello(m, HRR_RANDOM)


def assemble_certificate13(m: Certificate13) -> bytes:
    entries = b"".join(
        [vector(3, e.cert_data) + assemble_extensions(e.extensions) for e in m.certificate_list]
    )
    return vector(1, m.certificate_request_context) + vector(3, entries)


def assemble_certificate12(m: Certificate12) -> bytes:
    return vector(3, _vecs(3, m.certificate_list))


def assemble_certificate_request13(m: CertificateRequest13) -> bytes:
    return vector(1, m.certificate_request_context) + assemble_extensions(m.extensions)


def assemble_certificate_request12(m: CertificateRequest12) -> bytes:
    return (
        vector(1, bytes(m.certificate_types))
        + vector(2, _u16s(m.supported_signature_algorithms))
        + vector(2, _vecs(2, m.certificate_authorities))
    )


def assemble_server_key_exchange_params(m: ServerKeyExchangeECDHE | ServerKeyExchangeDHE) -> bytes:
    """The ServerECDHParams / ServerDHParams bytes: what the signature covers
    after client_random + server_random."""
    if isinstance(m, ServerKeyExchangeECDHE):
        return u8(ECCurveType.NAMED_CURVE) + u16(m.named_curve) + vector(1, m.public)
    return vector(2, m.dh_p) + vector(2, m.dh_g) + vector(2, m.dh_ys)


def assemble_server_key_exchange(m: ServerKeyExchangeECDHE | ServerKeyExchangeDHE) -> bytes:
    return assemble_server_key_exchange_params(m) + u16(m.algorithm) + vector(2, m.signature)


def assemble_new_session_ticket13(m: NewSessionTicket13) -> bytes:
    return b"".join(
        (
            struct.pack(">II", m.ticket_lifetime, m.ticket_age_add),
            vector(1, m.ticket_nonce),
            vector(2, m.ticket),
            assemble_extensions(m.extensions),
        )
    )


_BODY_WRITERS: dict[type, Callable[[Any], bytes]] = {
    ClientHello: assemble_client_hello,
    ServerHello: assemble_server_hello,
    HelloRetryRequest: assemble_hello_retry_request,
    EncryptedExtensions: lambda m: assemble_extensions(m.extensions),
    Certificate13: assemble_certificate13,
    Certificate12: assemble_certificate12,
    CertificateRequest13: assemble_certificate_request13,
    CertificateRequest12: assemble_certificate_request12,
    CertificateVerify: lambda m: m.algorithm.to_bytes(2, "big") + vector(2, m.signature),
    ServerKeyExchangeECDHE: assemble_server_key_exchange,
    ServerKeyExchangeDHE: assemble_server_key_exchange,
    ServerHelloDone: lambda m: b"",
    ClientKeyExchangeECDHE: lambda m: vector(1, m.public),
    ClientKeyExchangeDHE: lambda m: vector(2, m.public),
    ClientKeyExchangeRSA: lambda m: vector(2, m.encrypted_premaster),
    Finished: lambda m: m.verify_data,
    NewSessionTicket13: assemble_new_session_ticket13,
    NewSessionTicket12: lambda m: u32(m.ticket_lifetime_hint) + vector(2, m.ticket),
    EndOfEarlyData: lambda m: b"",
    KeyUpdate: lambda m: u8(m.request_update),
    HelloRequest: lambda m: b"",
}


def assemble_handshake_body(msg: HandshakeMessage) -> bytes:
    return _BODY_WRITERS[type(msg)](msg)


def assemble_handshake(msg: HandshakeMessage) -> bytes:
    """A framed handshake message: msg_type, uint24 length, body."""
    body = _BODY_WRITERS[type(msg)](msg)
    n = len(body)
    if n >> 24:
        raise ValueError(f"{n} bytes do not fit a 3-byte length")
    return (msg.msg_type << 24 | n).to_bytes(4, "big") + body


# ------------------------------------ the TLS 1.3 server flight, from values
# What a TLS 1.3 server writes on every handshake, straight from the values
# (no message objects): the same bytes as assemble_handshake of the
# equivalent messages.

_SV13 = b"\x00\x2b\x00\x02\x03\x04"  # supported_versions: TLS 1.3
_PSK0 = b"\x00\x29\x00\x02\x00\x00"  # pre_shared_key: identity 0
_SH_HEAD = struct.Struct(">BBHH32sB")  # type, uint24 length, version, random, session ID length


def server_hello13(random: bytes, session_id: bytes, suite: int, group: int, public: bytes,
                   psk: bool) -> bytes:
    """A TLS 1.3 ServerHello (RFC 8446 4.1.3): supported_versions, key_share
    and, resuming, pre_shared_key selecting the first identity."""
    exts = _SV13 + struct.pack(">HHHH", 0x33, 4 + len(public), group, len(public)) + public
    if psk:
        exts += _PSK0
    n = 2 + 32 + 1 + len(session_id) + 3 + 2 + len(exts)
    return (_SH_HEAD.pack(HandshakeType.SERVER_HELLO, n >> 16, n & 0xFFFF, 0x0303, random,
                          len(session_id))
            + session_id + struct.pack(">HBH", suite, 0, len(exts)) + exts)


def encrypted_extensions(server_name: bool, alpn: bytes | None,
                         record_size_limit: int | None) -> bytes:
    """EncryptedExtensions (RFC 8446 4.3.1): an empty server_name when the
    client's was used, the ALPN protocol chosen, our record_size_limit."""
    exts = b"\x00\x00\x00\x00" if server_name else b""
    if alpn is not None:
        exts += struct.pack(">HHHB", 16, 3 + len(alpn), 1 + len(alpn), len(alpn)) + alpn
    if record_size_limit is not None:
        exts += struct.pack(">HHH", 28, 2, record_size_limit)
    return struct.pack(">IH", HandshakeType.ENCRYPTED_EXTENSIONS << 24 | 2 + len(exts),
                       len(exts)) + exts


def certificate_verify(scheme: int, signature: bytes) -> bytes:
    """CertificateVerify (RFC 8446 4.4.3)."""
    return struct.pack(">IHH", HandshakeType.CERTIFICATE_VERIFY << 24 | 4 + len(signature),
                       scheme, len(signature)) + signature


def finished(verify_data: bytes) -> bytes:
    """Finished (RFC 8446 4.4.4)."""
    return (HandshakeType.FINISHED << 24 | len(verify_data)).to_bytes(4, "big") + verify_data


def new_session_ticket13(lifetime: int, age_add: int, nonce: bytes, ticket: bytes) -> bytes:
    """NewSessionTicket (RFC 8446 4.6.1) without extensions."""
    n = 4 + 4 + 1 + len(nonce) + 2 + len(ticket) + 2
    return (struct.pack(">IIIB", HandshakeType.NEW_SESSION_TICKET << 24 | n, lifetime, age_add,
                        len(nonce))
            + nonce + len(ticket).to_bytes(2, "big") + ticket + b"\x00\x00")


def assemble_message_hash(digest: bytes) -> bytes:
    """The synthetic message_hash handshake message that replaces
    ClientHello1 in the transcript after a HelloRetryRequest (RFC 8446
    4.4.1)."""
    return u8(HandshakeType.MESSAGE_HASH) + vector(3, digest)


def certificate_verify_content(*, server: bool, transcript_hash: bytes) -> bytes:
    """What a TLS 1.3 CertificateVerify signs (RFC 8446 4.4.3): 64 spaces,
    the context string, a zero byte and the transcript hash."""
    context = (
        b"TLS 1.3, server CertificateVerify" if server else b"TLS 1.3, client CertificateVerify"
    )
    return b"\x20" * 64 + context + b"\x00" + transcript_hash


def assemble_alert(m: Alert) -> bytes:
    return bytes((m.level, m.description))


def assemble_change_cipher_spec() -> bytes:
    return b"\x01"


__all__ = [
    "assemble_alert",
    "assemble_certificate12",
    "assemble_certificate13",
    "assemble_certificate_request12",
    "assemble_certificate_request13",
    "assemble_change_cipher_spec",
    "assemble_client_hello",
    "assemble_extension",
    "assemble_extensions",
    "assemble_handshake",
    "assemble_handshake_body",
    "assemble_hello_retry_request",
    "assemble_message_hash",
    "assemble_new_session_ticket13",
    "assemble_server_hello",
    "assemble_server_key_exchange",
    "assemble_server_key_exchange_params",
    "certificate_verify",
    "certificate_verify_content",
    "encrypted_extensions",
    "finished",
    "new_session_ticket13",
    "server_hello13",
    "u8",
    "u16",
    "u24",
    "u32",
    "vector",
]
