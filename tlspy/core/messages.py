"""TLS messages and extensions as frozen, slotted values.

One dataclass per wire structure (RFC 8446 section 4, RFC 5246 section 7.4 and
the extension RFCs).  Fields carrying registry codepoints are typed
``Enum | int``: the reader gives the enum member when it knows the value and
the plain int otherwise.  Variable-length opaque fields are ``bytes``, lists
are tuples, so every value is hashable and immutable.  A value carrying an
extension block looks an extension up with ``find(cls)``: a dict lookup in a
map made with the value (duplicates never get that far: the reader refuses
them).

``tlspy.core.reader`` turns bytes into these values, ``tlspy.core.writer``
turns them back; ``assemble(parse(b)) == b`` for every valid encoding the
writer produces.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import ClassVar, TypeAlias, TypeVar

from tlspy.core.enums import (
    AlertDescription,
    AlertLevel,
    CertificateStatusType,
    CipherSuite,
    ClientCertificateType,
    CompressionMethod,
    ECPointFormat,
    ExtensionType,
    HandshakeType,
    KeyUpdateRequest,
    NamedGroup,
    ProtocolVersion,
    PskKeyExchangeMode,
    SignatureScheme,
)


class ExtensionContext(Enum):
    """Where an extension block sits; it decides an extension's form."""

    CLIENT_HELLO = "CH"
    SERVER_HELLO = "SH"
    HELLO_RETRY_REQUEST = "HRR"
    ENCRYPTED_EXTENSIONS = "EE"
    CERTIFICATE = "CT"
    CERTIFICATE_REQUEST = "CR"
    NEW_SESSION_TICKET = "NST"


class KeyExchange(Enum):
    """TLS 1.2 key exchange family; decides how ServerKeyExchange and
    ClientKeyExchange parse."""

    ECDHE = "ECDHE"
    DHE = "DHE"
    RSA = "RSA"


# ---------------------------------------------------------------- extensions


@dataclass(frozen=True, slots=True)
class ServerName:
    """server_name (RFC 6066 3). ``host_name`` None is the empty form a
    server sends to acknowledge the name."""

    host_name: bytes | None = None

    extension_type: ClassVar[int] = ExtensionType.SERVER_NAME


@dataclass(frozen=True, slots=True)
class ALPN:
    """application_layer_protocol_negotiation (RFC 7301)."""

    protocols: tuple[bytes, ...]

    extension_type: ClassVar[int] = ExtensionType.APPLICATION_LAYER_PROTOCOL_NEGOTIATION


@dataclass(frozen=True, slots=True)
class SupportedGroups:
    groups: tuple[NamedGroup | int, ...]

    extension_type: ClassVar[int] = ExtensionType.SUPPORTED_GROUPS


@dataclass(frozen=True, slots=True)
class ECPointFormats:
    formats: tuple[ECPointFormat | int, ...]

    extension_type: ClassVar[int] = ExtensionType.EC_POINT_FORMATS


@dataclass(frozen=True, slots=True)
class SignatureAlgorithms:
    schemes: tuple[SignatureScheme | int, ...]

    extension_type: ClassVar[int] = ExtensionType.SIGNATURE_ALGORITHMS


@dataclass(frozen=True, slots=True)
class SignatureAlgorithmsCert:
    schemes: tuple[SignatureScheme | int, ...]

    extension_type: ClassVar[int] = ExtensionType.SIGNATURE_ALGORITHMS_CERT


@dataclass(frozen=True, slots=True)
class KeyShareEntry:
    group: NamedGroup | int
    key_exchange: bytes


@dataclass(frozen=True, slots=True)
class KeyShareClientHello:
    shares: tuple[KeyShareEntry, ...]

    extension_type: ClassVar[int] = ExtensionType.KEY_SHARE


@dataclass(frozen=True, slots=True)
class KeyShareServerHello:
    share: KeyShareEntry

    extension_type: ClassVar[int] = ExtensionType.KEY_SHARE


@dataclass(frozen=True, slots=True)
class KeyShareHelloRetryRequest:
    selected_group: NamedGroup | int

    extension_type: ClassVar[int] = ExtensionType.KEY_SHARE


@dataclass(frozen=True, slots=True)
class SupportedVersionsClientHello:
    versions: tuple[ProtocolVersion | int, ...]

    extension_type: ClassVar[int] = ExtensionType.SUPPORTED_VERSIONS


@dataclass(frozen=True, slots=True)
class SupportedVersionsServerHello:
    selected_version: ProtocolVersion | int

    extension_type: ClassVar[int] = ExtensionType.SUPPORTED_VERSIONS


@dataclass(frozen=True, slots=True)
class PskKeyExchangeModes:
    modes: tuple[PskKeyExchangeMode | int, ...]

    extension_type: ClassVar[int] = ExtensionType.PSK_KEY_EXCHANGE_MODES


