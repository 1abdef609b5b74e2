"""Faults, differentially: a hostile peer on 127.0.0.1 closes mid-handshake,
sends garbage, stalls, closes in the middle of a record, truncates (ends
without close_notify) or sends close_notify in place of a handshake; the
side under test is a tlspy context and then a stdlib ssl context, in the
same role and the same mode (blocking client and server, non-blocking
client, asyncio client and server), and both must end the same way: the
same stdlib exception class (or the same data), within the timeout.

Every socket has a timeout; every hostile peer gives up on its own."""

from __future__ import annotations

import asyncio
import contextlib
import select
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

import tlspy
from tests.tlspy.certs import files

TIMEOUT = 1.5  # the side under test's timeout (stall faults wait this long)
PEER_TIMEOUT = 10.0  # how long a hostile peer lives at most
PAYLOAD = b"x" * 300

HANDSHAKE_FAULTS = ("eof-at-once", "eof-after-hello", "garbage", "stall", "close-notify")
RECORD_FAULTS = ("eof-mid-record", "truncate", "clean-close")
GARBAGE = b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"
CLOSE_NOTIFY = b"\x15\x03\x03\x00\x02\x01\x00"
# The first bytes of a ClientHello, cut short.
PARTIAL_HELLO = b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 20


def make_ctx(impl: str, server_side: bool) -> Any:
    f = files()
    mod: Any = tlspy if impl == "tlspy" else ssl
    if server_side:
        ctx = mod.SSLContext(mod.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(f.cert, f.key)
    else:
        ctx = mod.create_default_context(cafile=f.ca)
    return ctx


# -- hostile peers -------------------------------------------------------------------

def _drain(sock: socket.socket) -> None:
    """Read until the side under test closes (so our close is no reset)."""
    with contextlib.suppress(OSError):
        while sock.recv(65536):
            pass


def _honest(sock: socket.socket, server_side: bool) -> tuple[ssl.SSLObject, ssl.MemoryBIO]:
    """A stdlib SSLObject driven over ``sock`` by hand (so we choose which of
    its bytes go out); returns it after the handshake, all sent so far."""
    inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()
    obj = make_ctx("ssl", server_side).wrap_bio(
        inc, out, server_side=server_side,
        server_hostname=None if server_side else "localhost")
    while True:
        try:
            obj.do_handshake()
            break
        except ssl.SSLWantReadError:
            sock.sendall(out.read())
            data = sock.recv(65536)
            if not data:
                raise ConnectionError("peer went away") from None
            inc.write(data)
    sock.sendall(out.read())
    if not server_side:  # TLS 1.3: take the server's tickets off the wire
        sock.settimeout(0.2)
        with contextlib.suppress(TimeoutError, ssl.SSLWantReadError):
            inc.write(sock.recv(65536))
            obj.read(1)
        sock.settimeout(PEER_TIMEOUT)
    return obj, out


def hostile(fault: str, server_side: bool) -> Callable[[socket.socket], None]:
    """The peer's behaviour; ``server_side``: the peer is the server."""
    def run(sock: socket.socket) -> None:
        if fault in RECORD_FAULTS:
            obj, out = _honest(sock, server_side)
            obj.write(PAYLOAD)
            record = out.read()
            if fault == "eof-mid-record":
                sock.sendall(record[: len(record) // 2])
            elif fault == "truncate":
                sock.sendall(record)
            else:
                sock.sendall(record)
                with contextlib.suppress(ssl.SSLError):
                    obj.unwrap()
                sock.sendall(out.read())
            sock.shutdown(socket.SHUT_WR)
            _drain(sock)
            return
        if server_side and fault != "eof-at-once":
            sock.recv(65536)  # the ClientHello
        elif not server_side:
            if fault == "eof-after-hello":
                sock.sendall(PARTIAL_HELLO)
            elif fault == "garbage":
                sock.sendall(GARBAGE)
            elif fault == "close-notify":
                sock.sendall(CLOSE_NOTIFY)
        if server_side and fault == "garbage":
            sock.sendall(GARBAGE)
        if server_side and fault == "close-notify":
            sock.sendall(CLOSE_NOTIFY)
        if fault in ("eof-at-once", "eof-after-hello"):
            sock.shutdown(socket.SHUT_WR)
        _drain(sock)  # "stall": the side under test times out and closes

    return run


@contextmanager
def peer_server(behaviour: Callable[[socket.socket], None]) -> Iterator[int]:
    lsock = socket.create_server(("127.0.0.1", 0))
    lsock.settimeout(PEER_TIMEOUT)

    def run() -> None:
        with contextlib.suppress(OSError, ssl.SSLError):
            conn, _ = lsock.accept()
            conn.settimeout(PEER_TIMEOUT)
            with conn:
                behaviour(conn)

    t = threading.Thread(target=run, daemon=True)
    t.start()
    try:
        yield lsock.getsockname()[1]
    finally:
        t.join(PEER_TIMEOUT)
        lsock.close()


@contextmanager
def peer_client(port: int, behaviour: Callable[[socket.socket], None]) -> Iterator[None]:
    def run() -> None:
        with contextlib.suppress(OSError, ssl.SSLError), socket.create_connection(
                ("127.0.0.1", port), timeout=PEER_TIMEOUT) as sock:
            behaviour(sock)

    t = threading.Thread(target=run, daemon=True)
    t.start()
    try:
        yield
    finally:
        t.join(PEER_TIMEOUT)


# -- outcomes ------------------------------------------------------------------------

_CLASSES = (ssl.SSLZeroReturnError, ssl.SSLEOFError, ssl.SSLCertVerificationError,
            ssl.SSLError, asyncio.IncompleteReadError, TimeoutError, ConnectionResetError,
            BrokenPipeError, ConnectionError, OSError)


def outcome(op: Callable[[], bytes]) -> tuple[str, BaseException | None]:
    """What ``op`` (a handshake then reads) ended with: an exception class
    name (the stdlib one it is an instance of) or the data it returned."""
    try:
        return "data:" + op().decode(), None
    except BaseException as e:
        for cls in _CLASSES:
            if isinstance(e, cls):
                return cls.__name__, e
        raise


def read_all(read: Callable[[], bytes]) -> bytes:
    got = b""
    while chunk := read():
        got += chunk
    return got


@contextmanager
def hostile_socket(fault: str, server_side: bool) -> Iterator[socket.socket]:
    """A TCP connection to a hostile peer playing the other side (tlspy's
    end is the server when ``server_side``), closed afterwards."""
    if server_side:
        lsock = socket.create_server(("127.0.0.1", 0))
        lsock.settimeout(PEER_TIMEOUT)
        with lsock, peer_client(lsock.getsockname()[1], hostile(fault, False)):
            conn, _ = lsock.accept()
            conn.settimeout(TIMEOUT)
            with conn:
                yield conn
        return
    with peer_server(hostile(fault, True)) as port, socket.create_connection(
            ("127.0.0.1", port), timeout=TIMEOUT) as raw:
        yield raw


def _side(server_side: bool) -> dict[str, Any]:
    return {"server_side": True} if server_side else {"server_hostname": "localhost"}


def run_blocking(impl: str, fault: str, server_side: bool, **wrap: Any) -> tuple[str, Any]:
    ctx = make_ctx(impl, server_side)
    with hostile_socket(fault, server_side) as sock:

        def op() -> bytes:
            with ctx.wrap_socket(sock, **_side(server_side), **wrap) as tls:
                return read_all(lambda: tls.recv(65536))

        return outcome(op)


def _non_blocking(tls: Any) -> tuple[str, Any]:
    """Handshake and read to the end on a non-blocking socket, waiting in
    select (at most TIMEOUT each time: a stall is a TimeoutError here)."""
    tls.setblocking(False)

    def retry(fn: Callable[[], Any]) -> Any:
        while True:
            try:
                return fn()
            except ssl.SSLWantReadError:
                if not select.select([tls], [], [], TIMEOUT)[0]:
                    raise TimeoutError("select timed out") from None
            except ssl.SSLWantWriteError:
                select.select([], [tls], [], TIMEOUT)

    def op() -> bytes:
        retry(tls.do_handshake)
        return read_all(lambda: retry(lambda: tls.recv(65536)))

    try:
        return outcome(op)
    finally:
        tls.close()


def run_non_blocking(impl: str, fault: str, server_side: bool) -> tuple[str, Any]:
    ctx = make_ctx(impl, server_side)
    with hostile_socket(fault, server_side) as sock:
        return _non_blocking(ctx.wrap_socket(sock, **_side(server_side),
                                             do_handshake_on_connect=False))


def run_asyncio(impl: str, fault: str, server_side: bool) -> tuple[str, Any]:
    ctx = make_ctx(impl, server_side)

    async def client() -> bytes:
        with peer_server(hostile(fault, True)) as port:
            reader, writer = await asyncio.wait_for(asyncio.open_connection(
                "127.0.0.1", port, ssl=ctx, server_hostname="localhost",
                ssl_handshake_timeout=TIMEOUT), TIMEOUT * 2)
            try:
                return await asyncio.wait_for(reader.read(), TIMEOUT)
            finally:
                writer.close()

    async def server() -> bytes:
        got: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()

        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            try:
                got.set_result(await reader.read())
            except BaseException as e:
                got.set_exception(e)
            writer.close()

        loop = asyncio.get_running_loop()

        def on_error(loop: Any, context: dict[str, Any]) -> None:
            if not got.done() and context.get("exception") is not None:
                got.set_exception(context["exception"])

        loop.set_exception_handler(on_error)
        srv = await asyncio.start_server(handle, "127.0.0.1", 0, ssl=ctx,
                                         ssl_handshake_timeout=TIMEOUT)
        port = srv.sockets[0].getsockname()[1]
        async with srv:
            def behave() -> None:
                with contextlib.suppress(OSError, ssl.SSLError), socket.create_connection(
                        ("127.0.0.1", port), timeout=PEER_TIMEOUT) as sock:
                    hostile(fault, False)(sock)

            peer = threading.Thread(target=behave, daemon=True)
            peer.start()
            # The peer ends when the server drops it (or after the stall).
            await loop.run_in_executor(None, peer.join, PEER_TIMEOUT)
            await asyncio.wait({got}, timeout=0.5)
            if got.done():
                return got.result()
            # A failed handshake never reaches the handler (asyncio only
            # logs it); the server must still serve the next client.
            client = make_ctx("ssl", False)
            _, writer = await asyncio.wait_for(asyncio.open_connection(
                "127.0.0.1", port, ssl=client, server_hostname="localhost"), TIMEOUT)
            writer.write(b"next client served")
            await writer.drain()
            writer.close()
            await writer.wait_closed()
            return b"no handler; " + await asyncio.wait_for(got, TIMEOUT)

    return outcome(lambda: asyncio.run(client() if not server_side else server()))


# -- the matrix ------------------------------------------------------------------------

def compare(run: Callable[[str], tuple[str, Any]]) -> tuple[str, Any]:
    started = time.monotonic()
    ours, err = run("tlspy")
    took = time.monotonic() - started
    theirs, _ = run("ssl")
    assert ours == theirs, f"tlspy ended with {ours}, ssl with {theirs}"
    assert took < TIMEOUT * 3 + 2, f"tlspy took {took:.1f} s"
    if err is not None and isinstance(err, ssl.SSLError):
        assert isinstance(err, tlspy.SSLError), "not a tlspy error"
        assert err.reason not in ("SSL", "FAILED"), f"no reason given: {err!r}"
    return ours, err


@pytest.mark.parametrize("fault", HANDSHAKE_FAULTS + RECORD_FAULTS)
@pytest.mark.parametrize("server_side", [False, True], ids=["client", "server"])
def test_blocking(fault: str, server_side: bool) -> None:
    got, _ = compare(lambda impl: run_blocking(impl, fault, server_side))
    expected = {"stall": "TimeoutError", "eof-at-once": "SSLEOFError",
                "eof-after-hello": "SSLEOFError", "garbage": "SSLError",
                "clean-close": "data:" + PAYLOAD.decode()}
    assert got == expected.get(fault, got)


@pytest.mark.parametrize("fault", RECORD_FAULTS)
def test_blocking_without_suppressed_ragged_eofs(fault: str) -> None:
    got, _ = compare(lambda impl: run_blocking(impl, fault, False, suppress_ragged_eofs=False))
    assert got == ("data:" + PAYLOAD.decode() if fault == "clean-close" else "SSLEOFError")


@pytest.mark.parametrize("fault", HANDSHAKE_FAULTS + RECORD_FAULTS)
@pytest.mark.parametrize("server_side", [False, True], ids=["client", "server"])
def test_non_blocking(fault: str, server_side: bool) -> None:
    compare(lambda impl: run_non_blocking(impl, fault, server_side))


@pytest.mark.parametrize("fault", HANDSHAKE_FAULTS + RECORD_FAULTS)
@pytest.mark.parametrize("server_side", [False, True], ids=["client", "server"])
def test_asyncio(fault: str, server_side: bool) -> None:
    got, _ = compare(lambda impl: run_asyncio(impl, fault, server_side))
    if server_side and fault in HANDSHAKE_FAULTS:
        assert got == "data:no handler; next client served"
    if fault == "clean-close":
        assert got == "data:" + PAYLOAD.decode()
