"""Engine states: immutable values, one frozen slotted dataclass per
handshake state carrying exactly what that state needs (after OCaml-TLS's
state.ml), wrapped in a :class:`State` that also holds the record layer
(protection and sequence number per direction, partial record bytes,
handshake reassembly).

Randomness: every State carries a 32-byte ``seed`` drawn from
``config.rng`` when the connection is created; each step derives what it
needs from it (HKDF) and hands a fresh seed to the next state, so
``handle_tls`` is a pure function of (state, bytes).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from operator import itemgetter
from typing import TypeAlias

from nocrypto.tls_aead import TLS13AEAD
from tlspy.core.enums import AlertDescription, CipherSuite, NamedGroup, SignatureScheme
from tlspy.core.keyschedule import Transcript
from tlspy.core.messages import ClientHello
from tlspy.core.protect import protection13
from tlspy.core.record import HandshakeBuffer, RecordProtection13
from tlspy.core.suites import SuiteInfo
from tlspy.engine._protect12 import Protection12
from tlspy.engine.config import CertifiedKey, Config
from tlspy.engine.handshake_common import KeySharePrivate
from tlspy.engine.tickets import Ticket
from tlspy.x509 import Certificate


def keys13(suite: SuiteInfo, secret: bytes) -> Direction:
    """One direction's record protection from a TLS 1.3 traffic secret,
    sequence number 0."""
    protection = protection13(suite, secret)
    return Direction(protection, secret, protection.fast)


@dataclass(frozen=True, slots=True)
class Direction:
    """One direction's record protection: None until keys are installed.
    ``fast`` is the same TLS 1.3 key as ``protection`` as a one-call
    record sealer/opener (None for TLS 1.2 and for AEADs outside
    nocrypto): the application-data path tests only it.  The sequence
    number lives in the State (``read_seq``/``write_seq``; 0 whenever keys
    change)."""

    protection: RecordProtection13 | Protection12 | None = None
    secret: bytes = b""  # the traffic secret (KeyUpdate derives the next)
    fast: TLS13AEAD | None = None


@dataclass(frozen=True, slots=True)
class SessionInfo:
    """What a completed handshake negotiated (HandshakeComplete.info)."""

    version: int
    cipher_suite: CipherSuite
    group: NamedGroup | None
    signature_scheme: SignatureScheme | None
    alpn: bytes | None
    peer_certificates: tuple[Certificate, ...]
    server_name: str | None
    resumed: bool = False


@dataclass(frozen=True, slots=True)
class Secrets13:
    """The negotiated suite and handshake-stage key schedule values."""

    suite: SuiteInfo
    group: NamedGroup
    handshake_secret: bytes
    client_hs: bytes
    server_hs: bytes
    client_random: bytes = b""  # ClientHello.random (key log lines)

    @property
    def hash(self) -> str:
        return self.suite.prf_hash


# ----------------------------------------------------------- client states


@dataclass(frozen=True, slots=True)
class ClientWaitServerHello:
    hello: ClientHello
    shares: tuple[KeySharePrivate, ...]
    transcript: Transcript
    server_name: str | None
    retry_suite: CipherSuite | None = None  # set after a HelloRetryRequest
    ccs_sent: bool = False
    ticket: Ticket | None = None  # offered for resumption
    ticket12: Ticket | None = None  # a TLS 1.2 ticket offered (RFC 5077)


@dataclass(frozen=True, slots=True)
class ClientWaitEncryptedExtensions:
    secrets: Secrets13
    transcript: Transcript
    hello: ClientHello
    server_name: str | None
    ccs_sent: bool
    resumed: Ticket | None  # the ticket the server accepted


@dataclass(frozen=True, slots=True)
class ClientWaitCertificate:
    secrets: Secrets13
    transcript: Transcript
    hello: ClientHello
    server_name: str | None
    ccs_sent: bool
    alpn: bytes | None
    cert_request_context: bytes | None = None
    cert_request_schemes: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class ClientWaitCertificateVerify:
    secrets: Secrets13
    transcript: Transcript
    hello: ClientHello
    server_name: str | None
    ccs_sent: bool
    alpn: bytes | None
    cert_request_context: bytes | None
    cert_request_schemes: tuple[int, ...]
    peer_chain: tuple[Certificate, ...]


@dataclass(frozen=True, slots=True)
class ClientWaitFinished:
    secrets: Secrets13
    transcript: Transcript
    ccs_sent: bool
    info: SessionInfo
    cert_request_context: bytes | None
    cert_request_schemes: tuple[int, ...]


# ----------------------------------------------------------- server states


@dataclass(frozen=True, slots=True)
class ServerWaitClientHello:
    """Waiting for the first ClientHello."""


@dataclass(frozen=True, slots=True)
class ServerWaitClientHello2:
    """After a HelloRetryRequest: what the second ClientHello must match."""

    transcript: Transcript  # message_hash(CH1) + HRR
    hello1: ClientHello
    suite: CipherSuite
    group: NamedGroup
    cookie: bytes | None
    skip_early_data: bool


@dataclass(frozen=True, slots=True)
class ServerWaitClientCertificate:
    """A CertificateRequest went out with the server's flight."""

    secrets: Secrets13
    transcript: Transcript
    client_app: bytes
    server_app: bytes
    exporter_master: bytes
    info: SessionInfo
    early_data_budget: int