@dataclass(frozen=True, slots=True)
class PskIdentity:
    identity: bytes
    obfuscated_ticket_age: int


@dataclass(frozen=True, slots=True)
class PreSharedKeyClientHello:
    """pre_shared_key in a ClientHello: identities and one binder each.
    It is always the last extension (the reader enforces it)."""

    identities: tuple[PskIdentity, ...]
    binders: tuple[bytes, ...]

    extension_type: ClassVar[int] = ExtensionType.PRE_SHARED_KEY

    def binders_length(self) -> int:
        """Bytes the binders list takes on the wire (with its length prefix):
        the truncated ClientHello hashed for the binder omits exactly these."""
        return 2 + sum(1 + len(b) for b in self.binders)


@dataclass(frozen=True, slots=True)
class PreSharedKeyServerHello:
    selected_identity: int

    extension_type: ClassVar[int] = ExtensionType.PRE_SHARED_KEY


@dataclass(frozen=True, slots=True)
class Cookie:
    cookie: bytes

    extension_type: ClassVar[int] = ExtensionType.COOKIE


@dataclass(frozen=True, slots=True)
class EarlyData:
    """early_data: empty in ClientHello/EncryptedExtensions, carries
    ``max_early_data_size`` in NewSessionTicket."""

    max_early_data_size: int | None = None

    extension_type: ClassVar[int] = ExtensionType.EARLY_DATA


@dataclass(frozen=True, slots=True)
class ExtendedMasterSecret:
    extension_type: ClassVar[int] = ExtensionType.EXTENDED_MASTER_SECRET


@dataclass(frozen=True, slots=True)
class RenegotiationInfo:
    renegotiated_connection: bytes = b""

    extension_type: ClassVar[int] = ExtensionType.RENEGOTIATION_INFO


@dataclass(frozen=True, slots=True)
class SessionTicket:
    """session_ticket (RFC 5077): the ticket (empty to ask for one)."""

    ticket: bytes = b""

    extension_type: ClassVar[int] = ExtensionType.SESSION_TICKET


@dataclass(frozen=True, slots=True)
class EncryptThenMac:
    extension_type: ClassVar[int] = ExtensionType.ENCRYPT_THEN_MAC


@dataclass(frozen=True, slots=True)
class RecordSizeLimit:
    """record_size_limit (RFC 8449); values below 64 are rejected."""

    limit: int

    extension_type: ClassVar[int] = ExtensionType.RECORD_SIZE_LIMIT


@dataclass(frozen=True, slots=True)
class StatusRequest:
    """status_request (RFC 6066 8) as a client (or TLS 1.3
    CertificateRequest) sends it."""

    status_type: CertificateStatusType | int = CertificateStatusType.OCSP
    responder_ids: tuple[bytes, ...] = ()
    request_extensions: bytes = b""

    extension_type: ClassVar[int] = ExtensionType.STATUS_REQUEST


@dataclass(frozen=True, slots=True)
class StatusRequestAck:
    """The empty status_request a TLS 1.2 server sends back."""

    extension_type: ClassVar[int] = ExtensionType.STATUS_REQUEST


@dataclass(frozen=True, slots=True)
class CertificateStatus:
    """status_request in a TLS 1.3 CertificateEntry: an OCSP response."""

    status_type: CertificateStatusType | int
    response: bytes

    extension_type: ClassVar[int] = ExtensionType.STATUS_REQUEST


@dataclass(frozen=True, slots=True)
class RawExtension:
    """Any extension tlspy does not model, kept as its type and bytes."""

    extension_type: int
    data: bytes


Extension: TypeAlias = (
    ServerName
    | ALPN
    | SupportedGroups
    | ECPointFormats
    | SignatureAlgorithms
    | SignatureAlgorithmsCert
    | KeyShareClientHello
    | KeyShareServerHello
    | KeyShareHelloRetryRequest
    | SupportedVersionsClientHello
    | SupportedVersionsServerHello
    | PskKeyExchangeModes
    | PreSharedKeyClientHello
    | PreSharedKeyServerHello
    | Cookie
    | EarlyData
    | ExtendedMasterSecret
    | RenegotiationInfo
    | SessionTicket
    | EncryptThenMac
    | RecordSizeLimit
    | StatusRequest
    | StatusRequestAck
    | CertificateStatus
    | RawExtension
)

X = TypeVar("X")


def find_extension(extensions: tuple[Extension, ...], cls: type[X]) -> X | None:
    """The extension of class ``cls`` in ``extensions``, or None (a scan:
    a message's own ``find`` is a lookup)."""
    for ext in extensions:
        if isinstance(ext, cls):
            return ext
    return None


