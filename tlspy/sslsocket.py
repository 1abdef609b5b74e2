"""``TLSSocket``: the ``ssl.SSLSocket`` interface over the tlspy engine.

Made by :meth:`tlspy.SSLContext.wrap_socket`.  Like ``ssl.SSLSocket`` it is
a ``socket.socket`` (it takes over the wrapped socket's file descriptor),
so ``makefile``, ``socketserver`` and ``http.client`` use it unchanged; a
listening TLSSocket's ``accept`` returns TLSSockets.

The engine is pure: bytes read from the socket go through
``engine.handle_tls``, whatever it answers is written back, decrypted data
waits in a buffer for ``recv``.  Blocking sockets with or without a
timeout (every wait is one socket operation bounded by the socket's
timeout), and non-blocking sockets: an operation that would block raises
SSLWantReadError / SSLWantWriteError as ssl does; a write that has been
sealed is queued and counted as written, and the queue is sent first by
the next operation.

Unlike ssl, a wrapped TCP socket gets TCP_NODELAY (as asyncio and Go set
it): every write goes out as whole records in one send call, so Nagle's
algorithm only holds a record smaller than the MSS until the previous one
is acknowledged, and a delayed ACK then stalls the connection ~40 ms.
"""

from __future__ import annotations

import contextlib
import errno
import ipaddress
import os
import socket
import threading
from collections.abc import Iterable
from typing import Any

from tlspy import engine
from tlspy.ciphers import SUITE_NAMES_12, cipher_protocol
from tlspy.context import PROTOCOL_TLS_CLIENT, PROTOCOL_TLS_SERVER, SSLContext
from tlspy.core.enums import CipherSuite
from tlspy.engine import (
    Closed,
    Event,
    HandshakeComplete,
    KeyLog,
    NewSessionTicket,
    SessionInfo,
    State,
    Ticket,
    UsageError,
)
from tlspy.engine.state import ServerWaitClientHello
from tlspy.errors import (
    SSLEOFError,
    SSLError,
    SSLWantReadError,
    SSLWantWriteError,
    closed_in_handshake,
    from_failure,
)
from tlspy.servername import HelloPeek, set_context, sni_step
from tlspy.x509 import Certificate, Name
from tlspy.x509.extensions import GeneralName

# os.write on a socket's descriptor is send() without flags on POSIX; elsewhere
# (Windows) a socket is no file, and sendall does all of it.
_write = os.write if os.name == "posix" else (lambda fd, data: 0)
_READ_SIZE = 65536 + 512
_SEND_CHUNK = 1 << 18
_VERSIONS = {0x0304: "TLSv1.3", 0x0303: "TLSv1.2"}
_SUITE_NAMES = SUITE_NAMES_12  # OpenSSL's names, as ssl's cipher() gives them

# OpenSSL's long names for attribute types (what ssl.getpeercert shows).
_ATTRIBUTE_NAMES = {
    "2.5.4.3": "commonName", "2.5.4.4": "surname", "2.5.4.5": "serialNumber",
    "2.5.4.6": "countryName", "2.5.4.7": "localityName", "2.5.4.8": "stateOrProvinceName",
    "2.5.4.9": "streetAddress", "2.5.4.10": "organizationName",
    "2.5.4.11": "organizationalUnitName", "2.5.4.12": "title", "2.5.4.17": "postalCode",
    "2.5.4.42": "givenName", "2.5.4.43": "initials", "2.5.4.46": "dnQualifier",
    "2.5.4.65": "pseudonym", "1.2.840.113549.1.9.1": "emailAddress",
    "0.9.2342.19200300.100.1.25": "domainComponent", "0.9.2342.19200300.100.1.1": "userId",
    "1.3.6.1.4.1.311.60.2.1.3": "jurisdictionCountryName", "2.5.4.15": "businessCategory",
}
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _name_tuple(name: Name) -> tuple[tuple[tuple[str, str], ...], ...]:
    return tuple(
        tuple((_ATTRIBUTE_NAMES.get(a.oid, a.oid),
               a.value if a.value is not None else "#" + a.der.hex()) for a in rdn)
        for rdn in name.rdns
    )