@dataclass(frozen=True, slots=True)
class ServerWaitClientCertificateVerify:
    secrets: Secrets13
    transcript: Transcript
    client_app: bytes
    server_app: bytes
    exporter_master: bytes
    info: SessionInfo  # peer_certificates: the client's chain
    early_data_budget: int


@dataclass(frozen=True, slots=True)
class ServerWaitFinished:
    secrets: Secrets13
    transcript: Transcript  # through server Finished (and client auth)
    client_app: bytes
    server_app: bytes
    exporter_master: bytes
    info: SessionInfo
    early_data_budget: int  # rejected 0-RTT bytes still to skip


# Server states reading the client's second flight (where rejected 0-RTT
# records may still arrive).
SERVER_READING_CLIENT_FLIGHT = (
    ServerWaitClientCertificate,
    ServerWaitClientCertificateVerify,
    ServerWaitFinished,
)


# ----------------------------------------------------------- both


@dataclass(frozen=True, slots=True)
class Established:
    suite: SuiteInfo
    info: SessionInfo
    exporter_master: bytes
    resumption_master: bytes
    client_random: bytes = b""
    # TLS 1.3 KeyUpdates so far per direction (the N of the key log labels)
    client_updates: int = 0
    server_updates: int = 0


@dataclass(frozen=True, slots=True)
class Failed:
    """A fatal alert was sent or received; the connection is over."""

    alert: AlertDescription | int
    sent: bool
    reason: str


# ----------------------------------------------------------- TLS 1.2


@dataclass(frozen=True, slots=True)
class Ctx12:
    """What a TLS 1.2 handshake has gathered so far (both roles)."""

    suite: SuiteInfo
    client_random: bytes
    server_random: bytes
    transcript: Transcript
    server_name: str | None
    alpn: bytes | None
    offered_tls13: bool = False
    group: NamedGroup | None = None
    scheme: SignatureScheme | None = None
    peer_chain: tuple[Certificate, ...] = ()
    master: bytes = b""
    share: KeySharePrivate | None = None
    peer_public: bytes = b""
    cert_requested: bool = False
    cert_request_schemes: tuple[int, ...] = ()
    cert_request_types: tuple[int, ...] = ()
    abbreviated: bool = False  # resuming from a ticket (RFC 5077 3.1)
    etm: bool = False  # encrypt-then-MAC for a CBC suite (RFC 7366)
    ems: bool = True  # extended master secret (RFC 7627); False: a legacy client
    ticket_expected: bool = False  # a NewSessionTicket comes (client) / goes (server)
    pending_read: Direction | None = None
    pending_write: Direction | None = None
    # RSA key exchange: ClientHello.client_version (the premaster's first
    # two bytes, RFC 5246 7.4.7.1) and the server's decrypting key.
    client_version: int = 0x0303
    server_key: CertifiedKey | None = None
    session_id: bytes = b""  # the TLS 1.2 session ID of this connection
    got_ticket: bool = False  # client: a NewSessionTicket came in this handshake