class _ExtensionBlock:
    """What the values carrying an extension block share: ``find``, a
    lookup by class in a map made once, with the value.  Each such
    dataclass declares the map as an ``init=False`` field, so ``replace``
    remakes it from the new extensions."""

    __slots__ = ()
    extensions: tuple[Extension, ...]
    _by_class: dict[type, Extension]

    def __post_init__(self) -> None:
        # Reversed, so that the first extension of a class wins (a block
        # the reader accepts has each extension type once anyway).
        by_class = {type(ext): ext for ext in reversed(self.extensions)}
        object.__setattr__(self, "_by_class", by_class)

    def find(self, cls: type[X]) -> X | None:
        """The extension of class ``cls`` in ``extensions``, or None."""
        return self._by_class.get(cls)  # type: ignore[return-value]


# ------------------------------------------------------- handshake messages


@dataclass(frozen=True, slots=True)
class ClientHello(_ExtensionBlock):
    legacy_version: ProtocolVersion | int
    random: bytes
    legacy_session_id: bytes
    cipher_suites: tuple[CipherSuite | int, ...]
    legacy_compression_methods: bytes = b"\x00"
    extensions: tuple[Extension, ...] = ()
    _by_class: dict[type, Extension] = field(init=False, repr=False, compare=False)

    msg_type = HandshakeType.CLIENT_HELLO


@dataclass(frozen=True, slots=True)
class ServerHello(_ExtensionBlock):
    legacy_version: ProtocolVersion | int
    random: bytes
    legacy_session_id_echo: bytes
    cipher_suite: CipherSuite | int
    legacy_compression_method: CompressionMethod | int = CompressionMethod.NULL
    extensions: tuple[Extension, ...] = ()
    _by_class: dict[type, Extension] = field(init=False, repr=False, compare=False)

    msg_type = HandshakeType.SERVER_HELLO


@dataclass(frozen=True, slots=True)
class HelloRetryRequest(_ExtensionBlock):
    """A ServerHello whose random is HRR_RANDOM (RFC 8446 4.1.4)."""

    legacy_version: ProtocolVersion | int
    legacy_session_id_echo: bytes
    cipher_suite: CipherSuite | int
    legacy_compression_method: CompressionMethod | int = CompressionMethod.NULL
    extensions: tuple[Extension, ...] = ()
    _by_class: dict[type, Extension] = field(init=False, repr=False, compare=False)

    msg_type = HandshakeType.SERVER_HELLO


@dataclass(frozen=True, slots=True)
class EncryptedExtensions(_ExtensionBlock):
    extensions: tuple[Extension, ...] = ()
    _by_class: dict[type, Extension] = field(init=False, repr=False, compare=False)

    msg_type = HandshakeType.ENCRYPTED_EXTENSIONS


