"""``TLSObject``: the ``ssl.SSLObject`` interface (what asyncio drives)
over the tlspy engine, made by :meth:`tlspy.SSLContext.wrap_bio`.

The caller moves bytes: what arrives from the peer goes into the
``incoming`` ``ssl.MemoryBIO``, what this object writes to ``outgoing``
goes to the peer.  An operation that needs more bytes raises
:class:`tlspy.SSLWantReadError` (a subclass of ``ssl.SSLWantReadError``,
which asyncio catches).  ``loop.start_tls`` does not work: asyncio checks
that the context is an ``ssl.SSLContext``; ``asyncio.open_connection`` and
``asyncio.start_server`` with ``ssl=`` a tlspy context do.
"""

from __future__ import annotations

import ssl as _ssl
from typing import Any

from tlspy import engine
from tlspy.context import PROTOCOL_TLS_CLIENT, PROTOCOL_TLS_SERVER, SSLContext
from tlspy.engine import Closed, State, UsageError
from tlspy.engine.state import ServerWaitClientHello
from tlspy.errors import (
    SSLEOFError,
    SSLError,
    SSLWantReadError,
    closed_in_handshake,
    from_failure,
)
from tlspy.servername import HelloPeek, sni_step
from tlspy.sslsocket import PlainBuffer, SessionView, TLSSession, session_ticket


class TLSObject(SessionView):
    """A TLS connection over two memory BIOs (the ssl.SSLObject API)."""

    _incoming: _ssl.MemoryBIO
    _outgoing: _ssl.MemoryBIO
    _tls: State
    _peek: HelloPeek | None
    _plain: PlainBuffer
    _peer_closed: bool
    server_side: bool
    server_hostname: str | None

    def __init__(self, *args: object, **kwargs: object) -> None:
        raise TypeError(f"{type(self).__name__} has no public constructor; "
                        f"use SSLContext.wrap_bio()")

    @classmethod
    def _create(cls, incoming: _ssl.MemoryBIO, outgoing: _ssl.MemoryBIO,
                context: SSLContext, server_side: bool,
                server_hostname: str | bytes | None, session: object = None) -> TLSObject:
        if server_side and context.protocol == PROTOCOL_TLS_CLIENT:
            raise ValueError("cannot create a server object from a PROTOCOL_TLS_CLIENT context")
        if not server_side and context.protocol == PROTOCOL_TLS_SERVER:
            raise ValueError("cannot create a client object from a PROTOCOL_TLS_SERVER context")
        if isinstance(server_hostname, bytes):
            server_hostname = server_hostname.decode("ascii")
        if not server_side and context.check_hostname and not server_hostname:
            raise ValueError("check_hostname requires server_hostname")
        self = object.__new__(cls)
        self._incoming, self._outgoing = incoming, outgoing
        self._context = context
        self.server_side = server_side
        self.server_hostname = server_hostname
        self._plain = PlainBuffer()
        self._info = None
        self._handshake_done = False
        self._peer_closed = False
        self._session = None
        self._offered = session if isinstance(session, TLSSession) else None
        cfg = context._connection_config(server_side)
        try:
            self._peek = None
            if server_side:
                self._tls = engine.server(cfg)
                if context.sni_callback is not None:
                    self._peek = HelloPeek()
            else:
                self._tls, hello = engine.client(cfg, server_name=server_hostname,
                                                 ticket=session_ticket(session))
                outgoing.write(hello)
        except ValueError as e:
            raise SSLError(f"[SSL] cannot start a TLS connection: {e}", "BAD_CONFIG") from None
        return self

    def _pump(self) -> None:
        """Feed what ``incoming`` holds to the engine, or raise: want-read
        (nothing there yet) or EOF (the transport ended)."""
        data = self._incoming.read()
        if not data:
            if self._incoming.eof:
                raise SSLEOFError("[SSL: UNEXPECTED_EOF_WHILE_READING] EOF occurred in "
                                  "violation of protocol")
            raise SSLWantReadError("The operation did not complete (read)")
        if self._peek is not None:  # sni_callback: the ClientHello first
            peeked = sni_step(self, data)
            if peeked is None:
                raise SSLWantReadError("The operation did not complete (read)")
            res = peeked
        else:
            res = engine.handle_tls(self._tls, data)
        self._tls = res.state
        if res.data:
            self._plain.add(res.data)
        if res.out:
            self._outgoing.write(res.out)
        if res.events:  # none on the data path
            self._note_events(res.events)
            if any(isinstance(ev, Closed) for ev in res.events):
                self._peer_closed = True
        if res.state.failed:
            raise from_failure(res.events)

    def do_handshake(self) -> None:
        while not self._tls.established:
            if self._tls.failed:
                raise SSLError("[SSL] the TLS connection has failed", "FAILED")
            if self._peer_closed:
                raise closed_in_handshake(self.server_side,
                                          not isinstance(self._tls.hs, ServerWaitClientHello))
            self._pump()
        if self._info is None:
            self._info = self._tls.info
        self._handshake_done = True

    def read(self, len: int = 1024, buffer: Any = None) -> Any:
        """Up to ``len`` decrypted bytes (into ``buffer``: the count); b"" or
        0 after the peer's close_notify."""
        if not self._handshake_done:
            self.do_handshake()
        while not self._plain:
            if self._peer_closed:
                return 0 if buffer is not None else b""
            self._pump()
        if buffer is not None:
            view = memoryview(buffer).cast("B")
            return self._plain.take_into(view, min(len or view.nbytes, view.nbytes))
        return self._plain.take(len) if len > 0 else b""

    def write(self, data: Any) -> int:
        if not self._handshake_done:
            self.do_handshake()
        payload = data if type(data) is bytes else memoryview(data).cast("B")
        try:
            self._tls, out = engine.send_application_data(self._tls, payload)
        except UsageError as e:
            raise SSLError(f"[SSL] cannot send: {e}", "PROTOCOL_IS_SHUTDOWN") from None
        self._outgoing.write(out)
        return len(payload)

    def pending(self) -> int:
        return len(self._plain)

    def unwrap(self) -> None:
        """Send close_notify (once) and wait for the peer's (want-read until
        it arrives; a transport EOF also ends the wait)."""
        if self._tls.established and not self._tls.write_closed:
            self._tls, out = engine.send_close_notify(self._tls)
            self._outgoing.write(out)
        while not self._peer_closed and not self._tls.failed:
            try:
                self._pump()
            except SSLEOFError:
                return


__all__ = ["TLSObject"]