@dataclass(frozen=True, slots=True)
class ClientWaitCertificate12:
    ctx: Ctx12


@dataclass(frozen=True, slots=True)
class ClientWaitKeyExchange12:
    ctx: Ctx12


@dataclass(frozen=True, slots=True)
class ClientWaitHelloDone12:
    ctx: Ctx12


@dataclass(frozen=True, slots=True)
class ClientWaitChangeCipherSpec12:
    ctx: Ctx12


@dataclass(frozen=True, slots=True)
class ClientWaitFinished12:
    ctx: Ctx12


@dataclass(frozen=True, slots=True)
class ServerWaitClientCertificate12:
    ctx: Ctx12


@dataclass(frozen=True, slots=True)
class ServerWaitKeyExchange12:
    ctx: Ctx12


@dataclass(frozen=True, slots=True)
class ServerWaitCertificateVerify12:
    ctx: Ctx12


@dataclass(frozen=True, slots=True)
class ServerWaitChangeCipherSpec12:
    ctx: Ctx12


@dataclass(frozen=True, slots=True)
class ServerWaitFinished12:
    ctx: Ctx12


@dataclass(frozen=True, slots=True)
class Established12(Established):
    """A completed TLS 1.2 handshake: the master secret and randoms (for the
    RFC 5705 exporter)."""

    master: bytes = b""
    server_random: bytes = b""
    session_id: bytes = b""  # server: the cached session (invalidated on a fatal alert)


HANDSHAKE12 = (
    ClientWaitCertificate12,
    ClientWaitKeyExchange12,
    ClientWaitHelloDone12,
    ClientWaitChangeCipherSpec12,
    ClientWaitFinished12,
    ServerWaitClientCertificate12,
    ServerWaitKeyExchange12,
    ServerWaitCertificateVerify12,
    ServerWaitChangeCipherSpec12,
    ServerWaitFinished12,
)
# TLS 1.2 states that read plaintext handshake records.
PLAINTEXT12 = (
    ClientWaitCertificate12,
    ClientWaitChangeCipherSpec12,
    ClientWaitKeyExchange12,
    ClientWaitHelloDone12,
    ServerWaitClientCertificate12,
    ServerWaitKeyExchange12,
    ServerWaitCertificateVerify12,
)
WAIT_CCS12 = (ClientWaitChangeCipherSpec12, ServerWaitChangeCipherSpec12)


_NO_KEYS = Direction()
_EMPTY_BUFFER = HandshakeBuffer()

HandshakeState: TypeAlias = (
    ClientWaitServerHello
    | ClientWaitEncryptedExtensions
    | ClientWaitCertificate
    | ClientWaitCertificateVerify
    | ClientWaitFinished
    | ServerWaitClientHello
    | ServerWaitClientHello2
    | ServerWaitClientCertificate
    | ServerWaitClientCertificateVerify
    | ServerWaitFinished
    | ClientWaitCertificate12
    | ClientWaitKeyExchange12
    | ClientWaitHelloDone12
    | ClientWaitChangeCipherSpec12
    | ClientWaitFinished12
    | ServerWaitClientCertificate12
    | ServerWaitKeyExchange12
    | ServerWaitCertificateVerify12
    | ServerWaitChangeCipherSpec12
    | ServerWaitFinished12
    | Established
    | Failed
)