@dataclass(frozen=True, slots=True)
class CertificateEntry(_ExtensionBlock):
    cert_data: bytes
    extensions: tuple[Extension, ...] = ()
    _by_class: dict[type, Extension] = field(init=False, repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class Certificate13:
    certificate_request_context: bytes
    certificate_list: tuple[CertificateEntry, ...]

    msg_type = HandshakeType.CERTIFICATE


@dataclass(frozen=True, slots=True)
class Certificate12:
    certificate_list: tuple[bytes, ...]

    msg_type = HandshakeType.CERTIFICATE


@dataclass(frozen=True, slots=True)
class CertificateRequest13(_ExtensionBlock):
    certificate_request_context: bytes
    extensions: tuple[Extension, ...]
    _by_class: dict[type, Extension] = field(init=False, repr=False, compare=False)

    msg_type = HandshakeType.CERTIFICATE_REQUEST


@dataclass(frozen=True, slots=True)
class CertificateRequest12:
    certificate_types: tuple[ClientCertificateType | int, ...]
    supported_signature_algorithms: tuple[SignatureScheme | int, ...]
    certificate_authorities: tuple[bytes, ...] = ()

    msg_type = HandshakeType.CERTIFICATE_REQUEST


@dataclass(frozen=True, slots=True)
class CertificateVerify:
    algorithm: SignatureScheme | int
    signature: bytes

    msg_type = HandshakeType.CERTIFICATE_VERIFY


@dataclass(frozen=True, slots=True)
class ServerKeyExchangeECDHE:
    """ServerECDHParams (named_curve form, RFC 8422 5.4) and the signature
    over client_random + server_random + params."""

    named_curve: NamedGroup | int
    public: bytes
    algorithm: SignatureScheme | int
    signature: bytes

    msg_type = HandshakeType.SERVER_KEY_EXCHANGE


@dataclass(frozen=True, slots=True)
class ServerKeyExchangeDHE:
    """ServerDHParams (RFC 5246 7.4.3), big-endian p, g and Ys, and the
    signature over client_random + server_random + params."""

    dh_p: bytes
    dh_g: bytes
    dh_ys: bytes
    algorithm: SignatureScheme | int
    signature: bytes

    msg_type = HandshakeType.SERVER_KEY_EXCHANGE


@dataclass(frozen=True, slots=True)
class ServerHelloDone:
    msg_type = HandshakeType.SERVER_HELLO_DONE


@dataclass(frozen=True, slots=True)
class ClientKeyExchangeECDHE:
    public: bytes

    msg_type = HandshakeType.CLIENT_KEY_EXCHANGE


@dataclass(frozen=True, slots=True)
class ClientKeyExchangeDHE:
    public: bytes

    msg_type = HandshakeType.CLIENT_KEY_EXCHANGE


@dataclass(frozen=True, slots=True)
class ClientKeyExchangeRSA:
    encrypted_premaster: bytes

    msg_type = HandshakeType.CLIENT_KEY_EXCHANGE


@dataclass(frozen=True, slots=True)
class Finished:
    verify_data: bytes

    msg_type = HandshakeType.FINISHED


@dataclass(frozen=True, slots=True)
class NewSessionTicket13(_ExtensionBlock):
    ticket_lifetime: int
    ticket_age_add: int
    ticket_nonce: bytes
    ticket: bytes
    extensions: tuple[Extension, ...] = ()
    _by_class: dict[type, Extension] = field(init=False, repr=False, compare=False)

    msg_type = HandshakeType.NEW_SESSION_TICKET


@dataclass(frozen=True, slots=True)
class NewSessionTicket12:
    ticket_lifetime_hint: int
    ticket: bytes

    msg_type = HandshakeType.NEW_SESSION_TICKET


@dataclass(frozen=True, slots=True)
class EndOfEarlyData:
    msg_type = HandshakeType.END_OF_EARLY_DATA


@dataclass(frozen=True, slots=True)
class KeyUpdate:
    request_update: KeyUpdateRequest

    msg_type = HandshakeType.KEY_UPDATE


@dataclass(frozen=True, slots=True)
class HelloRequest:
    msg_type = HandshakeType.HELLO_REQUEST


HandshakeMessage: TypeAlias = (
    ClientHello
    | ServerHello
    | HelloRetryRequest
    | EncryptedExtensions
    | Certificate13
    | Certificate12
    | CertificateRequest13
    | CertificateRequest12
    | CertificateVerify
    | ServerKeyExchangeECDHE
    | ServerKeyExchangeDHE
    | ServerHelloDone
    | ClientKeyExchangeECDHE
    | ClientKeyExchangeDHE
    | ClientKeyExchangeRSA
    | Finished
    | NewSessionTicket13
    | NewSessionTicket12
    | EndOfEarlyData
    | KeyUpdate
    | HelloRequest
)

# --------------------------------------------------- other content types


@dataclass(frozen=True, slots=True)
class ChangeCipherSpec:
    """The one-byte change_cipher_spec message (value 1)."""


@dataclass(frozen=True, slots=True)
class Alert:
    level: AlertLevel | int
    description: AlertDescription | int


__all__ = [
    "ALPN",
    "Alert",
    "Certificate12",
    "Certificate13",
    "CertificateEntry",
    "CertificateRequest12",
    "CertificateRequest13",
    "CertificateStatus",
    "CertificateVerify",
    "ChangeCipherSpec",
    "ClientHello",
    "ClientKeyExchangeDHE",
    "ClientKeyExchangeECDHE",
    "ClientKeyExchangeRSA",
    "Cookie",
    "ECPointFormats",
    "EarlyData",
    "EncryptThenMac",
    "EncryptedExtensions",
    "EndOfEarlyData",
    "ExtendedMasterSecret",
    "Extension",
    "ExtensionContext",
    "Finished",
    "HandshakeMessage",
    "HelloRequest",
    "HelloRetryRequest",
    "KeyExchange",
    "KeyShareClientHello",
    "KeyShareEntry",
    "KeyShareHelloRetryRequest",
    "KeyShareServerHello",
    "KeyUpdate",
    "NewSessionTicket12",
    "NewSessionTicket13",
    "PreSharedKeyClientHello",
    "PreSharedKeyServerHello",
    "PskIdentity",
    "PskKeyExchangeModes",
    "RawExtension",
    "RecordSizeLimit",
    "RenegotiationInfo",
    "ServerHello",
    "ServerHelloDone",
    "ServerKeyExchangeDHE",
    "ServerKeyExchangeECDHE",
    "ServerName",
    "SessionTicket",
    "SignatureAlgorithms",
    "SignatureAlgorithmsCert",
    "StatusRequest",
    "StatusRequestAck",
    "SupportedGroups",
    "SupportedVersionsClientHello",
    "SupportedVersionsServerHello",
    "find_extension",
]
