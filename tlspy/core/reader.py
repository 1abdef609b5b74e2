"""Bytes off the wire to typed message values (RFC 8446, RFC 5246 and the
extension RFCs), once, at the edge.

The reader is strict: every vector's length must lie within the bounds the
RFC gives (and be a whole number of elements), every structure must consume
its bytes exactly, an extension type may appear only once per block, and the
pre_shared_key extension must come last in a ClientHello.  Any violation
raises :class:`tlspy.core.errors.TLSDecodeError` naming the field and the
alert to send; nothing else escapes a ``parse_*`` function.
"""

from __future__ import annotations

import struct
from collections.abc import Callable

from tlspy.core.enums import (
    HRR_RANDOM,
    AlertDescription,
    AlertLevel,
    CertificateStatusType,
    CipherSuite,
    ClientCertificateType,
    CompressionMethod,
    ECCurveType,
    ECPointFormat,
    ExtensionType,
    HandshakeType,
    KeyUpdateRequest,
    NamedGroup,
    NameType,
    ProtocolVersion,
    PskKeyExchangeMode,
    SignatureScheme,
    to_enum,
    to_enums,
)
from tlspy.core.errors import TLSDecodeError
from tlspy.core.messages import (
    ALPN,
    Alert,
    Certificate12,
    Certificate13,
    CertificateEntry,
    CertificateRequest12,
    CertificateRequest13,
    CertificateStatus,
    CertificateVerify,
    ChangeCipherSpec,
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
    ExtensionContext,
    Finished,
    HandshakeMessage,
    HelloRequest,
    HelloRetryRequest,
    KeyExchange,
    KeyShareClientHello,
    KeyShareEntry,
    KeyShareHelloRetryRequest,
    KeyShareServerHello,
    KeyUpdate,
    NewSessionTicket12,
    NewSessionTicket13,
    PreSharedKeyClientHello,
    PreSharedKeyServerHello,
    PskIdentity,
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

DECODE = AlertDescription.DECODE_ERROR
ILLEGAL = AlertDescription.ILLEGAL_PARAMETER
UNEXPECTED = AlertDescription.UNEXPECTED_MESSAGE

# Largest handshake message body accepted: a long certificate chain fits,
# and so does the largest ClientHello the syntax allows (2 + 32 + 1 + 32 +
# 2 + 65534 + 1 + 255 + 2 + 65535 = 131396 bytes; tlsfuzzer
# test-client-hello-max-size).
MAX_HANDSHAKE_LENGTH = 131396


class Reader:
    """A strict cursor over ``data``; ``what`` names the structure read."""

    __slots__ = ("data", "end", "pos", "what")

    def __init__(self, data: bytes, what: str) -> None:
        self.data = data
        self.pos = 0
        self.end = len(data)
        self.what = what

    def fail(self, field: str, message: str, alert: AlertDescription = DECODE) -> TLSDecodeError:
        return TLSDecodeError(f"{self.what}.{field}", message, alert)

    def _short(self, n: int, at: int, field: str) -> TLSDecodeError:
        return self.fail(field, f"needs {n} bytes at offset {at}, {self.end - at} left")

    def _take(self, n: int, field: str) -> int:
        pos = self.pos
        if self.end - pos < n:
            raise self._short(n, pos, field)
        self.pos = pos + n
        return pos

    def u8(self, field: str) -> int:
        pos = self.pos
        if pos >= self.end:
            raise self._short(1, pos, field)
        self.pos = pos + 1
        return self.data[pos]

    def u16(self, field: str) -> int:
        pos, data = self.pos, self.data
        if self.end - pos < 2:
            raise self._short(2, pos, field)
        self.pos = pos + 2
        return data[pos] << 8 | data[pos + 1]

    def u24(self, field: str) -> int:
        p = self._take(3, field)
        return int.from_bytes(self.data[p : p + 3], "big")

    def u32(self, field: str) -> int:
        p = self._take(4, field)
        return int.from_bytes(self.data[p : p + 4], "big")

    def fixed(self, n: int, field: str) -> bytes:
        p = self._take(n, field)
        return self.data[p : p + n]

    def vector(self, width: int, lo: int, hi: int, field: str, unit: int = 1) -> bytes:
        """An opaque vector with a ``width``-byte length in [lo, hi],
        a multiple of ``unit``."""
        pos, data = self.pos, self.data
        start = pos + width
        if start > self.end:
            raise self._short(width, pos, field)
        n = int.from_bytes(data[pos:start], "big")
        if n < lo or n > hi:
            raise self.fail(field, f"length {n} outside [{lo}, {hi}]")
        if n % unit:
            raise self.fail(field, f"length {n} not a multiple of {unit}")
        stop = start + n
        if stop > self.end:
            raise self._short(n, start, field)
        self.pos = stop
        return data[start:stop]

    def only(self, width: int, lo: int, hi: int, field: str, unit: int = 1) -> bytes:
        """A vector (as :meth:`vector`) that must end the structure."""
        v = self.vector(width, lo, hi, field, unit)
        self.done()
        return v

    def u16s(self, width: int, lo: int, hi: int, field: str) -> tuple[int, ...]:
        """A vector of uint16 values (``lo`` and ``hi`` count bytes)."""
        return _u16s(self.vector(width, lo, hi, field, 2))

    def sub(self, width: int, lo: int, hi: int, field: str, unit: int = 1) -> Reader:
        return Reader(self.vector(width, lo, hi, field, unit), f"{self.what}.{field}")

    def rest(self) -> bytes:
        p, self.pos = self.pos, self.end
        return self.data[p:]

    def left(self) -> int:
        return self.end - self.pos

    def done(self) -> None:
        if self.pos != self.end:
            raise TLSDecodeError(self.what, f"{self.end - self.pos} trailing bytes at {self.pos}")


# ---------------------------------------------------------------- extensions

CH = ExtensionContext.CLIENT_HELLO
SH = ExtensionContext.SERVER_HELLO
HRR = ExtensionContext.HELLO_RETRY_REQUEST
EE = ExtensionContext.ENCRYPTED_EXTENSIONS
CT = ExtensionContext.CERTIFICATE
CR = ExtensionContext.CERTIFICATE_REQUEST
NST = ExtensionContext.NEW_SESSION_TICKET

# Where TLS 1.3 allows each extension it knows (RFC 8446 4.2, RFC 8449,
# RFC 8879); TLS 1.2-only extensions are allowed in a ClientHello only.  (Tuples:
# an ExtensionContext compares by identity, but hashes in Python.)
TLS13_ALLOWED: dict[int, tuple[ExtensionContext, ...]] = {
    ExtensionType.SERVER_NAME: (CH, EE),
    ExtensionType.MAX_FRAGMENT_LENGTH: (CH, EE),
    ExtensionType.STATUS_REQUEST: (CH, CR, CT),
    ExtensionType.SUPPORTED_GROUPS: (CH, EE),
    ExtensionType.SIGNATURE_ALGORITHMS: (CH, CR),
    ExtensionType.USE_SRTP: (CH, EE),
    ExtensionType.HEARTBEAT: (CH, EE),
    ExtensionType.APPLICATION_LAYER_PROTOCOL_NEGOTIATION: (CH, EE),
    ExtensionType.SIGNED_CERTIFICATE_TIMESTAMP: (CH, CR, CT),
    ExtensionType.CLIENT_CERTIFICATE_TYPE: (CH, EE),
    ExtensionType.SERVER_CERTIFICATE_TYPE: (CH, EE),
    ExtensionType.PADDING: (CH,),
    ExtensionType.KEY_SHARE: (CH, SH, HRR),
    ExtensionType.PRE_SHARED_KEY: (CH, SH),
    ExtensionType.PSK_KEY_EXCHANGE_MODES: (CH,),
    ExtensionType.EARLY_DATA: (CH, EE, NST),
    ExtensionType.COOKIE: (CH, HRR),
    ExtensionType.SUPPORTED_VERSIONS: (CH, SH, HRR),
    ExtensionType.CERTIFICATE_AUTHORITIES: (CH, CR),
    ExtensionType.OID_FILTERS: (CR,),
    ExtensionType.POST_HANDSHAKE_AUTH: (CH,),
    ExtensionType.SIGNATURE_ALGORITHMS_CERT: (CH, CR),
    ExtensionType.RECORD_SIZE_LIMIT: (CH, EE),
    ExtensionType.COMPRESS_CERTIFICATE: (CH, CR),
    ExtensionType.EC_POINT_FORMATS: (CH,),
    ExtensionType.EXTENDED_MASTER_SECRET: (CH,),
    ExtensionType.ENCRYPT_THEN_MAC: (CH,),
    ExtensionType.SESSION_TICKET: (CH,),
    ExtensionType.RENEGOTIATION_INFO: (CH,),
}


def check_tls13_extensions(extensions: tuple[Extension, ...], context: ExtensionContext) -> None:
    """Reject an extension tlspy knows in a TLS 1.3 message that may not carry
    it (RFC 8446 4.2: illegal_parameter).  Unknown extensions pass.  The
    reader applies this to TLS 1.3-only messages itself; the engine calls it
    for a ServerHello once it knows the version is 1.3."""
    for ext in extensions:
        allowed = TLS13_ALLOWED.get(ext.extension_type)
        if allowed is not None and context not in allowed:
            name = to_enum(ExtensionType, ext.extension_type)
            raise TLSDecodeError(
                f"{context.name}.extensions", f"{name!r} not allowed here", ILLEGAL
            )


def _whole(
    data: bytes, what: str, width: int, lo: int, hi: int, field: str, unit: int = 1
) -> bytes:
    """The contents of ``data`` when it is exactly one vector (as
    :meth:`Reader.only` reads it): checked in one test, the cursor only
    naming what is wrong."""
    n = int.from_bytes(data[:width], "big")
    if len(data) != width + n or n < lo or n > hi or n % unit:
        Reader(data, what).only(width, lo, hi, field, unit)  # raises
    return data[width:]


def _empty(data: bytes, what: str) -> None:
    if data:
        raise TLSDecodeError(what, f"{len(data)} trailing bytes at 0")


def _u16s(v: bytes) -> tuple[int, ...]:
    return struct.unpack(f">{len(v) >> 1}H", v)


def _ext_server_name(data: bytes, ctx: ExtensionContext) -> Extension:
    if not data and ctx is not CH:
        return ServerName(None)
    # The usual list: one host_name, read in one test; anything else (and
    # every error) through the cursor below.
    if len(data) > 5 and data[2] == NameType.HOST_NAME and (
            int.from_bytes(data[:2], "big") == len(data) - 2
            and int.from_bytes(data[3:5], "big") == len(data) - 5):
        return ServerName(data[5:])
    names = Reader(
        _whole(data, "server_name", 2, 1, 0xFFFF, "server_name_list"),
        "server_name.server_name_list",
    )
    host: bytes | None = None
    while names.left():
        name_type = names.u8("name_type")
        name = names.vector(2, 1, 0xFFFF, "host_name")
        if name_type != NameType.HOST_NAME:
            raise names.fail("name_type", f"unknown name type {name_type}")
        if host is not None:
            raise names.fail("host_name", "more than one host_name", ILLEGAL)
        host = name
    return ServerName(host)


def _ext_alpn(data: bytes, ctx: ExtensionContext) -> Extension:
    lst = Reader(
        _whole(data, "application_layer_protocol_negotiation", 2, 2, 0xFFFF, "protocol_name_list"),
        "application_layer_protocol_negotiation.protocol_name_list",
    )
    protocols = []
    while lst.left():
        protocols.append(lst.vector(1, 1, 0xFF, "protocol_name"))
    return ALPN(tuple(protocols))


def _ext_groups(data: bytes, ctx: ExtensionContext) -> Extension:
    groups = _whole(data, "supported_groups", 2, 2, 0xFFFE, "named_group_list", 2)
    return SupportedGroups(to_enums(NamedGroup, _u16s(groups)))


def _ext_point_formats(data: bytes, ctx: ExtensionContext) -> Extension:
    formats = _whole(data, "ec_point_formats", 1, 1, 0xFF, "ec_point_format_list")
    return ECPointFormats(to_enums(ECPointFormat, formats))


def _ext_sigalgs(data: bytes, ctx: ExtensionContext) -> Extension:
    schemes = _whole(
        data, "signature_algorithms", 2, 2, 0xFFFE, "supported_signature_algorithms", 2
    )
    return SignatureAlgorithms(to_enums(SignatureScheme, _u16s(schemes)))


def _ext_sigalgs_cert(data: bytes, ctx: ExtensionContext) -> Extension:
    schemes = _whole(
        data, "signature_algorithms_cert", 2, 2, 0xFFFE, "supported_signature_algorithms", 2
    )
    return SignatureAlgorithmsCert(to_enums(SignatureScheme, _u16s(schemes)))


def _key_share_entry(r: Reader) -> KeyShareEntry:
    group = to_enum(NamedGroup, r.u16("group"))
    return KeyShareEntry(group, r.vector(2, 1, 0xFFFF, "key_exchange"))


def _ext_key_share(data: bytes, ctx: ExtensionContext) -> Extension:
    ext: Extension
    if ctx is CH and len(data) > 6 and int.from_bytes(data[4:6], "big") == len(data) - 6 and (
            int.from_bytes(data[:2], "big") == len(data) - 2):
        # The usual list: one share, read in one test.
        group = to_enum(NamedGroup, int.from_bytes(data[2:4], "big"))
        return KeyShareClientHello((KeyShareEntry(group, data[6:]),))
    if ctx is CH:
        lst = Reader(
            _whole(data, "key_share", 2, 0, 0xFFFF, "client_shares"), "key_share.client_shares"
        )
        shares = []
        seen: set[int] = set()
        while lst.left():
            entry = _key_share_entry(lst)
            if entry.group in seen:
                raise lst.fail("group", f"duplicate key share for {entry.group!r}", ILLEGAL)
            seen.add(entry.group)
            shares.append(entry)
        return KeyShareClientHello(tuple(shares))
    r = Reader(data, "key_share")
    if ctx is SH:
        ext = KeyShareServerHello(_key_share_entry(r))
    elif ctx is HRR:
        ext = KeyShareHelloRetryRequest(to_enum(NamedGroup, r.u16("selected_group")))
    else:
        return RawExtension(ExtensionType.KEY_SHARE, data)
    r.done()
    return ext


def _ext_versions(data: bytes, ctx: ExtensionContext) -> Extension:
    if ctx is CH:
        versions = _whole(data, "supported_versions", 1, 2, 254, "versions", 2)
        return SupportedVersionsClientHello(to_enums(ProtocolVersion, _u16s(versions)))
    if ctx in (SH, HRR):
        r = Reader(data, "supported_versions")
        ext = SupportedVersionsServerHello(to_enum(ProtocolVersion, r.u16("selected_version")))
        r.done()
        return ext
    return RawExtension(ExtensionType.SUPPORTED_VERSIONS, data)


def _ext_psk_modes(data: bytes, ctx: ExtensionContext) -> Extension:
    modes = _whole(data, "psk_key_exchange_modes", 1, 1, 0xFF, "ke_modes")
    return PskKeyExchangeModes(to_enums(PskKeyExchangeMode, modes))


def _ext_psk(data: bytes, ctx: ExtensionContext) -> Extension:
    ext: Extension
    n = len(data)
    if ctx is CH and n > 44:
        # The usual offer: one identity and its binder, read in a few tests.
        ids_end = 2 + int.from_bytes(data[:2], "big")
        id_len = int.from_bytes(data[2:4], "big")
        if id_len > 0 and ids_end == 4 + id_len + 4 and ids_end + 3 <= n:
            binders_len = int.from_bytes(data[ids_end:ids_end + 2], "big")
            b_len = data[ids_end + 2]
            if b_len >= 32 and binders_len == 1 + b_len and ids_end + 2 + binders_len == n:
                first = PskIdentity(data[4:4 + id_len],
                            int.from_bytes(data[ids_end - 4:ids_end], "big"))
                return PreSharedKeyClientHello((first,), (data[ids_end + 3:],))
    r = Reader(data, "pre_shared_key")
    if ctx is CH:
        ids = r.sub(2, 7, 0xFFFF, "identities")
        identities = []
        while ids.left():
            identity = ids.vector(2, 1, 0xFFFF, "identity")
            identities.append(PskIdentity(identity, ids.u32("obfuscated_ticket_age")))
        bl = r.sub(2, 33, 0xFFFF, "binders")
        binders = []
        while bl.left():
            binders.append(bl.vector(1, 32, 255, "binder"))
        if len(binders) != len(identities):
            raise r.fail("binders", "binder count differs from identity count", ILLEGAL)
        ext = PreSharedKeyClientHello(tuple(identities), tuple(binders))
    elif ctx is SH:
        ext = PreSharedKeyServerHello(r.u16("selected_identity"))
    else:
        return RawExtension(ExtensionType.PRE_SHARED_KEY, data)
    r.done()
    return ext


def _ext_cookie(data: bytes, ctx: ExtensionContext) -> Extension:
    return Cookie(_whole(data, "cookie", 2, 1, 0xFFFF, "cookie"))


# The extensions with no body are values without fields: one of each will do.
_EARLY_DATA = EarlyData(None)
_EXTENDED_MASTER_SECRET = ExtendedMasterSecret()
_ENCRYPT_THEN_MAC = EncryptThenMac()
_STATUS_REQUEST_ACK = StatusRequestAck()


def _ext_early_data(data: bytes, ctx: ExtensionContext) -> Extension:
    if ctx is NST:
        r = Reader(data, "early_data")
        ext = EarlyData(r.u32("max_early_data_size"))
        r.done()
        return ext
    _empty(data, "early_data")
    return _EARLY_DATA


def _ext_ems(data: bytes, ctx: ExtensionContext) -> Extension:
    _empty(data, "extended_master_secret")
    return _EXTENDED_MASTER_SECRET


def _ext_etm(data: bytes, ctx: ExtensionContext) -> Extension:
    _empty(data, "encrypt_then_mac")
    return _ENCRYPT_THEN_MAC


def _ext_reneg(data: bytes, ctx: ExtensionContext) -> Extension:
    value = _whole(data, "renegotiation_info", 1, 0, 255, "renegotiated_connection")
    return RenegotiationInfo(value)


def _ext_ticket(data: bytes, ctx: ExtensionContext) -> Extension:
    return SessionTicket(data)


def _ext_record_size_limit(data: bytes, ctx: ExtensionContext) -> Extension:
    r = Reader(data, "record_size_limit")
    limit = r.u16("limit")
    r.done()
    if limit < 64:
        raise r.fail("limit", f"{limit} below 64", ILLEGAL)
    return RecordSizeLimit(limit)


def _ext_status_request(data: bytes, ctx: ExtensionContext) -> Extension:
    ext: Extension
    r = Reader(data, "status_request")
    if ctx is CR and not data:
        # RFC 8446 4.4.2.1: a TLS 1.3 server asks for the client's OCSP
        # response with an *empty* status_request (GnuTLS sends it so).
        return _STATUS_REQUEST_ACK
    if ctx in (CH, CR):
        status_type = to_enum(CertificateStatusType, r.u8("status_type"))
        if status_type != CertificateStatusType.OCSP:
            # Another request form (e.g. RFC 6961 ocsp_multi): keep it raw.
            return RawExtension(ExtensionType.STATUS_REQUEST, data)
        ids = r.sub(2, 0, 0xFFFF, "responder_id_list")
        responder_ids = []
        while ids.left():
            responder_ids.append(ids.vector(2, 1, 0xFFFF, "responder_id"))
        request_extensions = r.vector(2, 0, 0xFFFF, "request_extensions")
        ext = StatusRequest(status_type, tuple(responder_ids), request_extensions)
    elif ctx is CT:
        status_type = to_enum(CertificateStatusType, r.u8("status_type"))
        if status_type != CertificateStatusType.OCSP:
            raise r.fail("status_type", f"unknown status type {status_type}")
        ext = CertificateStatus(status_type, r.vector(3, 1, 0xFFFFFF, "response"))
    else:
        ext = _STATUS_REQUEST_ACK
    r.done()
    return ext


_EXTENSION_PARSERS: dict[int, Callable[[bytes, ExtensionContext], Extension]] = {
    ExtensionType.SERVER_NAME: _ext_server_name,
    ExtensionType.APPLICATION_LAYER_PROTOCOL_NEGOTIATION: _ext_alpn,
    ExtensionType.SUPPORTED_GROUPS: _ext_groups,
    ExtensionType.EC_POINT_FORMATS: _ext_point_formats,
    ExtensionType.SIGNATURE_ALGORITHMS: _ext_sigalgs,
    ExtensionType.SIGNATURE_ALGORITHMS_CERT: _ext_sigalgs_cert,
    ExtensionType.KEY_SHARE: _ext_key_share,
    ExtensionType.SUPPORTED_VERSIONS: _ext_versions,
    ExtensionType.PSK_KEY_EXCHANGE_MODES: _ext_psk_modes,
    ExtensionType.PRE_SHARED_KEY: _ext_psk,
    ExtensionType.COOKIE: _ext_cookie,
    ExtensionType.EARLY_DATA: _ext_early_data,
    ExtensionType.EXTENDED_MASTER_SECRET: _ext_ems,
    ExtensionType.ENCRYPT_THEN_MAC: _ext_etm,
    ExtensionType.RENEGOTIATION_INFO: _ext_reneg,
    ExtensionType.SESSION_TICKET: _ext_ticket,
    ExtensionType.RECORD_SIZE_LIMIT: _ext_record_size_limit,
    ExtensionType.STATUS_REQUEST: _ext_status_request,
}


def parse_extension(ext_type: int, data: bytes, context: ExtensionContext) -> Extension:
    """One extension's body, read in the form ``context`` gives it."""
    parse = _EXTENSION_PARSERS.get(ext_type)
    if parse is None:
        return RawExtension(ext_type, data)
    return parse(data, context)


_EXTENSION_HEADER = struct.Struct(">HH")  # extension_type, extension_data length


def parse_extensions(
    r: Reader, context: ExtensionContext, lo: int = 0, hi: int = 0xFFFF
) -> tuple[Extension, ...]:
    """An extension block (``Extension extensions<lo..hi>``) at ``r``."""
    block = r.sub(2, lo, hi, "extensions")
    raw, pos, end = block.data, 0, block.end
    seen: set[int] = set()
    out: list[Extension] = []
    while pos < end:
        # Each extension's header and length in one test (a header cut
        # short counts as ending past the block); the cursor only names
        # what is wrong.
        start = pos + 4
        ext_type, n = _EXTENSION_HEADER.unpack_from(raw, pos) if start <= end else (0, end)
        stop = start + n
        if stop > end:
            block.pos = pos
            block.u16("extension_type")
            block.vector(2, 0, 0xFFFF, "extension_data")  # raises
        if ext_type in seen:
            raise block.fail("extension_type", f"duplicate extension {ext_type}", ILLEGAL)
        seen.add(ext_type)
        data = raw[start:stop]
        parse = _EXTENSION_PARSERS.get(ext_type)
        out.append(RawExtension(ext_type, data) if parse is None else parse(data, context))
        pos = stop
    return tuple(out)


def _optional_extensions(r: Reader, context: ExtensionContext) -> tuple[Extension, ...]:
    # A TLS 1.2 hello may end without the extensions block (RFC 5246 7.4.1.2).
    if r.left() == 0:
        return ()
    return parse_extensions(r, context)


# ------------------------------------------------------- handshake messages


def parse_client_hello(body: bytes) -> ClientHello:
    r = Reader(body, "ClientHello")
    version = to_enum(ProtocolVersion, r.u16("legacy_version"))
    random = r.fixed(32, "random")
    session_id = r.vector(1, 0, 32, "legacy_session_id")
    suites = to_enums(CipherSuite, r.u16s(2, 2, 0xFFFE, "cipher_suites"))
    compression = r.vector(1, 1, 0xFF, "legacy_compression_methods")
    extensions = _optional_extensions(r, CH)
    r.done()
    hello = ClientHello(version, random, session_id, suites, compression, extensions)
    psk = hello.find(PreSharedKeyClientHello)
    if psk is not None and extensions[-1] is not psk:
        raise r.fail("extensions", "pre_shared_key is not the last extension", ILLEGAL)
    return hello


def parse_server_hello(body: bytes) -> ServerHello | HelloRetryRequest:
    """A ServerHello, or a HelloRetryRequest when random is HRR_RANDOM."""
    r = Reader(body, "ServerHello")
    version = to_enum(ProtocolVersion, r.u16("legacy_version"))
    random = r.fixed(32, "random")
    session_id = r.vector(1, 0, 32, "legacy_session_id_echo")
    suite = to_enum(CipherSuite, r.u16("cipher_suite"))
    compression = to_enum(CompressionMethod, r.u8("legacy_compression_method"))
    if random == HRR_RANDOM:
        r.what = "HelloRetryRequest"
        extensions = parse_extensions(r, HRR)
        r.done()
        check_tls13_extensions(extensions, HRR)
        return HelloRetryRequest(version, session_id, suite, compression, extensions)
    extensions = _optional_extensions(r, SH)
    r.done()
    return ServerHello(version, random, session_id, suite, compression, extensions)


def parse_encrypted_extensions(body: bytes) -> EncryptedExtensions:
    r = Reader(body, "EncryptedExtensions")
    extensions = parse_extensions(r, EE)
    r.done()
    check_tls13_extensions(extensions, EE)
    return EncryptedExtensions(extensions)


def parse_certificate13(body: bytes) -> Certificate13:
    r = Reader(body, "Certificate")
    context = r.vector(1, 0, 255, "certificate_request_context")
    lst = r.sub(3, 0, 0xFFFFFF, "certificate_list")
    entries = []
    while lst.left():
        cert = lst.vector(3, 1, 0xFFFFFF, "cert_data")
        extensions = parse_extensions(lst, CT)
        check_tls13_extensions(extensions, CT)
        entries.append(CertificateEntry(cert, extensions))
    r.done()
    return Certificate13(context, tuple(entries))


def parse_certificate12(body: bytes) -> Certificate12:
    r = Reader(body, "Certificate")
    lst = r.sub(3, 0, 0xFFFFFF, "certificate_list")
    certs = []
    while lst.left():
        certs.append(lst.vector(3, 1, 0xFFFFFF, "ASN.1Cert"))
    r.done()
    return Certificate12(tuple(certs))


def parse_certificate_request13(body: bytes) -> CertificateRequest13:
    r = Reader(body, "CertificateRequest")
    context = r.vector(1, 0, 255, "certificate_request_context")
    extensions = parse_extensions(r, CR, lo=2)
    r.done()
    check_tls13_extensions(extensions, CR)
    if not any(isinstance(e, SignatureAlgorithms) for e in extensions):
        raise r.fail(
            "extensions", "signature_algorithms missing", AlertDescription.MISSING_EXTENSION
        )
    return CertificateRequest13(context, extensions)


def parse_certificate_request12(body: bytes) -> CertificateRequest12:
    r = Reader(body, "CertificateRequest")
    types = r.vector(1, 1, 0xFF, "certificate_types")
    schemes = r.u16s(2, 2, 0xFFFE, "supported_signature_algorithms")
    cas = r.sub(2, 0, 0xFFFF, "certificate_authorities")
    names = []
    while cas.left():
        names.append(cas.vector(2, 1, 0xFFFF, "DistinguishedName"))
    r.done()
    return CertificateRequest12(
        to_enums(ClientCertificateType, types), to_enums(SignatureScheme, schemes), tuple(names)
    )


def parse_certificate_verify(body: bytes) -> CertificateVerify:
    r = Reader(body, "CertificateVerify")
    algorithm = to_enum(SignatureScheme, r.u16("algorithm"))
    signature = r.vector(2, 0, 0xFFFF, "signature")
    r.done()
    return CertificateVerify(algorithm, signature)


def parse_server_key_exchange(
    body: bytes, kex: KeyExchange
) -> ServerKeyExchangeECDHE | ServerKeyExchangeDHE:
    r = Reader(body, "ServerKeyExchange")
    ske: ServerKeyExchangeECDHE | ServerKeyExchangeDHE
    if kex is KeyExchange.ECDHE:
        curve_type = r.u8("curve_type")
        if curve_type != ECCurveType.NAMED_CURVE:
            raise r.fail("curve_type", f"{curve_type} is not named_curve", ILLEGAL)
        curve = to_enum(NamedGroup, r.u16("namedcurve"))
        point = r.vector(1, 1, 0xFF, "point")
        algorithm = to_enum(SignatureScheme, r.u16("algorithm"))
        signature = r.vector(2, 0, 0xFFFF, "signature")
        ske = ServerKeyExchangeECDHE(curve, point, algorithm, signature)
    elif kex is KeyExchange.DHE:
        p = r.vector(2, 1, 0xFFFF, "dh_p")
        g = r.vector(2, 1, 0xFFFF, "dh_g")
        ys = r.vector(2, 1, 0xFFFF, "dh_Ys")
        algorithm = to_enum(SignatureScheme, r.u16("algorithm"))
        signature = r.vector(2, 0, 0xFFFF, "signature")
        ske = ServerKeyExchangeDHE(p, g, ys, algorithm, signature)
    else:
        raise r.fail("", "no ServerKeyExchange with RSA key exchange", UNEXPECTED)
    r.done()
    return ske


def parse_client_key_exchange(
    body: bytes, kex: KeyExchange
) -> ClientKeyExchangeECDHE | ClientKeyExchangeDHE | ClientKeyExchangeRSA:
    r = Reader(body, "ClientKeyExchange")
    cke: ClientKeyExchangeECDHE | ClientKeyExchangeDHE | ClientKeyExchangeRSA
    if kex is KeyExchange.ECDHE:
        cke = ClientKeyExchangeECDHE(r.vector(1, 1, 0xFF, "ecdh_Yc"))
    elif kex is KeyExchange.DHE:
        cke = ClientKeyExchangeDHE(r.vector(2, 1, 0xFFFF, "dh_Yc"))
    else:
        cke = ClientKeyExchangeRSA(r.vector(2, 0, 0xFFFF, "EncryptedPreMasterSecret"))
    r.done()
    return cke


def parse_finished(body: bytes) -> Finished:
    if not body:
        raise TLSDecodeError("Finished.verify_data", "empty")
    return Finished(body)


def parse_new_session_ticket13(body: bytes) -> NewSessionTicket13:
    r = Reader(body, "NewSessionTicket")
    lifetime = r.u32("ticket_lifetime")
    age_add = r.u32("ticket_age_add")
    nonce = r.vector(1, 0, 255, "ticket_nonce")
    ticket = r.vector(2, 1, 0xFFFF, "ticket")
    extensions = parse_extensions(r, NST, hi=0xFFFE)
    r.done()
    check_tls13_extensions(extensions, NST)
    return NewSessionTicket13(lifetime, age_add, nonce, ticket, extensions)


def parse_new_session_ticket12(body: bytes) -> NewSessionTicket12:
    r = Reader(body, "NewSessionTicket")
    lifetime = r.u32("ticket_lifetime_hint")
    ticket = r.vector(2, 0, 0xFFFF, "ticket")
    r.done()
    return NewSessionTicket12(lifetime, ticket)


def parse_key_update(body: bytes) -> KeyUpdate:
    r = Reader(body, "KeyUpdate")
    value = r.u8("request_update")
    r.done()
    if value not in (0, 1):
        raise r.fail("request_update", f"value {value}", ILLEGAL)
    return KeyUpdate(KeyUpdateRequest(value))


def _empty_body(
    name: str, cls: type[ServerHelloDone | EndOfEarlyData | HelloRequest]
) -> Callable[[bytes], HandshakeMessage]:
    def parse(body: bytes) -> HandshakeMessage:
        if body:
            raise TLSDecodeError(name, f"{len(body)} bytes in an empty message")
        return cls()

    return parse


_COMMON: dict[int, Callable[[bytes], HandshakeMessage]] = {
    HandshakeType.CLIENT_HELLO: parse_client_hello,
    HandshakeType.SERVER_HELLO: parse_server_hello,
    HandshakeType.CERTIFICATE_VERIFY: parse_certificate_verify,
    HandshakeType.FINISHED: parse_finished,
}
_TLS13: dict[int, Callable[[bytes], HandshakeMessage]] = {
    **_COMMON,
    HandshakeType.ENCRYPTED_EXTENSIONS: parse_encrypted_extensions,
    HandshakeType.CERTIFICATE: parse_certificate13,
    HandshakeType.CERTIFICATE_REQUEST: parse_certificate_request13,
    HandshakeType.NEW_SESSION_TICKET: parse_new_session_ticket13,
    HandshakeType.END_OF_EARLY_DATA: _empty_body("EndOfEarlyData", EndOfEarlyData),
    HandshakeType.KEY_UPDATE: parse_key_update,
}
_TLS12: dict[int, Callable[[bytes], HandshakeMessage]] = {
    **_COMMON,
    HandshakeType.HELLO_REQUEST: _empty_body("HelloRequest", HelloRequest),
    HandshakeType.CERTIFICATE: parse_certificate12,
    HandshakeType.CERTIFICATE_REQUEST: parse_certificate_request12,
    HandshakeType.SERVER_HELLO_DONE: _empty_body("ServerHelloDone", ServerHelloDone),
    HandshakeType.NEW_SESSION_TICKET: parse_new_session_ticket12,
}


def parse_handshake_body(
    msg_type: int, body: bytes, *, version: int, kex: KeyExchange | None = None
) -> HandshakeMessage:
    """The body of a handshake message of type ``msg_type``.

    ``version`` is the negotiated (or, before ServerHello, the highest
    offered) protocol version; it chooses the TLS 1.2 or TLS 1.3 form of
    Certificate, CertificateRequest and NewSessionTicket.  ``kex`` (TLS 1.2)
    chooses the form of ServerKeyExchange and ClientKeyExchange.  A message
    type the version does not have is ``unexpected_message``.
    """
    tls13 = version >= ProtocolVersion.TLS_1_3
    if not tls13 and msg_type in (
        HandshakeType.SERVER_KEY_EXCHANGE,
        HandshakeType.CLIENT_KEY_EXCHANGE,
    ):
        if kex is None:
            raise TLSDecodeError("Handshake.msg_type", "key exchange not known yet", UNEXPECTED)
        if msg_type == HandshakeType.SERVER_KEY_EXCHANGE:
            return parse_server_key_exchange(body, kex)
        return parse_client_key_exchange(body, kex)
    parse = (_TLS13 if tls13 else _TLS12).get(msg_type)
    if parse is None:
        raise TLSDecodeError(
            "Handshake.msg_type", f"type {msg_type} not valid in {version:#06x}", UNEXPECTED
        )
    return parse(body)


def split_handshake(data: bytes) -> tuple[int, bytes]:
    """(msg_type, body) of exactly one framed handshake message."""
    n = int.from_bytes(data[1:4], "big")
    if len(data) != 4 + n or n > MAX_HANDSHAKE_LENGTH:
        # The cursor names what is wrong.
        r = Reader(data, "Handshake")
        r.u8("msg_type")
        r.vector(3, 0, MAX_HANDSHAKE_LENGTH, "length")
        r.done()
    return data[0], data[4:]


def parse_handshake(
    data: bytes, *, version: int, kex: KeyExchange | None = None
) -> HandshakeMessage:
    """Exactly one framed handshake message (type, uint24 length, body)."""
    msg_type, body = split_handshake(data)
    return parse_handshake_body(msg_type, body, version=version, kex=kex)


# --------------------------------------------------- other content types


def parse_alert(data: bytes) -> Alert:
    r = Reader(data, "Alert")
    level = to_enum(AlertLevel, r.u8("level"))
    description = to_enum(AlertDescription, r.u8("description"))
    r.done()
    return Alert(level, description)


def parse_change_cipher_spec(data: bytes) -> ChangeCipherSpec:
    """The change_cipher_spec body must be the single byte 1 (RFC 8446 5:
    anything else is unexpected_message)."""
    if data != b"\x01":
        raise TLSDecodeError("ChangeCipherSpec.type", f"{data.hex()} is not 01", UNEXPECTED)
    return ChangeCipherSpec()


__all__ = [
    "MAX_HANDSHAKE_LENGTH",
    "TLS13_ALLOWED",
    "Reader",
    "check_tls13_extensions",
    "parse_alert",
    "parse_certificate12",
    "parse_certificate13",
    "parse_certificate_request12",
    "parse_certificate_request13",
    "parse_certificate_verify",
    "parse_change_cipher_spec",
    "parse_client_hello",
    "parse_client_key_exchange",
    "parse_encrypted_extensions",
    "parse_extension",
    "parse_extensions",
    "parse_finished",
    "parse_handshake",
    "parse_handshake_body",
    "parse_key_update",
    "parse_new_session_ticket12",
    "parse_new_session_ticket13",
    "parse_server_hello",
    "parse_server_key_exchange",
    "split_handshake",
]
