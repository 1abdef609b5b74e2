"""The server side of ``SSLContext.sni_callback``.

The engine is pure and takes its Config when the connection starts, but
the callback may switch the connection to another context (another
certificate) after seeing the client's server name.  So the shell reads
the first ClientHello itself, without consuming it: it collects the
plaintext handshake records until one whole ClientHello is there (it may
be fragmented over several records), reads its server_name with
tlspy.core's reader, runs the callback, and only then starts the engine
from the chosen context and hands it every byte collected.

Anything that is not a well-formed first ClientHello ends the peek with
no callback: the engine then sees the same bytes and sends the alert the
RFC names, exactly as without a callback.
"""

from __future__ import annotations

import sys
from typing import Any

from tlspy import engine
from tlspy.core.errors import TLSError
from tlspy.core.messages import ServerName, find_extension
from tlspy.core.reader import parse_client_hello
from tlspy.core.record import parse_records

_HANDSHAKE = 22
_CLIENT_HELLO = 1
# More than any sane ClientHello (the engine refuses bigger ones itself).
_PEEK_LIMIT = 1 << 17
HANDSHAKE_FAILURE = 40
INTERNAL_ERROR = 80


class HelloPeek:
    """Collects bytes until the first ClientHello is whole (or the bytes
    cannot be one).  ``add`` returns True when the peek is over; ``name``
    is then the server name (None: no SNI), ``seen`` whether a ClientHello
    was read at all, ``data`` every byte collected."""

    __slots__ = ("data", "name", "seen")

    def __init__(self) -> None:
        self.data = b""
        self.name: str | None = None
        self.seen = False

    def add(self, chunk: bytes) -> bool:
        self.data += chunk
        if len(self.data) > _PEEK_LIMIT:
            return True
        try:
            records, _ = parse_records(self.data)
        except TLSError:
            return True
        handshake = b""
        hello = None
        for rec in records:  # records after a whole ClientHello (0-RTT data) are not ours
            if rec.content_type != _HANDSHAKE or not rec.fragment:
                return True
            handshake += rec.fragment
            if len(handshake) >= 4:
                if handshake[0] != _CLIENT_HELLO:
                    return True
                length = int.from_bytes(handshake[1:4], "big")
                if length > _PEEK_LIMIT - 4:
                    return True
                if len(handshake) >= 4 + length:
                    try:
                        hello = parse_client_hello(handshake[4 : 4 + length])
                    except TLSError:
                        return True
                    break
        if hello is None:
            return False
        sni = find_extension(hello.extensions, ServerName)
        if sni is not None and sni.host_name is not None:
            try:  # as ssl: the IDNA-decoded name (U-labels, case kept)
                self.name = sni.host_name.decode("idna")
            except UnicodeError:
                return True  # the engine judges such a name itself
        self.seen = True
        return True


def run_sni_callback(conn: Any, name: str | None) -> int | None:
    """Call ``conn.context.sni_callback(conn, name, context)`` as ssl does:
    None lets the handshake go on (with ``conn.context``, which the
    callback may have changed); an int is the alert to refuse it with; an
    exception or a non-int answer is reported as unraisable and refuses
    with handshake_failure / internal_error."""
    ctx = conn.context
    callback = ctx.sni_callback
    if callback is None:
        return None
    try:
        answer = callback(conn, name, ctx)
    except Exception as e:  # reported as unraisable, as ssl does
        sys.unraisablehook(_Unraisable(e, callback))  # type: ignore[arg-type]
        return HANDSHAKE_FAILURE
    if answer is None:
        return None
    if isinstance(answer, int) and 0 <= answer <= 255:
        return answer
    err = TypeError(f"servername callback must return None or an integer, not "
                    f"{type(answer).__name__}")
    sys.unraisablehook(_Unraisable(err, callback))  # type: ignore[arg-type]
    return INTERNAL_ERROR


def sni_step(conn: Any, data: bytes) -> engine.Result | None:
    """One chunk from the client while ``conn._peek`` collects the first
    ClientHello: None while it is not whole; then the callback runs (when
    a ClientHello was read) and the Result of the engine on every byte
    collected, from ``conn.context``'s Config (a refusal: the alert and a
    failed state)."""
    peek: HelloPeek = conn._peek
    if not peek.add(data):
        return None
    conn._peek = None
    if peek.seen:
        before = conn.context
        alert = run_sni_callback(conn, peek.name)
        if conn.context is not before:
            conn._tls = engine.server(conn.context.engine_config(True))
        if alert is not None:
            return engine._failed(conn._tls, alert,
                                  f"the sni_callback refused the server name {peek.name!r}")
    return engine.handle_tls(conn._tls, peek.data)


def set_context(conn: Any, ctx: Any) -> None:
    """``conn.context = ctx`` (what an sni_callback does to switch
    certificates): a tlspy SSLContext only, as ssl takes only its own."""
    from tlspy.context import SSLContext

    if not isinstance(ctx, SSLContext):
        raise TypeError(f"The value must be a tlspy SSLContext, not {type(ctx).__name__}")
    conn._context = ctx


class _Unraisable:
    """What sys.unraisablehook expects (the shape of sys.UnraisableHookArgs)."""

    def __init__(self, exc: BaseException, obj: object) -> None:
        self.exc_type = type(exc)
        self.exc_value = exc
        self.exc_traceback = exc.__traceback__
        self.err_msg = "Exception ignored in the sni_callback"
        self.object = obj


__all__ = ["HelloPeek", "run_sni_callback", "set_context", "sni_step"]