def _general_name(g: GeneralName) -> tuple[str, Any]:
    if g.kind == "dns":
        return ("DNS", g.value)
    if g.kind == "ip":
        raw = bytes(g.value)
        if len(raw) == 16:  # OpenSSL spells IPv6 as eight upper-case groups, no ::
            return ("IP Address", ":".join(f"{int.from_bytes(raw[i:i + 2], 'big'):X}"
                                           for i in range(0, 16, 2)))
        return ("IP Address", str(ipaddress.ip_address(raw)))
    if g.kind == "email":
        return ("email", g.value)
    if g.kind == "uri":
        return ("URI", g.value)
    if g.kind == "dirname":
        return ("DirName", _name_tuple(g.value))
    if g.kind == "rid":
        return ("Registered ID", g.value)
    return ("othername", "<unsupported>")


def _asn1_time(t: Any) -> str:
    return f"{_MONTHS[t.month - 1]} {t.day:2d} {t:%H:%M:%S} {t.year} GMT"


def decode_certificate(cert: Certificate) -> dict[str, Any]:
    """A certificate in the shape ``ssl.SSLSocket.getpeercert()`` gives."""
    serial = cert.serial_number
    raw = serial.to_bytes(max(1, (serial.bit_length() + 7) // 8), "big") if serial >= 0 else (
        (-serial).to_bytes(max(1, ((-serial).bit_length() + 7) // 8), "big"))
    out: dict[str, Any] = {
        "subject": _name_tuple(cert.subject),
        "issuer": _name_tuple(cert.issuer),
        "version": cert.version,
        "serialNumber": ("-" if serial < 0 else "") + raw.hex().upper(),
        "notBefore": _asn1_time(cert.not_before),
        "notAfter": _asn1_time(cert.not_after),
    }
    san = cert.subject_alt_name
    if san:
        out["subjectAltName"] = tuple(_general_name(g) for g in san)
    aia = cert.authority_info_access
    if aia:
        ocsp = tuple(str(a.location.value) for a in aia
                     if a.method == "1.3.6.1.5.5.7.48.1" and a.location.kind == "uri")
        issuers = tuple(str(a.location.value) for a in aia
                        if a.method == "1.3.6.1.5.5.7.48.2" and a.location.kind == "uri")
        if ocsp:
            out["OCSP"] = ocsp
        if issuers:
            out["caIssuers"] = issuers
    return out


def _suite_name(suite: CipherSuite) -> str:
    return _SUITE_NAMES.get(suite, suite.name)


def _suite_bits(suite: CipherSuite) -> int:
    return 128 if "128" in suite.name else 256


class TLSSession:
    """A resumable session (what ``ssl.SSLSession`` is): a TLS 1.3 ticket
    the server sent.  Pass it as ``session=`` to ``wrap_socket`` /
    ``wrap_bio`` (or set ``.session`` before connecting) to resume."""

    __slots__ = ("ticket",)

    def __init__(self, ticket: Ticket) -> None:
        self.ticket = ticket

    @property
    def has_ticket(self) -> bool:
        """False for a TLS 1.2 session resumable by its session ID only."""
        return bool(self.ticket.identity)

    @property
    def id(self) -> bytes:
        return self.ticket.session_id or self.ticket.identity[:32]

    @property
    def time(self) -> int:
        return int(self.ticket.received_at)

    @property
    def timeout(self) -> int:
        return self.ticket.lifetime

    @property
    def ticket_lifetime_hint(self) -> int:
        return self.ticket.lifetime

    def __repr__(self) -> str:
        return f"<TLSSession {self.ticket.cipher_suite.name} for {self.ticket.server_name!r}>"


def session_ticket(session: object) -> Ticket | None:
    """The engine ticket in a ``session=`` argument (None: no resumption)."""
    if session is None:
        return None
    if not isinstance(session, TLSSession):
        raise TypeError("Value is not a tlspy TLSSession.")
    return session.ticket


class SessionView:
    """What a completed handshake negotiated, in ssl's shapes (shared by
    TLSSocket and TLSObject)."""

    _context: SSLContext
    _info: SessionInfo | None
    _handshake_done: bool
    _session: TLSSession | None
    _offered: TLSSession | None
    server_side: bool

    @property
    def context(self) -> SSLContext:
        return self._context

    @context.setter
    def context(self, ctx: SSLContext) -> None:
        """Switch contexts (an sni_callback does, to pick certificates)."""
        set_context(self, ctx)

    def _require_handshake(self) -> SessionInfo:
        if not self._handshake_done or self._info is None:
            raise ValueError("handshake not done yet")
        return self._info

    def getpeercert(self, binary_form: bool = False) -> Any:
        info = self._require_handshake()
        if not info.peer_certificates:
            return None
        leaf = info.peer_certificates[0]
        if binary_form:
            return leaf.to_der()
        if self._context.verify_mode == 0:
            return {}
        return decode_certificate(leaf)

    def get_verified_chain(self) -> list[bytes]:
        """The path the peer's certificate was verified along, leaf to trust
        anchor (DER); with verification off, the chain as the peer sent it."""
        sent = self._require_handshake().peer_certificates
        if not sent or self._context.verify_mode == 0:
            return [c.to_der() for c in sent]
        from tlspy.x509 import X509Error, verify_chain

        try:
            path = verify_chain(sent[0], sent[1:], self._context._anchors,
                                usage="client" if self.server_side else "server")
        except X509Error:  # e.g. expired since the handshake: what was sent
            return [c.to_der() for c in sent]
        return [c.to_der() for c in path.certificates]

    def get_unverified_chain(self) -> list[bytes]:
        """The peer's chain as it sent it (DER)."""
        return [c.to_der() for c in self._require_handshake().peer_certificates]

    def cipher(self) -> tuple[str, str, int] | None:
        if not self._handshake_done or self._info is None:
            return None
        info = self._info
        return (_suite_name(info.cipher_suite), cipher_protocol(info.cipher_suite),
                _suite_bits(info.cipher_suite))

    def shared_ciphers(self) -> list[tuple[str, str, int]] | None:
        c = self.cipher()
        return None if c is None else [c]

    def version(self) -> str | None:
        if not self._handshake_done or self._info is None:
            return None
        return _VERSIONS.get(self._info.version, "unknown")

    def selected_alpn_protocol(self) -> str | None:
        if self._info is None or self._info.alpn is None:
            return None
        return self._info.alpn.decode("ascii", "replace")

    def selected_npn_protocol(self) -> None:
        return None

    def compression(self) -> None:
        return None

    @property
    def session_reused(self) -> bool:
        return bool(self._info is not None and self._info.resumed)

    @property
    def session(self) -> TLSSession | None:
        """The latest ticket the server sent (client side), for resumption."""
        return self._session

    def _note_events(self, events: Iterable[Event]) -> None:
        for ev in events:
            if isinstance(ev, HandshakeComplete):
                self._info = ev.info
                self._context._count_handshake(self.server_side, ev.info.resumed)
                if ev.info.resumed and self._session is None:
                    self._session = self._offered  # still the session in use, as in ssl
            elif isinstance(ev, NewSessionTicket):
                self._session = TLSSession(ev.ticket)
            elif isinstance(ev, KeyLog):
                self._context._log_key(ev)

    def verify_client_post_handshake(self) -> None:
        raise NotImplementedError("post-handshake client authentication is not supported")

    def get_channel_binding(self, cb_type: str = "tls-unique") -> None:
        raise ValueError(f"{cb_type!r} channel binding is not supported")


class PlainBuffer:
    """Decrypted bytes waiting for the application: the engine's bytes
    object kept as it is with a read offset, so a read that takes all of
    it gets that object back with no copy, and a partial read copies only
    what it returns."""

    __slots__ = ("_buf", "_pos")

    def __init__(self) -> None:
        self._buf = b""
        self._pos = 0

    def __len__(self) -> int:
        return len(self._buf) - self._pos

    def add(self, data: bytes) -> None:
        if self._pos == len(self._buf):
            self._buf = data
        else:  # rare: data arrived before the last was all read
            self._buf = self._buf[self._pos:] + data
        self._pos = 0

    def take(self, n: int) -> bytes:
        """Up to ``n`` bytes (n > 0)."""
        buf, pos = self._buf, self._pos
        end = pos + n
        if end >= len(buf):
            self._buf, self._pos = b"", 0
            return buf if pos == 0 else buf[pos:]
        self._pos = end
        return buf[pos:end]

    def take_into(self, view: memoryview, n: int) -> int:
        """Copy up to ``n`` bytes into ``view`` (a flat byte view); the count."""
        buf, pos = self._buf, self._pos
        n = min(n, len(buf) - pos)
        with memoryview(buf) as src:
            view[:n] = src[pos:pos + n]
        if pos + n == len(buf):
            self._buf, self._pos = b"", 0
        else:
            self._pos = pos + n
        return n


class TLSSocket(SessionView, socket.socket):
    """A TLS connection over a stream socket (the ssl.SSLSocket API)."""

    _context: SSLContext
    _tls: State | None
    _peek: HelloPeek | None
    _hello: bytes
    _plain: PlainBuffer
    _info: SessionInfo | None
    _peer_closed: bool
    _handshake_done: bool
    _connected: bool
    _unwrapped: bool
    _ticket: Ticket | None
    _out: list[bytes]
    _lock: threading.RLock
    _send_lock: threading.Lock
    server_side: bool
    server_hostname: str | None
    do_handshake_on_connect: bool
    suppress_ragged_eofs: bool

    def __init__(self, *args: object, **kwargs: object) -> None:
        raise TypeError(f"{type(self).__name__} has no public constructor; "
                        f"use SSLContext.wrap_socket()")

    @classmethod
    def _create(cls, sock: socket.socket, context: SSLContext, *, server_side: bool,
                do_handshake_on_connect: bool, suppress_ragged_eofs: bool,
                server_hostname: str | bytes | None, session: object = None) -> TLSSocket:
        ticket = session_ticket(session)
        # The plain numbers, from the _socket base class (socket.socket's
        # properties make an enum of each, on every read).
        family = super(socket.socket, sock).family
        kind = super(socket.socket, sock).type
        proto = super(socket.socket, sock).proto
        if kind != socket.SOCK_STREAM:
            raise NotImplementedError("only stream sockets are supported")
        if server_side:
            if server_hostname:
                raise ValueError("server_hostname can only be specified in client mode")
        elif context.check_hostname and not server_hostname:
            raise ValueError("check_hostname requires server_hostname")
        if isinstance(server_hostname, bytes):
            server_hostname = server_hostname.decode("ascii")
        if server_hostname is not None:
            if server_hostname.startswith("."):
                raise ValueError("server_hostname cannot start with a dot")
            server_hostname = server_hostname.encode("idna").decode("ascii")
        if server_side and context.protocol == PROTOCOL_TLS_CLIENT:
            raise ValueError("cannot create a server socket from a PROTOCOL_TLS_CLIENT context")
        if not server_side and context.protocol == PROTOCOL_TLS_SERVER:
            raise ValueError("cannot create a client socket from a PROTOCOL_TLS_SERVER context")
        timeout = sock.gettimeout()
        self: TLSSocket = socket.socket.__new__(cls)
        socket.socket.__init__(self, family, kind, proto, fileno=sock.fileno())
        sock.detach()
        self.settimeout(timeout)
        if family == socket.AF_INET or family == socket.AF_INET6:
            # Each write is whole records in one send call, so Nagle's
            # algorithm has nothing to merge; it only holds a record that
            # is smaller than the MSS until the previous one is acked, and
            # a delayed ACK then stalls the connection ~40 ms (as asyncio
            # and Go, tlspy turns it off).
            with contextlib.suppress(OSError):
                self.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._context = context
        self.server_side = server_side
        self.server_hostname = server_hostname
        self.do_handshake_on_connect = do_handshake_on_connect
        self.suppress_ragged_eofs = suppress_ragged_eofs
        self._tls = None
        self._peek = None
        self._hello = b""
        self._plain = PlainBuffer()
        self._out = []
        self._lock = threading.RLock()
        self._send_lock = threading.Lock()
        self._info = None
        self._peer_closed = False
        self._handshake_done = False
        self._unwrapped = False
        self._ticket = ticket
        self._offered = session if isinstance(session, TLSSession) else None
        self._session = None
        try:
            self.getpeername()
        except OSError as e:
            if e.errno != errno.ENOTCONN:
                raise
            self._connected = False
        else:
            self._connected = True
            try:
                self._start()
                if do_handshake_on_connect:
                    if self.gettimeout() == 0.0:
                        raise ValueError("do_handshake_on_connect should not be specified "
                                         "for non-blocking sockets")
                    self.do_handshake()
            except BaseException:
                # As ssl does: a failed wrap closes the socket (after the
                # alert went out), so the peer is not left waiting.
                with contextlib.suppress(OSError):
                    self.close()
                raise
        return self

    # -- the engine pump --------------------------------------------------------
    def _start(self) -> None:
        """The engine state for a connected socket."""
        cfg = self._context._connection_config(self.server_side)
        try:
            if self.server_side:
                self._tls = engine.server(cfg)
                if self._context.sni_callback is not None:
                    self._peek = HelloPeek()
            else:
                self._tls, self._hello = engine.client(cfg, server_name=self.server_hostname,
                                                       ticket=self._ticket)
        except ValueError as e:
            raise SSLError(f"[SSL] cannot start a TLS connection: {e}", "BAD_CONFIG") from None

    def _state(self) -> State:
        if self._tls is None:
            raise OSError(errno.ENOTCONN, "the TLS socket is not connected")
        return self._tls

    # Threads: one may read while another writes, as with ssl.  Every state
    # transition happens under _lock and appends what it sealed to the _out
    # queue, so records are queued in sequence order; _flush sends the queue
    # under _send_lock, outside _lock, so a blocked send never stops the
    # reader from decrypting.
    def _flush(self) -> None:
        """Send what is queued; a non-blocking socket that cannot take it
        all raises SSLWantWriteError (the rest stays queued, in order)."""
        if not self._out:  # whoever queues next flushes it
            return
        with self._send_lock:
            while True:
                with self._lock:
                    if not self._out:
                        return
                    queued, self._out = self._out, []
                take = queued[0] if len(queued) == 1 else b"".join(queued)
                if self.gettimeout() != 0.0:
                    self._send_blocking(take)
                    continue
                try:
                    n = socket.socket.send(self, take)
                except BlockingIOError:
                    n = 0
                if n < len(take):
                    with self._lock:
                        self._out.insert(0, take[n:])
                    raise SSLWantWriteError("The operation did not complete (write)")

    def _send_blocking(self, data: bytes) -> None:
        """``sendall`` for a blocking socket, trying the write first: with a
        timeout, socket.sendall polls before every send, one more system
        call per record; here the kernel is asked to wait (sendall, bounded
        by the timeout) only for what it did not take at once."""
        try:
            sent = _write(socket.socket.fileno(self), data)
        except BlockingIOError:
            sent = 0
        if sent < len(data):
            socket.socket.sendall(self, memoryview(data)[sent:])

    def _feed(self) -> bool:
        """Read one chunk from the peer into the engine; False at EOF.
        Non-blocking sockets raise SSLWantReadError when nothing is there."""
        self._state()
        self._flush()
        try:
            data = socket.socket.recv(self, _READ_SIZE)
        except BlockingIOError:
            raise SSLWantReadError("The operation did not complete (read)") from None
        if not data:
            return False
        # One thread may read while another writes (as with ssl): each state
        # transition and the bytes it produces happen under the lock, so no
        # update is lost and records leave in sequence order.
        with self._lock:
            if self._peek is not None:  # sni_callback: the ClientHello first
                peeked = sni_step(self, data)
                if peeked is None:
                    return True
                res = peeked
            else:
                res = engine.handle_tls(self._state(), data)
            self._tls = res.state
            if res.data:
                self._plain.add(res.data)
            if res.events:  # none on the data path
                self._note_events(res.events)
                if any(isinstance(ev, Closed) for ev in res.events):
                    self._peer_closed = True
            if res.out:
                self._out.append(res.out)
        if res.out:
            try:
                self._flush()
            except OSError:
                if not res.state.failed:
                    raise
        if res.state.failed:
            raise from_failure(res.events)
        return True

    def do_handshake(self, block: bool = False) -> None:
        """Run the handshake to completion (bounded by the socket timeout
        for each read)."""
        st = self._state()
        if self._handshake_done:
            return
        if self._hello:
            hello, self._hello = self._hello, b""
            self._out.append(hello)
        self._flush()
        while not st.established:
            if st.failed:
                raise SSLError("[SSL] the TLS connection has failed", "FAILED")
            if not self._feed():
                raise SSLEOFError("[SSL: UNEXPECTED_EOF_WHILE_READING] EOF occurred in "
                                  "violation of protocol: the peer closed the connection "
                                  "during the handshake")
            st = self._state()
            if self._peer_closed and not st.established:
                raise closed_in_handshake(self.server_side,
                                          not isinstance(st.hs, ServerWaitClientHello))
        if self._info is None:
            self._info = st.info
        self._handshake_done = True

    def _ensure_handshake(self) -> None:
        if not self._handshake_done:
            self.do_handshake()

    # -- reading ------------------------------------------------------------------
    def _fill(self) -> bool:
        """Wait until decrypted data is buffered; False at the end of the
        stream (close_notify, or a ragged EOF when those are suppressed)."""
        while not self._plain:
            if self._peer_closed:
                return False
            if not self._feed():
                if self.suppress_ragged_eofs:
                    return False
                raise SSLEOFError("[SSL: UNEXPECTED_EOF_WHILE_READING] EOF occurred in "
                                  "violation of protocol: the connection ended without "
                                  "close_notify")
        return True

    def read(self, len: int = 1024, buffer: Any = None) -> Any:
        """Up to ``len`` bytes (into ``buffer`` when given: the count)."""
        if self._unwrapped:
            raise ValueError("Read on closed or unwrapped SSL socket.")
        if not self._handshake_done:
            self.do_handshake()
        if buffer is not None:
            view = memoryview(buffer).cast("B")
            n = min(len, view.nbytes) if len else view.nbytes
            if n == 0 or not self._fill():
                return 0
            return self._plain.take_into(view, n)  # one copy, into the caller's buffer
        if len <= 0 or not self._fill():
            return b""
        return self._plain.take(len)

    def recv(self, bufsize: int, flags: int = 0) -> bytes:
        if self._unwrapped or (self._tls is None and not self._connected):
            return socket.socket.recv(self, bufsize, flags)
        if flags:
            raise ValueError(f"non-zero flags not allowed in calls to recv() on {type(self)}")
        data: bytes = self.read(bufsize)
        return data

    def recv_into(self, buffer: Any, nbytes: int | None = None, flags: int = 0) -> int:
        if self._unwrapped or (self._tls is None and not self._connected):
            return socket.socket.recv_into(self, buffer, nbytes or 0, flags)
        if flags:
            raise ValueError(f"non-zero flags not allowed in calls to recv_into() on "
                             f"{type(self)}")
        n: int = self.read(nbytes or 0, buffer)
        return n

    def recvfrom(self, bufsize: int, flags: int = 0) -> Any:
        raise ValueError(f"recvfrom not allowed on instances of {type(self)}")

    def recvfrom_into(self, buffer: Any, nbytes: int = 0, flags: int = 0) -> Any:
        raise ValueError(f"recvfrom_into not allowed on instances of {type(self)}")

    def pending(self) -> int:
        """Decrypted bytes waiting to be read."""
        return len(self._plain)

    # -- writing ------------------------------------------------------------------
    def write(self, data: Any) -> int:
        if self._unwrapped:
            raise ValueError("Write on closed or unwrapped SSL socket.")
        if not self._handshake_done:
            self.do_handshake()
        if type(data) is bytes and len(data) <= _SEND_CHUNK:
            return self._write_chunk(data)
        # A slice of the caller's buffer goes to the engine as it is: the
        # record is sealed from it in C, with no copy of the chunk first.
        with memoryview(data) as view, view.cast("B") as flat:
            return self._write_chunk(flat[:_SEND_CHUNK])

    def _write_chunk(self, chunk: bytes | memoryview) -> int:
        if self.gettimeout() != 0.0:
            # Blocking: seal, then send what is queued and these records
            # with one send call.  Holding _send_lock from before the seal
            # keeps records in sequence order on the wire: whatever another
            # thread sealed earlier is in _out and goes first; whatever it
            # seals later waits for the lock.
            with self._send_lock:
                with self._lock:
                    out = self._seal(chunk)
                    if self._out:
                        out = b"".join([*self._out, out])
                        self._out = []
                self._send_blocking(out)
            return len(chunk)
        self._flush()  # non-blocking: want-write here consumes nothing
        with self._lock:
            self._out.append(self._seal(chunk))
        with contextlib.suppress(SSLWantWriteError):
            self._flush()  # non-blocking: the rest goes out with the next call
        return len(chunk)

    def _seal(self, chunk: bytes | memoryview) -> bytes:
        """``chunk`` as records, the state moved on; the caller holds _lock."""
        try:
            self._tls, out = engine.send_application_data(self._state(), chunk)
        except UsageError as e:
            raise SSLError(f"[SSL] cannot send: {e}", "PROTOCOL_IS_SHUTDOWN") from None
        return out

    def send(self, data: Any, flags: int = 0) -> int:
        if self._unwrapped or (self._tls is None and not self._connected):
            return socket.socket.send(self, data, flags)
        if flags:
            raise ValueError(f"non-zero flags not allowed in calls to send() on {type(self)}")
        return self.write(data)

    def sendall(self, data: Any, flags: int = 0) -> None:
        if self._unwrapped or (self._tls is None and not self._connected):
            socket.socket.sendall(self, data, flags)
            return
        if flags:
            raise ValueError(f"non-zero flags not allowed in calls to sendall() on "
                             f"{type(self)}")
        if type(data) is bytes and len(data) <= _SEND_CHUNK and self._handshake_done:
            self._write_chunk(data)  # the usual case: one seal, one send
            return
        view = memoryview(data).cast("B")
        pos = 0
        while pos < view.nbytes:
            pos += self.write(view[pos:])

    def sendto(self, data: Any, flags_or_addr: Any, addr: Any = None) -> int:
        raise ValueError(f"sendto not allowed on instances of {type(self)}")

    def sendfile(self, file: Any, offset: int = 0, count: int | None = None) -> int:
        return self._sendfile_use_send(file, offset, count)  # type: ignore[attr-defined,no-any-return]

    # -- connection life ----------------------------------------------------------
    def connect(self, address: Any) -> None:
        self._real_connect(address)

    def connect_ex(self, address: Any) -> int:
        try:
            self._real_connect(address)
        except OSError as e:
            return e.errno or errno.EIO
        return 0

    def _real_connect(self, address: Any) -> None:
        if self.server_side:
            raise ValueError("can't connect in server-side mode")
        if self._connected or self._tls is not None:
            raise ValueError("attempt to connect already-connected TLSSocket!")
        socket.socket.connect(self, address)
        self._connected = True
        self._start()
        if self.do_handshake_on_connect:
            self.do_handshake()

    def accept(self) -> tuple[TLSSocket, Any]:
        """Accept a connection and wrap it as a server-side TLSSocket."""
        sock, addr = socket.socket.accept(self)
        try:
            wrapped = TLSSocket._create(sock, self._context, server_side=True,
                                        do_handshake_on_connect=self.do_handshake_on_connect,
                                        suppress_ragged_eofs=self.suppress_ragged_eofs,
                                        server_hostname=None)
        except BaseException:
            sock.close()
            raise
        return wrapped, addr

    def _send_close_notify(self) -> None:
        with self._lock:
            st = self._tls
            if st is None or not st.established or st.write_closed:
                return
            self._tls, out = engine.send_close_notify(st)
            self._out.append(out)
        self._flush()

    def unwrap(self) -> TLSSocket:
        """Close TLS (close_notify both ways) and leave the plain socket."""
        self._state()
        self._send_close_notify()
        while not self._peer_closed:
            if not self._feed():
                break
        self._tls = None
        self._unwrapped = True
        return self

    def shutdown(self, how: int) -> None:
        if how in (socket.SHUT_WR, socket.SHUT_RDWR):
            with contextlib.suppress(OSError):
                self._send_close_notify()
        socket.socket.shutdown(self, how)

    def _real_close(self) -> None:
        st = self._tls
        if st is not None and st.established and not st.write_closed and self.fileno() >= 0:
            try:
                _, out = engine.send_close_notify(st)
                socket.socket.send(self, b"".join([*self._out, out]), socket.MSG_DONTWAIT)
            except OSError:
                pass
        self._tls = None
        super()._real_close()  # type: ignore[misc]

    def detach(self) -> int:
        self._tls = None
        return super().detach()

    @property
    def session(self) -> TLSSession | None:
        return self._session

    @session.setter
    def session(self, value: TLSSession | None) -> None:
        if self._tls is not None:
            raise ValueError("Cannot set session after handshake.")
        self._ticket = session_ticket(value)
        self._offered = value

    def dup(self) -> TLSSocket:
        raise NotImplementedError(f"Can't dup() {type(self).__name__} instances")


__all__ = ["SessionView", "TLSSession", "TLSSocket", "decode_certificate", "session_ticket"]