@dataclass(frozen=True, init=False)
class State(tuple):  # type: ignore[type-arg]
    """A connection: its configuration, role, handshake state and record
    layer.  Never mutated; each engine call returns a new one.

    A frozen dataclass (``dataclasses.replace`` and ``fields`` work) stored
    as a tuple, its fields read by C item getters as a namedtuple's are.
    The data path makes a new State per record with only a sequence number
    (and the partial record bytes) changed: the fields that change are the
    last ones, so that is one slice joined to the new tail (``evolve``),
    not a dict copy or fifteen attribute stores."""

    __slots__ = ()

    config: Config
    is_client: bool
    hs: HandshakeState
    seed: bytes
    read: Direction
    write: Direction
    send_limit: int  # most content per protected record we send (RFC 8449)
    recv_limit: int  # largest inner plaintext we accept
    hsbuf: HandshakeBuffer
    read_closed: bool  # close_notify received
    write_closed: bool  # close_notify sent
    ccs_received: bool
    pending: bytes  # bytes of an incomplete record
    read_seq: int
    write_seq: int

    def __new__(
        cls,
        config: Config,
        is_client: bool,
        hs: HandshakeState,
        seed: bytes,
        read: Direction = _NO_KEYS,
        write: Direction = _NO_KEYS,
        send_limit: int = 1 << 14,
        recv_limit: int = (1 << 14) + 1,
        hsbuf: HandshakeBuffer = _EMPTY_BUFFER,
        read_closed: bool = False,
        write_closed: bool = False,
        ccs_received: bool = False,
        pending: bytes = b"",
        read_seq: int = 0,
        write_seq: int = 0,
    ) -> State:
        return _tuple_new(cls, (config, is_client, hs, seed, read, write, send_limit, recv_limit,
                                hsbuf, read_closed, write_closed, ccs_received, pending,
                                read_seq, write_seq))

    def __getnewargs__(self) -> tuple[object, ...]:  # copy and pickle
        return tuple(self)

    def evolve(
        self,
        *,
        read_seq: int | None = None,
        write_seq: int | None = None,
        pending: bytes | None = None,
    ) -> State:
        """A copy with the record-layer counters changed (the old state is
        untouched): the data path's cheap dataclasses.replace.  (A slice
        joined to a tuple: unpacking into one builds a list first.)"""
        return _tuple_new(State, self[:12] + (  # noqa: RUF005
            self[12] if pending is None else pending,
            self[13] if read_seq is None else read_seq,
            self[14] if write_seq is None else write_seq,
        ))

    def sent(self, write_seq: int) -> State:
        """``evolve(write_seq=write_seq)`` without keywords or defaults to
        sort out: the data path's one new state per record sealed."""
        return _tuple_new(State, self[:14] + (write_seq,))  # noqa: RUF005

    def opened(self, read_seq: int) -> State:
        """``evolve(read_seq=read_seq, pending=b"")``, likewise: the data
        path's one new state per batch of whole records opened."""
        return _tuple_new(State, self[:12] + (b"", read_seq, self[14]))  # noqa: RUF005

    def replace(self, **changes: object) -> State:
        """``dataclasses.replace`` for a State in one tuple build (several
        times cheaper: the handshake makes a handful per message)."""
        values = list(self)
        for name, value in changes.items():
            index = _FIELD_INDEX.get(name)
            if index is None:
                raise TypeError(f"State has no field {name!r}")
            values[index] = value
        return _tuple_new(State, values)

    @property
    def established(self) -> bool:
        return isinstance(self.hs, Established)

    @property
    def failed(self) -> bool:
        return isinstance(self.hs, Failed)

    @property
    def closed(self) -> bool:
        """No more data can flow in either direction."""
        return self.failed or (self.read_closed and self.write_closed)

    @property
    def info(self) -> SessionInfo | None:
        return self.hs.info if isinstance(self.hs, Established) else None


_tuple_new = tuple.__new__
_FIELD_INDEX = {f.name: i for i, f in enumerate(fields(State))}
for _name, _i in _FIELD_INDEX.items():
    setattr(State, _name, property(itemgetter(_i), doc=f"field {_i}: {_name}"))
del _name, _i


__all__ = [
    "ClientWaitCertificate",
    "ClientWaitCertificateVerify",
    "ClientWaitEncryptedExtensions",
    "ClientWaitFinished",
    "ClientWaitServerHello",
    "Direction",
    "Established",
    "Failed",
    "HandshakeState",
    "Secrets13",
    "ServerWaitClientHello",
    "ServerWaitClientHello2",
    "ServerWaitFinished",
    "SessionInfo",
    "State",
    "keys13",
]
